/**
 * ETags as a server-side digest of the stored bytes.
 *
 * For a single-part PUT, AWS S3, R2, Wasabi, MinIO and s3rver answer with
 * ETag = hex MD5 of the bytes they stored (not for SSE-KMS or SSE-C objects).
 * A multipart object's ETag is, on S3 and the stores that copy it, the MD5 of
 * the concatenated binary part MD5s followed by `-<parts>`; s3rver gives the
 * plain MD5 of the whole object instead. `etag` verification compares the
 * listing's size and ETag with digests computed locally in the same read pass
 * as the sha256 that names the key (see docs/mirrors.md, "Verification").
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** `"abc"` / `W/"abc"` / `abc` -> `abc` (lower case). */
export function normalizeEtag(etag: string | undefined): string | undefined {
  if (!etag) return undefined;
  return etag.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase() || undefined;
}

/** The S3 multipart ETag of parts with these MD5 digests (raw 16-byte digests). */
export function multipartEtag(partMd5s: readonly Buffer[]): string {
  return `${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}`;
}

/** The ETags a correctly stored object may have: one for a single PUT, two forms for multipart. */
export interface ExpectedEtag {
  /** Hex MD5 of the whole content (single PUT everywhere; multipart on s3rver). */
  md5: string;
  /** `<md5 of part md5s>-<n>` for a multipart upload. */
  multipart?: string;
}

export function etagMatches(expected: ExpectedEtag, etag: string | undefined): boolean {
  const e = normalizeEtag(etag);
  return e !== undefined && (e === expected.md5 || (expected.multipart !== undefined && e === expected.multipart));
}

/**
 * A pass-through stream that hashes what flows through it: the sha256 and MD5
 * of the whole and, with `partSize`, the MD5 of every part (for the multipart
 * ETag), each only when asked for. One read of the file gives the bytes to
 * send and every digest to check them by.
 */
export class DigestTap extends Transform {
  private readonly sha256: Hash | undefined;
  private readonly md5: Hash | undefined;
  private readonly partMd5s: Buffer[] = [];
  private part: Hash | undefined;
  private partFill = 0;
  private bytes = 0;

  constructor(
    private readonly partSize?: number,
    digests: { sha256?: boolean; md5?: boolean } = { sha256: true, md5: true },
  ) {
    super();
    if (digests.sha256) this.sha256 = createHash('sha256');
    if (digests.md5) this.md5 = createHash('md5');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.sha256?.update(chunk);
    this.md5?.update(chunk);
    this.bytes += chunk.length;
    if (this.partSize && this.md5) {
      let at = 0;
      while (at < chunk.length) {
        this.part ??= createHash('md5');
        const take = Math.min(this.partSize - this.partFill, chunk.length - at);
        this.part.update(chunk.subarray(at, at + take));
        this.partFill += take;
        at += take;
        if (this.partFill === this.partSize) {
          this.partMd5s.push(this.part.digest());
          this.part = undefined;
          this.partFill = 0;
        }
      }
    }
    cb(null, chunk);
  }

  /** Bytes run through each digest so far (parts counted with the MD5: `md5` counts both passes). */
  hashed(): { sha256: number; md5: number } {
    const md5Passes = (this.md5 ? 1 : 0) + (this.md5 && this.partSize ? 1 : 0);
    return { sha256: this.sha256 ? this.bytes : 0, md5: md5Passes * this.bytes };
  }

  /** Call after the stream has ended. `sha256` / `expected` are present when those digests were asked for. */
  result(): { size: number; sha256?: string; expected?: ExpectedEtag } {
    if (this.part) {
      this.partMd5s.push(this.part.digest());
      this.part = undefined;
    }
    const md5 = this.md5?.digest('hex');
    return {
      size: this.bytes,
      ...(this.sha256 ? { sha256: this.sha256.digest('hex') } : {}),
      ...(md5 === undefined
        ? {}
        : {
            expected: this.partSize && this.partMd5s.length > 1 ? { md5, multipart: multipartEtag(this.partMd5s) } : { md5 },
          }),
    };
  }
}
