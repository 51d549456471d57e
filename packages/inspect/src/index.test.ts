import * as api from './index';

test('the public surface is exactly this', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'DEFAULT_BUILD_PREFIX',
      'InspectErrorCode',
      'LINUX_LOADERS',
      'artifactNameParts',
      'elfPlatform',
      'forbiddenPrefixes',
      'identifyFile',
      'isDarwinSystemPath',
      'linuxSystemLibrary',
      'machOPlatform',
      'parseElf',
      'parseMachO',
      'readElfFile',
      'reportTables',
      'runnerFor',
      'setElfRunpath',
      'smokeTestArtifact',
    ].sort(),
  );
});

test('artifact names give the package name and version, also when the name has dashes', () => {
  expect(api.artifactNameParts('/x/ripgrep-all-0.10.6-linux-amd64.tar.gz', 'linux-amd64')).toEqual({ name: 'ripgrep-all', version: '0.10.6' });
  expect(api.artifactNameParts('tool-2024-01-02-darwin-arm64.tar.zst', 'darwin-arm64', 'tool')).toEqual({ name: 'tool', version: '2024-01-02' });
  expect(api.artifactNameParts('hello-2.10-linux-amd64.tar.gz', 'linux-arm64')).toEqual({ name: 'hello', version: '2.10' });
  expect(api.artifactNameParts('hello-2.10.tar.gz', 'linux-arm64')).toBeUndefined();
  expect(api.artifactNameParts('hello-2.10-linux-amd64.tar.gz', 'linux-amd64', 'other')).toBeUndefined();
});

test('which host runs which platform, and how', async () => {
  const all = { searchPath: '/q', exists: async () => true };
  const none = { searchPath: '/q', exists: async () => false };
  expect(await api.runnerFor('linux-amd64', 'linux-amd64', none)).toEqual({ kind: 'native', command: [] });
  expect(await api.runnerFor('linux-arm64', 'linux-amd64', all)).toEqual({ kind: 'qemu', command: ['/q/qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'] });
  expect(await api.runnerFor('linux-amd64', 'linux-arm64', all)).toEqual({ kind: 'qemu', command: ['/q/qemu-x86_64-static', '-L', '/usr/x86_64-linux-gnu'] });
  expect(await api.runnerFor('linux-arm64', 'linux-amd64', none)).toMatchObject({ kind: 'none', reason: expect.stringContaining('qemu-aarch64-static') });
  const noSysroot = { searchPath: '/q', exists: async (p: string) => p.startsWith('/q/') };
  expect(await api.runnerFor('linux-arm64', 'linux-amd64', noSysroot)).toMatchObject({ kind: 'none', reason: expect.stringContaining('libc6-arm64-cross') });
  expect(await api.runnerFor('darwin-x86_64', 'darwin-arm64', none)).toEqual({ kind: 'rosetta', command: [] });
  expect(await api.runnerFor('darwin-arm64', 'darwin-x86_64', all)).toMatchObject({ kind: 'none', reason: 'darwin-arm64 programs cannot run on this darwin-x86_64 machine' });
  expect(await api.runnerFor('darwin-arm64', 'linux-amd64', all)).toMatchObject({ kind: 'none' });
});

test('the allow-lists: glibc, the loader, GCC runtime; /usr/lib dylibs and system frameworks', () => {
  expect(api.linuxSystemLibrary('linux-amd64', 'libc.so.6')).toBe('glibc');
  expect(api.linuxSystemLibrary('linux-amd64', 'libnss_systemd.so.2')).toBe('glibc');
  expect(api.linuxSystemLibrary('linux-amd64', 'ld-linux-x86-64.so.2')).toBe('loader');
  expect(api.linuxSystemLibrary('linux-arm64', 'ld-linux-x86-64.so.2')).toBeUndefined();
  expect(api.linuxSystemLibrary('linux-arm64', 'libstdc++.so.6')).toBe('gcc-runtime');
  expect(api.linuxSystemLibrary('linux-amd64', 'libssl.so.3')).toBeUndefined();
  expect(api.isDarwinSystemPath('/usr/lib/swift/libswiftCore.dylib')).toBe(true);
  expect(api.isDarwinSystemPath('/System/Library/Frameworks/Security.framework/Versions/A/Security')).toBe(true);
  expect(api.isDarwinSystemPath('/usr/local/lib/libssl.dylib')).toBe(false);
  expect(api.isDarwinSystemPath('/usr/lib/../local/lib/x.dylib')).toBe(false);
});
