/**
 * ELF reader, written here on purpose: no well-kept npm library reads
 * DT_NEEDED, DT_RPATH/DT_RUNPATH and PT_INTERP from both word sizes and both
 * byte orders without running `readelf`/`ldd` (which the smoke test must not
 * need, and which would trust the file more than we do). It reads what the
 * dynamic loader reads: the ELF header, the program headers (PT_INTERP,
 * PT_DYNAMIC, PT_LOAD), the dynamic array and the strings it names, and
 * nothing that only linkers use. Every offset goes through `ByteView`, so a
 * truncated or hostile file is E_INSPECT_MALFORMED, never a crash.
 *
 * Reference: the System V gABI, chapter 4 and 5 (ELF header, program header,
 * dynamic section), and glibc's elf/elf.h for the constants.
 */
import { promises as fs } from 'node:fs';
import { ByteView } from './byte-view';

export interface ElfInfo {
  bits: 32 | 64;
  endian: 'little' | 'big';
  /** `e_machine`. */
  machine: number;
  /** `x86_64`, `aarch64`, `i386`, `arm`, `powerpc64`, `mips`, ... or `machine-<n>` when unknown. */
  arch: string;
  type: 'executable' | 'shared-object' | 'relocatable' | 'core' | 'other';
  /**
   * A position-independent program, run rather than loaded: ET_DYN with DF_1_PIE, or (for programs linked
   * before linkers set that flag) with PT_INTERP and no DT_SONAME. libc.so.6 has an interpreter and can
   * run, but it names itself: it is a library.
   */
  pie: boolean;
  /** PT_INTERP: the dynamic loader the kernel starts for a dynamic program. */
  interpreter?: string;
  /** DT_NEEDED, in order. */
  needed: string[];
  soname?: string;
  /** DT_RPATH split on `:` (only when present). */
  rpath?: string[];
  /** DT_RUNPATH split on `:` (only when present; the loader then ignores DT_RPATH). */
  runpath?: string[];
  /** Has a PT_DYNAMIC segment (a static program has none, a static-pie has one). */
  dynamic: boolean;
}

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;

export const DT = {
  NULL: 0,
  NEEDED: 1,
  HASH: 4,
  STRTAB: 5,
  SYMTAB: 6,
  STRSZ: 10,
  SYMENT: 11,
  SONAME: 14,
  RPATH: 15,
  RUNPATH: 29,
  GNU_HASH: 0x6ffffef5,
  CONFIG: 0x6ffffefa,
  DEPAUDIT: 0x6ffffefb,
  AUDIT: 0x6ffffefc,
  FLAGS_1: 0x6ffffffb,
  VERDEF: 0x6ffffffc,
  VERDEFNUM: 0x6ffffffd,
  VERNEED: 0x6ffffffe,
  VERNEEDNUM: 0x6fffffff,
  AUXILIARY: 0x7ffffffd,
  FILTER: 0x7fffffff,
} as const;

const DF_1_PIE = 0x08000000;
const PN_XNUM = 0xffff;

export interface ElfSegment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

export interface DynEntry {
  tag: number;
  /** `d_val`/`d_ptr`; NaN when it does not fit a safe integer (then it cannot be an offset). */
  value: number;
  /** File offset of the entry itself (for rewriting it). */
  at: number;
}

/** The parts of an ELF file the loader reads, with file offsets (used by `setElfRunpath`). */
export interface ElfLayout {
  view: ByteView;
  bits: 32 | 64;
  type: number;
  machine: number;
  segments: ElfSegment[];
  /** The PT_DYNAMIC array: entries up to DT_NULL, and how many slots the segment holds. */
  dynamic?: { offset: number; entsize: number; slots: number; entries: DynEntry[] };
  /** DT_STRTAB as a file range. */
  strtab?: { offset: number; size: number };
  shoff: number;
  shentsize: number;
  shnum: number;
}

export function isElfMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Read the header, program headers, dynamic array and string table; throws E_INSPECT_MALFORMED. */
export function readElfLayout(bytes: Uint8Array, file?: string): ElfLayout {
  let view = new ByteView(bytes, true, file, 'ELF');
  if (!isElfMagic(bytes)) throw view.malformed('it does not start with the ELF magic bytes');
  const cls = view.u8(4, 'EI_CLASS');
  const data = view.u8(5, 'EI_DATA');
  if (cls !== 1 && cls !== 2) throw view.malformed(`EI_CLASS is ${cls} (expected 1 for 32-bit or 2 for 64-bit)`);
  if (data !== 1 && data !== 2) throw view.malformed(`EI_DATA is ${data} (expected 1 for little-endian or 2 for big-endian)`);
  view = view.withEndian(data === 1);
  const bits = cls === 2 ? 64 : 32;
  const w = bits === 64 ? 8 : 4;
  const type = view.u16(16, 'e_type');
  const machine = view.u16(18, 'e_machine');
  const phoff = view.word(24 + w, bits, 'e_phoff');
  const shoff = view.word(24 + 2 * w, bits, 'e_shoff');
  const tail = 24 + 3 * w + 4; // after e_flags
  const phentsize = view.u16(tail + 2, 'e_phentsize');
  let phnum = view.u16(tail + 4, 'e_phnum');
  const shentsize = view.u16(tail + 6, 'e_shentsize');
  const shnum = view.u16(tail + 8, 'e_shnum');
  if (phnum === PN_XNUM && shoff > 0) {
    // More than 65534 program headers: the real count is in section 0's sh_info.
    phnum = view.u32(shoff + (bits === 64 ? 44 : 28), 'sh_info of section 0 (program header count)');
  }
  const segments: ElfSegment[] = [];
  if (phnum > 0) {
    const minEnt = bits === 64 ? 56 : 32;
    if (phentsize < minEnt) throw view.malformed(`e_phentsize is ${phentsize} (at least ${minEnt} expected)`);
    view.check(phoff, phnum * phentsize, `the program header table (${phnum} entries)`);
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      const what = `program header ${i}`;
      segments.push(
        bits === 64
          ? { type: view.u32(at, what), offset: view.u64(at + 8, what), vaddr: view.u64(at + 16, what), filesz: view.u64(at + 32, what) }
          : { type: view.u32(at, what), offset: view.u32(at + 4, what), vaddr: view.u32(at + 8, what), filesz: view.u32(at + 16, what) },
      );
    }
  }
  const layout: ElfLayout = { view, bits, type, machine, segments, shoff, shentsize, shnum };
  const dyn = segments.find((s) => s.type === PT_DYNAMIC);
  if (dyn) {
    view.check(dyn.offset, dyn.filesz, 'the PT_DYNAMIC segment');
    const entsize = bits === 64 ? 16 : 8;
    const slots = Math.floor(dyn.filesz / entsize);
    const entries: DynEntry[] = [];
    for (let i = 0; i < slots; i++) {
      const at = dyn.offset + i * entsize;
      const entry = readDyn(view, bits, at);
      if (entry.tag === DT.NULL) break;
      entries.push(entry);
    }
    layout.dynamic = { offset: dyn.offset, entsize, slots, entries };
    const strtab = entries.find((e) => e.tag === DT.STRTAB);
    if (strtab) {
      const size = entries.find((e) => e.tag === DT.STRSZ)?.value;
      const offset = vaddrToOffset(layout, strtab.value, 'DT_STRTAB');
      const room = segmentRoom(layout, strtab.value);
      layout.strtab = { offset, size: size === undefined ? room : Math.min(size, room) };
      view.check(offset, layout.strtab.size, 'the dynamic string table (DT_STRTAB, DT_STRSZ)');
    }
  }
  return layout;
}

function readDyn(view: ByteView, bits: 32 | 64, at: number): DynEntry {
  if (bits === 32) return { tag: view.u32(at, 'a dynamic entry'), value: view.u32(at + 4, 'a dynamic entry'), at };
  const tag = view.u64big(at, 'a dynamic entry');
  const value = view.u64big(at + 8, 'a dynamic entry');
  return {
    // Defined tags fit in 32 bits; anything larger is a tag we do not know (-1).
    tag: tag > 0xffffffffn ? -1 : Number(tag),
    value: value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.NaN : Number(value),
    at,
  };
}

/** The PT_LOAD segment that holds `vaddr` in its file bytes. */
function loadSegment(layout: ElfLayout, vaddr: number): ElfSegment | undefined {
  return layout.segments.find((s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz);
}

/** A virtual address (as dynamic entries hold) as a file offset, through the PT_LOAD segments. */
export function vaddrToOffset(layout: ElfLayout, vaddr: number, what: string): number {
  const seg = loadSegment(layout, vaddr);
  if (!seg) throw layout.view.malformed(`${what} (address 0x${vaddr.toString(16)}) is not inside any loaded segment`);
  return vaddr - seg.vaddr + seg.offset;
}

/** Bytes from `vaddr` to the end of its segment's file bytes. */
function segmentRoom(layout: ElfLayout, vaddr: number): number {
  const seg = loadSegment(layout, vaddr);
  return seg ? seg.vaddr + seg.filesz - vaddr : 0;
}

/** A string of the dynamic string table, by its `d_val` offset. */
export function dynString(layout: ElfLayout, strOffset: number, what: string): string {
  const tab = layout.strtab;
  if (!tab) throw layout.view.malformed(`${what} names a string but the file has no DT_STRTAB`);
  if (!(strOffset < tab.size)) throw layout.view.malformed(`${what} points at string ${strOffset}, past the string table (${tab.size} bytes)`);
  return layout.view.cstring(tab.offset + strOffset, tab.offset + tab.size, what);
}

const ARCH: Record<number, string> = {
  2: 'sparc',
  3: 'i386',
  8: 'mips',
  20: 'powerpc',
  21: 'powerpc64',
  22: 's390',
  40: 'arm',
  43: 'sparc64',
  62: 'x86_64',
  183: 'aarch64',
  243: 'riscv',
  258: 'loongarch64',
};

/** The usual name of an architecture (as `uname -m` and Debian triplets spell it). */
export function elfArch(machine: number, bits: 32 | 64, endian: 'little' | 'big'): string {
  const base = ARCH[machine];
  if (!base) return `machine-${machine}`;
  if (machine === 243) return `riscv${bits}`;
  if (machine === 8) return `${bits === 64 ? 'mips64' : 'mips'}${endian === 'little' ? 'el' : ''}`;
  if (machine === 21 && endian === 'little') return 'powerpc64le';
  if (machine === 22 && bits === 64) return 's390x';
  return base;
}

const TYPES: Record<number, ElfInfo['type']> = { 1: 'relocatable', 2: 'executable', 3: 'shared-object', 4: 'core' };

const splitPath = (s: string): string[] => s.split(':');

/** Parse an ELF file's identity and dynamic dependencies. Malformed: UserError E_INSPECT_MALFORMED naming the file. */
export function parseElf(bytes: Uint8Array, file?: string): ElfInfo {
  const layout = readElfLayout(bytes, file);
  const endian = layout.view.littleEndian ? 'little' : 'big';
  const interp = layout.segments.find((s) => s.type === PT_INTERP);
  const info: ElfInfo = {
    bits: layout.bits,
    endian,
    machine: layout.machine,
    arch: elfArch(layout.machine, layout.bits, endian),
    type: TYPES[layout.type] ?? 'other',
    pie: false,
    needed: [],
    dynamic: layout.dynamic !== undefined,
  };
  if (interp) info.interpreter = layout.view.cstring(interp.offset, interp.offset + interp.filesz, 'PT_INTERP');
  let flags1 = 0;
  for (const e of layout.dynamic?.entries ?? []) {
    if (e.tag === DT.NEEDED) info.needed.push(dynString(layout, e.value, 'DT_NEEDED'));
    else if (e.tag === DT.SONAME) info.soname = dynString(layout, e.value, 'DT_SONAME');
    else if (e.tag === DT.RPATH) info.rpath = splitPath(dynString(layout, e.value, 'DT_RPATH'));
    else if (e.tag === DT.RUNPATH) info.runpath = splitPath(dynString(layout, e.value, 'DT_RUNPATH'));
    else if (e.tag === DT.FLAGS_1) flags1 = e.value;
  }
  info.pie = info.type === 'shared-object' && ((flags1 & DF_1_PIE) !== 0 || (info.interpreter !== undefined && info.soname === undefined));
  return info;
}

/** Read at most `n` bytes from the start of a file. */
export async function readHead(file: string, n: number): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Parse a file when it is ELF; undefined when it is not (by its first four bytes). */
export async function readElfFile(file: string): Promise<ElfInfo | undefined> {
  if (!isElfMagic(await readHead(file, 4))) return undefined;
  return parseElf(await fs.readFile(file), file);
}
