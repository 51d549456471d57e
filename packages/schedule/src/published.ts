/**
 * What the mirrors publish already, as builds a plan need not make again: the
 * signed manifest read from each mirror's public URL, verified with the
 * publisher's public key, and every platform it lists as available. A
 * backfill run (one platform, or a re-run) then builds only what is missing.
 */
import { PLATFORMS, UserError, errorMessage, isUserError, retry, type Reporter } from '@potions/core';
import { MANIFEST_KEY, verifyManifest, type Manifest, type Verifier } from '@potions/manifest';
import { publicUrl, type MirrorConfig } from '@potions/mirrors';
import { ScheduleErrorCode } from './errors';
import type { BuildRef } from './schedule';

/** The public URL of `manifest.json` on each mirror, in the configuration's order. */
export function manifestUrls(mirrors: readonly MirrorConfig[]): string[] {
  return mirrors.map((m) => publicUrl(m, MANIFEST_KEY));
}

/** Every package version and platform a manifest lists as available. */
export function publishedBuilds(manifest: Manifest): BuildRef[] {
  const out: BuildRef[] = [];
  for (const [name, versions] of Object.entries(manifest.packages)) {
    for (const [version, entries] of Object.entries(versions)) {
      for (const platform of PLATFORMS) if (entries[platform]?.status === 'available') out.push({ name, version, platform });
    }
  }
  return out;
}

export interface ReadPublishedOptions {
  /** The manifest's URL on each mirror (`manifestUrls`). */
  urls: readonly string[];
  /** The publisher's public keys: a copy not signed by one is refused. */
  trustedKeys: readonly Verifier[];
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  reporter?: Reporter;
}

export interface PublishedState {
  builds: BuildRef[];
  /** The manifest version read, and where (absent when no mirror has a manifest yet). */
  version?: number;
  source?: string;
  /** URLs that answered 404: no manifest there yet. */
  missing: string[];
}

/** An HTTP answer that is not a manifest, with its status (compared by that field). */
function httpError(status: number, url: string): Error & { httpStatus: number } {
  return Object.assign(new Error(`HTTP ${status} from ${url}`), { httpStatus: status });
}
const statusOf = (err: unknown): number | undefined => (err as { httpStatus?: number } | undefined)?.httpStatus;
const retryable = (err: unknown): boolean => {
  const status = statusOf(err);
  return status === undefined || status >= 500 || status === 429 || status === 408;
};

/**
 * The builds the newest verified manifest on any mirror lists as available
 * (mirrors can be a version apart; a manifest merge never drops an available
 * build, so the newest holds the most). No manifest anywhere (404 on every
 * mirror) is a first release: nothing is available. A mirror that cannot be
 * read, or whose copy does not verify, is passed over with a warning; when no
 * mirror gives a verified copy and not all are 404, that is a UserError: a
 * plan that cannot see what is published would build and publish it again.
 */
export async function readPublishedBuilds(options: ReadPublishedOptions): Promise<PublishedState> {
  const doFetch = options.fetch ?? fetch;
  const missing: string[] = [];
  const refused: string[] = [];
  let best: { manifest: Manifest; url: string } | undefined;
  for (const url of options.urls) {
    let bytes: Uint8Array;
    try {
      bytes = await retry(
        async () => {
          const res = await doFetch(url, { redirect: 'follow', headers: { 'cache-control': 'no-cache' } });
          if (!res.ok) throw httpError(res.status, url);
          return new Uint8Array(await res.arrayBuffer());
        },
        { attempts: 3, shouldRetry: retryable, ...(options.sleep ? { sleep: options.sleep } : {}) },
      );
    } catch (err) {
      if (statusOf(err) === 404) {
        missing.push(url);
        continue;
      }
      refused.push(`${url}: ${errorMessage(err)}`);
      continue;
    }
    try {
      const { manifest } = await verifyManifest(bytes, { trustedKeys: options.trustedKeys, allowExpired: true, source: url });
      if (!best || manifest.version > best.manifest.version) best = { manifest, url };
    } catch (err) {
      if (!isUserError(err)) throw err;
      refused.push(`${url}: ${err.message}`);
    }
  }
  for (const r of refused) options.reporter?.warn(`published manifest passed over: ${r}`);
  if (best) return { builds: publishedBuilds(best.manifest), version: best.manifest.version, source: best.url, missing };
  if (refused.length > 0) {
    throw new UserError(ScheduleErrorCode.Published, `no mirror gave a published manifest signed by a trusted key: ${refused.join('; ')}`, {
      hint: 'check that the mirrors are reachable at their public URLs and that the public key is the one the manifest is signed with',
    });
  }
  return { builds: [], missing };
}
