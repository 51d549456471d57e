/**
 * A platform entry as its list of revisions, and back. The stored entry
 * shows the current revision at the top (what a reader installs) and keeps
 * every other one under `otherRevisions`; merging and withdrawing work on the
 * plain list, where every revision is alike, and `entryFromRevisions` puts
 * the list back in the stored shape. The two are inverse:
 * `entryFromRevisions(revisionsOf(e), reasonOf(e))` is `e`.
 */
import type { PlatformEntry, Revision } from './schema';

/** A platform's revisions, oldest first, each with its withdrawal when withdrawn; empty for an unavailable platform. */
export function revisionsOf(entry: PlatformEntry | undefined): Revision[] {
  if (!entry || entry.status === 'unavailable') return [];
  const { status: _status, otherRevisions, ...shown } = entry;
  const current: Revision =
    entry.status === 'withdrawn'
      ? (() => {
          const { reason, withdrawnAt, ...rest } = shown as typeof shown & { reason: string; withdrawnAt: string };
          return { ...rest, withdrawn: { reason, withdrawnAt } };
        })()
      : (shown as Revision);
  return [...(otherRevisions ?? []), current].sort((a, b) => a.revision - b.revision);
}

/** The revision a reader installs: the newest that is not withdrawn. */
export function newestLiveRevision(revisions: readonly Revision[]): Revision | undefined {
  return [...revisions].sort((a, b) => b.revision - a.revision).find((r) => r.withdrawn === undefined);
}

/**
 * The stored entry for these revisions: `available` with the newest live one
 * shown, else `withdrawn` with the newest shown, else `unavailable` with
 * `reason` (which must then be given).
 */
export function entryFromRevisions(revisions: readonly Revision[], reason?: string): PlatformEntry {
  const sorted = [...revisions].sort((a, b) => a.revision - b.revision);
  if (sorted.length === 0) {
    if (reason === undefined) throw new Error('entryFromRevisions: an entry without revisions needs a reason');
    return { status: 'unavailable', reason };
  }
  const live = newestLiveRevision(sorted);
  const shown = live ?? sorted[sorted.length - 1]!;
  const others = sorted.filter((r) => r !== shown);
  const otherRevisions = others.length > 0 ? { otherRevisions: others } : {};
  const { withdrawn, ...build } = shown;
  if (withdrawn === undefined) return { status: 'available', ...build, ...otherRevisions };
  return { status: 'withdrawn', ...build, reason: withdrawn.reason, withdrawnAt: withdrawn.withdrawnAt, ...otherRevisions };
}

/** The next revision number for these revisions (1 for none). */
export function nextRevision(revisions: readonly Revision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
}
