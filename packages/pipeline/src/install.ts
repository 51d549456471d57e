/**
 * Put an artifact in place as a complete, relocated folder or not at all:
 * extract (safely) into a temporary folder beside the destination, write the
 * destination's path where the text files hold the prefix placeholder, leave
 * a marker that says what was installed, then rename the folder into place.
 * Replacing a folder is only ever done to a folder that holds that marker: an
 * earlier Potions install, never a checkout, a home or a system folder.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError, hasCode, makeDirectory, systemNow } from '@potions/core';
import type { Now } from '@potions/core';
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
  /** Replace a non-empty `dir` that holds an earlier Potions install (the old one is removed only after the new one is complete). */
  replace?: boolean;
  /** What is installed, written as `INSTALL_MARKER_FILE` in the folder (what lets a later install replace it). */
  marker?: Omit<InstallMarker, 'potions' | 'installedAt'>;
  /** The clock of the marker's `installedAt`. Default `systemNow`. */
  now?: Now;
  /** Never replaced: this folder and its parents (default `process.cwd()`). */
  cwd?: string;
  /** Never replaced (default `os.homedir()`). */
  home?: string;
}

export type InstallTargetOptions = Pick<InstallOptions, 'replace' | 'cwd' | 'home'>;

/** The file in an installed folder that says Potions put it there, and what it holds. */
export const INSTALL_MARKER_FILE = '.potions-install.json';

export interface InstallMarker {
  /** Always 1: the marker's own format. */
  potions: 1;
  name: string;
  version: string;
  platform: string;
  revision?: number;
  format?: string;
  sha256: string;
  installedAt: string;
}

/**
 * Folders an install never replaces or creates in place of, whatever holds
 * them: the system's own (Linux FHS, macOS), and package managers' prefixes.
 */
const SYSTEM_FOLDERS = new Set([
  '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt', '/opt', '/proc', '/root', '/run', '/sbin',
  '/snap', '/srv', '/sys', '/tmp', '/usr', '/usr/bin', '/usr/include', '/usr/lib', '/usr/lib64', '/usr/libexec', '/usr/local', '/usr/local/bin',
  '/usr/local/lib', '/usr/local/share', '/usr/sbin', '/usr/share', '/usr/src', '/var', '/var/lib', '/var/tmp', '/nix', '/nix/store',
  '/Applications', '/Library', '/System', '/Users', '/Volumes', '/cores', '/private', '/private/etc', '/private/tmp', '/private/var',
  '/opt/homebrew', '/opt/local',
]);

/** The marker of an earlier install in `dir`, or undefined (none, or not one Potions wrote). */
export async function readInstallMarker(dir: string): Promise<InstallMarker | undefined> {
  try {
    const file = path.join(dir, INSTALL_MARKER_FILE);
    if (!(await fs.lstat(file)).isFile()) return undefined;
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<InstallMarker>;
    return json.potions === 1 && typeof json.name === 'string' && typeof json.sha256 === 'string' ? (json as InstallMarker) : undefined;
  } catch {
    return undefined;
  }
}

export interface InstallResult {
  dir: string;
  entries: number;
  bytes: number;
  /** Files where the placeholder was replaced by `dir`. */
  relocated: string[];
}

/** The real path of `p` (symbolic links resolved), or `p` itself when it does not exist. */
async function realOrSelf(p: string): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch {
    return p;
  }
}

const isSameOrInside = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(outer.endsWith(path.sep) ? outer : `${outer}${path.sep}`);

/**
 * Refuse, before anything is downloaded, an install folder that cannot or must
 * not be used: a file, a non-empty folder without `replace`, `/`, the home
 * folder, the current folder or one of its parents (a rename would pull the
 * ground from under the user), or a place whose parent cannot be written.
 * Returns whether the folder exists and holds something.
 */
export async function checkInstallTarget(dirIn: string, options: InstallTargetOptions = {}): Promise<{ dir: string; occupied: boolean }> {
  const dir = path.resolve(dirIn);
  const real = await realOrSelf(dir);
  const cwd = await realOrSelf(path.resolve(options.cwd ?? process.cwd()));
  const home = await realOrSelf(path.resolve(options.home ?? os.homedir()));
  const why =
    real === path.parse(real).root
      ? 'the root folder'
      : real === home
        ? 'your home folder'
        : SYSTEM_FOLDERS.has(real) || SYSTEM_FOLDERS.has(dir)
          ? 'a system folder'
          : isSameOrInside(cwd, real)
            ? real === cwd
              ? 'the current folder'
              : 'a parent of the current folder'
            : undefined;
  if (why) {
    throw new UserError(PipelineErrorCode.OutProtected, `the install folder ${dir} is ${why}: Potions installs a package as a whole folder and will not replace it`, {
      location: { file: dir },
      hint: `choose a new folder for the package, such as ${path.join(cwd, 'tools', '<name>')}`,
    });
  }
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch (err) {
    if (hasCode(err, 'ENOTDIR')) {
      throw new UserError(PipelineErrorCode.OutNotFolder, `the install folder ${dir} lies under a file, not a folder`, {
        location: { file: dir },
        hint: 'choose an install folder whose parents are folders',
      });
    }
    if (!hasCode(err, 'ENOENT')) throw err;
  }
  if (stat && !stat.isDirectory()) {
    throw new UserError(PipelineErrorCode.OutNotFolder, `the install folder ${dir} is a file, not a folder`, {
      location: { file: dir },
      hint: 'choose a folder (missing or empty) to install into; replacing one replaces folders only',
    });
  }
  let occupied = false;
  if (stat) {
    try {
      occupied = (await fs.readdir(dir)).length > 0;
    } catch (err) {
      throw new UserError(PipelineErrorCode.OutNotWritable, `cannot read the install folder ${dir}: ${(err as Error).message}`, { location: { file: dir } });
    }
  }
  if (occupied && !options.replace) {
    throw new UserError(PipelineErrorCode.OutExists, 'the install folder exists and is not empty', {
      location: { file: dir },
      hint: 'choose another install folder, or replace this one',
    });
  }
  if (occupied && !(await readInstallMarker(dir))) {
    throw new UserError(
      PipelineErrorCode.OutNotPotions,
      `the install folder ${dir} holds something that Potions did not install (no ${INSTALL_MARKER_FILE}): it will not replace it`,
      { location: { file: dir }, hint: 'choose a new folder for the package; only a folder an earlier install made is ever replaced' },
    );
  }
  // The folder is created (or renamed into place) in its parent: the nearest existing ancestor must be a writable folder.
  let parent = path.dirname(dir);
  for (;;) {
    try {
      const s = await fs.stat(parent);
      if (!s.isDirectory()) {
        throw new UserError(PipelineErrorCode.OutNotFolder, `the install folder ${dir} lies under ${parent}, which is a file, not a folder`, { location: { file: parent } });
      }
      break;
    } catch (err) {
      if (!hasCode(err, 'ENOENT') || path.dirname(parent) === parent) throw err;
      parent = path.dirname(parent);
    }
  }
  try {
    await fs.access(parent, fsConstants.W_OK | fsConstants.X_OK);
  } catch (err) {
    throw new UserError(PipelineErrorCode.OutNotWritable, `cannot install into ${dir}: ${parent} is not writable (${hasCode(err, 'EACCES') ? 'permission denied' : (err as Error).message})`, {
      location: { file: parent },
      hint: 'choose an install folder in a place you can write to',
    });
  }
  return { dir, occupied };
}

export async function installArtifactAtomically(options: InstallOptions): Promise<InstallResult> {
  // Checked again here: the caller may have checked before a long download, and things change.
  const { dir } = await checkInstallTarget(options.dir, options);
  const parent = path.dirname(dir);
  await makeDirectory(parent);
  const staging = path.join(parent, `.${path.basename(dir)}.${randomBytes(6).toString('hex')}.installing`);
  let old: string | undefined;
  try {
    const extracted = await extractArchive(options.artifact, staging);
    // The programs will live at `dir`, not in the staging folder: write that path.
    const relocated = await relocateInstalled(staging, options.placeholder ?? PREFIX_PLACEHOLDER, dir, options.relocatedFiles);
    if (options.marker) {
      const marker: InstallMarker = { potions: 1, ...options.marker, installedAt: (options.now ?? systemNow)().toISOString() };
      // A marker shipped in the archive is overwritten: only this install speaks for this folder.
      await fs.rm(path.join(staging, INSTALL_MARKER_FILE), { recursive: true, force: true });
      await fs.writeFile(path.join(staging, INSTALL_MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o644 });
    }
    if ((await checkInstallTarget(dir, options)).occupied) {
      old = `${staging}.old`;
      await fs.rename(dir, old);
    } else {
      // Missing, or an empty folder (rmdir: never anything else).
      await fs.rmdir(dir).catch((err: unknown) => {
        if (!hasCode(err, 'ENOENT')) throw err;
      });
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
