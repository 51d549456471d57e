import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractArchive, type ExtractOptions } from './index';
import { makeTar, type TarEntrySpec } from './testing';

/**
 * Every attack is a real archive on disk. Each test asserts the refusal names
 * the entry, that the sentinel folder around the destination is exactly as
 * before (nothing written outside, even partially), and that the destination
 * does not exist.
 */
let sentinel: string;
beforeEach(async () => {
  sentinel = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-archive-attack-'));
  await fs.mkdir(path.join(sentinel, 'outside'));
  await fs.writeFile(path.join(sentinel, 'outside', 'keep.txt'), 'original');
});
afterEach(async () => {
  await fs.rm(sentinel, { recursive: true, force: true });
});

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const d of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, d.name);
      const st = await fs.lstat(path.join(dir, child));
      out.push(`${child} ${st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.size}`);
      if (d.isDirectory()) await walk(child);
    }
  };
  await walk('');
  return out.sort();
}

/** Extracts `archive` (already inside the sentinel) into sentinel/dest and expects a refusal. */
async function expectRefused(archive: string, pattern: RegExp, code: string, options: ExtractOptions = {}): Promise<Error> {
  const before = await listing(sentinel);
  const dest = path.join(sentinel, 'dest');
  const err = await extractArchive(archive, dest, options).then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );
  expect(err).toBeDefined();
  expect(err!.message).toMatch(pattern);
  expect((err as { code?: string }).code).toBe(code);
  expect(await listing(sentinel)).toEqual(before);
  await expect(fs.lstat(dest)).rejects.toMatchObject({ code: 'ENOENT' });
  expect(await fs.readFile(path.join(sentinel, 'outside', 'keep.txt'), 'utf8')).toBe('original');
  return err!;
}

async function tarFile(name: string, entries: TarEntrySpec[], options?: { truncate?: boolean }): Promise<string> {
  const file = path.join(sentinel, name);
  await fs.writeFile(file, makeTar(entries, options));
  return file;
}

function python(script: string, ...args: string[]): void {
  execFileSync('python3', ['-c', script, ...args]);
}

describe('tar attacks', () => {
  test('a ../ entry', async () => {
    const file = await tarFile('dotdot.tar', [
      { path: 'ok.txt', body: 'fine' },
      { path: '../evil', body: 'pwned' },
    ]);
    await expectRefused(file, /"\.\.\/evil".*'\.\.' component/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a nested a/../../evil entry', async () => {
    const file = await tarFile('nested.tar', [{ path: 'a/../../outside/evil', body: 'pwned' }]);
    await expectRefused(file, /"a\/\.\.\/\.\.\/outside\/evil"/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('an absolute path', async () => {
    const target = path.join(sentinel, 'outside', 'abs-evil');
    const file = await tarFile('abs.tar', [{ path: target, body: 'pwned' }]);
    await expectRefused(file, new RegExp(`"${target}".*absolute`), 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a symlink to an absolute path, then a write through it (a -> /etc, a/passwd)', async () => {
    const file = await tarFile('abs-link.tar', [
      { path: 'a', type: 'SymbolicLink', linkpath: path.join(sentinel, 'outside') },
      { path: 'a/keep.txt', body: 'pwned' },
    ]);
    await expectRefused(file, /"a".*absolute path/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a relative symlink leading outside, then a write through it', async () => {
    const file = await tarFile('rel-link.tar', [
      { path: 'dir/', type: 'Directory' },
      { path: 'dir/up', type: 'SymbolicLink', linkpath: '../../outside' },
      { path: 'dir/up/keep.txt', body: 'pwned' },
    ]);
    await expectRefused(file, /"dir\/up".*resolves outside the folder/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a symlink that stays inside is never written through', async () => {
    const file = await tarFile('inside-link.tar', [
      { path: 'sub/', type: 'Directory' },
      { path: 'a', type: 'SymbolicLink', linkpath: 'sub' },
      { path: 'a/file', body: 'through the link' },
    ]);
    await expectRefused(file, /"a\/file".*symbolic link earlier in the archive/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a chain of links that is inside lexically but outside for real (d/a -> .., b -> d/a/..)', async () => {
    const file = await tarFile('chain.tar', [
      { path: 'd/', type: 'Directory' },
      { path: 'd/a', type: 'SymbolicLink', linkpath: '..' },
      { path: 'b', type: 'SymbolicLink', linkpath: 'd/a/..' },
    ]);
    await expectRefused(file, /"b".*resolves outside/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a link made harmful by a later link (x -> y/../.., then y -> .)', async () => {
    // x is fine when it comes (y does not exist); the later y makes x climb out.
    const file = await tarFile('later.tar', [
      { path: 'x', type: 'SymbolicLink', linkpath: 'y/../..' },
      { path: 'y', type: 'SymbolicLink', linkpath: '.' },
    ]);
    await expectRefused(file, /"x".*resolves outside/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a hard link to /etc/passwd', async () => {
    const file = await tarFile('hard-abs.tar', [{ path: 'passwd', type: 'Link', linkpath: '/etc/passwd' }]);
    await expectRefused(file, /"passwd".*hard link to "\/etc\/passwd"/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a hard link to ../outside/keep.txt', async () => {
    const file = await tarFile('hard-up.tar', [{ path: 'k', type: 'Link', linkpath: '../outside/keep.txt' }]);
    await expectRefused(file, /"k".*hard link/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a hard link to an entry that does not exist (or comes later)', async () => {
    const file = await tarFile('hard-missing.tar', [
      { path: 'h', type: 'Link', linkpath: 'later.txt' },
      { path: 'later.txt', body: 'x' },
    ]);
    await expectRefused(file, /"h".*not a regular file earlier in the archive/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a hard link to a symlink (which could point anywhere)', async () => {
    const file = await tarFile('hard-to-link.tar', [
      { path: 'l', type: 'SymbolicLink', linkpath: 'x' },
      { path: 'h', type: 'Link', linkpath: 'l' },
    ]);
    await expectRefused(file, /"h".*not a regular file/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a character device', async () => {
    const file = await tarFile('chr.tar', [{ path: 'null', type: 'CharacterDevice' }]);
    await expectRefused(file, /"null".*character-device/, 'E_ARCHIVE_UNSUPPORTED_ENTRY');
  });

  test('a FIFO', async () => {
    const file = await tarFile('fifo.tar', [
      { path: 'ok.txt', body: 'x' },
      { path: 'pipe', type: 'FIFO' },
    ]);
    await expectRefused(file, /"pipe".*fifo/, 'E_ARCHIVE_UNSUPPORTED_ENTRY');
  });

  test('too many entries', async () => {
    const entries = Array.from({ length: 10 }, (_, i) => ({ path: `f${i}`, body: String(i) }));
    const file = await tarFile('many.tar', entries);
    await expectRefused(file, /"f5".*more than 5 entries/, 'E_ARCHIVE_LIMIT', { maxEntries: 5 });
  });

  test('a declared size past the default 8 GiB limit (body absent)', async () => {
    const file = await tarFile('huge.tar', [{ path: 'big.bin', size: 9 * 1024 ** 3 }], { truncate: true });
    await expectRefused(file, /"big.bin".*past the limit of 8589934592/, 'E_ARCHIVE_LIMIT');
  });

  test('real content past a lowered size limit', async () => {
    const file = await tarFile('big.tar', [
      { path: 'a', body: Buffer.alloc(3000, 1) },
      { path: 'b', body: Buffer.alloc(3000, 2) },
    ]);
    await expectRefused(file, /"b".*past the limit of 5000/, 'E_ARCHIVE_LIMIT', { maxBytes: 5000 });
  });

  test('a gzip bomb: far more decompressed bytes than the limit allows', async () => {
    // 2 MiB of zeros in one entry under a 1 KiB limit and few entries: the entry is refused on its declared size.
    const tar = path.join(sentinel, 'bomb.tar');
    await fs.writeFile(tar, makeTar([{ path: 'zeros', body: Buffer.alloc(2 * 1024 * 1024) }]));
    execFileSync('gzip', ['-9', tar]);
    await expectRefused(`${tar}.gz`, /"zeros".*past the limit of 1024/, 'E_ARCHIVE_LIMIT', { maxBytes: 1024, maxEntries: 4 });
  });

  test('a file and then a folder of the same name', async () => {
    const file = await tarFile('clash.tar', [
      { path: 'x', body: 'file' },
      { path: 'x/', type: 'Directory' },
    ]);
    await expectRefused(file, /"x\/".*replace the file/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('names longer than a file system takes (a 5,000-character name, a 300-character folder, a path of 4,201 characters): E_ARCHIVE_NAME_TOO_LONG naming the entry, shortened', async () => {
    const long = 'a'.repeat(5000);
    const err = await expectRefused(await tarFile('long.tar', [{ path: 'ok.txt', body: 'fine' }, { path: long, body: 'x' }]), /name too long/, 'E_ARCHIVE_NAME_TOO_LONG');
    expect(err.message).toContain('5000 characters');
    expect(err.message).toContain('the limit is 255 bytes per name');
    expect(err.message.length).toBeLessThan(400);
    await expectRefused(await tarFile('long-dir.tar', [{ path: `${'b'.repeat(300)}/f`, body: 'x' }]), /name too long.*255 bytes per name/, 'E_ARCHIVE_NAME_TOO_LONG');
    await expectRefused(await tarFile('deep.tar', [{ path: `${'d/'.repeat(2100)}f`, body: 'x' }]), /path too long.*4096 bytes/, 'E_ARCHIVE_NAME_TOO_LONG');
    // A link whose target is too long for the file system is refused the same way.
    await expectRefused(
      await tarFile('long-link.tar', [{ path: 'l', type: 'SymbolicLink', linkpath: `${'c'.repeat(300)}` }]),
      /name too long/,
      'E_ARCHIVE_NAME_TOO_LONG',
    );
  });

  test('a truncated archive', async () => {
    const full = makeTar([{ path: 'a.txt', body: Buffer.alloc(4000, 0x61) }]);
    const file = path.join(sentinel, 'cut.tar');
    await fs.writeFile(file, full.subarray(0, 2048));
    await expectRefused(file, /Truncated input/, 'E_ARCHIVE_CORRUPT');
  });
});

describe('zip attacks', () => {
  const writeZip = `
import sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile(out, 'w') as z:
    for spec in sys.argv[2:]:
        kind, name, data = spec.split('|', 2)
        info = zipfile.ZipInfo(name)
        info.create_system = 3
        if kind == 'link':
            info.external_attr = (0o120777 << 16)
        elif kind == 'dir':
            info.external_attr = (0o40755 << 16) | 0x10
        elif kind == 'fifo':
            info.external_attr = (0o10644 << 16)
        else:
            info.external_attr = (0o100644 << 16)
        z.writestr(info, data)
`;

  test('a zip with a ../ entry', async () => {
    const file = path.join(sentinel, 'dotdot.zip');
    python(writeZip, file, 'file|ok.txt|fine', 'file|../outside/evil|pwned');
    await expectRefused(file, /"\.\.\/outside\/evil".*'\.\.'/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a zip with an absolute entry', async () => {
    const file = path.join(sentinel, 'abs.zip');
    python(writeZip, file, `file|${path.join(sentinel, 'outside', 'abs')}|pwned`);
    await expectRefused(file, /absolute/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a zip symlink to an absolute path, then a write through it', async () => {
    const file = path.join(sentinel, 'link.zip');
    python(writeZip, file, `link|a|${path.join(sentinel, 'outside')}`, 'file|a/keep.txt|pwned');
    await expectRefused(file, /"a".*absolute path/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a zip symlink leading out with ..', async () => {
    const file = path.join(sentinel, 'link-up.zip');
    python(writeZip, file, 'link|up|../outside/keep.txt');
    await expectRefused(file, /"up".*resolves outside/, 'E_ARCHIVE_UNSAFE_ENTRY');
  });

  test('a zip FIFO', async () => {
    const file = path.join(sentinel, 'fifo.zip');
    python(writeZip, file, 'fifo|p|');
    await expectRefused(file, /"p".*fifo/, 'E_ARCHIVE_UNSUPPORTED_ENTRY');
  });

  test('a zip with too many entries is refused before anything is written', async () => {
    const file = path.join(sentinel, 'many.zip');
    python(writeZip, file, ...Array.from({ length: 8 }, (_, i) => `file|f${i}|${i}`));
    await expectRefused(file, /holds 8 entries, more than the limit of 3/, 'E_ARCHIVE_LIMIT', { maxEntries: 3 });
  });

  test('a zip whose entries claim an impossible deflate ratio', async () => {
    const file = path.join(sentinel, 'ratio.zip');
    python(
      `
import sys, zipfile, struct
out = sys.argv[1]
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('zeros', b'\\0' * 100000)
data = bytearray(open(out, 'rb').read())
# Rewrite the central directory's uncompressed size of the entry to 1 GiB.
cd = data.rfind(b'PK\\x01\\x02')
struct.pack_into('<I', data, cd + 24, 1 << 30)
open(out, 'wb').write(bytes(data))
`,
      file,
    );
    await expectRefused(file, /"zeros".*ratio deflate cannot reach/, 'E_ARCHIVE_LIMIT');
  });
});
