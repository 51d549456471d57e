/**
 * Whether a version is in an OSV range, by the schema's evaluation algorithm
 * (https://ossf.github.io/osv-schema/#evaluation): events sorted by version,
 * `introduced` opens, `fixed` closes (the fixed version is not affected),
 * `last_affected` closes after itself, and `limit` events cap the range
 * (with none, the cap is infinity).
 *
 * The version order:
 * - `ECOSYSTEM`: the project's one version order, `compareVersions` from
 *   `@potions/core` (the C projects Potions builds have no ecosystem of their
 *   own; their versions are what their tags say: `1.2.13`, `9.4p1`, `1.1.1w`).
 * - `SEMVER`: SemVer 2.0 precedence through `semver` when both versions are
 *   valid SemVer. `compareVersions` agrees with SemVer except on pre-release
 *   identifiers (SemVer orders `1.0.0-alpha.1` before `1.0.0-alpha.beta`:
 *   numeric identifiers first); a version that is not valid SemVer falls back
 *   to `compareVersions`.
 * - `GIT`: events are commits, which only the repository's history orders; a
 *   GIT range is evaluated through the record's `versions` list (which OSV
 *   requires with GIT ranges), except that a commit equal to an event is
 *   decided by that event.
 */
import semver from 'semver';
import { compareVersions } from '@potions/core';

export type OsvEvent = { introduced?: string; fixed?: string; last_affected?: string; limit?: string };

export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT' | string;
  repo?: string;
  events: OsvEvent[];
}

export interface RangeVerdict {
  affected: boolean;
  /** The first `fixed` event after the version, in the range that affects it. */
  fixed?: string;
}

/** The version order of a range type (undefined for GIT, whose order is a commit graph). */
export function comparatorFor(type: string): ((a: string, b: string) => number) | undefined {
  if (type === 'SEMVER') return compareSemver;
  if (type === 'ECOSYSTEM') return compareVersions;
  return undefined;
}

function compareSemver(a: string, b: string): number {
  const x = semver.valid(a);
  const y = semver.valid(b);
  return x && y ? semver.compare(x, y) : compareVersions(a, b);
}

/** Is `version` in `range`? GIT ranges answer only for a commit equal to one of their events. */
export function evaluateRange(range: OsvRange, version: string): RangeVerdict | undefined {
  const cmp = comparatorFor(range.type);
  if (!cmp) return evaluateGitRange(range, version);
  const value = (e: OsvEvent): string => (e.introduced ?? e.fixed ?? e.last_affected ?? e.limit)!;
  const order = (a: string, b: string): number => (a === b ? 0 : a === '0' ? -1 : b === '0' ? 1 : cmp(a, b));
  const limits = range.events.filter((e) => e.limit !== undefined).map((e) => e.limit!);
  if (limits.length > 0 && !limits.some((l) => l.includes('*') || order(version, l) < 0)) return { affected: false };
  const events = range.events.filter((e) => e.limit === undefined && value(e) !== undefined);
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => order(value(a.e), value(b.e)) || a.i - b.i);
  let affected = false;
  for (const { e } of sorted) {
    if (e.introduced !== undefined && order(version, e.introduced) >= 0) affected = true;
    else if (e.fixed !== undefined && order(version, e.fixed) >= 0) affected = false;
    else if (e.last_affected !== undefined && order(version, e.last_affected) > 0) affected = false;
  }
  if (!affected) return { affected: false };
  const fixed = sorted.find(({ e }) => e.fixed !== undefined && order(e.fixed, version) > 0)?.e.fixed;
  return { affected: true, ...(fixed ? { fixed } : {}) };
}

function evaluateGitRange(range: OsvRange, commit: string): RangeVerdict | undefined {
  if (!/^[0-9a-f]{40}$/i.test(commit)) return undefined;
  const same = (c: string | undefined): boolean => c !== undefined && c.toLowerCase() === commit.toLowerCase();
  if (range.events.some((e) => same(e.fixed) || same(e.limit))) return { affected: false };
  if (range.events.some((e) => same(e.introduced) || same(e.last_affected))) return { affected: true };
  return undefined;
}
