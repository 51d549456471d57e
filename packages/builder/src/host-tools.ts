/**
 * The programs a build runs on this machine, in one table: which build types,
 * sources and platforms need each one, how to ask it for its version, and the
 * command that installs it. Three things read the table: the check before a
 * build (every missing tool, with its install command, before anything is
 * downloaded), the toolchain recorded in the metadata and the cache key, and
 * the host report `potions doctor` prints.
 */
import { UserError, captureOutput, hostPlatform, platformOs, type Exec, type Platform } from '@potions/core';
import { formatFromName } from '@potions/archive';
import type { BuildJob, BuildType } from './build-job';
import { fileNameOfUrl } from './build-job';
import { BuilderErrorCode } from './errors';
import { probeSandbox } from './sandbox';

export type HostToolName =
  | 'cc'
  | 'c++'
  | 'make'
  | 'cmake'
  | 'meson'
  | 'ninja'
  | 'cargo'
  | 'rustc'
  | 'go'
  | 'autoreconf'
  | 'xz'
  | 'bzip2'
  | 'zstd'
  | 'git'
  | 'install_name_tool'
  | 'qemu-user'
  | 'bubblewrap'
  | 'podman'
  | 'patchelf';

/** When a build needs a tool. */
export type ToolUse =
  /** The build type runs it; its version is part of the toolchain (metadata, cache key). */
  | { by: 'build-type'; buildTypes: readonly BuildType[] }
  /** Recorded in the toolchain of these build types, never required (their scripts call what they call). */
  | { by: 'recorded'; buildTypes: readonly BuildType[] }
  /** A `gnu_autotools` source without `configure`: `autogen.sh` or `autoreconf -fi` makes it. */
  | { by: 'no-configure' }
  /** Unpacking a source or binary compressed this way. */
  | { by: 'source-compression'; compression: 'xz' | 'bzip2' | 'zstd' }
  | { by: 'git-source' }
  /** Every artifact: the `.tar.zst` is written with it. */
  | { by: 'pack' }
  /** Relocating the Mach-O files of a source build for macOS, on macOS. */
  | { by: 'macho-relocation' }
  /** Smoke tests of an artifact for the other architecture of this OS. */
  | { by: 'foreign-arch-smoke-test' }
  /** The build sandbox: build steps isolated from this machine's processes, files and network (Linux). */
  | { by: 'sandbox' }
  /** Builds in a container image (`container` option). */
  | { by: 'container' }
  /** Rewriting an ELF RUNPATH that has no room in place (the builder does the rest itself). */
  | { by: 'runpath-without-room' };

export interface HostTool {
  tool: HostToolName;
  /** The command that prints its version (first line kept); on a host missing from `byHost`, `version`. */
  version: readonly string[];
  byHost?: Partial<Record<Platform, readonly string[]>>;
  install: { debian?: string; macos?: string };
  uses: readonly ToolUse[];
}

const C_TYPES = ['gnu_autotools', 'make', 'cmake', 'meson', 'cargo'] as const;
const XCODE = 'xcode-select --install';

/** The table. Order: the order of reports and of the recorded toolchain. */
export const HOST_TOOLS: readonly HostTool[] = [
  { tool: 'cc', version: ['cc', '--version'], install: { debian: 'apt-get install build-essential', macos: XCODE }, uses: [{ by: 'build-type', buildTypes: C_TYPES }, { by: 'recorded', buildTypes: ['custom'] }] },
  { tool: 'c++', version: ['c++', '--version'], install: { debian: 'apt-get install build-essential', macos: XCODE }, uses: [{ by: 'build-type', buildTypes: ['cmake', 'meson'] }] },
  { tool: 'make', version: ['make', '--version'], install: { debian: 'apt-get install build-essential', macos: XCODE }, uses: [{ by: 'build-type', buildTypes: ['gnu_autotools', 'make', 'cmake'] }, { by: 'recorded', buildTypes: ['custom'] }] },
  { tool: 'cmake', version: ['cmake', '--version'], install: { debian: 'apt-get install cmake', macos: 'brew install cmake' }, uses: [{ by: 'build-type', buildTypes: ['cmake'] }] },
  { tool: 'meson', version: ['meson', '--version'], install: { debian: 'apt-get install meson', macos: 'brew install meson' }, uses: [{ by: 'build-type', buildTypes: ['meson'] }] },
  { tool: 'ninja', version: ['ninja', '--version'], install: { debian: 'apt-get install ninja-build', macos: 'brew install ninja' }, uses: [{ by: 'build-type', buildTypes: ['meson'] }] },
  { tool: 'cargo', version: ['cargo', '--version'], install: { debian: 'apt-get install cargo', macos: 'brew install rust' }, uses: [{ by: 'build-type', buildTypes: ['cargo'] }] },
  { tool: 'rustc', version: ['rustc', '--version'], install: { debian: 'apt-get install rustc', macos: 'brew install rust' }, uses: [{ by: 'build-type', buildTypes: ['cargo'] }] },
  { tool: 'go', version: ['go', 'version'], install: { debian: 'apt-get install golang-go', macos: 'brew install go' }, uses: [{ by: 'build-type', buildTypes: ['go'] }] },
  { tool: 'autoreconf', version: ['autoreconf', '--version'], install: { debian: 'apt-get install autoconf automake libtool', macos: 'brew install autoconf automake libtool' }, uses: [{ by: 'no-configure' }] },
  { tool: 'xz', version: ['xz', '--version'], install: { debian: 'apt-get install xz-utils', macos: 'brew install xz' }, uses: [{ by: 'source-compression', compression: 'xz' }] },
  { tool: 'bzip2', version: ['bzip2', '--version'], install: { debian: 'apt-get install bzip2', macos: 'brew install bzip2' }, uses: [{ by: 'source-compression', compression: 'bzip2' }] },
  { tool: 'zstd', version: ['zstd', '--version'], install: { debian: 'apt-get install zstd', macos: 'brew install zstd' }, uses: [{ by: 'pack' }, { by: 'source-compression', compression: 'zstd' }] },
  { tool: 'git', version: ['git', '--version'], install: { debian: 'apt-get install git', macos: XCODE }, uses: [{ by: 'git-source' }] },
  { tool: 'install_name_tool', version: ['xcrun', '--find', 'install_name_tool'], install: { macos: XCODE }, uses: [{ by: 'macho-relocation' }] },
  {
    tool: 'qemu-user',
    version: ['qemu-aarch64-static', '--version'],
    byHost: { 'linux-amd64': ['qemu-aarch64-static', '--version'], 'linux-arm64': ['qemu-x86_64-static', '--version'] },
    install: { debian: 'apt-get install qemu-user-static' },
    uses: [{ by: 'foreign-arch-smoke-test' }],
  },
  { tool: 'bubblewrap', version: ['bwrap', '--version'], install: { debian: 'apt-get install bubblewrap' }, uses: [{ by: 'sandbox' }] },
  { tool: 'podman', version: ['podman', '--version'], install: { debian: 'apt-get install podman', macos: 'brew install podman' }, uses: [{ by: 'container' }] },
  { tool: 'patchelf', version: ['patchelf', '--version'], install: { debian: 'apt-get install patchelf', macos: 'brew install patchelf' }, uses: [{ by: 'runpath-without-room' }] },
];

/** What decides the tools of one build. `hasConfigure` is known once the source is unpacked. */
export interface ToolNeedFacts {
  job: BuildJob;
  host: Platform | undefined;
  /** Undefined before the source is unpacked; false for a `gnu_autotools` source without `configure`. */
  hasConfigure?: boolean;
}

function compressionOf(job: BuildJob): 'xz' | 'bzip2' | 'zstd' | undefined {
  if (job.source.kind !== 'http') return undefined;
  const format = formatFromName(fileNameOfUrl(job.source.urls[0] ?? ''));
  if (format === 'tar.xz' || format === 'xz') return 'xz';
  if (format === 'tar.bz2' || format === 'bz2') return 'bzip2';
  if (format === 'tar.zst' || format === 'zst') return 'zstd';
  return undefined;
}

/** Does this use make the tool required for the build? */
function requires(use: ToolUse, facts: ToolNeedFacts): boolean {
  const { job } = facts;
  const compiles = job.method === 'source';
  switch (use.by) {
    case 'build-type':
      return compiles && use.buildTypes.includes(job.buildType);
    case 'no-configure':
      return compiles && job.buildType === 'gnu_autotools' && !job.configure.script?.trim() && facts.hasConfigure === false;
    case 'source-compression':
      return compressionOf(job) === use.compression;
    case 'git-source':
      return job.source.kind === 'git';
    case 'pack':
      return true;
    case 'macho-relocation':
      return compiles && platformOs(job.platform) === 'darwin' && facts.host !== undefined && platformOs(facts.host) === 'darwin';
    default:
      return false;
  }
}

/** The tools this build cannot do without, in table order. */
export function requiredHostTools(facts: ToolNeedFacts): HostTool[] {
  return HOST_TOOLS.filter((t) => t.uses.some((u) => requires(u, facts)));
}

function versionArgv(tool: HostTool, host: Platform | undefined): readonly string[] {
  return (host && tool.byHost?.[host]) ?? tool.version;
}

/** The first line of the tool's version output, or undefined when it cannot run. */
export async function probeHostTool(tool: HostTool, opts: { exec: Exec; env: Record<string, string>; cwd: string; host: Platform | undefined }): Promise<string | undefined> {
  const text = await captureOutput(opts.exec, [...versionArgv(tool, opts.host)], opts.env, opts.cwd);
  if (text === undefined) return undefined;
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? tool.tool;
}

/** The install command for this kind of machine, or undefined where the tool does not exist. */
export function installCommand(tool: HostTool, host: Platform | undefined): string | undefined {
  return host && platformOs(host) === 'darwin' ? tool.install.macos : tool.install.debian;
}

/** Tools the build steps run (the toolchain), as opposed to those Potions runs itself (unpacking, packing, git). */
export function runByBuildSteps(tool: HostTool): boolean {
  return tool.uses.some((u) => u.by === 'build-type' || u.by === 'recorded' || u.by === 'no-configure');
}

/** How to run a tool's version command: where, with which environment. */
export interface ToolProbe {
  exec: Exec;
  env: Record<string, string>;
  cwd: string;
  /** Where the build steps run, for the message (`in the build image …`); undefined on the host. */
  where?: string;
}

/**
 * Check that every tool `needs` lists runs here, before anything is
 * downloaded or built; one `UserError` lists every missing tool with its
 * install command. The toolchain is looked for with `steps` (where the
 * build steps run: the sandbox, a container image), the rest on the host.
 * Returns each tool's version line.
 */
export async function assertHostTools(
  needs: readonly { subject: string; tools: readonly HostTool[] }[],
  opts: { exec: Exec; env: Record<string, string>; cwd: string; host: Platform | undefined; steps?: ToolProbe },
): Promise<Map<HostToolName, string>> {
  const found = new Map<HostToolName, string>();
  const missing = new Map<HostToolName, { tool: HostTool; subjects: string[] }>();
  for (const need of needs) {
    for (const tool of need.tools) {
      const known = missing.get(tool.tool);
      if (known) {
        if (!known.subjects.includes(need.subject)) known.subjects.push(need.subject);
        continue;
      }
      if (found.has(tool.tool)) continue;
      const line = await probeHostTool(tool, opts.steps && runByBuildSteps(tool) ? { ...opts.steps, host: opts.host } : opts);
      if (line === undefined) missing.set(tool.tool, { tool, subjects: [need.subject] });
      else found.set(tool.tool, line);
    }
  }
  if (missing.size > 0) {
    const rows = [...missing.values()].map(({ tool, subjects }) => {
      const install = installCommand(tool, opts.host);
      const where = opts.steps?.where && runByBuildSteps(tool) ? ` ${opts.steps.where}` : '';
      return `  ${tool.tool}${where} (needed by ${subjects.join(', ')}): ${install ?? 'not available for this kind of machine'}`;
    });
    throw new UserError(
      BuilderErrorCode.HostToolsMissing,
      `${missing.size === 1 ? 'a program this build needs is' : `${missing.size} programs this build needs are`} not installed on this machine:\n${rows.join('\n')}`,
      { hint: 'install them (the commands above) and build again' },
    );
  }
  return found;
}

/**
 * The toolchain of a build type, as recorded in the metadata and the cache
 * key: the version line of each tool the table marks for it, `missing` for one
 * that does not run. Official binaries compile nothing: an empty record.
 */
export async function toolchainVersions(
  job: Pick<BuildJob, 'buildType' | 'method'>,
  opts: { exec: Exec; env: Record<string, string>; cwd: string; host: Platform | undefined; known?: ReadonlyMap<HostToolName, string> },
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (job.method !== 'source') return out;
  for (const tool of HOST_TOOLS) {
    const recorded = tool.uses.some((u) => (u.by === 'build-type' || u.by === 'recorded') && u.buildTypes.includes(job.buildType));
    if (!recorded) continue;
    out[tool.tool] = opts.known?.get(tool.tool) ?? (await probeHostTool(tool, opts)) ?? 'missing';
  }
  return out;
}

/** One row of `hostToolReport`: what this machine has of one tool, who needs it, and how to install it. */
export interface HostToolReportRow {
  tool: HostToolName;
  found: boolean;
  /** The first line of its version output, when found. */
  version?: string;
  /** Who needs it, e.g. `gnu_autotools, make, cmake, meson, cargo builds`. */
  neededBy: string[];
  /** Nothing fails without it (the sandbox, patchelf, smoke tests of another architecture). */
  optional: boolean;
  /** The command that installs it on this kind of machine; undefined where there is none. */
  install?: string;
  /**
   * Installed, and does it work for what it is needed for? Only where that
   * can differ: bubblewrap may be unable to make namespaces (user namespaces
   * off, some containers), and then build steps are not isolated.
   */
  usable?: boolean;
  /** Why it is not usable. */
  note?: string;
}

function describeUse(use: ToolUse, host: Platform | undefined): string {
  switch (use.by) {
    case 'build-type':
      return `${use.buildTypes.join(', ')} builds`;
    case 'recorded':
      return `${use.buildTypes.join(', ')} builds (recorded in the toolchain, not required)`;
    case 'no-configure':
      return 'gnu_autotools sources without a configure script';
    case 'source-compression':
      return `.tar.${use.compression === 'bzip2' ? 'bz2' : use.compression} sources and binaries`;
    case 'git-source':
      return 'git sources';
    case 'pack':
      return 'every artifact (the .tar.zst)';
    case 'macho-relocation':
      return 'source builds for darwin-x86_64 and darwin-arm64, on macOS';
    case 'foreign-arch-smoke-test': {
      const other = host === 'linux-amd64' ? 'linux-arm64' : host === 'linux-arm64' ? 'linux-amd64' : 'the other architecture';
      return `smoke tests of ${other} artifacts on this machine`;
    }
    case 'sandbox':
      return 'the build sandbox (Linux): build steps isolated from the secrets of Potions and its callers';
    case 'container':
      return 'builds in a container image (the container option)';
    case 'runpath-without-room':
      return 'setting an ELF RUNPATH that does not fit in place (rare: the builder links with room for it)';
  }
}

const OPTIONAL_USES = new Set<ToolUse['by']>(['recorded', 'foreign-arch-smoke-test', 'sandbox', 'container', 'runpath-without-room']);

/**
 * What this machine has and lacks, tool by tool, for `potions doctor`: found
 * (with its version line) or missing, who needs it, and its install command.
 */
export async function hostToolReport(opts: { exec: Exec; env: NodeJS.ProcessEnv; cwd?: string; host?: Platform }): Promise<HostToolReportRow[]> {
  const host = opts.host ?? hostPlatform();
  const env = Object.fromEntries(Object.entries(opts.env).filter((e): e is [string, string] => e[1] !== undefined));
  const rows: HostToolReportRow[] = [];
  for (const tool of HOST_TOOLS) {
    const version = await probeHostTool(tool, { exec: opts.exec, env, cwd: opts.cwd ?? process.cwd(), host });
    const install = installCommand(tool, host);
    const sandbox = tool.tool === 'bubblewrap' && version !== undefined ? await probeSandbox({ exec: opts.exec, env: opts.env, platformOs: host ? platformOs(host) : 'linux' }) : undefined;
    rows.push({
      tool: tool.tool,
      found: version !== undefined,
      ...(version !== undefined ? { version } : {}),
      neededBy: tool.uses.map((u) => describeUse(u, host)),
      optional: tool.uses.every((u) => OPTIONAL_USES.has(u.by)),
      ...(install ? { install } : {}),
      ...(sandbox ? { usable: sandbox.ok, ...(sandbox.ok ? {} : { note: sandbox.reason }) } : {}),
    });
  }
  return rows;
}
