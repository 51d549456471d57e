import type { BuildType } from './build-spec';
import { captureOutput, type Exec } from '@potions/core';

/** The tools each build type uses, asked for their version (first line of `--version`). */
const TOOLS: Record<BuildType, string[][]> = {
  gnu_autotools: [['cc', '--version'], ['make', '--version']],
  make: [['cc', '--version'], ['make', '--version']],
  cmake: [['cc', '--version'], ['c++', '--version'], ['cmake', '--version']],
  meson: [['cc', '--version'], ['c++', '--version'], ['meson', '--version'], ['ninja', '--version']],
  cargo: [['cargo', '--version'], ['rustc', '--version'], ['cc', '--version']],
  go: [['go', 'version']],
  custom: [['cc', '--version'], ['make', '--version']],
};

/**
 * Version lines of the toolchain a build type uses, e.g.
 * `{ cc: "cc (Debian 12.2.0-14) 12.2.0", make: "GNU Make 4.3" }`. A tool that is
 * missing is recorded as `missing`: it is part of the cache key either way.
 */
export async function toolchainVersions(
  buildType: BuildType,
  exec: Exec,
  env: Record<string, string>,
  cwd: string,
  officialBinary = false,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (officialBinary) return out; // nothing is compiled
  for (const argv of TOOLS[buildType]) {
    const text = await captureOutput(exec, argv, env, cwd);
    const line = text?.split('\n').find((l) => l.trim() !== '')?.trim();
    out[argv[0] as string] = line ?? 'missing';
  }
  return out;
}
