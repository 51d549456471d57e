/**
 * Who signs keyless: the OIDC token that Fulcio turns into a certificate, and
 * the identity a verifier pins. The package never asks GitHub for anything
 * itself in an action (the action hands in `@actions/core`'s `getIDToken`);
 * `idTokenProviderFromEnv` serves the CLI, which has no `@actions/*`.
 */
import { UserError, errorMessage } from '@potions/core';
import { SigningErrorCode } from './errors';

/** GitHub Actions' OIDC issuer: the `iss` of a job's token, and the issuer Fulcio writes into the certificate. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** The audience Fulcio expects in the token. */
export const SIGSTORE_AUDIENCE = 'sigstore';

/** An OIDC identity token (a JWT) for the Sigstore audience; called once per signature. */
export type IdTokenProvider = () => Promise<string>;

/** The environment variable holding a ready OIDC token for keyless signing outside GitHub's runners. */
export const OIDC_TOKEN_ENV = 'POTIONS_OIDC_TOKEN';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The identity to pin for a GitHub workflow: the certificate SAN that Fulcio
 * writes for it, `https://github.com/OWNER/REPO/PATH@REF`, as a regular
 * expression anchored at both ends. For a reusable workflow the SAN names the
 * reusable workflow (`job_workflow_ref`), not the caller: pin the caller with
 * `sourceRepository` too. `ref` is a regular expression (default any tag).
 */
export function githubWorkflowIdentity(options: { repository: string; workflowPath: string; ref?: string; serverUrl?: string }): string {
  const server = options.serverUrl ?? 'https://github.com';
  const ref = options.ref ?? 'refs/tags/.+';
  return `^${escapeRegExp(`${server}/${options.repository}/${options.workflowPath.replace(/^\/+/, '')}`)}@${ref}$`;
}

/** The claims of a JWT, decoded without checking its signature (Fulcio checks it; this only reads). */
export function claimsOfIdToken(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  try {
    const claims: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    if (typeof claims === 'object' && claims !== null && !Array.isArray(claims)) return claims as Record<string, unknown>;
  } catch {
    // Fall through: the message below never quotes the token.
  }
  throw new UserError(SigningErrorCode.IdentityToken, 'the OIDC identity token is not a JWT (three base64url parts with a JSON payload)', {
    hint: 'pass the raw token (eyJ...), not a file name or a JSON document',
  });
}

/**
 * A token provider for the CLI, or undefined when no token can be had:
 * `POTIONS_OIDC_TOKEN` (a ready token), else GitHub's job token endpoint
 * (`ACTIONS_ID_TOKEN_REQUEST_URL` and `_TOKEN`, present in a step of a job with
 * `permissions: id-token: write`), asked as documented: `GET <url>&audience=sigstore`
 * with `Authorization: Bearer <request token>`, answered by `{ "value": <JWT> }`.
 */
export function idTokenProviderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: { fetch?: typeof fetch; secret?: (value: string) => void } = {},
): { provider: IdTokenProvider; source: string } | undefined {
  const secret = options.secret ?? (() => {});
  const ready = env[OIDC_TOKEN_ENV]?.trim();
  if (ready) {
    secret(ready);
    return { provider: async () => ready, source: OIDC_TOKEN_ENV };
  }
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) return undefined;
  secret(bearer);
  const doFetch = options.fetch ?? fetch;
  const provider: IdTokenProvider = async () => {
    const target = `${url}${url.includes('?') ? '&' : '?'}audience=${encodeURIComponent(SIGSTORE_AUDIENCE)}`;
    let res: Response;
    try {
      res = await doFetch(target, { headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' } });
    } catch (err) {
      throw new UserError(SigningErrorCode.IdentityToken, `cannot reach GitHub's OIDC token endpoint: ${errorMessage(err)}`);
    }
    const text = await res.text();
    if (!res.ok) {
      throw new UserError(SigningErrorCode.IdentityToken, `GitHub's OIDC token endpoint answered ${res.status}: ${text.slice(0, 200)}`, {
        hint: 'the job needs `permissions: id-token: write`',
      });
    }
    let value: unknown;
    try {
      value = (JSON.parse(text) as { value?: unknown }).value;
    } catch {
      value = undefined;
    }
    if (typeof value !== 'string' || value === '') {
      throw new UserError(SigningErrorCode.IdentityToken, 'GitHub\'s OIDC token endpoint answered without a "value"');
    }
    secret(value);
    return value;
  };
  return { provider, source: 'ACTIONS_ID_TOKEN_REQUEST_URL' };
}
