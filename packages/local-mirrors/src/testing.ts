/**
 * Test helpers other packages may use with the local mirrors (imported as
 * `@potions/local-mirrors/testing`, never from the package's index).
 */
import { LOCAL_CREDENTIALS } from './config';

/**
 * Environment that makes `rclone` (a second, independent S3 client) reach a local
 * mirror as the remote `m:`, without a config file. AWS_CA_BUNDLE is left out on
 * purpose: rclone fails on it when it points nowhere.
 */
export function rcloneEnv(mirror: { endpoint: string }, home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    RCLONE_CONFIG_M_TYPE: 's3',
    RCLONE_CONFIG_M_PROVIDER: 'Other',
    RCLONE_CONFIG_M_ENDPOINT: mirror.endpoint,
    RCLONE_CONFIG_M_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    RCLONE_CONFIG_M_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    RCLONE_CONFIG_M_FORCE_PATH_STYLE: 'true',
    RCLONE_CONFIG_M_REGION: 'us-east-1',
  };
}
