/**
 * Resumable state of an interrupted download, beside the destination:
 * `.NAME.potions-partial` holds the bytes, `.NAME.potions-partial.json` says
 * which bytes are valid and which validator (ETag / Last-Modified) they
 * belong to. The sidecar is written after the bytes it describes, so after a
 * kill it never claims more than the data file holds.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic, type MonotonicClock } from '@potions/core';
import type { DigestAlgorithm } from './options';
import type { Segment } from './ordered-hasher';

export interface PartialPaths {
  data: string;
  state: string;
}

export interface SavedState {
  version: 1;
  /** The mirror the validator came from. */
  url: string;
  etag?: string;
  lastModified?: string;
  total?: number;
  digests: Partial<Record<DigestAlgorithm, string>>;
  segments: { start: number; end: number | null; written: number }[];
}

export function partialPaths(dest: string): PartialPaths {
  const data = path.join(path.dirname(dest), `.${path.basename(dest)}.potions-partial`);
  return { data, state: `${data}.json` };
}

/** True for the downloader's own hidden files (partial data, sidecar, sidecar temp names). */
export function isPartialName(name: string): boolean {
  return /\.potions-partial(\.json)?(\.[0-9a-f]+\.partial)?$/.test(name);
}

export async function removePartial(paths: PartialPaths): Promise<void> {
  await fs.rm(paths.data, { force: true });
  await fs.rm(paths.state, { force: true });
  // Temporary sidecar names a kill may have left (writeFileAtomic's `.NAME.RANDOM.partial`).
  const dir = path.dirname(paths.state);
  const prefix = `.${path.basename(paths.state)}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.filter((n) => n.startsWith(prefix)).map((n) => fs.rm(path.join(dir, n), { force: true })),
  );
}

/**
 * The saved state if it is usable for this artifact: no conflicting pinned
 * digest or size, a validator or a pinned digest to guard the stitching, and a
 * data file. Anything else means starting over.
 */
export async function loadState(
  paths: PartialPaths,
  digests: ReadonlyMap<DigestAlgorithm, string>,
  size: number | undefined,
): Promise<(SavedState & { segments: Segment[] }) | undefined> {
  let raw: string;
  try {
    raw = await fs.readFile(paths.state, 'utf8');
    await fs.stat(paths.data);
  } catch {
    return undefined;
  }
  let s: SavedState;
  try {
    s = JSON.parse(raw) as SavedState;
  } catch {
    return undefined;
  }
  if (s?.version !== 1 || typeof s.url !== 'string' || !Array.isArray(s.segments) || s.segments.length === 0) {
    return undefined;
  }
  // A different pin means a different artifact; a pin added since is fine (every byte is hashed anyway).
  for (const [alg, value] of Object.entries(s.digests ?? {})) {
    const now = digests.get(alg as DigestAlgorithm);
    if (now !== undefined && now !== value) return undefined;
  }
  if (size !== undefined && s.total !== undefined && s.total !== size) return undefined;
  if (!s.etag && !s.lastModified && digests.size === 0) return undefined;
  const segments: Segment[] = [];
  let expectStart = 0;
  for (const seg of s.segments) {
    const end = seg.end === null ? Infinity : seg.end;
    if (
      !Number.isSafeInteger(seg.start) ||
      seg.start !== expectStart ||
      !(end > seg.start) ||
      !Number.isSafeInteger(seg.written) ||
      seg.written < 0 ||
      seg.written > end - seg.start
    ) {
      return undefined;
    }
    segments.push({ start: seg.start, end, written: seg.written });
    expectStart = end;
  }
  return { ...s, segments };
}

/** Writes the sidecar at most every `intervalMs`, never two writes at once. */
export class StateWriter {
  private last = 0;
  private inflight: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly file: string,
    private readonly build: () => SavedState | undefined,
    private readonly clock: MonotonicClock,
    private readonly intervalMs = 500,
  ) {}

  touch(): void {
    if (this.stopped || this.inflight || this.clock() - this.last < this.intervalMs) return;
    this.start();
  }

  private start(): void {
    if (this.stopped) return;
    const state = this.build();
    this.last = this.clock();
    if (!state) return;
    this.inflight = writeFileAtomic(this.file, `${JSON.stringify(state)}\n`, {
      // The note is rewritten every half second and only ever describes bytes already
      // written; the final sha256 check catches anything a power failure could undo.
      fsync: false,
    })
      .catch(() => {
        // Losing a sidecar update only costs resume progress; the data write errors on its own.
      })
      .finally(() => {
        this.inflight = undefined;
      });
  }

  /** Write the current state now (after any write in flight). */
  async flush(): Promise<void> {
    while (this.inflight) await this.inflight;
    this.start();
    while (this.inflight) await this.inflight;
  }

  /** Write nothing more; wait for a write in flight. */
  async settle(): Promise<void> {
    this.stopped = true;
    while (this.inflight) await this.inflight;
  }
}
