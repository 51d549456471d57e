import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractArchive, packDirectory, PREFIX_PLACEHOLDER, relocateInstalled, replacePrefixInTextFiles } from './index';

const BUILD_PREFIX = '/opt/potions/demo/1.0';
let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-archive-relocate-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function stage(root: string): Promise<void> {
  const w = async (rel: string, body: string | Buffer, mode = 0o644): Promise<void> => {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), body, { mode });
  };
  await w('lib/pkgconfig/demo.pc', `prefix=${BUILD_PREFIX}\nlibdir=\${prefix}/lib\nName: demo\n`);
  await w('bin/demo-config', `#!/bin/sh\necho ${BUILD_PREFIX}/share/demo\n`, 0o755);
  await w('lib/libdemo.la', `libdir='${BUILD_PREFIX}/lib'\n`);
  // A binary with the prefix inside: reported, never patched (lengths matter in binaries).
  await w('bin/demo', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64), Buffer.from(`${BUILD_PREFIX}/share\0`)]), 0o755);
  await w('share/demo/readme.txt', 'no prefix here\n');
}

test('pack-time replacement, then install-time relocation of exactly the recorded files', async () => {
  const staged = path.join(tmp, 'stage');
  await stage(staged);
  const binaryBefore = await fs.readFile(path.join(staged, 'bin', 'demo'));

  const replaced = await replacePrefixInTextFiles(staged, BUILD_PREFIX);
  expect(replaced).toEqual({
    textFiles: ['bin/demo-config', 'lib/libdemo.la', 'lib/pkgconfig/demo.pc'],
    binaryFiles: ['bin/demo'],
  });
  expect(await fs.readFile(path.join(staged, 'lib/pkgconfig/demo.pc'), 'utf8')).toBe(
    `prefix=${PREFIX_PLACEHOLDER}\nlibdir=\${prefix}/lib\nName: demo\n`,
  );
  expect(await fs.readFile(path.join(staged, 'bin', 'demo'))).toEqual(binaryBefore);
  expect((await fs.stat(path.join(staged, 'bin', 'demo-config'))).mode & 0o777).toBe(0o755);

  const { archives } = await packDirectory(staged, path.join(tmp, 'demo-1.0'), { mtime: 1_700_000_000, formats: ['tar.gz'] });
  const installed = path.join(tmp, 'users', 'home', 'tools', 'demo');
  await extractArchive(archives[0]!.path, installed);
  const rewritten = await relocateInstalled(installed, PREFIX_PLACEHOLDER, installed, replaced.textFiles);
  expect(rewritten).toEqual(replaced.textFiles);
  expect(await fs.readFile(path.join(installed, 'lib/libdemo.la'), 'utf8')).toBe(`libdir='${installed}/lib'\n`);
  expect(execFileSync(path.join(installed, 'bin', 'demo-config')).toString()).toBe(`${installed}/share/demo\n`);
  expect(await fs.readFile(path.join(installed, 'bin', 'demo'))).toEqual(binaryBefore);
});

test('without a list, every text file holding the placeholder is relocated', async () => {
  const dir = path.join(tmp, 'x');
  await fs.mkdir(path.join(dir, 'etc'), { recursive: true });
  await fs.writeFile(path.join(dir, 'etc', 'a.conf'), `root=${PREFIX_PLACEHOLDER}\n`);
  await fs.writeFile(path.join(dir, 'etc', 'b.conf'), 'nothing\n');
  expect(await relocateInstalled(dir, PREFIX_PLACEHOLDER, '/home/me/x')).toEqual(['etc/a.conf']);
  expect(await fs.readFile(path.join(dir, 'etc', 'a.conf'), 'utf8')).toBe('root=/home/me/x\n');
});

test('a relocation list from tampered metadata cannot reach outside or through links', async () => {
  const dir = path.join(tmp, 'x');
  await fs.mkdir(dir);
  await fs.writeFile(path.join(tmp, 'victim.txt'), PREFIX_PLACEHOLDER);
  await fs.symlink('../victim.txt', path.join(dir, 'link'));
  await expect(relocateInstalled(dir, PREFIX_PLACEHOLDER, '/new', ['../victim.txt'])).rejects.toMatchObject({
    code: 'E_ARCHIVE_RELOCATION',
    message: expect.stringMatching(/"\.\.\/victim\.txt".*'\.\.'/),
  });
  await expect(relocateInstalled(dir, PREFIX_PLACEHOLDER, '/new', ['link'])).rejects.toMatchObject({
    code: 'E_ARCHIVE_RELOCATION',
    message: expect.stringMatching(/"link".*symbolic link/),
  });
  expect(await fs.readFile(path.join(tmp, 'victim.txt'), 'utf8')).toBe(PREFIX_PLACEHOLDER);
});

describe('install folders that the relocated files must be able to hold', () => {
  /** A staged prefix with a pkg-config file and a script, packed and extracted into `installed`. */
  async function installDemo(installed: string): Promise<string[]> {
    const staged = path.join(tmp, 'stage');
    await stage(staged);
    await fs.writeFile(
      path.join(staged, 'lib/pkgconfig/demo.pc'),
      `prefix=${BUILD_PREFIX}\nincludedir=\${prefix}/include\nlibdir=\${prefix}/lib\nName: demo\nDescription: demo\nVersion: 1.0\nCflags: -I\${includedir}\nLibs: -L\${libdir} -ldemo\n`,
    );
    const replaced = await replacePrefixInTextFiles(staged, BUILD_PREFIX);
    const { archives } = await packDirectory(staged, path.join(tmp, 'demo-1.0'), { mtime: 1_700_000_000, formats: ['tar.gz'] });
    await extractArchive(archives[0]!.path, installed);
    return replaced.textFiles;
  }

  test('a folder with spaces, quotes and #: pkg-config files get it escaped as pkg-config reads it; other files get it as it is', async () => {
    const installed = path.join(tmp, "my tools", "it's #1 \"demo\"");
    const files = await installDemo(installed);
    await relocateInstalled(installed, PREFIX_PLACEHOLDER, installed, files);
    const pc = await fs.readFile(path.join(installed, 'lib/pkgconfig/demo.pc'), 'utf8');
    expect(pc.split('\n')[0]).toBe(`prefix=${installed.replace(/([ \\"'#])/g, '\\$1')}`);
    // pkg-config (pkgconf) gives the flags back as one shell word each, however the folder is spelt.
    const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'demo'], { env: { PKG_CONFIG_PATH: path.join(installed, 'lib/pkgconfig'), PATH: '/usr/bin:/bin' } }).toString();
    const words = execFileSync('sh', ['-c', `eval "set -- $1"; printf '%s\\n' "$@"`, 'sh', flags]).toString().trim().split('\n');
    expect(words).toEqual([`-I${installed}/include`, `-L${installed}/lib`, '-ldemo']);
    // Other files get the folder as it is (how a script quotes it is the script's business).
    expect(await fs.readFile(path.join(installed, 'bin', 'demo-config'), 'utf8')).toBe(`#!/bin/sh\necho ${installed}/share/demo\n`);
  });

  test('a folder with a newline or another control character is refused before any file changes: E_ARCHIVE_INSTALL_PATH', async () => {
    for (const bad of ['with\nnewline', 'with\ttab', 'with\u001bescape', 'with\u007fdel']) {
      const installed = path.join(tmp, bad);
      const files = await installDemo(installed);
      const before = await fs.readFile(path.join(installed, 'lib/pkgconfig/demo.pc'), 'utf8');
      await expect(relocateInstalled(installed, PREFIX_PLACEHOLDER, installed, files)).rejects.toMatchObject({
        code: 'E_ARCHIVE_INSTALL_PATH',
        message: expect.stringMatching(/control character/),
      });
      expect(await fs.readFile(path.join(installed, 'lib/pkgconfig/demo.pc'), 'utf8')).toBe(before);
      await fs.rm(path.join(tmp, 'stage'), { recursive: true });
      await fs.rm(path.join(tmp, 'demo-1.0.tar.gz'));
    }
  });

  test('a folder with "$" is refused for pkg-config files (pkg-config and pkgconf read "$$" differently), before any file changes', async () => {
    const installed = path.join(tmp, 'price$5');
    const files = await installDemo(installed);
    await expect(relocateInstalled(installed, PREFIX_PLACEHOLDER, installed, files)).rejects.toMatchObject({
      code: 'E_ARCHIVE_INSTALL_PATH',
      message: expect.stringMatching(/lib\/pkgconfig\/demo\.pc.*"\$"/),
    });
    expect(await fs.readFile(path.join(installed, 'lib/libdemo.la'), 'utf8')).toBe(`libdir='${PREFIX_PLACEHOLDER}/lib'\n`);
  });
});
