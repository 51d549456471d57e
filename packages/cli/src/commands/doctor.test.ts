import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../testing';
import { mergeInstallCommands, registerDoctorCommand } from './doctor';

/** The real program `name` on this machine's PATH. */
function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, name);
    const r = spawnSync('test', ['-x', p]);
    if (r.status === 0) return p;
  }
  return undefined;
}

describe('potions doctor', () => {
  let dir: string;
  let bin: string;

  /** A PATH holding only these programs (links to the real ones, or scripts). */
  async function pathWith(programs: Record<string, string>): Promise<string> {
    await fs.rm(bin, { recursive: true, force: true });
    await fs.mkdir(bin);
    for (const [name, target] of Object.entries(programs)) {
      if (target.startsWith('#!')) await fs.writeFile(path.join(bin, name), target, { mode: 0o755 });
      else await fs.symlink(target, path.join(bin, name));
    }
    return bin;
  }

  const doctor = (args: string[], PATH: string) =>
    runCli(['doctor', ...args], { register: (p) => registerDoctorCommand(p, { env: { PATH }, host: 'linux-amd64' }) });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-doctor-'));
    bin = path.join(dir, 'bin');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('groups what the machine has per build type, with the install command of what it lacks; exit 0', async () => {
    const r = await doctor([], await pathWith({ cc: which('cc')!, make: which('make')!, zstd: which('zstd')! }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(`This machine: linux-amd64, Node ${process.version}`);
    expect(lines).toContain('  ✓ gnu_autotools builds: ready');
    expect(lines).toContain('  ✓ make builds: ready');
    expect(lines).toContain('  ✗ cmake builds: not ready: c++, cmake missing');
    expect(lines).toContain('    ✗ cmake              missing: apt-get install cmake');
    expect(lines).toContain('  ✗ go builds: not ready: go missing');
    expect(r.stderr).toMatch(/\n {4}✓ make {15}GNU Make \d/);
    // Another architecture's smoke tests need qemu-user, and macOS tools are not for this machine.
    expect(r.stderr).toContain('  ✗ linux-arm64    official binaries; smoke tests cannot run here (linux-arm64 programs need qemu-aarch64-static on this linux-amd64 machine, and it is not installed (Debian: qemu-user-static))');
    expect(r.stderr).toContain('    ✗ qemu-user          not installed (optional): apt-get install qemu-user-static');
    expect(r.stderr).toContain('    - install_name_tool  not on this kind of machine');
    expect(r.stderr).toContain('    ✗ bubblewrap         not installed (optional): apt-get install bubblewrap');
    expect(r.stderr).not.toContain('namespaces');
    // One command for everything required that is missing (optional tools left out).
    expect(lines[lines.length - 2]).toBe(
      'To install what is missing: apt-get install build-essential cmake meson ninja-build cargo rustc golang-go autoconf automake libtool xz-utils bzip2 git',
    );
  });

  it('--require exits 1 when a build type it names lacks a program, and 0 when they are ready', async () => {
    const PATH = await pathWith({ cc: which('cc')!, make: which('make')!, zstd: which('zstd')! });
    expect((await doctor(['--require', 'gnu_autotools', 'make'], PATH)).code).toBe(0);
    const r = await doctor(['--require', 'make', 'cmake', 'go', '--json'], PATH);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      ok: false,
      code: 'E_CLI_HOST_TOOLS_MISSING',
      error: 'this machine cannot do cmake builds (missing c++, cmake), go builds (missing go)',
      hint: 'install them: apt-get install build-essential cmake golang-go',
      host: { platform: 'linux-amd64', node: process.version },
    });
    expect(doc.buildTypes.find((b: { buildType: string }) => b.buildType === 'cmake')).toEqual({
      buildType: 'cmake',
      ready: false,
      required: ['cc', 'c++', 'make', 'cmake', 'zstd'],
      missing: ['c++', 'cmake'],
      optional: [],
    });
    expect(doc.tools.find((t: { tool: string }) => t.tool === 'make')).toMatchObject({ tool: 'make', found: true, version: expect.stringMatching(/^GNU Make/) });
    expect(r.stderr).toContain('error: this machine cannot do cmake builds');
  });

  it('an unknown build type for --require is a usage error', async () => {
    const r = await doctor(['--require', 'scons', '--json'], bin);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_USAGE', error: expect.stringContaining("argument 'scons' is invalid") });
  });

  it('tries the sandbox for real: bubblewrap installed but unable to make namespaces says why', async () => {
    const fakeBwrap = [
      '#!/bin/sh',
      'if [ "$1" = --version ]; then printf "bubblewrap 0.0.0-\\033[31mfake\\n"; exit 0; fi',
      'echo "bwrap: No permissions to create a new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2',
      'exit 1',
      '',
    ].join('\n');
    const r = await doctor(['--json'], await pathWith({ bwrap: fakeBwrap }));
    expect(JSON.parse(r.stdout).sandbox).toEqual({
      bubblewrap: true,
      namespaces: false,
      reason: 'bwrap --unshare-all --die-with-parent --ro-bind / / true: bwrap: No permissions to create a new namespace, likely because the kernel does not allow non-privileged user namespaces.',
    });
    const human = await doctor([], bin);
    expect(human.stderr).toContain('    ✗ namespaces         cannot be made here: bwrap --unshare-all');
    // The version line a program printed reaches the terminal escaped.
    expect(human.stderr).toContain('    ✓ bubblewrap         bubblewrap 0.0.0-\\u001b[31mfake');
  });

  const bwrap = which('bwrap');
  (bwrap ? it : it.skip)('with the real bubblewrap, says what bwrap --unshare-all does here', async () => {
    const real = spawnSync(bwrap!, ['--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', 'true']);
    const r = await doctor(['--json'], await pathWith({ bwrap: bwrap!, true: which('true')! }));
    expect(JSON.parse(r.stdout).sandbox).toMatchObject({ bubblewrap: true, namespaces: real.status === 0 });
  });
});

describe('mergeInstallCommands', () => {
  it('one apt-get and one brew command, each package once, other commands as they are', () => {
    expect(mergeInstallCommands(['apt-get install build-essential', 'apt-get install cmake', 'xcode-select --install', 'apt-get install build-essential', 'brew install go', 'xcode-select --install'])).toEqual([
      'apt-get install build-essential cmake',
      'brew install go',
      'xcode-select --install',
    ]);
  });
});
