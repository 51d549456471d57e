import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
