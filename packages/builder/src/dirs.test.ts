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
