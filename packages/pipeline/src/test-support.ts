/**
 * Fixtures shared by this package's tests (not part of the public API): the
 * `greet` recipe, its source tarballs, and two real S3 servers with a
 * request-counting proxy in front of each.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hostPlatform } from '@potions/core';
import { CircuitBreaker } from '@potions/downloader';
import { startLocalMirrors } from '@potions/local-mirrors';
import type { LocalMirrors } from '@potions/local-mirrors';
import type { MirrorConfig } from '@potions/mirrors';
import { startS3Proxy } from '@potions/mirrors/testing';
import type { S3Proxy } from '@potions/mirrors/testing';
import type { DownloadSettings } from './read-manifest';
import type { ReleaseOptions } from './release';

const run = promisify(execFile);

const here = path.dirname(fileURLToPath(import.meta.url));
export const GREET_RECIPE = path.join(here, 'testdata', 'greet.yml');
/** The OSV records of `@potions/sbom`'s tests (zlib's CVE-2023-45853 and CVE-2022-37434): releases to configured mirrors must scan. */
export const OSV_RECORDS = path.resolve(here, '../../sbom/src/testdata/osv');

/** Write `greet-<version>.tar.gz` (top folder `greet-<version>`) into `dir`. */
export async function writeGreetSource(dir: string, version: string, message = `Hello from greet ${version}`): Promise<string> {
  const work = await fs.mkdtemp(path.join(dir, '.src-'));
  const top = path.join(work, `greet-${version}`);
  await fs.mkdir(top);
  await fs.writeFile(
    path.join(top, 'greet.in'),
    '#!/bin/sh\ncase "$1" in --version) echo "greet @VERSION@"; exit 0 ;; esac\nexec cat "@PREFIX@/share/greet/message.txt"\n',
  );
  await fs.writeFile(path.join(top, 'message.txt'), `${message}\n`);
  const file = path.join(dir, `greet-${version}.tar.gz`);
  await run('tar', ['-czf', file, '-C', work, `greet-${version}`]);
  await fs.rm(work, { recursive: true, force: true });
  return file;
}

export interface TwoMirrors {
  local: LocalMirrors;
  proxies: S3Proxy[];
  /** The mirrors as the release sees them: each through its proxy. */
  mirrors: MirrorConfig[];
  close(): Promise<void>;
}

export async function startTwoMirrors(dir: string): Promise<TwoMirrors> {
  const local = await startLocalMirrors({ dir, ports: [0, 0] });
  const proxies = await Promise.all(local.mirrors.map((m) => startS3Proxy(m.endpoint)));
  const mirrors = local.mirrors.map((m, i) => ({ ...m, endpoint: proxies[i]!.url }));
  return {
    local,
    proxies,
    mirrors,
    close: async () => {
      await Promise.all(proxies.map((p) => p.close()));
      await local.close();
    },
  };
}

/** `describe` where the greet recipe builds and installs (a Linux host of a known platform), else `describe.skip`. */
export const describeOnLinuxHost = hostPlatform() && os.platform() === 'linux' ? describe : describe.skip;

export interface GreetMirrors {
  /** A fresh temporary folder, removed after all the tests. */
  root: string;
  /** `root/upstream`: the greet source tarballs, for `sourceDirs`. */
  sources: string;
  two: TwoMirrors;
}

/**
 * Call inside a `describe`: before all its tests, make a temporary folder
 * (named from `prefix`) with greet sources of `versions` and start two
 * mirrors; afterwards stop them and remove the folder. The fields are set
 * once the `beforeAll` has run.
 */
export function useGreetMirrors(prefix: string, versions: string[]): GreetMirrors {
  const world = {} as GreetMirrors;
  beforeAll(async () => {
    world.root = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    world.sources = path.join(world.root, 'upstream');
    await fs.mkdir(world.sources);
    for (const v of versions) await writeGreetSource(world.sources, v);
    world.two = await startTwoMirrors(path.join(world.root, 'mirrors'));
  });
  afterAll(async () => {
    await world.two?.close();
    if (world.root) await fs.rm(world.root, { recursive: true, force: true });
  });
  return world;
}

/** What `runRelease` needs to release the greet recipe at `version` to `world`'s mirrors, with quick retries. */
export function greetReleaseOptions(world: GreetMirrors, version: string, minMirrors: number, signer: ReleaseOptions['signer']): ReleaseOptions {
  return {
    recipes: [GREET_RECIPE],
    version,
    mirrors: { minMirrors, mirrors: world.two.mirrors },
    signer,
    workDir: path.join(world.root, 'work'),
    sourceDirs: [world.sources],
    scanner: 'osv',
    osvDir: OSV_RECORDS,
    s3: FAST_S3,
    download: fastDownloads(),
  };
}

/** Where s3rver keeps the bytes of `key` in mirror `index`'s data folder. */
export function s3rverObjectPath(mirrors: TwoMirrors, index: number, key: string): string {
  const parts = key.split('/');
  const last = parts.pop()!;
  return path.join(mirrors.local.dataDirs[index]!, 'potions', ...parts, `${last}._S3rver_object`);
}

/** Flip one byte of a stored object in place (same size: only the content is wrong). */
export async function flipByte(file: string, at = 0): Promise<Buffer> {
  const original = await fs.readFile(file);
  const changed = Buffer.from(original);
  changed[at] = changed[at]! ^ 0x01;
  await fs.writeFile(file, changed);
  return original;
}

export async function sha256Of(url: string): Promise<{ sha256: string; size: number }> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
}

/** Quick retries and a breaker of its own, so one test's dead mirror does not reorder the next test's. */
export function fastDownloads(): DownloadSettings {
  return { retry: { attemptsPerMirror: 2, baseMs: 10, maxMs: 50 }, hedgeDelayMs: 0, breaker: new CircuitBreaker() };
}

export const FAST_S3 = { retry: { attempts: 2, baseMs: 10, maxMs: 50 }, requestTimeoutMs: 10_000 };
