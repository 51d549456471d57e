import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { withUserPath } from './fs-errors';
import { pathOption } from './options';
import { runCli as cli } from './testing';

/** The exit status of `potions`: 0 success, 1 a failure or a mistake in the input, 2 a wrong command line, 70 a bug. */
describe('potions exit status', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-main-'));
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('an unknown option is a wrong command line: exit 2', async () => {
    const r = await cli(['recipes', 'check', dir, '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such-option'");
  });

  it('an option value of the wrong form: exit 2, the message, no stack trace', async () => {
    const r = await cli(['download', 'http://127.0.0.1:9/x.tgz', '--out', path.join(dir, 'x'), '--segments', 'two']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --segments must be a whole number of at least 1, got "two"');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    await expect(fs.stat(path.join(dir, 'x'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a mistake in the input (a bad recipe) exits 1', async () => {
    const recipe = path.join(dir, 'bad.yml');
    await fs.writeFile(recipe, 'name: bad\nbuild_type: nonsense\n');
    const r = await cli(['recipes', 'check', recipe]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(recipe);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('with --json, a wrong command line prints one { ok: false, code } document on stdout', async () => {
    const r = await cli(['download', 'http://127.0.0.1:9/x.tgz', '--out', path.join(dir, 'y'), '--deadline', '-1', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, code: 'E_USAGE', error: '--deadline must be a number of seconds greater than 0, got "-1"' });
  });
});

describe('potions --json on a wrong command line: one { ok: false, code: E_USAGE } document on stdout', () => {
  it.each([
    ['an unknown option', ['recipes', 'check', '.', '--json', '--no-such-option'], "unknown option '--no-such-option'"],
    ['a missing argument', ['download', '--json', '--out', 'x'], "missing required argument 'url'"],
    ['a missing required option', ['download', 'http://127.0.0.1:9/x', '--json'], "required option '--out <file>' not specified"],
    ['a value outside the choices', ['sbom', 'a.tar.gz', '--format', 'xml', '--json'], "option '--format <format>' argument 'xml' is invalid. Allowed choices are cyclonedx, spdx."],
  ])('%s', async (_what, args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, code: 'E_USAGE', error: message });
    // The human message and the help still go to stderr.
    expect(r.stderr).toContain(`error: ${message}`);
  });

  it('without --json, stdout stays empty', async () => {
    const r = await cli(['recipes', 'check', '.', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('what potions prints from the command line and from errors reaches the terminal escaped', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-escape-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('an unknown option holding ESC sequences is echoed with visible escapes', async () => {
    const r = await cli(['recipes', 'check', '.', '--x\x1b]0;owned\x07\x1b[2J']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--x\\u001b]0;owned\\u0007\\u001b[2J'");
    expect(r.stderr).not.toContain('\x1b');
  });

  it('an error message naming a crafted file is escaped, and exact in --json', async () => {
    const file = path.join(dir, `bad\x1b[31m.yml`);
    await fs.writeFile(file, 'name: bad\nbuild_type: nonsense\n');
    const r = await cli(['recipes', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('\x1b');
    expect(r.stderr).toContain('bad\\u001b[31m.yml');
    const json = await cli(['recipes', 'check', file, '--json']);
    expect(json.code).toBe(1);
    expect(json.stdout).toContain('bad\\u001b[31m.yml');
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(file.replace('\x1b', '\\u001b'));
  });
});

describe('file-system errors on the paths a user gave are failures (exit 1) that name the path, not bugs', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-fs-'));
    file = path.join(dir, 'a-file');
    await fs.writeFile(file, 'x');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A command that makes a folder under --work-dir, as release does. */
  const workDirCommand = (wrap: boolean) => (program: Command) =>
    program
      .command('work')
      .requiredOption('--work-dir <dir>', 'where', pathOption('--work-dir'))
      .option('--json', 'json')
      .action(async (opts: { workDir: string }) => {
        const make = () => fs.mkdir(path.join(opts.workDir, '.potions', 'keys'), { recursive: true });
        await (wrap ? withUserPath({ path: opts.workDir, option: '--work-dir' }, make) : make());
      });

  it('wrapped by the command (withUserPath): the option, the path and what is wrong with it', async () => {
    const r = await cli(['work', '--work-dir', file], { register: workDirCommand(true) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: --work-dir ${file}: a part of it is a file, not a folder (ENOTDIR from mkdir ${file}/.potions/keys)`);
    expect(r.stderr).toContain('hint: give a folder (or a path inside one), not a file');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('not wrapped: still exit 1 naming the path, with --json the E_CLI_PATH document', async () => {
    const r = await cli(['work', '--work-dir', file, '--json'], { register: workDirCommand(false) });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_CLI_PATH', error: `${file}/.potions/keys: a part of it is a file, not a folder (ENOTDIR from mkdir)` });
  });

  it('a file where a folder is to be made (EEXIST from mkdir, as manifest keygen --out FILE): exit 1', async () => {
    const keygen = (program: Command) =>
      program
        .command('keygen')
        .requiredOption('--out <dir>', 'where')
        .action(async (opts: { out: string }) => {
          await fs.mkdir(opts.out, { recursive: true });
        });
    const r = await cli(['keygen', '--out', file], { register: keygen });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: ${file}: is a file, not a folder (EEXIST from mkdir)`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('a path holding a control character is a usage error naming the option, before anything is done', async () => {
    const r = await cli(['work', '--work-dir', path.join(dir, 'new\nline'), '--json'], { register: workDirCommand(true) });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_USAGE', error: expect.stringMatching(/^--work-dir must be a path without control characters, got ".*new\\nline" \(\\u000a at position \d+\)$/) });
    await expect(fs.stat(path.join(dir, 'new\nline'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a bug is still a bug: exit 70 with the stack', async () => {
    const r = await cli(['boom'], { register: (p) => p.command('boom').action(() => { throw new TypeError('x is undefined'); }) });
    expect(r.code).toBe(70);
    expect(r.stderr).toContain('internal error (a bug in Potions');
    expect(r.stderr).toMatch(/TypeError: x is undefined\n\s+at /);
  });
});
