import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from './fs-atomic';

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
