/** The local mirrors as configurations, and the probe that tells one is running on a port. */

/** s3rver's fixed credentials. Not secret: they only open a local test server. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const LOCAL_BUCKET = 'potions';
/** The ports `potions mirrors serve` and a local `potions release` use by default. */
export const DEFAULT_LOCAL_PORTS = [4568, 4569] as const;

/**
 * One local mirror, as a `MirrorConfig` of `@potions/mirrors` (this package
 * does not depend on it, so that the mirrors package's tests can use these
 * servers; the shape is checked wherever one is passed as a `MirrorConfig`).
 */
export interface LocalMirrorConfig {
  name: string;
  provider: 's3rver';
  endpoint: string;
  bucket: string;
  prefix: string;
  region: string;
  forcePathStyle: boolean;
  staticCredentials: { accessKeyId: string; secretAccessKey: string };
}

export function localMirrorConfig(index: number, port: number): LocalMirrorConfig {
  return {
    name: `local-${index + 1}`,
    provider: 's3rver',
    endpoint: `http://127.0.0.1:${port}`,
    bucket: LOCAL_BUCKET,
    prefix: '',
    region: 'us-east-1',
    forcePathStyle: true,
    staticCredentials: { ...LOCAL_CREDENTIALS },
  };
}

/** Whether an S3 server with our bucket answers on this port (an anonymous HEAD of the bucket, 2 s at most). */
export async function isLocalMirrorRunning(port: number): Promise<boolean> {
  try {
    // A port held by a program that never answers must not hang here: the signal ends the wait.
    const res = await fetch(`http://127.0.0.1:${port}/${LOCAL_BUCKET}`, { method: 'HEAD', signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}
