import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  UserError
} from "./chunk-HUJ2RKNL.mjs";

// packages/inspect/src/errors.ts
var InspectErrorCode = {
  /** A file that says it is ELF or Mach-O but whose headers point outside it or make no sense. */
  Malformed: "E_INSPECT_MALFORMED",
  /** The artifact to smoke-test cannot be read. */
  ArtifactUnreadable: "E_INSPECT_ARTIFACT",
  /** `setElfRunpath`: no RUNPATH/RPATH entry to rewrite, or the new string does not fit in the old one's bytes. */
  RunpathNoRoom: "E_INSPECT_RUNPATH_NO_ROOM"
};
var HINTS = {
  E_INSPECT_MALFORMED: "the file is truncated or damaged; rebuild the artifact, or remove the file if it is not meant to be a program or library",
  E_INSPECT_ARTIFACT: "check the path: it should be an artifact file such as hello-2.10-linux-amd64.tar.gz",
  E_INSPECT_RUNPATH_NO_ROOM: "link the file with a placeholder search path at least as long as the final one (e.g. -Wl,-rpath,<long placeholder>) so that it can be rewritten in place"
};
function inspectError(code, message, file, options) {
  return new UserError(code, message, {
    cause: options?.cause,
    hint: options?.hint ?? HINTS[code],
    location: file ? { file } : void 0
  });
}

// packages/inspect/src/elf.ts
import { promises as fs } from "node:fs";

// packages/inspect/src/byte-view.ts
var ByteView = class _ByteView {
  constructor(bytes, littleEndian, file, format) {
    this.bytes = bytes;
    this.littleEndian = littleEndian;
    this.file = file;
    this.format = format;
    this.length = bytes.length;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  bytes;
  littleEndian;
  file;
  format;
  length;
  dv;
  /** The same bytes read with another byte order (a fat Mach-O header is big-endian, its slices may not be). */
  withEndian(littleEndian) {
    return new _ByteView(this.bytes, littleEndian, this.file, this.format);
  }
  /** A view of `size` bytes at `offset` (a slice of a fat file), checked to lie inside this one. */
  slice(offset, size, what) {
    this.check(offset, size, what);
    return new _ByteView(this.bytes.subarray(offset, offset + size), this.littleEndian, this.file, this.format);
  }
  malformed(why) {
    const name = this.file ?? "the file";
    return inspectError(InspectErrorCode.Malformed, `${name} is not a valid ${this.format} file: ${why}`, this.file);
  }
  /** Throws unless `size` bytes at `offset` lie inside the file. */
  check(offset, size, what) {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0 || offset + size > this.length) {
      throw this.malformed(`${what} (offset ${offset}, ${size} bytes) lies outside the file (${this.length} bytes)`);
    }
  }
  u8(offset, what) {
    this.check(offset, 1, what);
    return this.dv.getUint8(offset);
  }
  u16(offset, what) {
    this.check(offset, 2, what);
    return this.dv.getUint16(offset, this.littleEndian);
  }
  u32(offset, what) {
    this.check(offset, 4, what);
    return this.dv.getUint32(offset, this.littleEndian);
  }
  /** A 64-bit field as a number; past 2^53 it cannot be an offset or size inside a file, so it is malformed. */
  u64(offset, what) {
    const v = this.u64big(offset, what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.malformed(`${what} is ${v}, far past any file size`);
    return Number(v);
  }
  u64big(offset, what) {
    this.check(offset, 8, what);
    return this.dv.getBigUint64(offset, this.littleEndian);
  }
  /** A word of the file's size class (ELFCLASS32 or 64). */
  word(offset, bits, what) {
    return bits === 64 ? this.u64(offset, what) : this.u32(offset, what);
  }
  /** A NUL-terminated string starting at `offset` that must end before `limit`. */
  cstring(offset, limit, what) {
    const end = Math.min(limit, this.length);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= end) {
      throw this.malformed(`${what} starts at offset ${offset}, outside its table (which ends at ${end})`);
    }
    const nul = this.bytes.subarray(offset, end).indexOf(0);
    if (nul < 0) throw this.malformed(`${what} at offset ${offset} has no terminating NUL before offset ${end}`);
    return Buffer.from(this.bytes.subarray(offset, offset + nul)).toString("utf8");
  }
  /** A fixed-size, NUL-padded name (Mach-O segment names). */
  fixedString(offset, size, what) {
    this.check(offset, size, what);
    const raw = this.bytes.subarray(offset, offset + size);
    const nul = raw.indexOf(0);
    return Buffer.from(nul < 0 ? raw : raw.subarray(0, nul)).toString("utf8");
  }
};

// packages/inspect/src/elf.ts
var PT_LOAD = 1;
var PT_DYNAMIC = 2;
var PT_INTERP = 3;
var DT = {
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
  GNU_HASH: 1879047925,
  CONFIG: 1879047930,
  DEPAUDIT: 1879047931,
  AUDIT: 1879047932,
  FLAGS_1: 1879048187,
  VERDEF: 1879048188,
  VERDEFNUM: 1879048189,
  VERNEED: 1879048190,
  VERNEEDNUM: 1879048191,
  AUXILIARY: 2147483645,
  FILTER: 2147483647
};
var DF_1_PIE = 134217728;
var PN_XNUM = 65535;
function isElfMagic(bytes) {
  return bytes.length >= 4 && bytes[0] === 127 && bytes[1] === 69 && bytes[2] === 76 && bytes[3] === 70;
}
function readElfLayout(bytes, file) {
  let view = new ByteView(bytes, true, file, "ELF");
  if (!isElfMagic(bytes)) throw view.malformed("it does not start with the ELF magic bytes");
  const cls = view.u8(4, "EI_CLASS");
  const data = view.u8(5, "EI_DATA");
  if (cls !== 1 && cls !== 2) throw view.malformed(`EI_CLASS is ${cls} (expected 1 for 32-bit or 2 for 64-bit)`);
  if (data !== 1 && data !== 2) throw view.malformed(`EI_DATA is ${data} (expected 1 for little-endian or 2 for big-endian)`);
  view = view.withEndian(data === 1);
  const bits = cls === 2 ? 64 : 32;
  const w = bits === 64 ? 8 : 4;
  const type = view.u16(16, "e_type");
  const machine = view.u16(18, "e_machine");
  const phoff = view.word(24 + w, bits, "e_phoff");
  const shoff = view.word(24 + 2 * w, bits, "e_shoff");
  const tail = 24 + 3 * w + 4;
  const phentsize = view.u16(tail + 2, "e_phentsize");
  let phnum = view.u16(tail + 4, "e_phnum");
  const shentsize = view.u16(tail + 6, "e_shentsize");
  const shnum = view.u16(tail + 8, "e_shnum");
  if (phnum === PN_XNUM && shoff > 0) {
    phnum = view.u32(shoff + (bits === 64 ? 44 : 28), "sh_info of section 0 (program header count)");
  }
  const segments = [];
  if (phnum > 0) {
    const minEnt = bits === 64 ? 56 : 32;
    if (phentsize < minEnt) throw view.malformed(`e_phentsize is ${phentsize} (at least ${minEnt} expected)`);
    view.check(phoff, phnum * phentsize, `the program header table (${phnum} entries)`);
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      const what = `program header ${i}`;
      segments.push(
        bits === 64 ? { type: view.u32(at, what), offset: view.u64(at + 8, what), vaddr: view.u64(at + 16, what), filesz: view.u64(at + 32, what) } : { type: view.u32(at, what), offset: view.u32(at + 4, what), vaddr: view.u32(at + 8, what), filesz: view.u32(at + 16, what) }
      );
    }
  }
  const layout = { view, bits, type, machine, segments, shoff, shentsize, shnum };
  const dyn = segments.find((s) => s.type === PT_DYNAMIC);
  if (dyn) {
    view.check(dyn.offset, dyn.filesz, "the PT_DYNAMIC segment");
    const entsize = bits === 64 ? 16 : 8;
    const slots = Math.floor(dyn.filesz / entsize);
    const entries = [];
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
      const offset = vaddrToOffset(layout, strtab.value, "DT_STRTAB");
      const room = segmentRoom(layout, strtab.value);
      layout.strtab = { offset, size: size === void 0 ? room : Math.min(size, room) };
      view.check(offset, layout.strtab.size, "the dynamic string table (DT_STRTAB, DT_STRSZ)");
    }
  }
  return layout;
}
function readDyn(view, bits, at) {
  if (bits === 32) return { tag: view.u32(at, "a dynamic entry"), value: view.u32(at + 4, "a dynamic entry"), at };
  const tag = view.u64big(at, "a dynamic entry");
  const value = view.u64big(at + 8, "a dynamic entry");
  return {
    // Defined tags fit in 32 bits; anything larger is a tag we do not know (-1).
    tag: tag > 0xffffffffn ? -1 : Number(tag),
    value: value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.NaN : Number(value),
    at
  };
}
function loadSegment(layout, vaddr) {
  return layout.segments.find((s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz);
}
function vaddrToOffset(layout, vaddr, what) {
  const seg = loadSegment(layout, vaddr);
  if (!seg) throw layout.view.malformed(`${what} (address 0x${vaddr.toString(16)}) is not inside any loaded segment`);
  return vaddr - seg.vaddr + seg.offset;
}
function segmentRoom(layout, vaddr) {
  const seg = loadSegment(layout, vaddr);
  return seg ? seg.vaddr + seg.filesz - vaddr : 0;
}
function dynString(layout, strOffset, what) {
  const tab = layout.strtab;
  if (!tab) throw layout.view.malformed(`${what} names a string but the file has no DT_STRTAB`);
  if (!(strOffset < tab.size)) throw layout.view.malformed(`${what} points at string ${strOffset}, past the string table (${tab.size} bytes)`);
  return layout.view.cstring(tab.offset + strOffset, tab.offset + tab.size, what);
}
var ARCH = {
  2: "sparc",
  3: "i386",
  8: "mips",
  20: "powerpc",
  21: "powerpc64",
  22: "s390",
  40: "arm",
  43: "sparc64",
  62: "x86_64",
  183: "aarch64",
  243: "riscv",
  258: "loongarch64"
};
function elfArch(machine, bits, endian) {
  const base = ARCH[machine];
  if (!base) return `machine-${machine}`;
  if (machine === 243) return `riscv${bits}`;
  if (machine === 8) return `${bits === 64 ? "mips64" : "mips"}${endian === "little" ? "el" : ""}`;
  if (machine === 21 && endian === "little") return "powerpc64le";
  if (machine === 22 && bits === 64) return "s390x";
  return base;
}
var TYPES = { 1: "relocatable", 2: "executable", 3: "shared-object", 4: "core" };
var splitPath = (s) => s.split(":");
function parseElf(bytes, file) {
  const layout = readElfLayout(bytes, file);
  const endian = layout.view.littleEndian ? "little" : "big";
  const interp = layout.segments.find((s) => s.type === PT_INTERP);
  const info = {
    bits: layout.bits,
    endian,
    machine: layout.machine,
    arch: elfArch(layout.machine, layout.bits, endian),
    type: TYPES[layout.type] ?? "other",
    pie: false,
    needed: [],
    dynamic: layout.dynamic !== void 0
  };
  if (interp) info.interpreter = layout.view.cstring(interp.offset, interp.offset + interp.filesz, "PT_INTERP");
  let flags1 = 0;
  for (const e of layout.dynamic?.entries ?? []) {
    if (e.tag === DT.NEEDED) info.needed.push(dynString(layout, e.value, "DT_NEEDED"));
    else if (e.tag === DT.SONAME) info.soname = dynString(layout, e.value, "DT_SONAME");
    else if (e.tag === DT.RPATH) info.rpath = splitPath(dynString(layout, e.value, "DT_RPATH"));
    else if (e.tag === DT.RUNPATH) info.runpath = splitPath(dynString(layout, e.value, "DT_RUNPATH"));
    else if (e.tag === DT.FLAGS_1) flags1 = e.value;
  }
  info.pie = info.type === "shared-object" && ((flags1 & DF_1_PIE) !== 0 || info.interpreter !== void 0 && info.soname === void 0);
  return info;
}
async function readHead(file, n) {
  const fh = await fs.open(file, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
async function readElfFile(file) {
  if (!isElfMagic(await readHead(file, 4))) return void 0;
  return parseElf(await fs.readFile(file), file);
}

export {
  InspectErrorCode,
  inspectError,
  ByteView,
  DT,
  isElfMagic,
  readElfLayout,
  vaddrToOffset,
  dynString,
  parseElf,
  readHead,
  readElfFile
};
