/**
 * The suite's own release tags: `vX.Y.Z` for a release (never moved), `vX`
 * for the newest release of major X (moved by every cut and by a rollback).
 * These are versions of this repository, not of a tool a recipe builds, so
 * they follow semver (`semver`), not `compareVersions`.
 */
import semver from 'semver';
import { UserError } from '@potions/core';
import { ReleaseErrorCode } from './errors';

export interface ReleaseVersion {
  /** `X.Y.Z`. */
  version: string;
  /** `vX.Y.Z`. */
  tag: string;
  major: number;
  /** `vX`. */
  majorTag: string;
}

/** A tag as git reports it: the tag's own object and the commit it peels to. */
export interface TagRef {
  name: string;
  /** The tag object of an annotated tag, the commit itself for a lightweight one. */
  object: string;
  commit: string;
}

export interface ReleaseTag extends ReleaseVersion {
  object: string;
  commit: string;
}

const RELEASE = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
const MAJOR = /^v?(0|[1-9]\d*)$/;

/** `X.Y.Z` or `vX.Y.Z` as a release; anything else (a pre-release, build metadata, `v1.2`) is refused. */
export function parseReleaseVersion(input: string): ReleaseVersion {
  const value = input.trim();
  const m = RELEASE.exec(value);
  if (!m || !semver.valid(value.replace(/^v/, ''))) {
    throw new UserError(ReleaseErrorCode.Version, `a release version is X.Y.Z (numbers without leading zeros, an optional leading v), got ${JSON.stringify(input)}`, {
      hint: 'pre-releases and build metadata are not released: the major tag only ever points at a release',
    });
  }
  return releaseVersion(Number(m[1]), `${m[1]}.${m[2]}.${m[3]}`);
}

/** The release a tag name stands for, or undefined for any other tag (a major, a pre-release, a name). */
export function releaseOfTag(name: string): ReleaseVersion | undefined {
  if (!name.startsWith('v')) return undefined;
  const m = RELEASE.exec(name);
  return m ? releaseVersion(Number(m[1]), `${m[1]}.${m[2]}.${m[3]}`) : undefined;
}

/** `vX` (or `X`) as a major tag. */
export function parseMajorTag(input: string): { major: number; majorTag: string } {
  const m = MAJOR.exec(input.trim());
  if (!m) {
    throw new UserError(ReleaseErrorCode.Major, `a major tag is vX (such as v1), got ${JSON.stringify(input)}`);
  }
  return { major: Number(m[1]), majorTag: `v${m[1]}` };
}

/** Every `vX.Y.Z` among the tags, newest first. */
export function releaseTags(tags: Iterable<TagRef>): ReleaseTag[] {
  const out: ReleaseTag[] = [];
  for (const t of tags) {
    const r = releaseOfTag(t.name);
    if (r) out.push({ ...r, object: t.object, commit: t.commit });
  }
  return out.sort((a, b) => semver.rcompare(a.version, b.version));
}

/** Every `v*` tag that is semver (releases and pre-releases alike), newest first: a new release must be above all of them. */
export function semverTags(names: Iterable<string>): { name: string; version: string }[] {
  const out: { name: string; version: string }[] = [];
  for (const name of names) {
    if (!name.startsWith('v')) continue;
    const v = semver.valid(name.slice(1));
    if (v) out.push({ name, version: v });
  }
  return out.sort((a, b) => semver.rcompare(a.version, b.version));
}

function releaseVersion(major: number, version: string): ReleaseVersion {
  return { version, tag: `v${version}`, major, majorTag: `v${major}` };
}
