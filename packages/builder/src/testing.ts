/**
 * Test helpers other packages may use (`@potions/builder/testing`): a local
 * source mirror laid out as `<host>/<path of the upstream URL>`, a fake
 * path cache that stands in for `@actions/cache`, and the planted secrets and
 * the recipe that hunts for them (the build sandbox's test).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { makeTar } from '@potions/archive/testing';
import type { PathCacheClient } from './cache';
import { findProgram } from './sandbox';

export interface SourceMirror {
  /** `http://127.0.0.1:PORT`: give it as a source mirror base. */
  base: string;
  /** Every request path, in order. */
  requests: string[];
  /** Serve `body` (a file path or bytes) for the upstream `url`, replacing what was there. */
  put(url: string, body: string | Buffer): void;
  /** Stop serving the upstream `url` (404). */
  remove(url: string): void;
  close(): Promise<void>;
}

/** Where a mirror keeps an upstream URL: `/<host>/<path>`. */
function keyOf(url: string): string {
  const u = new URL(url);
  return `/${u.host}${u.pathname}`;
}

/**
 * A plain HTTP server on 127.0.0.1 (ephemeral port) that serves upstream files
 * the way a mirror of upstream URLs does. Unknown paths are 404.
 */
export async function startSourceMirror(files: Record<string, string | Buffer> = {}): Promise<SourceMirror> {
  const table = new Map<string, string | Buffer>();
  for (const [url, body] of Object.entries(files)) table.set(keyOf(url), body);
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(p);
    const body = table.get(p);
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    void (typeof body === 'string' ? fs.readFile(body) : Promise.resolve(body)).then(
      (data) => {
        res.writeHead(200, { 'content-length': String(data.length), 'content-type': 'application/octet-stream' });
        res.end(req.method === 'HEAD' ? undefined : data);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    put: (url, body) => table.set(keyOf(url), body),
    remove: (url) => table.delete(keyOf(url)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An in-memory stand-in for `@actions/cache`: folders saved by path, restored to the same path. */
export class FakePathCache implements PathCacheClient {
  readonly saved = new Map<string, Map<string, Buffer>>();
  readonly calls: string[] = [];

  async restoreCache(paths: string[], primaryKey: string): Promise<string | undefined> {
    this.calls.push(`restore ${primaryKey}`);
    const entry = this.saved.get(primaryKey);
    if (!entry) return undefined;
    for (const [file, data] of entry) {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, data);
    }
    void paths;
    return primaryKey;
  }

  async saveCache(paths: string[], key: string): Promise<number> {
    this.calls.push(`save ${key}`);
    const entry = new Map<string, Buffer>();
    for (const dir of paths) {
      for (const name of await fs.readdir(dir)) entry.set(path.join(dir, name), await fs.readFile(path.join(dir, name)));
    }
    this.saved.set(key, entry);
    return entry.size;
  }
}

/**
 * The smallest recipe that builds: a `custom` recipe installing one shell script,
 * `bin/hi`. Its upstream host refuses at once (port 1), so the file comes only
 * from a source mirror serving `TINY_SOURCE_TARBALL()` at `TINY_UPSTREAM`.
 */
export const TINY_UPSTREAM = 'http://127.0.0.1:1/pkg/pkg-1.0.tar.gz';
export const TINY_RECIPE = `name: pkg
version:
  source: "static:1.0"
build_type: custom
download:
  download_url: "http://127.0.0.1:1/pkg/pkg-{version}.tar.gz"
  platforms:
    linux-amd64:
    linux-arm64:
    darwin-x86_64:
    darwin-arm64:
build:
  timeout_minutes: 2
  custom_build: |
    true
  custom_install: |
    mkdir -p "$PREFIX/bin"
    cp hi "$PREFIX/bin/hi"
`;

/** `pkg-1.0/hi` (a script that prints "hi"), as the upstream `.tar.gz`. */
export function tinySourceTarball(): Buffer {
  return gzipSync(
    makeTar([
      { path: 'pkg-1.0/', type: 'Directory' },
      { path: 'pkg-1.0/hi', body: '#!/bin/sh\necho hi\n', mode: 0o755 },
    ]),
  );
}

/**
 * Secrets planted where no build step may find them (docs/build-environments.md):
 * in the environment of the process that builds and of its parent, on its
 * command line (a source mirror with a token), in its home folder, and in
 * the work folder's `.potions` (the manifest key, the trust state).
 */
export interface PlantedSecrets {
  /** For the environment of the build's process (and of its parent). */
  env: Record<string, string>;
  /** Held only by the parent process (`runWithSecretParent` keeps it from the child). */
  parentOnly: Record<string, string>;
  /** A source mirror base with a token in it, for the command line or `POTIONS_SOURCE_MIRRORS`. */
  sourceMirror: string;
  /** The home folder (HOME of the build's process): `.aws/credentials`, `.ssh/id_ed25519`, `.netrc`. */
  home: string;
  /** The work folder (the build's process runs here); its `.potions` holds `keys/` and `state/`. */
  workDir: string;
  /** Every secret value: none may reach an artifact, a metadata file, a build log or the output. */
  values: string[];
}

const token = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;

/** Plant fresh secrets under `dir` (a new folder); `sourceMirrorBase` is the `http://127.0.0.1:PORT` of a source mirror. */
export async function plantSecrets(dir: string, sourceMirrorBase: string): Promise<PlantedSecrets> {
  const manifestKey = token('POTIONS-MANIFEST-KEY-');
  const aws = token('AWS-SECRET-');
  const mirrorToken = token('SOURCE-MIRROR-TOKEN-');
  const parent = token('PARENT-ONLY-SECRET-');
  const home = path.join(dir, 'home');
  const workDir = path.join(dir, 'work');
  const ssh = token('SSH-KEY-');
  const netrc = token('NETRC-PASSWORD-');
  const trust = token('TRUST-STATE-');
  const files: Record<string, string> = {
    [path.join(home, '.aws', 'credentials')]: `[default]\naws_access_key_id = AKIAPOTIONSTEST\naws_secret_access_key = ${aws}\n`,
    [path.join(home, '.ssh', 'id_ed25519')]: `-----BEGIN OPENSSH PRIVATE KEY-----\n${ssh}\n-----END OPENSSH PRIVATE KEY-----\n`,
    [path.join(home, '.netrc')]: `machine mirror.example password ${netrc}\n`,
    [path.join(workDir, '.potions', 'keys', 'manifest.key')]: `${manifestKey}\n`,
    [path.join(workDir, '.potions', 'state', 'trust.json')]: `{"pinned":"${trust}"}\n`,
  };
  for (const [file, body] of Object.entries(files)) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, body, { mode: 0o600 });
  }
  const sourceMirror = sourceMirrorBase.replace('://', `://ci:${mirrorToken}@`);
  return {
    env: {
      POTIONS_MANIFEST_KEY: manifestKey,
      AWS_ACCESS_KEY_ID: 'AKIAPOTIONSTEST',
      AWS_SECRET_ACCESS_KEY: aws,
      POTIONS_SOURCE_MIRRORS: sourceMirror,
      HOME: home,
    },
    parentOnly: { POTIONS_PARENT_SECRET: parent },
    sourceMirror,
    home,
    workDir,
    values: [manifestKey, aws, mirrorToken, parent, ssh, netrc, trust],
  };
}

/**
 * A recipe whose build looks for secrets the way a hostile `configure` would:
 * it reads the environment and command line of every process it can see
 * (`/proc/* /environ`, `/proc/* /cmdline`: its parents included), every file
 * under the planted home and `.potions` folders and under `/root` and `/home`,
 * and its own environment; it prints all of it into the build log and
 * installs it as `share/probe/found.txt`. Built from `tinySourceTarball()` at
 * `TINY_UPSTREAM` (serve it on a source mirror).
 */
export function secretProbeRecipe(planted: Pick<PlantedSecrets, 'home' | 'workDir'>): string {
  const dirs = [planted.home, path.join(planted.workDir, '.potions'), '/root', '/home'].map((d) => `'${d.replace(/'/g, "'\\''")}'`).join(' ');
  return `name: probe
version:
  source: "static:1.0"
build_type: custom
download:
  download_url: "http://127.0.0.1:1/pkg/pkg-{version}.tar.gz"
  platforms:
    linux-amd64:
    linux-arm64:
    darwin-x86_64:
    darwin-arm64:
build:
  timeout_minutes: 5
  custom_build: |
    : > found.txt
    for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do
      { echo "== $f"; tr '\\000' '\\n' < "$f"; echo; } >> found.txt 2>/dev/null || true
    done
    for d in ${dirs}; do
      [ -d "$d" ] || continue
      find "$d" -maxdepth 5 -type f 2>/dev/null | while read -r f; do
        { echo "== $f"; head -c 65536 "$f"; echo; } >> found.txt 2>/dev/null || true
      done
    done
    { echo "== env"; env; } >> found.txt
    cat found.txt
  custom_install: |
    mkdir -p "$PREFIX/bin" "$PREFIX/share/probe"
    cp hi "$PREFIX/bin/hi"
    cp found.txt "$PREFIX/share/probe/found.txt"
`;
}

/** The planted secrets that occur in any of `texts` (output, logs, the bytes of artifacts and metadata). */
export function leakedSecrets(planted: Pick<PlantedSecrets, 'values'>, texts: readonly (string | Buffer)[]): string[] {
  return planted.values.filter((v) => texts.some((t) => (typeof t === 'string' ? t.includes(v) : t.includes(Buffer.from(v)))));
}

/** Every byte a build left in `outDir`: the archives uncompressed, the metadata, anything else as it is. */
export async function artifactBytes(outDir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const name of await fs.readdir(outDir)) {
    const data = await fs.readFile(path.join(outDir, name));
    out.push(data, name.endsWith('.tar.gz') ? gunzipSync(data) : data);
  }
  return out;
}

export interface SpawnedRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The parent: a node process that starts `argv` without the parent-only variables and ends with its status. */
const PARENT_SCRIPT = `
const { spawn } = require('node:child_process');
const [argv, drop] = JSON.parse(process.argv[1]);
const env = { ...process.env };
for (const k of drop) delete env[k];
const child = spawn(argv[0], argv.slice(1), { env, stdio: 'inherit' });
child.on('error', (e) => { console.error(String(e)); process.exit(127); });
child.on('close', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
`;

/**
 * Run `argv` as a real process under a parent process that holds
 * `secrets.env` and `secrets.parentOnly` in its environment; the child gets
 * `env` and `secrets.env`, not `parentOnly`. What a build step could find
 * in `/proc/$PPID/environ`. (The parent is node, not a shell: dash drops
 * variables whose names hold a "-", as the runner's `INPUT_OUTPUT-DIR`.)
 */
export function runWithSecretParent(argv: readonly string[], opts: { env: Record<string, string>; cwd: string; secrets: Pick<PlantedSecrets, 'env' | 'parentOnly'> }): Promise<SpawnedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', PARENT_SCRIPT, JSON.stringify([argv, Object.keys(opts.secrets.parentOnly)])], {
      cwd: opts.cwd,
      env: { ...opts.env, ...opts.secrets.env, ...opts.secrets.parentOnly },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Where test downloads and made files are kept between runs: $POTIONS_TEST_CACHE, else ~/.cache/potions-tests. */
export function testCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.POTIONS_TEST_CACHE || path.join(os.homedir(), '.cache', 'potions-tests');
}

/** Why container builds cannot be tested here (no podman or mmdebstrap, not Linux, `POTIONS_TEST_CONTAINER=0`), or undefined. Cheap: nothing is run. */
export function containerTestSkip(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.POTIONS_TEST_CONTAINER === '0') return 'POTIONS_TEST_CONTAINER=0';
  if (process.platform !== 'linux') return 'container builds are tested on Linux';
  for (const tool of ['podman', 'mmdebstrap']) {
    if (!findProgram(tool, env.PATH)) return `${tool} is not installed (apt-get install podman mmdebstrap, as .ci/apt-packages.txt lists)`;
  }
  return undefined;
}

/** The image tag the tests build and build in. */
export const TEST_BUILD_IMAGE = 'localhost/potions-build:test';

/**
 * The build image for tests, made with `build-env/build-image.sh` exactly as
 * a user makes it (mmdebstrap from `packages.lock`, then podman), its root
 * file system kept in `<test cache>/build-env` so that only the first run
 * pays for it. Check `containerTestSkip` first.
 */
export async function testBuildImage(env: NodeJS.ProcessEnv = process.env): Promise<{ image: string; id: string }> {
  const skip = containerTestSkip(env);
  if (skip) throw new Error(`cannot make the test build image: ${skip}`);
  const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../build-env/build-image.sh');
  const run = await new Promise<SpawnedRun>((resolve, reject) => {
    const child = spawn(script, ['--engine', 'podman', '--tag', TEST_BUILD_IMAGE, '--cache', path.join(testCacheDir(env), 'build-env')], {
      env: { PATH: env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: env.HOME ?? os.homedir(), TMPDIR: env.TMPDIR ?? os.tmpdir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  if (run.code !== 0) throw new Error(`build-env/build-image.sh failed (${run.code}):\n${run.stderr.slice(-4000)}`);
  return { image: TEST_BUILD_IMAGE, id: run.stdout.trim().split('\n').pop() ?? '' };
}
