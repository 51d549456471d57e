/**
 * Prefix relocation for text files, as Homebrew does for bottles.
 *
 * At pack time the build prefix inside text files (`.pc`, `.la`, CMake
 * configs, scripts, configs) becomes `PREFIX_PLACEHOLDER`, and the list of
 * files changed goes into the artifact's metadata. At install time exactly
 * those files get the placeholder replaced by the real install location.
 * Binaries are never patched here (a longer or shorter string would corrupt
 * them): they are reported, and the builder handles ELF RUNPATH / Mach-O
 * load paths itself. See docs/archives.md ("Relocation").
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { tempPathFor } from '@potions/core';
import { normalizeEntryPath } from './entry';
import { ArchiveErrorCode, archiveError } from './errors';
import { hasShebang, isObjectCode } from './file-kind';

export const PREFIX_PLACEHOLDER = '@@POTIONS_PREFIX@@';

/** How much of a file decides whether it is text: no NUL byte in it. */
export const TEXT_SNIFF_BYTES = 8192;

const TEXT_SUFFIXES = new Set([
  '.pc', '.la', '.cmake', '.prl', '.pri', '.sh', '.bash', '.zsh', '.fish', '.csh', '.py', '.pl', '.pm', '.rb', '.lua', '.tcl',
  '.conf', '.cfg', '.ini', '.json', '.xml', '.yaml', '.yml', '.toml', '.txt', '.spec', '.m4', '.mk',
]);

export interface PrefixReplacement {
  /** Text files (relative paths, sorted) in which the prefix was replaced: record them in the artifact metadata. */
  textFiles: string[];
  /** Binary files that contain the prefix and were left alone (relative paths, sorted). */
  binaryFiles: string[];
}

/** Text by content and name: object code never; a `#!` script or a known text suffix always; otherwise no NUL in the first 8 KiB. */
export function isRelocatableText(relPath: string, head: Uint8Array): boolean {
  if (isObjectCode(head)) return false;
  if (hasShebang(head)) return true;
  if (TEXT_SUFFIXES.has(path.extname(relPath).toLowerCase())) return true;
  return !head.subarray(0, TEXT_SNIFF_BYTES).includes(0);
}

/** Pack time: replace `fromPrefix` by `placeholder` in every text file under `dir`. */
export async function replacePrefixInTextFiles(
  dir: string,
  fromPrefix: string,
  placeholder: string = PREFIX_PLACEHOLDER,
): Promise<PrefixReplacement> {
  const from = Buffer.from(checkPrefix(fromPrefix, 'fromPrefix'));
  if (placeholder === '') throw archiveError(ArchiveErrorCode.Relocation, 'the placeholder must not be empty');
  const to = Buffer.from(placeholder);
  const textFiles: string[] = [];
  const binaryFiles: string[] = [];
  for (const rel of await regularFiles(dir)) {
    const file = path.join(dir, rel);
    const head = await readStart(file, TEXT_SNIFF_BYTES);
    if (isRelocatableText(rel, head)) {
      if (await rewrite(file, from, to)) textFiles.push(rel);
    } else if (await fileContains(file, from)) {
      binaryFiles.push(rel);
    }
  }
  return { textFiles, binaryFiles };
}

/**
 * Install time: replace `placeholder` by `newPrefix` in `files` (relative to
 * `dir`, as recorded at pack time), or, without a list, in every text file
 * that holds it. Returns the files rewritten. A listed path that leaves
 * `dir`, goes through a symbolic link or is not a regular file is refused:
 * the list comes from metadata that travelled with the artifact.
 *
 * The folder is written as each file's format needs it (`installedSpelling`):
 * pkg-config files get it escaped. A folder that a file cannot hold (a
 * control character anywhere, `$` in a pkg-config file) is refused before any
 * file changes (`E_ARCHIVE_INSTALL_PATH`).
 */
export async function relocateInstalled(
  dir: string,
  placeholder: string,
  newPrefix: string,
  files?: readonly string[],
): Promise<string[]> {
  const prefix = checkPrefix(newPrefix, 'newPrefix');
  assertNoControlCharacter(prefix);
  if (placeholder === '') throw archiveError(ArchiveErrorCode.Relocation, 'the placeholder must not be empty');
  const from = Buffer.from(placeholder);
  const targets: { rel: string; file: string }[] = [];
  if (files === undefined) {
    for (const rel of await regularFiles(dir)) {
      const file = path.join(dir, rel);
      if (isRelocatableText(rel, await readStart(file, TEXT_SNIFF_BYTES)) && (await fileContains(file, from))) targets.push({ rel, file });
    }
  } else {
    for (const rel of files) targets.push({ rel, file: await checkListedFile(dir, rel) });
  }
  // Every spelling first: a folder one file cannot hold changes no file.
  const planned = targets.map((t) => ({ ...t, to: Buffer.from(installedSpelling(t.rel, prefix)) }));
  const rewritten: string[] = [];
  for (const t of planned) if (await rewrite(t.file, from, t.to)) rewritten.push(t.rel);
  return rewritten;
}

/** C0 control characters and DEL: a newline in a folder name would start a new line in every file that names it. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function assertNoControlCharacter(prefix: string): void {
  const m = CONTROL_CHARACTER.exec(prefix);
  if (!m) return;
  const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  throw archiveError(
    ArchiveErrorCode.InstallPath,
    `cannot install into ${JSON.stringify(prefix)}: its path holds a control character (${code}) at position ${m.index}, which the installed text files (pkg-config files, scripts) cannot hold`,
    { hint: 'install into a folder whose path has no newline, tab or other control character' },
  );
}

/** pkg-config splits `Cflags`/`Libs` into words like a shell: these need a backslash (as meson writes them). */
const PKG_CONFIG_SPECIAL = /[ \\"'#]/g;

/**
 * How `prefix` is written into the file `rel`: escaped for pkg-config files
 * (`/my tools` becomes `/my\ tools`, which pkg-config and pkgconf give back
 * as one shell word), as it is elsewhere. `$` is refused in pkg-config files:
 * pkg-config reads `$$` as `$`, pkgconf keeps both.
 */
export function installedSpelling(rel: string, prefix: string): string {
  if (!rel.endsWith('.pc')) return prefix;
  if (prefix.includes('$')) {
    throw archiveError(
      ArchiveErrorCode.InstallPath,
      `cannot install into ${JSON.stringify(prefix)}: ${rel} is a pkg-config file, which cannot hold a "$" in a path (pkg-config and pkgconf read "$$" differently)`,
      { hint: 'install into a folder whose path has no "$"' },
    );
  }
  return prefix.replace(PKG_CONFIG_SPECIAL, '\\$&');
}

function checkPrefix(prefix: string, name: string): string {
  const p = prefix.replace(/\/+$/, '');
  if (!path.isAbsolute(prefix) || p === '' || prefix.includes('\0')) {
    throw archiveError(ArchiveErrorCode.Relocation, `${name} must be an absolute path other than /, got ${JSON.stringify(prefix)}`);
  }
  return p;
}

async function checkListedFile(dir: string, rel: string): Promise<string> {
  const n = normalizeEntryPath(rel);
  const refuse = (why: string): Error =>
    archiveError(ArchiveErrorCode.Relocation, `cannot relocate ${JSON.stringify(rel)} in ${dir}: ${why}`, {
      hint: 'the relocation list in the artifact metadata does not match the artifact',
    });
  if (!n.ok) throw refuse(n.why);
  if (n.parts.length === 0) throw refuse('it names the folder itself');
  let current = dir;
  for (const [i, part] of n.parts.entries()) {
    current = path.join(current, part);
    const st = await fs.lstat(current).catch(() => undefined);
    if (!st) throw refuse('it does not exist');
    if (st.isSymbolicLink()) throw refuse(`${n.parts.slice(0, i + 1).join('/')} is a symbolic link`);
    const last = i === n.parts.length - 1;
    if (!last && !st.isDirectory()) throw refuse(`${n.parts.slice(0, i + 1).join('/')} is not a folder`);
    if (last && !st.isFile()) throw refuse('it is not a regular file');
  }
  return current;
}

/** Regular files under `dir`, relative, sorted; symbolic links are neither followed nor listed. */
async function regularFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const d of await fs.readdir(rel ? path.join(dir, rel) : dir, { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) await walk(child);
      else if (d.isFile()) out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

async function readStart(file: string, n: number): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Replaces every `from` by `to`; writes to a temporary name and renames, keeping the mode. True if changed. */
async function rewrite(file: string, from: Buffer, to: Buffer): Promise<boolean> {
  const data = await fs.readFile(file);
  if (!data.includes(from)) return false;
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = data.indexOf(from); i !== -1; i = data.indexOf(from, start)) {
    parts.push(data.subarray(start, i), to);
    start = i + from.length;
  }
  parts.push(data.subarray(start));
  const { mode } = await fs.stat(file);
  const tmp = tempPathFor(file);
  try {
    await fs.writeFile(tmp, Buffer.concat(parts), { flag: 'wx', mode: 0o600 });
    await fs.chmod(tmp, mode & 0o7777);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  return true;
}

/** Streamed search, so that large binaries are not read whole. */
async function fileContains(file: string, needle: Buffer): Promise<boolean> {
  let tail = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    const window = Buffer.concat([tail, chunk as Buffer]);
    if (window.includes(needle)) return true;
    tail = window.subarray(Math.max(0, window.length - needle.length + 1));
  }
  return false;
}
