/**
 * The Sigstore trusted root: the Fulcio CAs, Rekor logs, CT logs and
 * timestamp authorities a keyless verification trusts. For Sigstore's
 * public-good instance it comes through TUF (`@sigstore/tuf`, cached on
 * disk, refreshed when stale); for a private instance or a test, from a
 * `trusted_root.json` file.
 */
import { promises as fs } from 'node:fs';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { getTrustedRoot } from '@sigstore/tuf';
import { UserError, errorMessage } from '@potions/core';
import { SigningErrorCode } from './errors';

export type { TrustedRoot };

/** A trusted root as JSON (`application/vnd.dev.sigstore.trustedroot+json`). */
export type TrustedRootJson = Record<string, unknown>;

/** Where a verification gets its trusted root: the JSON, or a loader called only when a keyless bundle needs it. */
export type TrustedRootSource = TrustedRootJson | (() => Promise<TrustedRootJson>);

export function trustedRootFromJson(json: unknown, source = 'the trusted root'): TrustedRoot {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { tlogs?: unknown }).tlogs) || !Array.isArray((json as { certificateAuthorities?: unknown }).certificateAuthorities)) {
    throw new UserError(SigningErrorCode.TrustedRoot, `${source} is not a Sigstore trusted root (no "tlogs" and "certificateAuthorities" lists)`, {
      location: { file: source },
      hint: 'expected a trusted_root.json (media type application/vnd.dev.sigstore.trustedroot+json)',
    });
  }
  try {
    return TrustedRoot.fromJSON(json);
  } catch (err) {
    throw new UserError(SigningErrorCode.TrustedRoot, `${source} is not a Sigstore trusted root: ${errorMessage(err)}`, { location: { file: source } });
  }
}

/** A trusted root file, checked, as JSON. */
export async function trustedRootFromFile(file: string): Promise<TrustedRootJson> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(SigningErrorCode.TrustedRoot, `cannot read the trusted root ${file}: ${errorMessage(err)}`, { location: { file } });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(SigningErrorCode.TrustedRoot, `${file} is not JSON: ${errorMessage(err)}`, { location: { file } });
  }
  trustedRootFromJson(json, file);
  return json as TrustedRootJson;
}

export interface PublicGoodTrustedRootOptions {
  /** The TUF cache folder (default: @sigstore/tuf's, under the user's application data). */
  cachePath?: string;
  /** The TUF repository (default Sigstore's CDN). */
  mirrorUrl?: string;
  timeoutMs?: number;
}

/** Sigstore's public-good trusted root, through TUF. Needs the network when the cache is stale. */
export async function publicGoodTrustedRoot(options: PublicGoodTrustedRootOptions = {}): Promise<TrustedRootJson> {
  try {
    const root = await getTrustedRoot({
      ...(options.cachePath ? { cachePath: options.cachePath } : {}),
      ...(options.mirrorUrl ? { mirrorURL: options.mirrorUrl } : {}),
      timeout: options.timeoutMs ?? 10_000,
      retry: 1,
    });
    return TrustedRoot.toJSON(root) as TrustedRootJson;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new UserError(
      SigningErrorCode.TrustedRoot,
      `cannot update Sigstore's trusted root through TUF (${options.mirrorUrl ?? 'https://tuf-repo-cdn.sigstore.dev'}): ${errorMessage(err)}${cause !== undefined ? `: ${errorMessage(cause)}` : ''}`,
      { hint: 'keyless verification needs it once in a while; offline, pass a trusted_root.json file instead' },
    );
  }
}

/** Resolve a `TrustedRootSource` to the protobuf form @sigstore/verify reads. */
export async function resolveTrustedRoot(source: TrustedRootSource): Promise<TrustedRoot> {
  return trustedRootFromJson(typeof source === 'function' ? await source() : source);
}
