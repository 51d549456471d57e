import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, platformOs, type Exec, type Platform, type Reporter, type RunpathEntry } from '@potions/core';
import type { BuildJob } from './build-job';
import type { BuildLayout } from './build-steps';
import type { DependencyPrefix } from './environment';
import { BuilderErrorCode } from './errors';
import { findLeaks, relocateStagedPrefix } from './artifact';
import { fixRunpaths } from './runpath';

/** What relocating the staged prefix found and changed, for the metadata. */
export interface Relocation {
  runpaths: RunpathEntry[];
  placeholder: string;
  relocatedFiles: string[];
  binaryFilesWithPrefix: string[];
  leaks: string[];
}

/**
 * Relocate stage: make the staged prefix work wherever it is extracted
 * (see docs/relocation.md): files a script installed twice under the staging
 * folder are moved back, library search paths become relative, text files get
 * the placeholder, and any file that still names the work folder is reported.
 */
export async function relocateStage(opts: {
  job: BuildJob;
  layout: BuildLayout;
  dependencies: readonly DependencyPrefix[];
  exec: Exec;
  env: Record<string, string>;
  host: Platform | undefined;
  reporter: Reporter;
}): Promise<Relocation> {
  const { job, layout } = opts;
  await repairDoubleStaging(layout);
  if ((await fs.readdir(layout.stagedPrefix)).length === 0) {
    throw new UserError(BuilderErrorCode.EmptyInstall, `the install step put nothing into ${layout.prefix}`, {
      location: { file: job.recipeFile },
      hint: 'install into $PREFIX (or $DESTDIR$PREFIX) in build.custom_install, or check the install step of the build system',
    });
  }
  const runpaths = await fixRunpaths({
    root: layout.stagedPrefix,
    dependencies: opts.dependencies,
    forbidden: [layout.workDir, layout.prefix, ...opts.dependencies.map((d) => d.prefix)],
    exec: opts.exec,
    env: opts.env,
    platformOs: platformOs(job.platform),
    host: opts.host,
    reporter: opts.reporter,
  });
  const relocated = await relocateStagedPrefix(layout.stagedPrefix, [layout.stagedPrefix, layout.prefix]);
  const leaks = await findLeaks(layout.stagedPrefix, layout.workDir);
  for (const leak of leaks) opts.reporter.warn(`${job.name}: ${leak} still names the build folder`, { file: job.recipeFile, title: 'build folder leak' });
  return { runpaths, placeholder: relocated.placeholder, relocatedFiles: relocated.files, binaryFilesWithPrefix: relocated.binaryFiles, leaks };
}

/**
 * An install script that used both the staged `PREFIX` and `DESTDIR` puts its
 * files at `<stage>/<stage>/<prefix>`: move them where they belong.
 */
async function repairDoubleStaging(layout: BuildLayout): Promise<void> {
  const doubled = path.join(layout.stageDir, layout.stagedPrefix);
  if (!(await exists(doubled))) return;
  await mergeInto(doubled, layout.stagedPrefix);
  const first = layout.stageDir.split(path.sep).filter(Boolean)[0];
  const prefixFirst = layout.prefix.split('/').filter(Boolean)[0];
  if (first && first !== prefixFirst) await fs.rm(path.join(layout.stageDir, first), { recursive: true, force: true });
}

async function mergeInto(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const e of await fs.readdir(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    const dest = path.join(to, e.name);
    if (e.isDirectory() && (await exists(dest))) await mergeInto(src, dest);
    else await fs.rename(src, dest);
  }
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}
