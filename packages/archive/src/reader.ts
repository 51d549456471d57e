import type { ArchiveEntry } from './entry';

/** One entry as a reader hands it over; `body()` is read at most once, in order. */
export interface EntrySource {
  entry: ArchiveEntry;
  body(): Promise<AsyncIterable<Buffer> | Iterable<Buffer>>;
}

/** Called once per entry, in archive order; the next entry comes after the promise settles. */
export type EntryVisitor = (source: EntrySource) => Promise<void>;

export function isUserErrorLike(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { userError?: unknown }).userError === true;
}
