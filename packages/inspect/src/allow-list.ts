/**
 * What a user's machine can be trusted to have, per platform, and the places
 * an artifact must never point to. docs/inspect.md explains each entry.
 */
import path from 'node:path';
import type { Platform } from '@potions/core';

/** Why a library found outside the artifact is acceptable. */
export type SystemGroup = 'glibc' | 'loader' | 'gcc-runtime' | 'libxcrypt' | 'macos';

/** glibc 2.17 to 2.40: every library the `libc6` package installs (some empty stubs since 2.34, still present). */
const GLIBC = [
  'libc.so.6',
  'libm.so.6',
  'libmvec.so.1',
  'libpthread.so.0',
  'libdl.so.2',
  'librt.so.1',
  'libutil.so.1',
  'libresolv.so.2',
  'libanl.so.1',
  'libBrokenLocale.so.1',
  'libnsl.so.1',
  'libthread_db.so.1',
  'libc_malloc_debug.so.0',
  'libmemusage.so',
  'libpcprofile.so',
  'libnss_files.so.2',
  'libnss_dns.so.2',
  'libnss_compat.so.2',
  'libnss_hesiod.so.2',
];

/**
 * GCC's runtime: on every glibc distribution (Debian's libgcc-s1 is
 * Essential, libstdc++6 is in every standard install, as on Ubuntu, Fedora,
 * RHEL and the GitHub runners). Allowed, and reported as their own group so
 * that the SBOM lists them. A program that needs a newer libstdc++ than the
 * user has still fails at run time: that is the build's baseline to pick.
 */
const GCC_RUNTIME = ['libgcc_s.so.1', 'libstdc++.so.6'];

/** libcrypt.so.1 left glibc for libxcrypt (2.38), which every distribution installs in its base system. */
const LIBXCRYPT = ['libcrypt.so.1'];

/** The dynamic loader each Linux platform's programs must ask for (PT_INTERP), and its DT_NEEDED name. */
export const LINUX_LOADERS: Record<'linux-amd64' | 'linux-arm64', { paths: string[]; name: string }> = {
  'linux-amd64': { paths: ['/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'], name: 'ld-linux-x86-64.so.2' },
  'linux-arm64': { paths: ['/lib/ld-linux-aarch64.so.1', '/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1'], name: 'ld-linux-aarch64.so.1' },
};

/** Folders the loader searches by default, harmless in a search path. */
const LINUX_SYSTEM_DIRS = ['/lib', '/usr/lib', '/lib64', '/usr/lib64', '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu'];

/** The group of a DT_NEEDED name a Linux system provides, or undefined. */
export function linuxSystemLibrary(platform: Platform, name: string): SystemGroup | undefined {
  if (GLIBC.includes(name) || /^libnss_[a-z]+\.so\.2$/.test(name)) return 'glibc';
  if (platform === 'linux-amd64' || platform === 'linux-arm64') {
    if (LINUX_LOADERS[platform].name === name) return 'loader';
  }
  if (GCC_RUNTIME.includes(name)) return 'gcc-runtime';
  if (LIBXCRYPT.includes(name)) return 'libxcrypt';
  return undefined;
}

export function isLinuxSystemDir(dir: string): boolean {
  return LINUX_SYSTEM_DIRS.includes(path.posix.normalize(dir).replace(/\/+$/, ''));
}

/** `/usr/lib/**.dylib` (libSystem, libc++, libiconv, the Swift runtime...) and `/System/Library/` (frameworks). */
export function isDarwinSystemPath(raw: string): boolean {
  const p = path.posix.normalize(raw);
  return (p.startsWith('/usr/lib/') && (p.endsWith('.dylib') || p === '/usr/lib/dyld')) || p.startsWith('/System/Library/');
}

/** Folders dyld may be pointed at that hold only system libraries. */
export function isDarwinSystemDir(dir: string): boolean {
  const d = path.posix.normalize(dir).replace(/\/+$/, '');
  return d === '/usr/lib' || d.startsWith('/usr/lib/') || d.startsWith('/System/Library/');
}

export interface ForbiddenPrefix {
  prefix: string;
  /** Says what the place is: "the build prefix", "a home folder". */
  why: string;
}

/** The fixed prefix builds install into (`@potions/builder`'s DEFAULT_PREFIX_ROOT). */
export const DEFAULT_BUILD_PREFIX = '/opt/potions';

/** Places that exist on a build machine and not on a user's (or not with the same content). */
export function forbiddenPrefixes(buildPrefix: string = DEFAULT_BUILD_PREFIX): ForbiddenPrefix[] {
  return [
    { prefix: buildPrefix.replace(/\/+$/, ''), why: 'the build prefix' },
    { prefix: '/opt/homebrew', why: "Homebrew's prefix" },
    { prefix: '/usr/local', why: '/usr/local (Homebrew on Intel Macs, software built by hand)' },
    { prefix: '/opt/hostedtoolcache', why: "the CI runner's tool cache" },
    { prefix: '/home', why: 'a home folder' },
    { prefix: '/Users', why: 'a home folder' },
    { prefix: '/root', why: "root's home folder" },
    { prefix: '/github', why: "a GitHub Actions container's work folder" },
    { prefix: '/__w', why: "a GitHub Actions container's work folder" },
    { prefix: '/tmp', why: 'a temporary folder' },
    { prefix: '/var/tmp', why: 'a temporary folder' },
    { prefix: '/private/tmp', why: 'a temporary folder' },
    { prefix: '/var/folders', why: 'a temporary folder' },
    { prefix: '/private/var/folders', why: 'a temporary folder' },
    { prefix: '/dev/shm', why: 'a temporary folder' },
  ];
}

/** The forbidden place a path lies in, if any (normalised; whole components: `/usr/localx` is not `/usr/local`). */
export function forbiddenPlace(raw: string, forbidden: readonly ForbiddenPrefix[]): ForbiddenPrefix | undefined {
  const p = path.posix.normalize(raw);
  return forbidden.find((f) => p === f.prefix || p.startsWith(`${f.prefix}/`));
}
