import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureWritableDir } from './dirs';

const check = (dir: string): Promise<void> => ensureWritableDir(dir, 'output folder', 'E_BUILD_OUT_DIR', 'give another folder');

describe('ensureWritableDir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-dirs-'));
    await fs.writeFile(path.join(dir, 'file'), 'x');
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  test('makes the missing folders', async () => {
    await check(path.join(dir, 'a', 'b', 'c'));
    expect((await fs.stat(path.join(dir, 'a', 'b', 'c'))).isDirectory()).toBe(true);
  });

  test('a file, or a path under a file: a UserError naming the path and why', async () => {
    await expect(check(path.join(dir, 'file'))).rejects.toMatchObject({
      code: 'E_BUILD_OUT_DIR',
      userError: true,
      hint: 'give another folder',
      message: `cannot use ${path.join(dir, 'file')} as the output folder: it is a file, not a folder`,
    });
    await expect(check(path.join(dir, 'file', 'x', 'y'))).rejects.toMatchObject({
      code: 'E_BUILD_OUT_DIR',
      message: `cannot use ${path.join(dir, 'file', 'x', 'y')} as the output folder: a part of the path is a file, not a folder`,
    });
  });

  (existsSync('/proc/self') ? test : test.skip)('a folder the file system refuses to make is an error, not a hang (Node 20 recursive mkdir loops here)', async () => {
    await expect(check('/proc/potions-no-such/out')).rejects.toMatchObject({ code: 'E_BUILD_OUT_DIR', message: expect.stringContaining('/proc/potions-no-such/out') });
  });

  (process.getuid?.() === 0 ? test.skip : test)('a folder without write permission', async () => {
    const ro = path.join(dir, 'ro');
    await fs.mkdir(ro, { mode: 0o555 });
    try {
      await expect(check(path.join(ro, 'out'))).rejects.toMatchObject({ code: 'E_BUILD_OUT_DIR', message: expect.stringContaining('permission denied') });
    } finally {
      await fs.chmod(ro, 0o755);
    }
  });
});

describe('paths the builder writes into files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-dirs-ctl-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  test('a newline, a tab or another control character is refused before anything is made, the path shown quoted', async () => {
    for (const [name, said] of [
      ['out\nProvides: evil', 'a newline at position'],
      ['out\tx', 'a tab'],
      ['out\u001b[31m', 'a control character (U+001B)'],
    ] as const) {
      const bad = path.join(dir, name);
      const err = (await check(bad).catch((e: unknown) => e)) as { code?: string; message?: string };
      expect(err.code).toBe('E_BUILD_OUT_DIR');
      expect(err.message).toContain(`cannot use ${JSON.stringify(bad)} as the output folder: the path holds ${said}`);
      expect(err.message).not.toContain('\n');
      expect(existsSync(bad)).toBe(false);
    }
  });

  test('the work root may not hold a space (build flags are space-separated lists); other folders may', async () => {
    const spaced = path.join(dir, 'with space');
    await expect(ensureWritableDir(spaced, 'folder for temporary build folders', 'E_BUILD_WORK_DIR', 'h', { noWhitespace: true })).rejects.toMatchObject({
      code: 'E_BUILD_WORK_DIR',
      message: expect.stringContaining('the path holds a space'),
    });
    await expect(check(spaced)).resolves.toBeUndefined();
  });
});
