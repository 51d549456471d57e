/**
 * Put an artifact in place as a complete, relocated folder or not at all:
 * extract (safely) into a temporary folder beside the destination, write the
 * destination's path where the text files hold the prefix placeholder, then
 * rename the folder into place.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, hasCode } from '@potions/core';
import { PREFIX_PLACEHOLDER, extractArchive, relocateInstalled } from '@potions/archive';
import { PipelineErrorCode } from './errors';

export interface InstallOptions {
  /** The archive (its content decides the format). */
  artifact: string;
  /** The folder to create. */
  dir: string;
  /** What the builder put in place of its prefix (metadata `placeholder`). */
  placeholder?: string;
  /** The text files that hold it (metadata `relocatedFiles`); undefined: every text file is scanned. */
  relocatedFiles?: readonly string[];
  /** Replace a non-empty `dir` (the old one is removed only after the new one is complete). */
  replace?: boolean;
}

export interface InstallResult {
  dir: string;
  entries: number;
  bytes: number;
  /** Files where the placeholder was replaced by `dir`. */
  relocated: string[];
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length === 0;
  } catch (err) {
    if (hasCode(err, 'ENOENT')) return true;
    throw err;
  }
}

export async function installArtifactAtomically(options: InstallOptions): Promise<InstallResult> {
  const dir = path.resolve(options.dir);
  if (!options.replace && !(await isEmptyOrMissing(dir))) {
    throw new UserError(PipelineErrorCode.OutExists, `${dir} exists and is not empty`, {
      location: { file: dir },
      hint: 'choose another --out folder, or pass --force to replace it',
    });
  }
  const parent = path.dirname(dir);
  await fs.mkdir(parent, { recursive: true });
  const staging = path.join(parent, `.${path.basename(dir)}.${randomBytes(6).toString('hex')}.installing`);
  let old: string | undefined;
  try {
    const extracted = await extractArchive(options.artifact, staging);
    // The programs will live at `dir`, not in the staging folder: write that path.
    const relocated = await relocateInstalled(staging, options.placeholder ?? PREFIX_PLACEHOLDER, dir, options.relocatedFiles);
    if (!(await isEmptyOrMissing(dir))) {
      old = `${staging}.old`;
      await fs.rename(dir, old);
    } else {
      await fs.rm(dir, { recursive: true, force: true });
    }
    await fs.rename(staging, dir);
    return { dir, entries: extracted.entries, bytes: extracted.bytes, relocated };
  } catch (err) {
    if (old) await fs.rename(old, dir).catch(() => undefined);
    throw err;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
    if (old) await fs.rm(old, { recursive: true, force: true });
  }
}
