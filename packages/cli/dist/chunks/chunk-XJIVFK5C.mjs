import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  normalizeEntryPath
} from "./chunk-FYQXNLY7.mjs";
import {
  ArchiveErrorCode,
  archiveError,
  hasShebang,
  isObjectCode
} from "./chunk-XPDYRYHA.mjs";
import {
  tempPathFor
} from "./chunk-DWDGEZWY.mjs";

// packages/archive/src/relocate.ts
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
var PREFIX_PLACEHOLDER = "@@POTIONS_PREFIX@@";
var TEXT_SNIFF_BYTES = 8192;
var TEXT_SUFFIXES = /* @__PURE__ */ new Set([
  ".pc",
  ".la",
  ".cmake",
  ".prl",
  ".pri",
  ".sh",
  ".bash",
  ".zsh",
  ".fish",
  ".csh",
  ".py",
  ".pl",
  ".pm",
  ".rb",
  ".lua",
  ".tcl",
  ".conf",
  ".cfg",
  ".ini",
  ".json",
  ".xml",
  ".yaml",
  ".yml",
  ".toml",
  ".txt",
  ".spec",
  ".m4",
  ".mk"
]);
function isRelocatableText(relPath, head) {
  if (isObjectCode(head)) return false;
  if (hasShebang(head)) return true;
  if (TEXT_SUFFIXES.has(path.extname(relPath).toLowerCase())) return true;
  return !head.subarray(0, TEXT_SNIFF_BYTES).includes(0);
}
async function replacePrefixInTextFiles(dir, fromPrefix, placeholder = PREFIX_PLACEHOLDER) {
  const from = Buffer.from(checkPrefix(fromPrefix, "fromPrefix"));
  if (placeholder === "") throw archiveError(ArchiveErrorCode.Relocation, "the placeholder must not be empty");
  const to = Buffer.from(placeholder);
  const textFiles = [];
  const binaryFiles = [];
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
async function relocateInstalled(dir, placeholder, newPrefix, files) {
  const prefix = checkPrefix(newPrefix, "newPrefix");
  assertNoControlCharacter(prefix);
  if (placeholder === "") throw archiveError(ArchiveErrorCode.Relocation, "the placeholder must not be empty");
  const from = Buffer.from(placeholder);
  const targets = [];
  if (files === void 0) {
    for (const rel of await regularFiles(dir)) {
      const file = path.join(dir, rel);
      if (isRelocatableText(rel, await readStart(file, TEXT_SNIFF_BYTES)) && await fileContains(file, from)) targets.push({ rel, file });
    }
  } else {
    for (const rel of files) targets.push({ rel, file: await checkListedFile(dir, rel) });
  }
  const planned = targets.map((t) => ({ ...t, to: Buffer.from(installedSpelling(t.rel, prefix)) }));
  const rewritten = [];
  for (const t of planned) if (await rewrite(t.file, from, t.to)) rewritten.push(t.rel);
  return rewritten;
}
var CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
function assertNoControlCharacter(prefix) {
  const m = CONTROL_CHARACTER.exec(prefix);
  if (!m) return;
  const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  throw archiveError(
    ArchiveErrorCode.InstallPath,
    `cannot install into ${JSON.stringify(prefix)}: its path holds a control character (${code}) at position ${m.index}, which the installed text files (pkg-config files, scripts) cannot hold`,
    { hint: "install into a folder whose path has no newline, tab or other control character" }
  );
}
var PKG_CONFIG_SPECIAL = /[ \\"'#]/g;
function installedSpelling(rel, prefix) {
  if (!rel.endsWith(".pc")) return prefix;
  if (prefix.includes("$")) {
    throw archiveError(
      ArchiveErrorCode.InstallPath,
      `cannot install into ${JSON.stringify(prefix)}: ${rel} is a pkg-config file, which cannot hold a "$" in a path (pkg-config and pkgconf read "$$" differently)`,
      { hint: 'install into a folder whose path has no "$"' }
    );
  }
  return prefix.replace(PKG_CONFIG_SPECIAL, "\\$&");
}
function checkPrefix(prefix, name) {
  const p = prefix.replace(/\/+$/, "");
  if (!path.isAbsolute(prefix) || p === "" || prefix.includes("\0")) {
    throw archiveError(ArchiveErrorCode.Relocation, `${name} must be an absolute path other than /, got ${JSON.stringify(prefix)}`);
  }
  return p;
}
async function checkListedFile(dir, rel) {
  const n = normalizeEntryPath(rel);
  const refuse = (why) => archiveError(ArchiveErrorCode.Relocation, `cannot relocate ${JSON.stringify(rel)} in ${dir}: ${why}`, {
    hint: "the relocation list in the artifact metadata does not match the artifact"
  });
  if (!n.ok) throw refuse(n.why);
  if (n.parts.length === 0) throw refuse("it names the folder itself");
  let current = dir;
  for (const [i, part] of n.parts.entries()) {
    current = path.join(current, part);
    const st = await fs.lstat(current).catch(() => void 0);
    if (!st) throw refuse("it does not exist");
    if (st.isSymbolicLink()) throw refuse(`${n.parts.slice(0, i + 1).join("/")} is a symbolic link`);
    const last = i === n.parts.length - 1;
    if (!last && !st.isDirectory()) throw refuse(`${n.parts.slice(0, i + 1).join("/")} is not a folder`);
    if (last && !st.isFile()) throw refuse("it is not a regular file");
  }
  return current;
}
async function regularFiles(dir) {
  const out = [];
  const walk = async (rel) => {
    for (const d of await fs.readdir(rel ? path.join(dir, rel) : dir, { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) await walk(child);
      else if (d.isFile()) out.push(child);
    }
  };
  await walk("");
  return out.sort();
}
async function readStart(file, n) {
  const fh = await fs.open(file, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
async function rewrite(file, from, to) {
  const data = await fs.readFile(file);
  if (!data.includes(from)) return false;
  const parts = [];
  let start = 0;
  for (let i = data.indexOf(from); i !== -1; i = data.indexOf(from, start)) {
    parts.push(data.subarray(start, i), to);
    start = i + from.length;
  }
  parts.push(data.subarray(start));
  const { mode } = await fs.stat(file);
  const tmp = tempPathFor(file);
  try {
    await fs.writeFile(tmp, Buffer.concat(parts), { flag: "wx", mode: 384 });
    await fs.chmod(tmp, mode & 4095);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  return true;
}
async function fileContains(file, needle) {
  let tail = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    const window = Buffer.concat([tail, chunk]);
    if (window.includes(needle)) return true;
    tail = window.subarray(Math.max(0, window.length - needle.length + 1));
  }
  return false;
}

export {
  PREFIX_PLACEHOLDER,
  replacePrefixInTextFiles,
  relocateInstalled
};
