import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Schedule, ScheduleLeg } from '@potions/schedule';
import { runCli } from '../testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CORPUS = path.resolve(ROOT, '../shared/potions-recipes');

type PlanJson = Schedule & { ok: boolean };
const legsOf = (s: Schedule): ScheduleLeg[] => s.matrices.flatMap((m) => m.matrix.include);

describe('potions plan', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-plan-cli-'));
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  it('prints the waves, matrices and critical path of the whole corpus, and what it leaves out', async () => {
    const r = await runCli(['plan', '--corpus', CORPUS]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^WAVE {2}MATRIX {2}LEGS {2}PER PLATFORM/);
    expect(r.stderr).toMatch(/\n\d+ legs in \d+ waves, \d+ matrices \(at most 256 legs each\); 246 recipes selected\n/);
    expect(r.stderr).toMatch(/\ncritical path \(\d+ builds\): zlib-\S+ -> /);
    expect(r.stderr).toContain('google-chrome    linux-arm64    the recipe lists no linux-arm64 download (it lists: darwin-x86_64, darwin-arm64, linux-amd64)');
    expect(r.stderr).toContain('jupyterlab.yml:11 download.download_url: "skip" is not a URL');
    expect(r.stderr).toMatch(/from the build machine \(no recipe\): .*ncurses/);
  });

  it('--json prints one schedule whose matrices strategy.matrix takes, none over 256 legs', async () => {
    const r = await runCli(['plan', '--corpus', CORPUS, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as PlanJson;
    expect(s.ok).toBe(true);
    expect(s.schemaVersion).toBe(1);
    expect(s.legs).toBe(legsOf(s).length);
    for (const m of s.matrices) {
      expect(Object.keys(m.matrix)).toEqual(['include']);
      expect(m.matrix.include.length).toBeGreaterThan(0);
      expect(m.matrix.include.length).toBeLessThanOrEqual(256);
    }
    const leg = legsOf(s).find((l) => l.id === 'jq-linux-arm64');
    expect(leg).toEqual({ id: 'jq-linux-arm64', recipe: 'jq', file: path.relative(process.cwd(), path.join(CORPUS, 'jq.yml')), version: null, platform: 'linux-arm64', runner: 'ubuntu-24.04-arm', wave: 0, timeout: expect.any(Number), needs: [] });
  });

  it('plans named recipes with their dependencies, versions given, on chosen platforms and runners', async () => {
    const r = await runCli([
      'plan', '--corpus', CORPUS, '--root', CORPUS, '--recipes', 'git', '--platforms', 'linux-amd64,linux-arm64',
      '--version', 'git=2.47.1', '--version', 'zlib=1.3.1', '--runner', 'linux-arm64=my-arm', '--legs',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\n1 +zlib-linux-amd64 +1\.3\.1 +ubuntu-24\.04\s*\n/);
    expect(r.stderr).toMatch(/\n3 +git-linux-arm64 +2\.47\.1 +my-arm +autoconf-linux-arm64 curl-linux-arm64 m4-linux-arm64 openssl-linux-arm64 perl-linux-arm64 zlib-linux-arm64\n/);
    const json = JSON.parse((await runCli(['plan', '--corpus', CORPUS, '--root', CORPUS, '--recipes', 'git', '--platforms', 'linux-amd64', '--json'])).stdout) as PlanJson;
    expect(legsOf(json).map((l) => `${l.wave}:${l.recipe}`).sort()).toEqual(['0:m4', '0:openssl', '0:perl', '0:zlib', '1:autoconf', '1:curl', '2:git']);
    expect(legsOf(json).find((l) => l.recipe === 'git')?.file).toBe('git.yml');
  });

  it('selects by changed files, skips what is available, and estimates with durations', async () => {
    await fs.writeFile(path.join(dir, 'changed.txt'), 'libpng.yml\nREADME.md\n');
    await fs.writeFile(path.join(dir, 'available.txt'), '# already published\nzlib@1.3.1@linux-amd64\nlibpng@1.6.44@linux-amd64\n');
    await fs.writeFile(path.join(dir, 'durations.json'), JSON.stringify({ libpng: 12, zlib: 3 }));
    const args = ['plan', '--corpus', CORPUS, '--root', CORPUS, '--changed-files', path.join(dir, 'changed.txt'), '--available', path.join(dir, 'available.txt')];
    const both = ['--platforms', 'linux-amd64,darwin-arm64', '--version', 'zlib=1.3.1', '--version', 'libpng=1.6.44', '--durations', path.join(dir, 'durations.json'), '--max-parallel', '2'];
    const s = JSON.parse((await runCli([...args, ...both, '--json'])).stdout) as PlanJson;
    expect(s.selected).toEqual(['libpng']);
    expect(s.ignoredChanges).toEqual(['README.md']);
    expect(s.skipped.map((k) => `${k.recipe}@${k.platform}`)).toEqual(['libpng@linux-amd64']);
    expect(legsOf(s).map((l) => l.id)).toEqual(['zlib-darwin-arm64', 'libpng-darwin-arm64']);
    expect(s.criticalPath).toEqual({ legs: ['zlib-darwin-arm64', 'libpng-darwin-arm64'], minutes: 15 });
    expect(s.maxParallel).toBe(2);
    const human = await runCli([...args, ...both]);
    expect(human.stderr).toContain('estimate: 15 minutes, the matrices one after another');
    expect(human.stderr).toContain('already available, not rebuilt: libpng@1.6.44@linux-amd64');
    expect(human.stderr).toContain('changed files that are no recipe: README.md');
  });

  it('exits 1 for a recipe named that has errors, with the schedule still printed', async () => {
    const r = await runCli(['plan', '--corpus', CORPUS, '--recipes', 'jupyterlab,jq', '--json']);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout) as PlanJson;
    expect(s.ok).toBe(false);
    expect(legsOf(s).every((l) => l.recipe === 'jq')).toBe(true);
    expect(r.stderr).toMatch(/error: .*jupyterlab\.yml:11: recipe "jupyterlab" has errors \("skip" is not a URL\)/);
  });

  it.each([
    [['--recipes', 'jqq'], 1, 'E_SCHEDULE_UNKNOWN_RECIPE', 'no recipe named "jqq"'],
    [['--recipes', 'zz*'], 1, 'E_SCHEDULE_NO_MATCH', 'the pattern "zz*" matches no recipe name'],
    [['--platforms', 'windows-x64'], 1, 'E_SCHEDULE_OPTION', 'unknown platform "windows-x64"'],
    [['--max-legs', '300'], 2, 'E_USAGE', '--max-legs must be at most 256 (GitHub makes at most that many jobs from one matrix), got 300'],
    [['--max-parallel', '0'], 2, 'E_USAGE', '--max-parallel must be a whole number of at least 1, got "0"'],
    [['--version', 'jq'], 2, 'E_USAGE', '--version "jq": expected NAME=VERSION'],
    [['--available', '/nonexistent/available.txt'], 1, 'E_PLAN_INPUT', 'cannot read the available-builds list /nonexistent/available.txt: ENOENT'],
  ])('%j exits %i with %s', async (extra, code, errorCode, message) => {
    const r = await runCli(['plan', '--corpus', CORPUS, ...(extra as string[]), '--json']);
    expect(r.code).toBe(code);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: errorCode, error: message });
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('a missing or empty recipe folder is a clear mistake', async () => {
    expect((await runCli(['plan'])).code).toBe(2);
    const empty = await runCli(['plan', '--corpus', dir]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain(`${dir} holds no *.yml or *.yaml recipe`);
    const missing = await runCli(['plan', '--corpus', path.join(dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read the recipe folder .*nope: ENOENT/);
  });
});
