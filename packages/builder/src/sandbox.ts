/**
 * The build sandbox on Linux: every build step runs under bubblewrap in its
 * own user, PID, mount, IPC, UTS, cgroup and network namespaces, with no
 * capabilities, a clean environment, a fresh `/proc` and `/dev`, a `/tmp` of
 * its own, the system's programs and libraries read-only, and only the
 * build's own folders bound. No other process is visible, so neither the
 * environment nor the command line of Potions or of its callers (signing
 * keys, mirror credentials) can be read; no file of the home folder or of the
 * work folder's `.potions` exists in there. See docs/build-environments.md.
 *
 * An `Exec` wrapper: the steps are planned and run as without it.
 */
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { captureOutput, type Exec, type ExecRequest } from '@potions/core';

/** The folders a step may see besides the system's, and whether it has a network. */
export interface IsolationSpec {
  /** Bound read-write at the same path (the work folder: source, build, stage). */
  writable: readonly string[];
  /** Bound read-only at the same path, over a writable parent if need be (dependencies, downloads). */
  readOnly: readonly string[];
  /** False for every build step: sources and dependencies were fetched and verified before. */
  network: boolean;
}

/** The system's programs and libraries: bound read-only (or recreated as the symbolic links they are). */
export const SANDBOX_SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'] as const;

/**
 * What toolchains read from `/etc`, bound read-only when present; nothing
 * else of `/etc` exists in the sandbox (not `shadow`, `ssh/`, `ssl/private`,
 * `npmrc`, `pip.conf`, `gitconfig`: credentials live there).
 */
export const SANDBOX_ETC_FILES = [
  'alternatives', // cc, c++, ld, awk… are symbolic links through here on Debian
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'passwd', // user and group names (id, whoami, tar); no password is in them
  'group',
  'nsswitch.conf',
  'host.conf',
  'hosts', // localhost, for test suites that talk to themselves
  'protocols',
  'services',
  'os-release',
  'debian_version',
  'localtime',
  'timezone',
  'shells',
  'perl', // Debian's perl configuration
  'python3',
  'mime.types',
  'magic', // file(1)
  'magic.mime',
  'xml', // catalogs of documentation builds
  'sgml',
  'terminfo',
  'locale.alias',
] as const;

/** The host name inside (`uname -n` leaks into some builds: the same everywhere). */
export const SANDBOX_HOSTNAME = 'potions-build';

/** The system part of the mount table: the same for every step of every build on this machine. */
function systemMounts(): string[] {
  const args: string[] = [];
  for (const dir of SANDBOX_SYSTEM_DIRS) {
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      continue;
    }
    // Merged /usr: /bin -> usr/bin stays a link, so paths resolve as on the host.
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else if (st.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  for (const name of SANDBOX_ETC_FILES) {
    const p = path.join('/etc', name);
    if (existsSync(p)) args.push('--ro-bind', p, p);
  }
  args.push('--symlink', '../proc/self/mounts', '/etc/mtab');
  return args;
}

/**
 * The bubblewrap command line for one step: namespaces, the system
 * read-only, the spec's folders, the environment as `--setenv` (bwrap itself
 * starts with an empty one, so `/proc/1/environ` inside holds nothing), and
 * the step's folder and argument vector.
 */
export function bubblewrapArgv(bwrap: string, spec: IsolationSpec, req: Pick<ExecRequest, 'argv' | 'cwd' | 'env'>): string[] {
  const args = [bwrap, '--unshare-all'];
  if (spec.network) args.push('--share-net');
  args.push('--die-with-parent', '--new-session', '--clearenv', '--cap-drop', 'ALL', '--hostname', SANDBOX_HOSTNAME);
  args.push(...systemMounts(), '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  for (const dir of spec.writable) args.push('--bind', dir, dir);
  for (const dir of spec.readOnly) args.push('--ro-bind-try', dir, dir);
  for (const [key, value] of Object.entries(req.env)) args.push('--setenv', key, value);
  args.push('--chdir', req.cwd, '--', ...req.argv);
  return args;
}

/** Every step through bubblewrap (`bwrap` is its absolute path): see the file comment. */
export function bubblewrapExec(base: Exec, bwrap: string, spec: IsolationSpec): Exec {
  return (req) => base({ ...req, argv: bubblewrapArgv(bwrap, spec, req), env: {} });
}

/** The absolute path of a program on `PATH`, or undefined. */
export function findProgram(name: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    if (!dir || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** What this machine can do: a working bubblewrap (and its version line), or why not. */
export type SandboxProbe = { ok: true; bwrap: string; version: string } | { ok: false; reason: string };

/**
 * Can a sandbox be made here? bubblewrap must be installed and able to make
 * its namespaces (user namespaces may be off for unprivileged users, or
 * refused inside some containers): one `/bin/true` in the same sandbox a
 * step gets tells.
 */
export async function probeSandbox(opts: { exec: Exec; env: NodeJS.ProcessEnv; platformOs: 'linux' | 'darwin' }): Promise<SandboxProbe> {
  if (opts.platformOs !== 'linux') return { ok: false, reason: 'there is no bubblewrap on macOS' };
  const bwrap = findProgram('bwrap', opts.env.PATH);
  if (!bwrap) return { ok: false, reason: 'bubblewrap (bwrap) is not installed' };
  const version = (await captureOutput(opts.exec, [bwrap, '--version'], {}, '/'))?.trim() ?? 'bubblewrap';
  const spec: IsolationSpec = { writable: [], readOnly: [], network: false };
  const chunks: Buffer[] = [];
  try {
    const res = await opts.exec({ argv: bubblewrapArgv(bwrap, spec, { argv: ['true'], cwd: '/', env: { PATH: '/usr/bin:/bin' } }), cwd: '/', env: {}, timeoutMs: 20_000, onOutput: (c) => chunks.push(c) });
    if (res.exitCode === 0) return { ok: true, bwrap, version };
    const said = Buffer.concat(chunks).toString('utf8').trim().split('\n').pop() ?? '';
    return { ok: false, reason: `bubblewrap cannot make its namespaces here${said ? ` (${said})` : ''}` };
  } catch (err) {
    return { ok: false, reason: `bubblewrap cannot run: ${(err as Error).message}` };
  }
}
