/**
 * Read a manifest the way a consumer must: every location given (one
 * `manifest.json` URL per mirror, or files) is read, each through the
 * download client (retries, timeouts, the minimum throughput), and the newest
 * copy that passes `acceptNewestManifest` (signature, schema, not older than
 * the highest version accepted for the same signing key from any mirror, not
 * expired) is taken. So a mirror left stale by an interrupted release, or one
 * serving a tampered or rolled-back copy, never hides a good newer copy on
 * another. Once one acceptable copy is in, the other locations get
 * `graceMs` more: a mirror that trickles its copy does not hold the reader.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage, isUserError } from '@potions/core';
import type { Now, Reporter } from '@potions/core';
import { downloadToBuffer } from '@potions/downloader';
import type { TransferOptions } from '@potions/downloader';
import { acceptNewestManifest, verifyManifest } from '@potions/manifest';
import type { Manifest, ManifestCopy, RefusedManifest, SignedManifest, TrustStore, Verifier } from '@potions/manifest';
import { PipelineErrorCode } from './errors';

/** Download settings a caller may pass through (timeouts, retry policy, minimum throughput, breaker, events). */
export type DownloadSettings = Omit<TransferOptions, 'urls' | 'sha256' | 'digests' | 'size' | 'label' | 'reporter'>;

/** How long the other locations are waited for once one acceptable copy is in. */
export const DEFAULT_MANIFEST_GRACE_MS = 3_000;

export interface ReadManifestOptions {
  /** Every location of the manifest: http(s) URLs (one per mirror) and/or files. Each one is read. */
  sources: readonly string[];
  trustedKeys: readonly Verifier[];
  trustStore: TrustStore;
  /** The clock expiry is checked against and the trust store remembers. Default `systemNow`. */
  now?: Now;
  reporter?: Reporter;
  download?: DownloadSettings;
  /** After the first acceptable copy, wait at most this long for the other locations. Default 3 s. */
  graceMs?: number;
}

export interface ReadManifestResult {
  manifest: Manifest;
  /** The stored envelope (schema version 2 documents). */
  envelope?: SignedManifest;
  keyid: string;
  /** The URL (or absolute file path) whose copy was accepted. */
  source: string;
  /** HTTP requests made for the manifest. */
  attempts: number;
  /** Copies refused (tampered, rolled back, expired, unreachable, not waited for), with why. */
  refused: RefusedManifest[];
  /** Copies that passed, but are older than the one taken. */
  older: { source: string; version: number }[];
}

const isHttp = (s: string): boolean => /^https?:\/\//i.test(s);

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'E_INTERNAL';
}

export async function readVerifiedManifest(options: ReadManifestOptions): Promise<ReadManifestResult> {
  const sources = [...new Set(options.sources.map((s) => (isHttp(s) ? s : path.resolve(s))))];
  if (sources.length === 0) {
    throw new UserError(PipelineErrorCode.Options, 'no manifest location given', {
      location: { field: 'manifest' },
      hint: 'give the manifest URL of every mirror (https://mirror.example/potions/manifest.json), or a manifest file',
    });
  }
  const graceMs = options.graceMs ?? DEFAULT_MANIFEST_GRACE_MS;
  const copies: (ManifestCopy | undefined)[] = sources.map(() => undefined);
  const refused: RefusedManifest[] = [];
  const controllers = sources.map(() => new AbortController());
  let attempts = 0;
  let firstError: unknown;
  let grace: NodeJS.Timeout | undefined;
  const abandon = (): void => {
    for (const c of controllers) c.abort();
  };

  await Promise.all(
    sources.map(async (source, i) => {
      let bytes: Uint8Array;
      try {
        bytes = isHttp(source) ? await download(source, controllers[i]!.signal, options, (n) => (attempts += n)) : await readFile(source);
      } catch (err) {
        if (!isUserError(err)) throw err;
        firstError ??= err;
        const abandoned = controllers[i]!.signal.aborted;
        refused.push({
          source,
          code: codeOf(err),
          message: abandoned ? `not waited for: no copy within ${graceMs / 1000} s of an acceptable one from another location` : errorMessage(err),
        });
        return;
      }
      copies[i] = { source, bytes };
      // The first acceptable copy starts the grace period for the others.
      if (grace === undefined && (await acceptable(bytes, options))) grace = setTimeout(abandon, graceMs);
    }),
  ).finally(() => clearTimeout(grace));

  const read = copies.filter((c): c is ManifestCopy => c !== undefined);
  if (read.length === 0) {
    if (sources.length === 1) throw firstError;
    throw new UserError(refused.find((r) => r.code.startsWith('E_MANIFEST_'))?.code ?? refused[0]!.code, `no manifest could be read from ${sources.length} locations:\n${refused.map((r) => `  ${r.source}: ${r.message}`).join('\n')}`, {
      location: { file: sources[0] },
    });
  }
  let accepted;
  try {
    accepted = await acceptNewestManifest(read, { trustedKeys: options.trustedKeys, trustStore: options.trustStore, ...(options.now ? { now: options.now } : {}) });
  } catch (err) {
    // Name the locations that could not even be read too.
    if (!isUserError(err) || refused.length === 0) throw err;
    throw new UserError(err.code, `${err.message}\n${refused.map((r) => `  ${r.source}: ${r.message}`).join('\n')}`, {
      ...(err.location ? { location: err.location } : {}),
      cause: err,
    });
  }
  const allRefused = [...refused, ...accepted.refused];
  for (const r of allRefused) options.reporter?.warn(`manifest at ${r.source} refused: ${r.message}`);
  for (const o of accepted.older) options.reporter?.info(`manifest at ${o.source} is version ${o.version}, older than version ${accepted.manifest.version} from ${accepted.source}: not used`);
  return {
    manifest: accepted.manifest,
    ...(accepted.envelope ? { envelope: accepted.envelope } : {}),
    keyid: accepted.keyid,
    source: accepted.source,
    attempts,
    refused: allRefused,
    older: accepted.older,
  };
}

async function download(url: string, signal: AbortSignal, options: ReadManifestOptions, count: (n: number) => void): Promise<Uint8Array> {
  const got = await downloadToBuffer({
    ...options.download,
    urls: [url],
    maxBytes: 64 * 1024 * 1024,
    label: 'manifest.json',
    signal: options.download?.signal ? AbortSignal.any([options.download.signal, signal]) : signal,
    ...(options.reporter ? { reporter: options.reporter } : {}),
  });
  count(got.attempts);
  return new Uint8Array(got.data);
}

async function readFile(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (err) {
    throw new UserError(PipelineErrorCode.Manifest, `cannot read the manifest ${file}: ${errorMessage(err)}`, {
      location: { file },
      hint: 'pass a manifest file or an http(s) URL such as https://mirror.example/potions/manifest.json',
    });
  }
}

/** Whether a copy passes signature, schema and expiry (the rollback memory is checked when the newest is chosen). */
async function acceptable(bytes: Uint8Array, options: ReadManifestOptions): Promise<boolean> {
  try {
    await verifyManifest(bytes, { trustedKeys: options.trustedKeys, ...(options.now ? { now: options.now } : {}) });
    return true;
  } catch {
    return false;
  }
}
