import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractArchive, listArchive, packDirectory } from './index';

const EPOCH = 1_700_000_000;
let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-archive-pack-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

const LONG = `share/${'deep-folder-name/'.repeat(8)}file-with-a-long-name.txt`;

/** An install prefix with the awkward cases; `variant` changes only what must not matter. */
async function makeTree(root: string, variant: number): Promise<void> {
  const w = async (rel: string, body: string | Buffer, mode: number): Promise<void> => {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), body);
    await fs.chmod(path.join(root, rel), mode);
  };
  // Created in a different order each time: readdir order must not leak into the archive.
  const steps = [
    () => w('bin/tool', '#!/bin/sh\necho tool\n', variant ? 0o700 : 0o775),
    () => w('lib/libx.so.1.2', Buffer.alloc(70_000, 7), variant ? 0o750 : 0o755),
    () => w('include/x.h', '#define X 1\n', variant ? 0o600 : 0o664),
    () => w(LONG, 'long\n', 0o644),
    () => w('share/naïve-ünïcode.txt', 'utf8 name\n', 0o644),
    () => fs.mkdir(path.join(root, 'share', 'empty'), { recursive: true }),
  ];
  for (const step of variant ? steps.reverse() : steps) await step();
  await fs.symlink('libx.so.1.2', path.join(root, 'lib', 'libx.so.1'));
  await fs.symlink('libx.so.1', path.join(root, 'lib', 'libx.so'));
  await fs.link(path.join(root, 'bin', 'tool'), path.join(root, 'bin', 'tool-alias'));
  if (variant) {
    const t = new Date(Date.now() - 3600_000 * variant);
    for (const rel of ['bin/tool', 'include/x.h', 'lib', 'share/empty']) await fs.utimes(path.join(root, rel), t, t);
  }
}

test('packing the same tree twice, elsewhere, with other mtimes and modes, gives identical bytes', async () => {
  const a = path.join(tmp, 'one', 'prefix');
  const b = path.join(tmp, 'somewhere', 'else', 'entirely');
  await makeTree(a, 0);
  await makeTree(b, 3);
  const ra = await packDirectory(a, path.join(tmp, 'out-a', 'x-1.0-linux-amd64'), { mtime: EPOCH });
  const rb = await packDirectory(b, path.join(tmp, 'out-b', 'x-1.0-linux-amd64'), { mtime: EPOCH });
  expect(ra.archives.map((x) => x.format)).toEqual(['tar.gz', 'tar.zst']);
  expect(rb.tarSha256).toBe(ra.tarSha256);
  for (const [i, archive] of ra.archives.entries()) {
    const other = rb.archives[i]!;
    expect(other.sha256).toBe(archive.sha256);
    expect(await fs.readFile(other.path)).toEqual(await fs.readFile(archive.path));
    const { size } = await fs.stat(archive.path);
    expect(archive.size).toBe(size);
  }
  // Only the two archives are left: temporary files were renamed or removed.
  expect((await fs.readdir(path.join(tmp, 'out-a'))).sort()).toEqual(['x-1.0-linux-amd64.tar.gz', 'x-1.0-linux-amd64.tar.zst']);
});

test('entries are sorted, owned by 0:0 with no names, fixed mtime, normalised modes, links kept', async () => {
  const root = path.join(tmp, 'prefix');
  await makeTree(root, 2);
  const { archives } = await packDirectory(root, path.join(tmp, 'x'), { mtime: EPOCH, formats: ['tar.gz'] });
  const gz = archives[0]!.path;
  const { entries, format } = await listArchive(gz);
  expect(format).toBe('tar.gz');
  const paths = entries.map((e) => e.path);
  const sorted = [...paths].sort((x, y) => Buffer.compare(Buffer.from(x.replace(/\/$/, '')), Buffer.from(y.replace(/\/$/, ''))));
  expect(paths).toEqual(sorted);
  expect(paths).toContain('share/empty/');
  expect(paths).toContain(LONG);
  expect(paths).toContain('share/naïve-ünïcode.txt');
  const byPath = new Map(entries.map((e) => [e.path, e]));
  expect(byPath.get('bin/')).toMatchObject({ type: 'directory', mode: 0o755 });
  expect(byPath.get('bin/tool')).toMatchObject({ type: 'file', mode: 0o755 });
  expect(byPath.get('bin/tool-alias')).toMatchObject({ type: 'hardlink', linkpath: 'bin/tool' });
  expect(byPath.get('include/x.h')).toMatchObject({ type: 'file', mode: 0o644 });
  expect(byPath.get('lib/libx.so')).toMatchObject({ type: 'symlink', linkpath: 'libx.so.1' });
  for (const e of entries) expect(e.mtime?.getTime()).toBe(EPOCH * 1000);

  // GNU tar agrees: numeric owner 0/0, no user or group names.
  const verbose = execFileSync('tar', ['--numeric-owner', '-tvzf', gz]).toString();
  for (const line of verbose.trim().split('\n')) expect(line).toMatch(/^\S+ 0\/0 /);
  expect(execFileSync('tar', ['-tvzf', gz]).toString()).not.toMatch(/root/);

  // gzip header: no name, MTIME 0, OS 3.
  const head = (await fs.readFile(gz)).subarray(0, 10);
  expect([...head.subarray(3, 8)]).toEqual([0, 0, 0, 0, 0]);
  expect(head[9]).toBe(3);
});

test('a packed tree extracts back to the same files (tar.zst), hard links and symlinks included', async () => {
  const root = path.join(tmp, 'prefix');
  await makeTree(root, 0);
  const { archives } = await packDirectory(root, path.join(tmp, 'x'), { mtime: EPOCH, formats: ['tar.zst'] });
  const out = path.join(tmp, 'extracted');
  await extractArchive(archives[0]!.path, out);
  expect(execFileSync(path.join(out, 'bin', 'tool')).toString()).toBe('tool\n');
  expect((await fs.stat(path.join(out, 'bin', 'tool-alias'))).ino).toBe((await fs.stat(path.join(out, 'bin', 'tool'))).ino);
  expect(await fs.readFile(path.join(out, 'lib', 'libx.so'))).toEqual(await fs.readFile(path.join(root, 'lib', 'libx.so.1.2')));
  expect(await fs.readFile(path.join(out, LONG), 'utf8')).toBe('long\n');
  expect((await fs.stat(path.join(out, 'lib', 'libx.so.1.2'))).mtimeMs).toBe(EPOCH * 1000);
});

test('absolute symlinks: into the prefix become relative, outside are refused', async () => {
  const root = path.join(tmp, 'stage');
  await fs.mkdir(path.join(root, 'lib'), { recursive: true });
  await fs.writeFile(path.join(root, 'lib', 'libz.so.1.3'), 'z');
  await fs.symlink('/opt/potions/zlib/lib/libz.so.1.3', path.join(root, 'lib', 'libz.so'));
  const { archives } = await packDirectory(root, path.join(tmp, 'z'), { mtime: EPOCH, formats: ['tar.gz'], prefix: '/opt/potions/zlib' });
  const { entries } = await listArchive(archives[0]!.path);
  expect(entries.find((e) => e.path === 'lib/libz.so')).toMatchObject({ type: 'symlink', linkpath: 'libz.so.1.3' });

  await fs.symlink('/etc/passwd', path.join(root, 'lib', 'bad'));
  await expect(packDirectory(root, path.join(tmp, 'bad'), { mtime: EPOCH, prefix: '/opt/potions/zlib' })).rejects.toMatchObject({
    code: 'E_ARCHIVE_UNPACKABLE',
    message: expect.stringMatching(/lib\/bad.*"\/etc\/passwd" is an absolute path outside the tree/),
  });
  await fs.rm(path.join(root, 'lib', 'bad'));
  await fs.symlink('../../outside', path.join(root, 'lib', 'up'));
  await expect(packDirectory(root, path.join(tmp, 'bad'), { mtime: EPOCH, prefix: '/opt/potions/zlib' })).rejects.toMatchObject({
    code: 'E_ARCHIVE_UNPACKABLE',
    message: expect.stringMatching(/lib\/up.*resolves outside/),
  });
  expect((await fs.readdir(tmp)).filter((n) => n.startsWith('bad') || n.startsWith('.bad'))).toEqual([]);
});
