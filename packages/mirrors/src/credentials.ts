/**
 * Where a mirror's credentials come from, in this order:
 * 1. `staticCredentials` given in code (embedded local mirrors only);
 * 2. `roleArn`: a web-identity (OIDC) token exchanged with STS for a role;
 * 3. the variables named in the file (`credentials.accessKeyIdEnv`, ...);
 * 4. POTIONS_MIRROR_<NAME>_ACCESS_KEY_ID / _SECRET_ACCESS_KEY / _SESSION_TOKEN;
 * 5. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.
 * Every value found is handed to `Reporter.secret()` before anything is logged.
 */
import { readFile } from 'node:fs/promises';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { fromWebToken } from '@aws-sdk/credential-providers';
import { UserError, type Reporter } from '@potions/core';
import { credentialEnvNames, type MirrorConfig } from './config';
import { MirrorsErrorCode } from './errors';

export interface CredentialDeps {
  env?: NodeJS.ProcessEnv;
  reporter: Reporter;
  /**
   * Returns an OIDC token for `roleArn` mirrors. The mirror-sync action passes
   * `core.getIDToken('sts.amazonaws.com')`; otherwise POTIONS_WEB_IDENTITY_TOKEN
   * or the file in AWS_WEB_IDENTITY_TOKEN_FILE is used.
   */
  webIdentityToken?: () => Promise<string>;
}

export function resolveCredentials(
  mirror: MirrorConfig,
  deps: CredentialDeps,
): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  const env = deps.env ?? process.env;
  const mask = (c: AwsCredentialIdentity): AwsCredentialIdentity => {
    deps.reporter.secret(c.accessKeyId);
    deps.reporter.secret(c.secretAccessKey);
    if (c.sessionToken) deps.reporter.secret(c.sessionToken);
    return c;
  };
  if (mirror.staticCredentials) return mask(mirror.staticCredentials);
  if (mirror.roleArn) {
    const roleArn = mirror.roleArn;
    let cached: Promise<AwsCredentialIdentity> | undefined;
    return () => {
      cached ??= (async () => {
        const token = await webToken(mirror, env, deps.webIdentityToken);
        deps.reporter.secret(token);
        const provider = fromWebToken({
          roleArn,
          webIdentityToken: token,
          roleSessionName: `potions-${mirror.name}`,
          clientConfig: { region: mirror.region === 'auto' ? 'us-east-1' : mirror.region },
        });
        return mask(await provider());
      })();
      return cached;
    };
  }
  const named = mirror.credentialsEnv;
  if (named) {
    const accessKeyId = env[named.accessKeyId];
    const secretAccessKey = env[named.secretAccessKey];
    if (!accessKeyId || !secretAccessKey) {
      // No "mirror <name>:" prefix: every caller puts the mirror's name in front (or in a MIRROR column).
      throw new UserError(
        MirrorsErrorCode.NoCredentials,
        `${!accessKeyId ? named.accessKeyId : named.secretAccessKey} is not set: set ${named.accessKeyId} and ${named.secretAccessKey} (the variables named in its credentials:)`,
        { hint: 'in CI, expose them from repository or environment secrets' },
      );
    }
    const sessionToken = named.sessionToken ? env[named.sessionToken] : undefined;
    return mask({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) });
  }
  const own = credentialEnvNames(mirror.name);
  for (const names of [own, { accessKeyId: 'AWS_ACCESS_KEY_ID', secretAccessKey: 'AWS_SECRET_ACCESS_KEY', sessionToken: 'AWS_SESSION_TOKEN' }]) {
    const accessKeyId = env[names.accessKeyId];
    const secretAccessKey = env[names.secretAccessKey];
    if (accessKeyId && secretAccessKey) {
      const sessionToken = env[names.sessionToken];
      return mask({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) });
    }
  }
  // The variables go in the message itself (callers print only the message, prefixed with the mirror's name).
  throw new UserError(
    MirrorsErrorCode.NoCredentials,
    `no credentials in the environment: set ${own.accessKeyId} and ${own.secretAccessKey} (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or give the mirror a roleArn`,
    { hint: 'in CI, expose them from repository or environment secrets; see docs/mirrors.md, "Credentials"' },
  );
}

async function webToken(
  mirror: MirrorConfig,
  env: NodeJS.ProcessEnv,
  provider: (() => Promise<string>) | undefined,
): Promise<string> {
  if (provider) return provider();
  if (env.POTIONS_WEB_IDENTITY_TOKEN) return env.POTIONS_WEB_IDENTITY_TOKEN;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return (await readFile(env.AWS_WEB_IDENTITY_TOKEN_FILE, 'utf8')).trim();
  throw new UserError(MirrorsErrorCode.NoCredentials, 'roleArn is set but there is no web-identity token', {
    hint: 'in GitHub Actions give the job `permissions: id-token: write`; elsewhere set POTIONS_WEB_IDENTITY_TOKEN or AWS_WEB_IDENTITY_TOKEN_FILE',
  });
}
