import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractArchive, listArchive, sourceRoot } from './index';
import { makeTar } from './testing';

const UPSTREAM = '/work/shared/upstream';
let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-archive-extract-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function mode(file: string): Promise<number> {
  return (await fs.lstat(file)).mode & 0o777;
}

/** path -> sha256 (files) or link target, for every entry under dir. */
async function treeDigest(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const d of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      const abs = path.join(dir, child);
      if (d.isSymbolicLink()) out[child] = `-> ${await fs.readlink(abs)}`;
      else if (d.isDirectory()) {
        out[child] = 'dir';
        await walk(child);
      } else out[child] = createHash('sha256').update(await fs.readFile(abs)).digest('hex');
    }
  };
  await walk('');
  return out;
}

describe('real upstream archives', () => {
  test('tree-2.1.0.tgz: one top folder, the source root', async () => {
    const dest = path.join(tmp, 'tree');
    const result = await extractArchive(path.join(UPSTREAM, 'tree-2.1.0.tgz'), dest);
    expect(result).toMatchObject({ dir: dest, format: 'tar.gz', entries: 22 });
    expect(await sourceRoot(dest)).toBe(path.join(dest, 'tree-2.1.0'));
    expect(await fs.readFile(path.join(dest, 'tree-2.1.0', 'tree.c'), 'utf8')).toContain('tree');
  });

  test('hello-2.10.tar.gz gives the same tree as GNU tar, with the archive mtimes', async () => {
    const ours = path.join(tmp, 'ours');
    const gnu = path.join(tmp, 'gnu');
    await fs.mkdir(gnu);
    execFileSync('tar', ['-xzf', path.join(UPSTREAM, 'hello-2.10.tar.gz'), '-C', gnu]);
    await extractArchive(path.join(UPSTREAM, 'hello-2.10.tar.gz'), ours);
    expect(await treeDigest(ours)).toEqual(await treeDigest(gnu));
    const configure = path.join(ours, 'hello-2.10', 'configure');
    expect(await mode(configure)).toBe(0o755);
    // make must not think configure is older than configure.ac: the archive's times are kept.
    expect((await fs.stat(configure)).mtimeMs).toBe((await fs.stat(path.join(gnu, 'hello-2.10', 'configure'))).mtimeMs);
  });

  test('m4-1.4.19.tar.xz is recognised as xz by its content even when named .bin', async () => {
    const renamed = path.join(tmp, 'm4.bin');
    await fs.copyFile(path.join(UPSTREAM, 'm4-1.4.19.tar.xz'), renamed);
    const dest = path.join(tmp, 'm4');
    const result = await extractArchive(renamed, dest, { stripComponents: 1 });
    expect(result.format).toBe('tar.xz');
    expect(await mode(path.join(dest, 'configure'))).toBe(0o755); // 0775 in the archive: no group write once extracted
    expect(await sourceRoot(dest)).toBe(dest); // stripped: no single top folder left
  });

  test('content wins over the name: an xz tarball named .tgz', async () => {
    const misnamed = path.join(tmp, 'm4.tgz');
    await fs.copyFile(path.join(UPSTREAM, 'm4-1.4.19.tar.xz'), misnamed);
    const listing = await listArchive(misnamed);
    expect(listing.format).toBe('tar.xz');
    expect(listing.entries.some((e) => e.path === 'm4-1.4.19/configure' && e.type === 'file')).toBe(true);
  });
});

describe('formats made here', () => {
  test('a zip with folders, modes and an inside symlink', async () => {
    const zip = path.join(tmp, 'tool.zip');
    execFileSync('python3', [
      '-c',
      `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    d = zipfile.ZipInfo('tool-1.0/bin/'); d.create_system = 3; d.external_attr = (0o40755 << 16) | 0x10; z.writestr(d, '')
    x = zipfile.ZipInfo('tool-1.0/bin/tool'); x.create_system = 3; x.external_attr = 0o100755 << 16; z.writestr(x, '#!/bin/sh\\necho hi\\n')
    r = zipfile.ZipInfo('tool-1.0/README'); r.create_system = 3; r.external_attr = 0o100644 << 16; z.writestr(r, 'read me\\n' * 100)
    l = zipfile.ZipInfo('tool-1.0/latest'); l.create_system = 3; l.external_attr = 0o120777 << 16; z.writestr(l, 'bin/tool')
`,
      zip,
    ]);
    const dest = path.join(tmp, 'out');
    const result = await extractArchive(zip, dest);
    expect(result).toMatchObject({ format: 'zip', entries: 4 });
    const root = await sourceRoot(dest);
    expect(root).toBe(path.join(dest, 'tool-1.0'));
    expect(await mode(path.join(root, 'bin', 'tool'))).toBe(0o755);
    expect(await mode(path.join(root, 'README'))).toBe(0o644);
    expect(await fs.readlink(path.join(root, 'latest'))).toBe('bin/tool');
    expect(execFileSync(path.join(root, 'latest')).toString()).toBe('hi\n');
  });

  test('a .tar.bz2 made with the bzip2 program', async () => {
    const tar = path.join(tmp, 'src.tar');
    await fs.writeFile(
      tar,
      makeTar([
        { path: 'src-1/', type: 'Directory' },
        { path: 'src-1/a.txt', body: 'alpha\n' },
        { path: 'src-1/link', type: 'SymbolicLink', linkpath: 'a.txt' },
        { path: 'src-1/hard', type: 'Link', linkpath: 'src-1/a.txt' },
      ]),
    );
    execFileSync('bzip2', ['-9', tar]);
    const dest = path.join(tmp, 'out');
    const result = await extractArchive(`${tar}.bz2`, dest);
    expect(result.format).toBe('tar.bz2');
    expect(await fs.readFile(path.join(dest, 'src-1', 'link'), 'utf8')).toBe('alpha\n');
    const [a, h] = await Promise.all([fs.stat(path.join(dest, 'src-1', 'a.txt')), fs.stat(path.join(dest, 'src-1', 'hard'))]);
    expect(h.ino).toBe(a.ino);
  });

  test('a plain ELF program is copied in as-is, executable', async () => {
    const prog = path.join(tmp, 'true-linux-amd64');
    await fs.copyFile('/bin/true', prog);
    await fs.chmod(prog, 0o600);
    const dest = path.join(tmp, 'out');
    const result = await extractArchive(prog, dest, { plainFileName: 'true' });
    expect(result).toMatchObject({ format: 'plain', entries: 1 });
    const out = path.join(dest, 'true');
    expect(await mode(out)).toBe(0o755);
    expect(await fs.readFile(out)).toEqual(await fs.readFile('/bin/true'));
    execFileSync(out); // it runs
  });

  test('a plain data file gets 0644', async () => {
    const data = path.join(tmp, 'data.json');
    await fs.writeFile(data, '{"a":1}');
    const dest = path.join(tmp, 'out');
    await extractArchive(data, dest);
    expect(await mode(path.join(dest, 'data.json'))).toBe(0o644);
  });

  test('a single gzipped script becomes the script, executable, named without .gz', async () => {
    const script = path.join(tmp, 'hello-tool');
    await fs.writeFile(script, '#!/bin/sh\necho gz\n');
    execFileSync('gzip', ['-n', script]);
    const dest = path.join(tmp, 'out');
    const result = await extractArchive(`${script}.gz`, dest);
    expect(result.format).toBe('gz');
    expect(execFileSync(path.join(dest, 'hello-tool')).toString()).toBe('gz\n');
  });

  test('a .tar.zst made with the zstd program, listed and extracted', async () => {
    const tar = path.join(tmp, 'z.tar');
    await fs.writeFile(tar, makeTar([{ path: 'z/file', body: 'zed' }]));
    execFileSync('zstd', ['-q', '--rm', tar]);
    const listing = await listArchive(`${tar}.zst`);
    expect(listing).toMatchObject({ format: 'tar.zst', entries: [{ path: 'z/file', type: 'file', size: 3 }] });
    await extractArchive(`${tar}.zst`, path.join(tmp, 'out'));
    expect(await fs.readFile(path.join(tmp, 'out', 'z', 'file'), 'utf8')).toBe('zed');
  });

  test('a later file of the same name wins (tar semantics); duplicate folders are fine', async () => {
    const tar = path.join(tmp, 'dup.tar');
    await fs.writeFile(
      tar,
      makeTar([
        { path: 'd/', type: 'Directory' },
        { path: 'd/f', body: 'first' },
        { path: 'd/', type: 'Directory', mode: 0o700 },
        { path: 'd/f', body: 'second' },
      ]),
    );
    await extractArchive(tar, path.join(tmp, 'out'));
    expect(await fs.readFile(path.join(tmp, 'out', 'd', 'f'), 'utf8')).toBe('second');
    expect(await mode(path.join(tmp, 'out', 'd'))).toBe(0o700);
  });
});

test('modes are normalised: nothing extracted is group- or world-writable; setuid, setgid and sticky are dropped', async () => {
  const tar = path.join(tmp, 'modes.tar');
  await fs.writeFile(
    tar,
    makeTar([
      { path: 'open/', type: 'Directory', mode: 0o777 },
      { path: 'open/tool', body: '#!/bin/sh\n', mode: 0o777 },
      { path: 'open/data', body: 'x', mode: 0o666 },
      { path: 'open/suid', body: '#!/bin/sh\n', mode: 0o4775 },
      { path: 'private/', type: 'Directory', mode: 0o700 },
      { path: 'private/key', body: 'k', mode: 0o600 },
      { path: 'sticky/', type: 'Directory', mode: 0o1777 },
    ]),
  );
  const out = path.join(tmp, 'out');
  await extractArchive(tar, out);
  expect(await mode(path.join(out, 'open'))).toBe(0o755);
  expect(await mode(path.join(out, 'open', 'tool'))).toBe(0o755);
  expect(await mode(path.join(out, 'open', 'data'))).toBe(0o644);
  expect((await fs.lstat(path.join(out, 'open', 'suid'))).mode & 0o7777).toBe(0o755);
  // What is already private stays private.
  expect(await mode(path.join(out, 'private'))).toBe(0o700);
  expect(await mode(path.join(out, 'private', 'key'))).toBe(0o600);
  expect((await fs.lstat(path.join(out, 'sticky'))).mode & 0o7777).toBe(0o755);
});

describe('refusals that are not attacks', () => {
  test('an HTML page saved as .tar.gz', async () => {
    const file = path.join(tmp, 'tool.tar.gz');
    await fs.writeFile(file, '<!DOCTYPE html><html>Not Found</html>');
    await expect(extractArchive(file, path.join(tmp, 'out'))).rejects.toMatchObject({
      code: 'E_ARCHIVE_CORRUPT',
      message: expect.stringMatching(/named like a \.tar\.gz archive.*<!DOCTYPE html>/),
    });
    await expect(fs.lstat(path.join(tmp, 'out'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('a truncated .tar.xz', async () => {
    const data = await fs.readFile(path.join(UPSTREAM, 'm4-1.4.19.tar.xz'));
    const file = path.join(tmp, 'cut.tar.xz');
    await fs.writeFile(file, data.subarray(0, 100_000));
    await expect(extractArchive(file, path.join(tmp, 'out'))).rejects.toMatchObject({
      code: 'E_ARCHIVE_CORRUPT',
      message: expect.stringMatching(/cannot be decompressed with xz/),
    });
    expect(await fs.readdir(tmp)).toEqual(['cut.tar.xz']);
  });

  test('a destination that exists and is not empty', async () => {
    const dest = path.join(tmp, 'out');
    await fs.mkdir(dest);
    await fs.writeFile(path.join(dest, 'x'), 'x');
    await expect(extractArchive(path.join(UPSTREAM, 'tree-2.1.0.tgz'), dest)).rejects.toMatchObject({
      code: 'E_ARCHIVE_DESTINATION_EXISTS',
    });
    expect(await fs.readdir(dest)).toEqual(['x']);
  });

  test('an empty existing destination folder is filled', async () => {
    const dest = path.join(tmp, 'out');
    await fs.mkdir(dest);
    await extractArchive(path.join(UPSTREAM, 'tree-2.1.0.tgz'), dest);
    expect(await fs.readdir(dest)).toEqual(['tree-2.1.0']);
  });
});
