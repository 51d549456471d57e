/**
 * Mach-O reader, written here on purpose: no well-kept npm library reads the
 * load commands (LC_LOAD_DYLIB and its weak, re-export, lazy and upward
 * forms, LC_ID_DYLIB, LC_RPATH, LC_BUILD_VERSION / LC_VERSION_MIN_*) of thin
 * and universal files without running `otool` (which is macOS-only and which
 * the smoke test must not need). It reads the mach header, the load commands
 * and, for a universal ("fat") file, every slice. Every offset goes through
 * `ByteView`, so a truncated or hostile file is E_INSPECT_MALFORMED.
 *
 * Reference: <mach-o/loader.h> and <mach-o/fat.h> (Apple's cctools / LLVM's
 * BinaryFormat/MachO.h for the constants).
 */
import { isArArchive } from './ar';
import { ByteView } from './byte-view';

export const CPU_ARCH_ABI64 = 0x01000000;
export const CPU_TYPE_X86 = 7;
export const CPU_TYPE_X86_64 = CPU_TYPE_X86 | CPU_ARCH_ABI64;
export const CPU_TYPE_ARM = 12;
export const CPU_TYPE_ARM64 = CPU_TYPE_ARM | CPU_ARCH_ABI64;

const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;
const FAT_MAGIC = 0xcafebabe;
const FAT_MAGIC_64 = 0xcafebabf;
/** Java class files share 0xcafebabe; their next word (the class version, 45 and up) is never a plausible slice count. */
const MAX_FAT_ARCHS = 30;

const LC_REQ_DYLD = 0x80000000;
/** Command numbers as unsigned 32-bit values (`>>> 0`: JavaScript's `|` gives a signed result). */
const LC = {
  LOAD_DYLIB: 0xc,
  ID_DYLIB: 0xd,
  LOAD_DYLINKER: 0xe,
  LOAD_WEAK_DYLIB: (0x18 | LC_REQ_DYLD) >>> 0,
  RPATH: (0x1c | LC_REQ_DYLD) >>> 0,
  REEXPORT_DYLIB: (0x1f | LC_REQ_DYLD) >>> 0,
  LAZY_LOAD_DYLIB: 0x20,
  LOAD_UPWARD_DYLIB: (0x23 | LC_REQ_DYLD) >>> 0,
  VERSION_MIN_MACOSX: 0x24,
  VERSION_MIN_IPHONEOS: 0x25,
  VERSION_MIN_TVOS: 0x2f,
  VERSION_MIN_WATCHOS: 0x30,
  BUILD_VERSION: 0x32,
} as const;

export type DylibKind = 'load' | 'weak' | 'reexport' | 'lazy' | 'upward';

const DYLIB_KINDS = new Map<number, DylibKind>([
  [LC.LOAD_DYLIB, 'load'],
  [LC.LOAD_WEAK_DYLIB, 'weak'],
  [LC.REEXPORT_DYLIB, 'reexport'],
  [LC.LAZY_LOAD_DYLIB, 'lazy'],
  [LC.LOAD_UPWARD_DYLIB, 'upward'],
]);

const FILETYPES: Record<number, MachOFileType> = {
  1: 'object',
  2: 'executable',
  6: 'dylib',
  7: 'dylinker',
  8: 'bundle',
  10: 'dsym',
  11: 'kext',
};

/** `archive`: a universal static library's slice is an `ar` archive of objects, not a mach image. */
export type MachOFileType = 'object' | 'executable' | 'dylib' | 'dylinker' | 'bundle' | 'dsym' | 'kext' | 'archive' | 'other';

/** LC_BUILD_VERSION platform numbers. */
const OS_PLATFORMS: Record<number, string> = {
  1: 'macos',
  2: 'ios',
  3: 'tvos',
  4: 'watchos',
  5: 'bridgeos',
  6: 'maccatalyst',
  7: 'ios-simulator',
  8: 'tvos-simulator',
  9: 'watchos-simulator',
  10: 'driverkit',
  11: 'visionos',
  12: 'visionos-simulator',
};

const VERSION_MIN_OS = new Map<number, string>([
  [LC.VERSION_MIN_MACOSX, 'macos'],
  [LC.VERSION_MIN_IPHONEOS, 'ios'],
  [LC.VERSION_MIN_TVOS, 'tvos'],
  [LC.VERSION_MIN_WATCHOS, 'watchos'],
]);

export interface MachODylib {
  name: string;
  kind: DylibKind;
}

/** One architecture's image (the whole file when it is thin). */
export interface MachOSlice {
  cputype: number;
  cpusubtype: number;
  /** `x86_64`, `x86_64h`, `arm64`, `arm64e`, `i386`, `arm`, `ppc`, ... or `cpu-<n>`. */
  arch: string;
  bits: 32 | 64;
  endian: 'little' | 'big';
  filetype: MachOFileType;
  /** The minimum OS, from LC_BUILD_VERSION or LC_VERSION_MIN_*: `{ os: 'macos', version: '11.0' }`. */
  minOs?: { os: string; version: string };
  /** LC_ID_DYLIB: the install name a dylib gives to whoever links it. */
  id?: string;
  /** LC_LOAD_DYLINKER (`/usr/lib/dyld` for programs). */
  dylinker?: string;
  /** Dylib load commands, in order. */
  dylibs: MachODylib[];
  /** LC_RPATH, in order. */
  rpaths: string[];
  /** Where the slice starts in the file (0 when thin). */
  offset: number;
}

export interface MachOInfo {
  /** A universal file (fat header) or one image. */
  fat: boolean;
  slices: MachOSlice[];
}

export function machOMagic(bytes: Uint8Array): 'thin' | 'fat' | undefined {
  if (bytes.length < 8) return undefined;
  const be = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const magicBE = be.getUint32(0, false);
  const magicLE = be.getUint32(0, true);
  if (magicBE === MH_MAGIC || magicBE === MH_MAGIC_64 || magicLE === MH_MAGIC || magicLE === MH_MAGIC_64) return 'thin';
  if (magicBE === FAT_MAGIC || magicBE === FAT_MAGIC_64) {
    const n = be.getUint32(4, false);
    return n >= 1 && n <= MAX_FAT_ARCHS ? 'fat' : undefined;
  }
  return undefined;
}

/** The usual name of a CPU type and subtype (as `lipo -archs` prints them). */
export function machOArch(cputype: number, cpusubtype: number): string {
  const sub = cpusubtype & 0x00ffffff;
  switch (cputype) {
    case CPU_TYPE_X86_64:
      return sub === 8 ? 'x86_64h' : 'x86_64';
    case CPU_TYPE_ARM64:
      return sub === 2 ? 'arm64e' : 'arm64';
    case CPU_TYPE_ARM | 0x02000000:
      return 'arm64_32';
    case CPU_TYPE_X86:
      return 'i386';
    case CPU_TYPE_ARM:
      return 'arm';
    case 18:
      return 'ppc';
    case 18 | CPU_ARCH_ABI64:
      return 'ppc64';
    default:
      return `cpu-${cputype}`;
  }
}

/** `xxxx.yy.zz` packed in nibbles, as Mach-O stores versions; `.0` patch levels dropped. */
function versionString(v: number): string {
  const major = v >>> 16;
  const minor = (v >>> 8) & 0xff;
  const patch = v & 0xff;
  return patch ? `${major}.${minor}.${patch}` : `${major}.${minor}`;
}

/** A string inside a load command: `offset` from the command start, ending before the command does. */
function lcString(view: ByteView, cmd: number, cmdsize: number, field: string): string {
  const offset = view.u32(cmd + 8, field);
  if (offset < 12 || offset >= cmdsize) throw view.malformed(`${field} string offset ${offset} is outside its load command (${cmdsize} bytes)`);
  return view.cstring(cmd + offset, cmd + cmdsize, field);
}

function parseSlice(view: ByteView, offset: number): MachOSlice {
  const magicLE = view.withEndian(true).u32(0, 'the mach header magic');
  const le = magicLE === MH_MAGIC || magicLE === MH_MAGIC_64;
  const v = view.withEndian(le);
  const magic = v.u32(0, 'the mach header magic');
  if (magic !== MH_MAGIC && magic !== MH_MAGIC_64) throw v.malformed(`slice at offset ${offset} does not start with a mach header`);
  const bits = magic === MH_MAGIC_64 ? 64 : 32;
  const cputype = v.u32(4, 'cputype') | 0;
  const cpusubtype = v.u32(8, 'cpusubtype') | 0;
  const filetype = v.u32(12, 'filetype');
  const ncmds = v.u32(16, 'ncmds');
  const sizeofcmds = v.u32(20, 'sizeofcmds');
  const start = bits === 64 ? 32 : 28;
  v.check(start, sizeofcmds, 'the load commands (sizeofcmds)');
  if (ncmds > sizeofcmds / 8) throw v.malformed(`ncmds is ${ncmds}, more than ${sizeofcmds} bytes of load commands can hold`);
  const slice: MachOSlice = {
    cputype,
    cpusubtype,
    arch: machOArch(cputype, cpusubtype),
    bits,
    endian: le ? 'little' : 'big',
    filetype: FILETYPES[filetype] ?? 'other',
    dylibs: [],
    rpaths: [],
    offset,
  };
  const end = start + sizeofcmds;
  let at = start;
  for (let i = 0; i < ncmds; i++) {
    const what = `load command ${i}`;
    const cmd = v.u32(at, what);
    const cmdsize = v.u32(at + 4, what);
    if (cmdsize < 8 || at + cmdsize > end) throw v.malformed(`${what} has size ${cmdsize}, outside the load commands (${sizeofcmds} bytes)`);
    const kind = DYLIB_KINDS.get(cmd);
    if (kind) slice.dylibs.push({ name: lcString(v, at, cmdsize, `${what} (dylib name)`), kind });
    else if (cmd === LC.ID_DYLIB) slice.id = lcString(v, at, cmdsize, `${what} (LC_ID_DYLIB)`);
    else if (cmd === LC.RPATH) slice.rpaths.push(lcString(v, at, cmdsize, `${what} (LC_RPATH)`));
    else if (cmd === LC.LOAD_DYLINKER) slice.dylinker = lcString(v, at, cmdsize, `${what} (LC_LOAD_DYLINKER)`);
    else if (cmd === LC.BUILD_VERSION) {
      v.check(at, 24, `${what} (LC_BUILD_VERSION)`);
      const platform = v.u32(at + 8, 'platform');
      slice.minOs = { os: OS_PLATFORMS[platform] ?? `platform-${platform}`, version: versionString(v.u32(at + 12, 'minos')) };
    } else if (VERSION_MIN_OS.has(cmd) && !slice.minOs) {
      v.check(at, 16, `${what} (LC_VERSION_MIN)`);
      slice.minOs = { os: VERSION_MIN_OS.get(cmd)!, version: versionString(v.u32(at + 8, 'version')) };
    }
    at += cmdsize;
  }
  return slice;
}

function archiveSlice(cputype: number, cpusubtype: number): Omit<MachOSlice, 'offset'> {
  const bits = (cputype & CPU_ARCH_ABI64) !== 0 ? 64 : 32;
  const endian = cputype === 18 || cputype === (18 | CPU_ARCH_ABI64) ? 'big' : 'little';
  return { cputype, cpusubtype, arch: machOArch(cputype, cpusubtype), bits, endian, filetype: 'archive', dylibs: [], rpaths: [] };
}

/** Parse a thin or universal Mach-O file. Malformed: UserError E_INSPECT_MALFORMED naming the file. */
export function parseMachO(bytes: Uint8Array, file?: string): MachOInfo {
  const view = new ByteView(bytes, false, file, 'Mach-O');
  const kind = machOMagic(bytes);
  if (!kind) throw view.malformed('it does not start with a Mach-O or universal magic number');
  if (kind === 'thin') return { fat: false, slices: [parseSlice(view, 0)] };
  const is64 = view.u32(0, 'the fat magic') === FAT_MAGIC_64;
  const n = view.u32(4, 'nfat_arch');
  const entry = is64 ? 32 : 20;
  view.check(8, n * entry, `the universal header (${n} slices)`);
  const slices: MachOSlice[] = [];
  for (let i = 0; i < n; i++) {
    const at = 8 + i * entry;
    const what = `universal slice ${i}`;
    const offset = is64 ? view.u64(at + 8, what) : view.u32(at + 8, what);
    const size = is64 ? view.u64(at + 16, what) : view.u32(at + 12, what);
    const declared = view.u32(at, what) | 0;
    const bytesOf = view.slice(offset, size, what);
    if (isArArchive(bytesOf.bytes)) {
      const cpusubtype = view.u32(at + 4, what) | 0;
      slices.push({ ...archiveSlice(declared, cpusubtype), offset });
      continue;
    }
    const slice = parseSlice(bytesOf, offset);
    if (declared !== slice.cputype) {
      throw view.malformed(`${what} is declared as ${machOArch(declared, 0)} but holds ${slice.arch}`);
    }
    slices.push(slice);
  }
  return { fat: true, slices };
}
