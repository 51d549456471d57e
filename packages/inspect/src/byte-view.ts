import { inspectError, InspectErrorCode } from './errors';

/**
 * Bounds-checked reads over the bytes of one file. Every offset and length
 * taken from a header goes through here, so that a truncated or hostile file
 * gives E_INSPECT_MALFORMED (naming the file and the field) instead of a
 * RangeError, garbage, or an allocation sized by the attacker.
 */
export class ByteView {
  readonly length: number;
  private readonly dv: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    /** For messages: the file, and what kind of file it claims to be (`ELF`, `Mach-O`). */
    readonly file: string | undefined,
    readonly format: string,
  ) {
    this.length = bytes.length;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The same bytes read with another byte order (a fat Mach-O header is big-endian, its slices may not be). */
  withEndian(littleEndian: boolean): ByteView {
    return new ByteView(this.bytes, littleEndian, this.file, this.format);
  }

  /** A view of `size` bytes at `offset` (a slice of a fat file), checked to lie inside this one. */
  slice(offset: number, size: number, what: string): ByteView {
    this.check(offset, size, what);
    return new ByteView(this.bytes.subarray(offset, offset + size), this.littleEndian, this.file, this.format);
  }

  malformed(why: string): Error {
    const name = this.file ?? 'the file';
    return inspectError(InspectErrorCode.Malformed, `${name} is not a valid ${this.format} file: ${why}`, this.file);
  }

  /** Throws unless `size` bytes at `offset` lie inside the file. */
  check(offset: number, size: number, what: string): void {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0 || offset + size > this.length) {
      throw this.malformed(`${what} (offset ${offset}, ${size} bytes) lies outside the file (${this.length} bytes)`);
    }
  }

  u8(offset: number, what: string): number {
    this.check(offset, 1, what);
    return this.dv.getUint8(offset);
  }

  u16(offset: number, what: string): number {
    this.check(offset, 2, what);
    return this.dv.getUint16(offset, this.littleEndian);
  }

  u32(offset: number, what: string): number {
    this.check(offset, 4, what);
    return this.dv.getUint32(offset, this.littleEndian);
  }

  /** A 64-bit field as a number; past 2^53 it cannot be an offset or size inside a file, so it is malformed. */
  u64(offset: number, what: string): number {
    const v = this.u64big(offset, what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.malformed(`${what} is ${v}, far past any file size`);
    return Number(v);
  }

  u64big(offset: number, what: string): bigint {
    this.check(offset, 8, what);
    return this.dv.getBigUint64(offset, this.littleEndian);
  }

  /** A word of the file's size class (ELFCLASS32 or 64). */
  word(offset: number, bits: 32 | 64, what: string): number {
    return bits === 64 ? this.u64(offset, what) : this.u32(offset, what);
  }

  /** A NUL-terminated string starting at `offset` that must end before `limit`. */
  cstring(offset: number, limit: number, what: string): string {
    const end = Math.min(limit, this.length);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= end) {
      throw this.malformed(`${what} starts at offset ${offset}, outside its table (which ends at ${end})`);
    }
    const nul = this.bytes.subarray(offset, end).indexOf(0);
    if (nul < 0) throw this.malformed(`${what} at offset ${offset} has no terminating NUL before offset ${end}`);
    return Buffer.from(this.bytes.subarray(offset, offset + nul)).toString('utf8');
  }

  /** A fixed-size, NUL-padded name (Mach-O segment names). */
  fixedString(offset: number, size: number, what: string): string {
    this.check(offset, size, what);
    const raw = this.bytes.subarray(offset, offset + size);
    const nul = raw.indexOf(0);
    return Buffer.from(nul < 0 ? raw : raw.subarray(0, nul)).toString('utf8');
  }
}
