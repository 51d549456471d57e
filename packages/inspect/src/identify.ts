/**
 * What a file is, read from its own bytes (never from its name, `file` or
 * `ldd`): ELF, Mach-O (thin or universal), an `ar` static library, a `#!`
 * script, or something else; and which of the Potions platforms it is code for.
 */
import { promises as fs } from 'node:fs';
import type { Platform } from '@potions/core';
import { arMembers, isArArchive } from './ar';
import { isElfMagic, parseElf, readHead, type ElfInfo } from './elf';
import { CPU_TYPE_ARM64, CPU_TYPE_X86_64, machOMagic, parseMachO, type MachOInfo, type MachOSlice } from './macho';

export type FileKind = 'executable' | 'library' | 'object' | 'static-library' | 'script' | 'other';
export type FileFormat = 'elf' | 'mach-o' | 'ar' | 'script' | 'data';

export interface Shebang {
  /** The program the kernel starts: `/bin/sh`, `/usr/bin/env`. */
  interpreter: string;
  /** The rest of the line (`python3` after `/usr/bin/env`). */
  argument?: string;
}

/** The kinds of object an `ar` archive holds, counted. */
export interface ArchiveObjects {
  description: string;
  platforms: Platform[];
  count: number;
}

export interface Identity {
  kind: FileKind;
  format: FileFormat;
  /** For people: `ELF 64-bit LSB x86_64 PIE executable`, `Mach-O universal (x86_64, arm64) bundle`. */
  description: string;
  /** The Potions platforms this code is for (several for a universal file); empty when none or not code. */
  platforms: Platform[];
  /** Whether the file is machine code (ELF, Mach-O, or an archive of objects) and so must match the platform. */
  code: boolean;
  elf?: ElfInfo;
  macho?: MachOInfo;
  objects?: ArchiveObjects[];
  shebang?: Shebang;
}

/** The platform an ELF file runs on, if it is one of ours. */
export function elfPlatform(info: Pick<ElfInfo, 'arch' | 'bits' | 'endian'>): Platform | undefined {
  if (info.bits !== 64 || info.endian !== 'little') return undefined;
  if (info.arch === 'x86_64') return 'linux-amd64';
  if (info.arch === 'aarch64') return 'linux-arm64';
  return undefined;
}

/** The platform a Mach-O slice runs on: the CPU, and macOS (not iOS...) when the slice says which OS. */
export function machOPlatform(slice: MachOSlice): Platform | undefined {
  if (slice.minOs && slice.minOs.os !== 'macos') return undefined;
  if (slice.cputype === CPU_TYPE_X86_64) return 'darwin-x86_64';
  if (slice.cputype === CPU_TYPE_ARM64) return 'darwin-arm64';
  return undefined;
}

const ELF_TYPES: Record<ElfInfo['type'], string> = {
  executable: 'executable',
  'shared-object': 'shared library',
  relocatable: 'relocatable object',
  core: 'core dump',
  other: 'file of unknown type',
};

export function describeElf(info: ElfInfo): string {
  const type = info.pie ? 'PIE executable' : ELF_TYPES[info.type];
  const linking = info.type === 'executable' || info.pie ? (info.interpreter ? '' : ', statically linked') : '';
  return `ELF ${info.bits}-bit ${info.endian === 'little' ? 'LSB' : 'MSB'} ${info.arch} ${type}${linking}`;
}

function elfKind(info: ElfInfo): FileKind {
  if (info.type === 'executable' || info.pie) return 'executable';
  if (info.type === 'shared-object') return 'library';
  if (info.type === 'relocatable') return 'object';
  return 'other';
}

const MACHO_KINDS: Record<MachOSlice['filetype'], FileKind> = {
  executable: 'executable',
  dylib: 'library',
  bundle: 'library',
  object: 'object',
  archive: 'static-library',
  dylinker: 'other',
  dsym: 'other',
  kext: 'other',
  other: 'other',
};

const minOsText = (s: MachOSlice): string => (s.minOs ? ` (${s.minOs.os === 'macos' ? 'macOS' : s.minOs.os} ${s.minOs.version}+)` : '');

export function describeMachO(info: MachOInfo): string {
  const first = info.slices[0]!;
  if (!info.fat) return `Mach-O ${first.bits}-bit ${first.arch} ${first.filetype}${minOsText(first)}`;
  const types = [...new Set(info.slices.map((s) => s.filetype))].join('/');
  return `Mach-O universal (${info.slices.map((s) => `${s.arch}${minOsText(s)}`).join(', ')}) ${types}`;
}

/** The slice a platform's loader would pick, if the file has one. */
export function sliceFor(info: MachOInfo, platform: Platform): MachOSlice | undefined {
  return info.slices.find((s) => machOPlatform(s) === platform);
}

function archiveIdentity(bytes: Uint8Array, file: string): Identity {
  const counts = new Map<string, ArchiveObjects>();
  for (const m of arMembers(bytes, file)) {
    const data = bytes.subarray(m.offset, m.offset + m.size);
    let description: string;
    let platforms: Platform[];
    if (isElfMagic(data)) {
      const elf = parseElf(data, `${file}(${m.name})`);
      description = describeElf(elf);
      platforms = [elfPlatform(elf)].filter((p): p is Platform => p !== undefined);
    } else if (machOMagic(data)) {
      const macho = parseMachO(data, `${file}(${m.name})`);
      description = describeMachO(macho);
      platforms = [...new Set(macho.slices.map(machOPlatform).filter((p): p is Platform => p !== undefined))];
    } else {
      continue; // LLVM bitcode, text: not machine code we can check
    }
    const seen = counts.get(description);
    if (seen) seen.count += 1;
    else counts.set(description, { description, platforms, count: 1 });
  }
  const objects = [...counts.values()];
  const common = objects.length === 0 ? [] : objects.map((o) => o.platforms).reduce((a, b) => a.filter((p) => b.includes(p)));
  const description =
    objects.length === 0
      ? 'ar archive without machine-code objects'
      : `ar archive of ${objects.map((o) => `${o.count} × ${o.description}`).join(', ')}`;
  return { kind: 'static-library', format: 'ar', description, platforms: common, code: objects.length > 0, objects };
}

/** `#!interpreter [argument]`, as the kernel reads it (the first line, at most 256 bytes). */
export function parseShebang(head: Uint8Array): Shebang | undefined {
  if (head[0] !== 0x23 || head[1] !== 0x21) return undefined;
  const end = head.indexOf(0x0a);
  const line = Buffer.from(head.subarray(2, end < 0 ? head.length : end)).toString('utf8').trim();
  const m = /^(\S+)(?:\s+(.*))?$/.exec(line);
  if (!m) return undefined;
  return m[2] ? { interpreter: m[1]!, argument: m[2].trim() } : { interpreter: m[1]! };
}

/** Read a file and say what it is. Malformed ELF/Mach-O/ar: UserError E_INSPECT_MALFORMED naming `name`. */
export async function identifyFile(file: string, name: string = file): Promise<Identity> {
  const head = await readHead(file, 256);
  if (isElfMagic(head)) {
    const elf = parseElf(await fs.readFile(file), name);
    const platform = elfPlatform(elf);
    return { kind: elfKind(elf), format: 'elf', description: describeElf(elf), platforms: platform ? [platform] : [], code: true, elf };
  }
  if (machOMagic(head)) {
    const macho = parseMachO(await fs.readFile(file), name);
    const first = macho.slices[0]!;
    const platforms = [...new Set(macho.slices.map(machOPlatform).filter((p): p is Platform => p !== undefined))];
    return { kind: MACHO_KINDS[first.filetype], format: 'mach-o', description: describeMachO(macho), platforms, code: true, macho };
  }
  if (isArArchive(head)) return archiveIdentity(await fs.readFile(file), name);
  const shebang = parseShebang(head);
  if (shebang) return { kind: 'script', format: 'script', description: `script (${shebang.interpreter}${shebang.argument ? ` ${shebang.argument}` : ''})`, platforms: [], code: false, shebang };
  return { kind: 'other', format: 'data', description: 'data', platforms: [], code: false };
}
