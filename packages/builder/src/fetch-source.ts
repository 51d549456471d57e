import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage, hasCode, redactUrl, type Reporter } from '@potions/core';
import { BuilderErrorCode } from './errors';
import type { SignatureCheck, SourceRef } from './build-job';
import { fileNameOfUrl } from './build-job';
import type { Exec } from '@potions/core';
import { verifyDetachedSignature, type SignatureVerdict } from './signature';
import { candidateSources, candidateUrls, type CandidateUrl } from './source-mirrors';

/** The network, as the builder needs it. The default is `@potions/downloader` (see `transport.ts`). */
export interface SourceTransport {
  /** Download to `dest` from the first URL that works, checking `sha256` when given. */
  downloadFile(req: { urls: string[]; dest: string; sha256?: string; label: string }): Promise<{ url: string; sha256: string }>;
  /** A small file (a signature, a key) in memory. */
  downloadBytes(req: { urls: string[]; label: string }): Promise<{ url: string; bytes: Uint8Array }>;
}

/** What was fetched, for the metadata and the cache key. */
export interface FetchedSource {
  /** The downloaded file, or the cloned folder for git. */
  path: string;
  kind: 'file' | 'git';
  /** The recipe's URL of the file (for git, the clone URL). */
  url: string;
  /** The URL that answered, when it is not `url` (a source mirror's). May hold credentials: redact before showing it. */
  from?: string;
  /** SHA-256 of the file; for git, the commit id. */
  sha256: string;
  /** For git: the commit time (seconds since the epoch). */
  commitTime?: number;
  /** `url`/`from` as for the file itself. */
  signature?: SignatureVerdict & { url: string; from?: string; keys: string[] };
}

export interface FetchOptions {
  source: SourceRef;
  /** User source mirrors (`BASE/<host>/<path>`). */
  mirrors: string[];
  dir: string;
  transport: SourceTransport;
  exec: Exec;
  env: Record<string, string>;
  reporter: Reporter;
  /** Relative key paths are read from here (the recipe's folder). */
  baseDir?: string;
  /** For messages. */
  subject: string;
}

/** Download (or clone) the source, then verify its pinned digest and its signature. */
export async function fetchSource(opts: FetchOptions): Promise<FetchedSource> {
  const src = opts.source;
  await fs.mkdir(opts.dir, { recursive: true });
  if (src.kind === 'git') return cloneGit(opts, src.url, src.ref);

  const candidates = candidateSources(src.urls, opts.mirrors);
  const urls = candidates.map((c) => c.url);
  const fileName = fileNameOfUrl(src.urls[0] ?? '', `${opts.subject}.download`);
  const dest = path.join(opts.dir, fileName);
  opts.reporter.info(`downloading ${fileName} (${urls.length} location${urls.length === 1 ? '' : 's'} to try)`);
  const got = await opts.transport.downloadFile({ urls, dest, sha256: src.sha256, label: fileName });
  // The downloader checked the pin; check again here so that a transport that
  // forgot cannot let a wrong file through.
  const actual = await sha256File(dest);
  if (src.sha256 && actual !== src.sha256.toLowerCase()) {
    throw new UserError(BuilderErrorCode.Sha256Mismatch, `${fileName} from ${redactUrl(got.url)} has sha256 ${actual}, but the recipe pins ${src.sha256}`, {
      hint: 'the file changed upstream or on a mirror; do not use it until the pin is checked',
    });
  }
  const fetched: FetchedSource = { path: dest, kind: 'file', ...answeredBy(candidates, got.url), sha256: actual };
  if (src.signature) {
    fetched.signature = await checkSignature(opts, src.signature, dest, fileName);
  }
  return fetched;
}

/**
 * The recipe URL behind the URL that answered (which a transport may report
 * redacted), and that URL when it was a source mirror's.
 */
function answeredBy(candidates: readonly CandidateUrl[], answered: string): { url: string; from?: string } {
  const c = candidates.find((x) => x.url === answered || redactUrl(x.url) === answered);
  if (!c) return { url: answered };
  return c.url === c.upstream ? { url: c.upstream } : { url: c.upstream, from: answered };
}

async function checkSignature(opts: FetchOptions, check: SignatureCheck, file: string, fileName: string): Promise<FetchedSource['signature']> {
  const sigCandidates = candidateSources(check.urls, opts.mirrors);
  const sig = await opts.transport.downloadBytes({ urls: sigCandidates.map((c) => c.url), label: `${fileName} signature` });

  const keys: { origin: string; bytes: Uint8Array }[] = [];
  for (const key of check.keys) keys.push(await readKey(opts, key));
  if (check.keys.length === 0) {
    throw new UserError(BuilderErrorCode.SignatureKeys, `signature verification of ${fileName} is on, but the recipe names no key file`, {
      hint: 'set security.gpg_keys_url to the upstream signing key (a URL, or a path beside the recipe)',
    });
  }
  const verdict = await verifyDetachedSignature({
    data: await fs.readFile(file),
    signature: sig.bytes,
    keys,
    fingerprints: check.fingerprints,
    subject: fileName,
  });
  opts.reporter.info(`good signature on ${fileName} by ${verdict.userId ?? verdict.fingerprint} (${verdict.fingerprint})`);
  return { ...verdict, ...answeredBy(sigCandidates, sig.url), keys: keys.map((k) => redactUrl(k.origin)) };
}

async function readKey(opts: FetchOptions, ref: string): Promise<{ origin: string; bytes: Uint8Array }> {
  if (/^https?:\/\//i.test(ref)) {
    const got = await opts.transport.downloadBytes({ urls: candidateUrls([ref], opts.mirrors), label: 'signing keys' });
    return { origin: got.url, bytes: got.bytes };
  }
  const file = ref.startsWith('file://') ? new URL(ref).pathname : path.resolve(opts.baseDir ?? process.cwd(), ref);
  try {
    return { origin: file, bytes: await fs.readFile(file) };
  } catch (err) {
    throw new UserError(BuilderErrorCode.SignatureKeys, `cannot read the signing keys at ${file}: ${errorMessage(err)}`, {
      hint: 'security.gpg_keys_url is a URL or a path relative to the recipe file',
    });
  }
}

/** `git clone --depth 1 --branch REF -- URL DIR`: an argument vector, the ref and URL never reach a shell. */
async function cloneGit(opts: FetchOptions, url: string, ref: string): Promise<FetchedSource> {
  if (ref.startsWith('-') || url.startsWith('-')) {
    throw new UserError(BuilderErrorCode.GitRef, `refusing git URL or ref that starts with "-": ${url} ${ref}`);
  }
  const dest = path.join(opts.dir, 'git');
  opts.reporter.info(`cloning ${redactUrl(url)} at ${ref}`);
  const env = { ...opts.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' };
  const res = await opts.exec({
    argv: ['git', '-c', 'advice.detachedHead=false', 'clone', '--depth', '1', '--branch', ref, '--', url, dest],
    cwd: opts.dir,
    env,
    timeoutMs: 15 * 60_000,
  });
  if (res.exitCode !== 0) {
    throw new UserError(BuilderErrorCode.GitClone, `git clone of ${redactUrl(url)} at ${ref} failed: ${res.tail.trim().split('\n').slice(-3).join(' ')}`);
  }
  const chunks: Buffer[] = [];
  await opts.exec({ argv: ['git', 'log', '-1', '--format=%H %ct'], cwd: dest, env, onOutput: (c) => chunks.push(c) });
  const [commit = '', time = ''] = Buffer.concat(chunks).toString('utf8').trim().split(' ');
  await fs.rm(path.join(dest, '.git'), { recursive: true, force: true });
  return { path: dest, kind: 'git', url, sha256: `git:${commit}`, commitTime: /^\d+$/.test(time) ? Number(time) : undefined };
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  const fh = await fs.open(file, 'r');
  try {
    for await (const chunk of fh.createReadStream()) hash.update(chunk as Buffer);
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/** True when a download failed because no location had the file (as opposed to a verification failure). */
export function isUnreachable(err: unknown): boolean {
  if (!hasCode(err, 'E_DOWNLOAD_FAILED')) return false;
  const mirrors = (err as { mirrors?: { errorClass?: string }[] }).mirrors ?? [];
  return !mirrors.some((m) => m.errorClass === 'integrity');
}
