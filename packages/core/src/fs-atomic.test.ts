import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDirectory, writeFileAtomic } from './fs-atomic';

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file beside it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-atomic-'));
    const dest = path.join(dir, 'sub', 'state.json');
    await writeFileAtomic(dest, 'one');
    await writeFileAtomic(dest, 'two');
    expect(await fs.readFile(dest, 'utf8')).toBe('two');
    expect(await fs.readdir(path.dirname(dest))).toEqual(['state.json']);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('leaves the old file in place when the write fails', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-atomic-'));
    const dest = path.join(dir, 'state.json');
    await writeFileAtomic(dest, 'old');
    await fs.mkdir(path.join(dir, 'blocker'));
    // A folder where the file should go: the rename fails, the old content of the other file is untouched.
    await expect(writeFileAtomic(path.join(dir, 'blocker'), 'new')).rejects.toThrow();
    expect(await fs.readFile(dest, 'utf8')).toBe('old');
    expect((await fs.readdir(dir)).sort()).toEqual(['blocker', 'state.json']);
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe('makeDirectory', () => {
  it('makes every missing folder, and fails (not hangs) where a folder cannot be made', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-mkdir-'));
    await makeDirectory(path.join(dir, 'a', 'b', 'c'));
    expect((await fs.stat(path.join(dir, 'a', 'b', 'c'))).isDirectory()).toBe(true);
    await makeDirectory(path.join(dir, 'a', 'b')); // already there
    await fs.writeFile(path.join(dir, 'file'), 'x');
    await expect(makeDirectory(path.join(dir, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    // Node's own recursive mkdir never returns here (Node 20); this one fails at once.
    if (process.platform === 'linux') await expect(makeDirectory('/proc/self/potions-nope/state')).rejects.toMatchObject({ code: 'ENOENT' });
    await fs.rm(dir, { recursive: true, force: true });
  });
});
