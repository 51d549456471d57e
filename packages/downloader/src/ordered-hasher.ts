import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { DigestAlgorithm } from './options';

/** A byte range of the file and how much of it is on disk. `end` is exclusive; Infinity while the size is unknown. */
export interface Segment {
  start: number;
  end: number;
  written: number;
}

const READ_CHUNK = 1 << 20;

/**
 * Digests computed while the bytes stream in, also when segments arrive out
 * of order: bytes at the hashing frontier are hashed straight from the
 * network buffer; when the frontier reaches bytes another segment already
 * wrote, they are read back from the file (usually the page cache) to catch up.
 */
export class OrderedHasher {
  private hashes = new Map<DigestAlgorithm, Hash>();
  private frontier = 0;
  private generation = 0;
  private catching: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly algorithms: readonly DigestAlgorithm[],
    private readonly fh: FileHandle,
    private readonly segments: () => readonly Segment[],
  ) {
    this.reset();
  }

  /** Forget everything hashed (the data restarts from byte 0). */
  reset(): void {
    this.generation++;
    this.frontier = 0;
    this.hashes = new Map(this.algorithms.map((a) => [a, createHash(a)]));
  }

  /** Call after `buf` has been written at `pos` and its segment's `written` updated. */
  written(pos: number, buf: Buffer): void {
    if (!this.catching && pos === this.frontier) {
      for (const h of this.hashes.values()) h.update(buf);
      this.frontier += buf.length;
    }
    this.kick();
  }

  /** How far the file is contiguous from the frontier. */
  private available(): number {
    const f = this.frontier;
    for (const s of this.segments()) {
      if (s.start <= f && f < s.end) return s.start + s.written;
    }
    return f;
  }

  private kick(): void {
    if (this.catching || this.available() <= this.frontier) return;
    this.catching = this.catchUp()
      .catch((err: unknown) => {
        this.failure = err;
      })
      .finally(() => {
        this.catching = undefined;
      });
  }

  private async catchUp(): Promise<void> {
    const generation = this.generation;
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const avail = this.available();
      if (avail <= this.frontier) return;
      const want = Math.min(buf.length, avail - this.frontier);
      const { bytesRead } = await this.fh.read(buf, 0, want, this.frontier);
      if (generation !== this.generation) return;
      if (bytesRead === 0) throw new Error(`hashing: the partial file ends at ${this.frontier}, expected ${avail}`);
      const chunk = buf.subarray(0, bytesRead);
      for (const h of this.hashes.values()) h.update(chunk);
      this.frontier += bytesRead;
    }
  }

  /** Wait until `total` bytes are hashed; returns hex digests. */
  async finish(total: number): Promise<Map<DigestAlgorithm, string>> {
    while (this.frontier < total) {
      if (this.failure) throw this.failure;
      if (this.catching) {
        await this.catching;
        continue;
      }
      if (this.available() <= this.frontier) {
        throw new Error(`hashing: bytes ${this.frontier}..${total} were never written`);
      }
      this.kick();
    }
    if (this.failure) throw this.failure;
    return new Map([...this.hashes].map(([a, h]) => [a, h.digest('hex')]));
  }
}
