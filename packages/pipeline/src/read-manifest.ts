/**
 * Read a manifest the way a consumer must: through the download client (every
 * mirror's URL, retries, failover), then `acceptManifest` (signature, schema,
 * not older than the highest version accepted for the same signing key from
 * any mirror, not expired). A copy
 * that fails verification on one mirror does not stop the reader: the next
 * mirror's copy is tried, and only when none is acceptable is the first
 * refusal reported (with every other one in the message).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage, hasCode, isUserError } from '@potions/core';
import type { Now, Reporter } from '@potions/core';
import { downloadToBuffer } from '@potions/downloader';
import type { TransferOptions } from '@potions/downloader';
import { ManifestErrorCode, acceptManifest } from '@potions/manifest';
import type { Manifest, SignedManifest, TrustStore, Verifier } from '@potions/manifest';
import { PipelineErrorCode } from './errors';

/** Download settings a caller may pass through (timeouts, retry policy, breaker, events). */
export type DownloadSettings = Omit<TransferOptions, 'urls' | 'sha256' | 'digests' | 'size' | 'label' | 'reporter'>;

export interface ReadManifestOptions {
  /** http(s) URLs, one per mirror, tried in order; or one local file path. */
  sources: readonly string[];
  trustedKeys: readonly Verifier[];
  trustStore: TrustStore;
  /** The clock expiry is checked against and the trust store remembers. Default `systemNow`. */
  now?: Now;
  reporter?: Reporter;
  download?: DownloadSettings;
}

export interface ReadManifestResult {
  manifest: Manifest;
  envelope?: SignedManifest;
  keyid: string;
  /** The URL (or absolute file path) whose copy was accepted. */
  source: string;
  /** HTTP requests made for the manifest. */
  attempts: number;
  /** Copies refused before the accepted one, with why. */
  refused: { source: string; code: string; message: string }[];
}

const isHttp = (s: string): boolean => /^https?:\/\//i.test(s);

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'E_INTERNAL';
}

export async function readVerifiedManifest(options: ReadManifestOptions): Promise<ReadManifestResult> {
  const sources = [...options.sources];
  if (sources.length === 0) {
    throw new UserError(PipelineErrorCode.Options, 'no manifest location given', {
      location: { field: 'manifest' },
      hint: 'give the manifest URL of every mirror (https://mirror.example/potions/manifest.json), or a manifest file',
    });
  }
  const urls = sources.filter(isHttp);
  if (urls.length !== sources.length) {
    if (sources.length > 1) {
      throw new UserError(PipelineErrorCode.Options, `the manifest locations are several http(s) URLs or one file, got: ${sources.join(', ')}`, {
        location: { field: 'manifest' },
      });
    }
    const file = path.resolve(sources[0]!);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await fs.readFile(file));
    } catch (err) {
      throw new UserError(PipelineErrorCode.Manifest, `cannot read the manifest ${file}: ${errorMessage(err)}`, {
        location: { file },
        hint: 'pass a manifest file or an http(s) URL such as https://mirror.example/potions/manifest.json',
      });
    }
    const verified = await acceptManifest(bytes, { url: file, trustedKeys: options.trustedKeys, trustStore: options.trustStore, ...(options.now ? { now: options.now } : {}) });
    return { ...verified, source: file, attempts: 0, refused: [] };
  }

  const refused: ReadManifestResult['refused'] = [];
  const firstError: { err?: unknown } = {};
  let attempts = 0;
  let remaining = urls;
  while (remaining.length > 0) {
    let got;
    try {
      got = await downloadToBuffer({
        ...options.download,
        urls: remaining,
        maxBytes: 64 * 1024 * 1024,
        label: 'manifest.json',
        ...(options.reporter ? { reporter: options.reporter } : {}),
      });
    } catch (err) {
      // Every remaining mirror failed to deliver: the refusals so far say more than this.
      firstError.err ??= err;
      refused.push(...remaining.map((u) => ({ source: u, code: codeOf(err), message: errorMessage(err) })));
      break;
    }
    attempts += got.attempts;
    try {
      const verified = await acceptManifest(got.data, {
        url: got.url,
        trustedKeys: options.trustedKeys,
        trustStore: options.trustStore,
        ...(options.now ? { now: options.now } : {}),
      });
      for (const r of refused) options.reporter?.warn(`manifest at ${r.source} refused: ${r.message}`);
      return { ...verified, source: got.url, attempts, refused };
    } catch (err) {
      // A refusal of this copy (signature, rollback, expiry, schema) sends us to the next mirror;
      // anything else (a bug, an unreadable trust-state file) would fail the same way everywhere.
      if (!isUserError(err) || hasCode(err, ManifestErrorCode.TrustState)) throw err;
      firstError.err ??= err;
      refused.push({ source: got.url, code: codeOf(err), message: errorMessage(err) });
      remaining = remaining.slice(remaining.indexOf(got.url) + 1);
    }
  }
  const first = firstError.err;
  if (urls.length === 1) throw first;
  const code = refused.find((r) => r.code.startsWith('E_MANIFEST_'))?.code ?? codeOf(first);
  throw new UserError(code, `no acceptable manifest at ${urls.length} locations:\n${refused.map((r) => `  ${r.source}: ${r.message}`).join('\n')}`, {
    location: { file: urls[0] },
    cause: first,
  });
}
