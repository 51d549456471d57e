import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RecordingReporter, hostPlatform } from '@potions/core';
import { OWNER_FILE, STALE_AFTER_MS, makeWorkDir, sweepStaleWorkDirs } from './work-dirs';
import { TINY_RECIPE, TINY_UPSTREAM, startSourceMirror, tinySourceTarball, type SourceMirror } from './testing';

const NOW = new Date('2026-11-30T12:00:00Z');
const now = (): Date => NOW;
const DAY = STALE_AFTER_MS;

/** The ID of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid as number;
}

describe('work folders left behind', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-workdirs-'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  const folder = async (name: string, owner: object | undefined, ageMs: number): Promise<string> => {
    const dir = path.join(root, name);
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'build.log'), 'x');
    if (owner) await fs.writeFile(path.join(dir, OWNER_FILE), JSON.stringify(owner));
    const t = new Date(NOW.getTime() - ageMs);
    await fs.utimes(dir, t, t);
    return dir;
  };

  test('a work folder records its owner: this process, when, on which host', async () => {
    const dir = await makeWorkDir(root, 'hello', now);
    expect(path.basename(dir)).toMatch(/^potions-build-hello-/);
    expect(JSON.parse(await fs.readFile(path.join(dir, OWNER_FILE), 'utf8'))).toMatchObject({ pid: process.pid, startedAt: NOW.getTime(), host: os.hostname() });
  });

  test('the sweep removes folders older than a day whose owner is gone (or unrecorded), and nothing else', async () => {
    const host = os.hostname();
    const dead = await deadPid();
    const gone = await folder('potions-build-a-111111', { pid: dead, startedAt: NOW.getTime() - 2 * DAY, host }, 2 * DAY);
    const unrecorded = await folder('potions-build-b-222222', undefined, 2 * DAY);
    const reused = await folder('potions-build-r-999999', { pid: process.pid, startedAt: NOW.getTime() - 2 * DAY, host, processStart: '1' }, 2 * DAY);
    const running = await folder('potions-build-c-333333', { pid: process.pid, startedAt: NOW.getTime() - 3 * DAY, host }, 3 * DAY);
    const recent = await folder('potions-build-d-444444', { pid: dead, startedAt: NOW.getTime() - DAY / 2, host }, DAY / 2);
    const elsewhere = await folder('potions-build-e-555555', { pid: dead, startedAt: NOW.getTime() - 5 * DAY, host: 'another-machine' }, 5 * DAY);
    const notOurs = await folder('potions-builder-e2e-666666', undefined, 9 * DAY);
    const reporter = new RecordingReporter();
    const removed = await sweepStaleWorkDirs(root, { now, reporter });
    // The folder whose process ID now belongs to another process (another start time) is stale too.
    expect(removed.sort()).toEqual([gone, unrecorded, reused].sort());
    for (const kept of [running, recent, elsewhere, notOurs]) expect(existsSync(kept)).toBe(true);
    for (const swept of removed) expect(existsSync(swept)).toBe(false);
    expect(reporter.lines.map((l) => l.message).join('\n')).toContain(`removed 3 build folders left by interrupted builds in ${root}`);
  });

  test('a work root that does not exist has nothing to sweep', async () => {
    await expect(sweepStaleWorkDirs(path.join(root, 'nope'), { now, reporter: new RecordingReporter() })).resolves.toEqual([]);
  });
});

/**
 * `potions build` as a real process, interrupted while its build step runs:
 * the work folder is removed, the step's processes end with it, and the
 * process ends as the signal ends it. A later build sweeps a folder that a
 * `kill -9` left.
 */
const describeLinux = hostPlatform()?.startsWith('linux') ? describe : describe.skip;
describeLinux('interrupted builds', () => {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const loader = pathToFileURL(path.join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const bin = path.join(repo, 'packages', 'cli', 'src', 'bin.ts');
  let dir: string;
  let mirror: SourceMirror;
  let recipe: string;
  const marker = String(4000 + Math.floor(Math.random() * 999));

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-interrupt-'));
    mirror = await startSourceMirror({ [TINY_UPSTREAM]: tinySourceTarball() });
    recipe = path.join(dir, 'pkg.yml');
    // The build step waits: long enough to be interrupted, recognisable by its argument.
    await fs.writeFile(recipe, TINY_RECIPE.replace('custom_build: |\n    true', `custom_build: |\n    touch started\n    sleep ${marker}`));
  });
  afterAll(async () => {
    await mirror.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Processes whose command line is `sleep MARKER`. */
  const sleepers = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const pid of await fs.readdir('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const cmd = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmd === `sleep\0${marker}\0`) out.push(pid);
    }
    return out;
  };

  const until = async (what: string, ok: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 600; i++) {
      if (await ok()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  const workDirs = async (tmp: string): Promise<string[]> => (await fs.readdir(tmp)).filter((n) => n.startsWith('potions-build-'));

  test.each(['SIGINT', 'SIGTERM'] as const)('%s while a step runs: the work folder is removed and the step ends with the build', async (signal) => {
    const tmp = await fs.mkdtemp(path.join(dir, `tmp-${signal}-`));
    const child = spawn(process.execPath, ['--import', loader, bin, 'build', recipe, '--version', '1.0', '--source-mirror', mirror.base, '--out', path.join(tmp, 'out'), '--no-cache'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmp },
      stdio: 'ignore',
    });
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, sig) => resolve({ code, signal: sig })));
    await until('the build step to start', async () => {
      const [work] = await workDirs(tmp);
      return work !== undefined && existsSync(path.join(tmp, work, 'src', 'started'));
    });
    expect(await sleepers()).toHaveLength(1);
    child.kill(signal);
    const result = await ended;
    expect(result.signal).toBe(signal);
    expect(await workDirs(tmp)).toEqual([]);
    await until('the step to end', async () => (await sleepers()).length === 0);
  }, 120_000);

  test('after a kill -9, the folder stays; a build a day later sweeps it', async () => {
    const tmp = await fs.mkdtemp(path.join(dir, 'tmp-kill-'));
    const args = ['--import', loader, bin, 'build', recipe, '--version', '1.0', '--source-mirror', mirror.base, '--out', path.join(tmp, 'out'), '--no-cache'];
    const child = spawn(process.execPath, args, { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmp }, stdio: 'ignore' });
    const ended = new Promise((resolve) => child.on('close', resolve));
    await until('the build step to start', async () => {
      const [work] = await workDirs(tmp);
      return work !== undefined && existsSync(path.join(tmp, work, 'src', 'started'));
    });
    child.kill('SIGKILL');
    await ended;
    const [left] = await workDirs(tmp);
    expect(left).toBeDefined();
    // A day passes (the folder's owner record is dated back), then another build runs.
    const ownerFile = path.join(tmp, left as string, OWNER_FILE);
    const owner = JSON.parse(await fs.readFile(ownerFile, 'utf8'));
    await fs.writeFile(ownerFile, JSON.stringify({ ...owner, startedAt: owner.startedAt - STALE_AFTER_MS - 60_000 }));
    await fs.writeFile(recipe.replace('pkg.yml', 'quick.yml'), TINY_RECIPE);
    const again = spawn(process.execPath, ['--import', loader, bin, 'build', path.join(dir, 'quick.yml'), '--version', '1.0', '--source-mirror', mirror.base, '--out', path.join(tmp, 'out2'), '--no-cache'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmp },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    again.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((resolve) => again.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).toContain('removed 1 build folder left by interrupted builds');
    expect(await workDirs(tmp)).toEqual([]);
    await until('the killed build\'s step to end', async () => (await sleepers()).length === 0);
  }, 120_000);
});
