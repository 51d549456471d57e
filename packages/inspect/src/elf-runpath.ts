/**
 * Rewrite an ELF file's library search path in place, without patchelf: the
 * new string goes into the bytes of the old one in the dynamic string table,
 * so no section moves and nothing else in the file changes. That is only
 * safe when nothing else points into those bytes (linkers merge string tails,
 * and a symbol or version name may end inside the old path), so every string
 * reference the loader can see is checked first: dynamic entries, dynamic
 * symbol names, version needs and definitions.
 */
import { promises as fs } from 'node:fs';
import { tempPathFor } from '@potions/core';
import { DT, dynString, isElfMagic, readElfLayout, vaddrToOffset, type DynEntry, type ElfLayout } from './elf';
import { inspectError, InspectErrorCode } from './errors';

/** Dynamic tags whose value is an offset into the dynamic string table. */
const STRING_TAGS = new Set<number>([DT.NEEDED, DT.SONAME, DT.RPATH, DT.RUNPATH, DT.AUXILIARY, DT.FILTER, DT.CONFIG, DT.DEPAUDIT, DT.AUDIT]);

const SHT_DYNSYM = 11;

function dynValue(layout: ElfLayout, tag: number): number | undefined {
  return layout.dynamic?.entries.find((e) => e.tag === tag)?.value;
}

/** How many dynamic symbols the loader sees: DT_HASH's nchain, else the DT_GNU_HASH chains, else the section table. */
function dynamicSymbolCount(layout: ElfLayout): number | undefined {
  const { view } = layout;
  const hash = dynValue(layout, DT.HASH);
  if (hash !== undefined) return view.u32(vaddrToOffset(layout, hash, 'DT_HASH') + 4, 'DT_HASH nchain');
  const gnu = dynValue(layout, DT.GNU_HASH);
  if (gnu !== undefined) {
    const at = vaddrToOffset(layout, gnu, 'DT_GNU_HASH');
    const nbuckets = view.u32(at, 'DT_GNU_HASH nbuckets');
    const symoffset = view.u32(at + 4, 'DT_GNU_HASH symoffset');
    const bloomSize = view.u32(at + 8, 'DT_GNU_HASH bloom size');
    const buckets = at + 16 + bloomSize * (layout.bits / 8);
    view.check(buckets, nbuckets * 4, 'the DT_GNU_HASH buckets');
    let last = 0;
    for (let i = 0; i < nbuckets; i++) last = Math.max(last, view.u32(buckets + i * 4, 'a DT_GNU_HASH bucket'));
    if (last < symoffset) return symoffset;
    const chains = buckets + nbuckets * 4;
    // Walk the last bucket's chain to its end marker (low bit set); bounded by the file size.
    for (let i = last; ; i++) {
      if ((view.u32(chains + (i - symoffset) * 4, 'a DT_GNU_HASH chain') & 1) === 1) return i + 1;
    }
  }
  for (let i = 0; i < layout.shnum; i++) {
    const at = layout.shoff + i * layout.shentsize;
    if (view.u32(at + 4, 'a section header') !== SHT_DYNSYM) continue;
    const size = layout.bits === 64 ? view.u64(at + 32, 'sh_size') : view.u32(at + 20, 'sh_size');
    const entsize = layout.bits === 64 ? view.u64(at + 56, 'sh_entsize') : view.u32(at + 36, 'sh_entsize');
    return entsize > 0 ? Math.floor(size / entsize) : undefined;
  }
  return undefined;
}

/** Every dynamic-string-table offset referenced by something other than `except`; undefined when that cannot be told. */
function stringReferences(layout: ElfLayout, except: Set<DynEntry>): number[] | undefined {
  const { view } = layout;
  const refs: number[] = [];
  for (const e of layout.dynamic?.entries ?? []) if (STRING_TAGS.has(e.tag) && !except.has(e)) refs.push(e.value);
  const symtab = dynValue(layout, DT.SYMTAB);
  if (symtab !== undefined) {
    const count = dynamicSymbolCount(layout);
    if (count === undefined) return undefined;
    const syment = dynValue(layout, DT.SYMENT) ?? (layout.bits === 64 ? 24 : 16);
    const base = vaddrToOffset(layout, symtab, 'DT_SYMTAB');
    view.check(base, count * syment, 'the dynamic symbol table');
    for (let i = 0; i < count; i++) refs.push(view.u32(base + i * syment, 'a symbol name'));
  }
  const verneed = dynValue(layout, DT.VERNEED);
  if (verneed !== undefined) {
    let at = vaddrToOffset(layout, verneed, 'DT_VERNEED');
    for (let n = dynValue(layout, DT.VERNEEDNUM) ?? 0; n > 0; n--) {
      refs.push(view.u32(at + 4, 'vn_file'));
      let aux = at + view.u32(at + 8, 'vn_aux');
      for (let k = view.u16(at + 2, 'vn_cnt'); k > 0; k--) {
        refs.push(view.u32(aux + 8, 'vna_name'));
        const next = view.u32(aux + 12, 'vna_next');
        if (next === 0) break;
        aux += next;
      }
      const next = view.u32(at + 12, 'vn_next');
      if (next === 0) break;
      at += next;
    }
  }
  const verdef = dynValue(layout, DT.VERDEF);
  if (verdef !== undefined) {
    let at = vaddrToOffset(layout, verdef, 'DT_VERDEF');
    for (let n = dynValue(layout, DT.VERDEFNUM) ?? 0; n > 0; n--) {
      let aux = at + view.u32(at + 12, 'vd_aux');
      for (let k = view.u16(at + 6, 'vd_cnt'); k > 0; k--) {
        refs.push(view.u32(aux, 'vda_name'));
        const next = view.u32(aux + 4, 'vda_next');
        if (next === 0) break;
        aux += next;
      }
      const next = view.u32(at + 16, 'vd_next');
      if (next === 0) break;
      at += next;
    }
  }
  return refs;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Drop dynamic entries by moving the later ones up; the freed slots at the end become DT_NULL. */
function removeEntries(bytes: Uint8Array, layout: ElfLayout, drop: Set<DynEntry>): void {
  const dyn = layout.dynamic!;
  const keep = dyn.entries.filter((e) => !drop.has(e));
  const copies = keep.map((e) => bytes.slice(e.at, e.at + dyn.entsize));
  const used = dyn.entries.length + (dyn.entries.length < dyn.slots ? 1 : 0); // the entries and their DT_NULL
  bytes.fill(0, dyn.offset, dyn.offset + used * dyn.entsize);
  copies.forEach((c, i) => bytes.set(c, dyn.offset + i * dyn.entsize));
}

/**
 * In place (temp copy + rename, mode kept): rewrite the existing DT_RUNPATH (else DT_RPATH, turned into
 * DT_RUNPATH) string in .dynstr when the new string fits in the old one's bytes and no other entry shares
 * them; '' removes the entry. No entry, or no room: UserError E_INSPECT_RUNPATH_NO_ROOM naming the file,
 * the old and the new length.
 *
 * Afterwards the file has exactly one search path (DT_RUNPATH = `runpath`) or, for '', none: a second
 * DT_RPATH/DT_RUNPATH entry is removed too, since it would come back into force. Old bytes are zeroed, so
 * no build path stays in the file. A symbolic link is followed and its target rewritten.
 */
export async function setElfRunpath(file: string, runpath: string): Promise<{ previous?: string }> {
  const target = await fs.realpath(file);
  const bytes = new Uint8Array(await fs.readFile(target));
  if (!isElfMagic(bytes)) throw inspectError(InspectErrorCode.Malformed, `${file} is not an ELF file, so it has no RUNPATH to set`, file);
  const layout = readElfLayout(bytes, file);
  const entries = layout.dynamic?.entries ?? [];
  const paths = entries.filter((e) => e.tag === DT.RUNPATH || e.tag === DT.RPATH);
  const main = paths.find((e) => e.tag === DT.RUNPATH) ?? paths[0];
  const newLength = byteLength(runpath);
  if (!main) {
    if (runpath === '') return {};
    throw inspectError(
      InspectErrorCode.RunpathNoRoom,
      `${file} has no DT_RUNPATH or DT_RPATH entry to rewrite (old length 0, new length ${newLength}): a search path cannot be added in place`,
      file,
    );
  }
  const previous = dynString(layout, main.value, main.tag === DT.RUNPATH ? 'DT_RUNPATH' : 'DT_RPATH');
  const oldLength = byteLength(previous);
  if (newLength > oldLength) {
    throw inspectError(
      InspectErrorCode.RunpathNoRoom,
      `${file}: the new RUNPATH (${newLength} bytes: ${JSON.stringify(runpath)}) does not fit in the bytes of the old one (${oldLength} bytes: ${JSON.stringify(previous)})`,
      file,
    );
  }
  const refs = stringReferences(layout, new Set(paths));
  if (!refs) {
    throw inspectError(
      InspectErrorCode.RunpathNoRoom,
      `${file}: the number of dynamic symbols cannot be told (no DT_HASH, DT_GNU_HASH or .dynsym section), so it is not safe to rewrite the old RUNPATH's bytes (old length ${oldLength}, new length ${newLength})`,
      file,
    );
  }
  const shared = (offset: number, length: number): boolean => refs.some((r) => r >= offset && r < offset + length);
  if (shared(main.value, oldLength)) {
    throw inspectError(
      InspectErrorCode.RunpathNoRoom,
      `${file}: the bytes of the old RUNPATH (${oldLength} bytes: ${JSON.stringify(previous)}) are shared with another string in the dynamic string table, so the new one (${newLength} bytes) has no room of its own`,
      file,
    );
  }
  const tab = layout.strtab!;
  // Zero every old search-path string nobody else uses, then write the new one.
  for (const e of paths) {
    const len = byteLength(dynString(layout, e.value, 'a search path'));
    if (e === main || !shared(e.value, len)) bytes.fill(0, tab.offset + e.value, tab.offset + e.value + len);
  }
  if (runpath === '') {
    removeEntries(bytes, layout, new Set(paths));
  } else {
    bytes.set(Buffer.from(runpath, 'utf8'), tab.offset + main.value);
    writeTag(bytes, layout, main, DT.RUNPATH);
    removeEntries(bytes, layout, new Set(paths.filter((e) => e !== main)));
  }
  await replaceFile(target, bytes);
  return { previous };
}

function writeTag(bytes: Uint8Array, layout: ElfLayout, entry: DynEntry, tag: number): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = layout.view.littleEndian;
  if (layout.bits === 64) dv.setBigUint64(entry.at, BigInt(tag), le);
  else dv.setUint32(entry.at, tag, le);
}

/** Write beside the file, keep its mode, flush, rename over it. */
async function replaceFile(target: string, bytes: Uint8Array): Promise<void> {
  const { mode } = await fs.stat(target);
  const tmp = tempPathFor(target);
  try {
    const fh = await fs.open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.chmod(mode & 0o7777);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
