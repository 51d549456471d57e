/**
 * Recognising what a file is from its first bytes. Shared by format
 * detection (is this download an archive or a program?) and relocation
 * (is this a text file we may rewrite?).
 */

export const MAGIC = {
  gzip: Buffer.from([0x1f, 0x8b]),
  xz: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
  bzip2: Buffer.from('BZh', 'latin1'),
  zstd: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
  zip: Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  /** An empty zip is only an end-of-central-directory record. */
  zipEmpty: Buffer.from([0x50, 0x4b, 0x05, 0x06]),
  elf: Buffer.from([0x7f, 0x45, 0x4c, 0x46]),
  ar: Buffer.from('!<arch>\n', 'latin1'),
} as const;

/** 32- and 64-bit Mach-O in both byte orders, and universal ("fat") binaries. */
const MACHO = [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xcafebabf];

export function startsWith(head: Uint8Array, magic: Uint8Array, offset = 0): boolean {
  if (head.length < offset + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[offset + i] !== magic[i]) return false;
  return true;
}

export function isElf(head: Uint8Array): boolean {
  return startsWith(head, MAGIC.elf);
}

export function isMachO(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const word = Buffer.from(head.buffer, head.byteOffset, 4).readUInt32BE(0);
  return MACHO.includes(word);
}

export function hasShebang(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x23 && head[1] === 0x21;
}

/** A program a user runs: ELF, Mach-O or a `#!` script. */
export function isExecutableContent(head: Uint8Array): boolean {
  return isElf(head) || isMachO(head) || hasShebang(head);
}

/** Object code or a static library: never rewritten as text. */
export function isObjectCode(head: Uint8Array): boolean {
  return isElf(head) || isMachO(head) || startsWith(head, MAGIC.ar);
}
