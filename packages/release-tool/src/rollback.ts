/**
 * Moving a major tag `vX` back to an earlier release of the same major (the
 * one before where it points, or `--to`), in one push that only succeeds if
 * nobody moved `vX` since the plan. The reason is the annotated tag's message,
 * so `git show vX` says who moved it, when and why. Release tags are never
 * touched: the release rolled back stays, and the next cut is above it.
 */
import semver from 'semver';
import { UserError } from '@potions/core';
import { ReleaseErrorCode } from './errors';
import { assertAllowed, DEFAULT_REMOTE, gitFor, passed, refused, type PlanCheck, type ReleaseContext } from './plan';
import { publishTags, pushArguments, type PushedTag, type TagUpdate } from './publish-tags';
import { assertWorkingCopy, fetchTags, remoteTags } from './repository';
import { parseMajorTag, parseReleaseVersion, releaseTags } from './versions';

export interface RollbackOptions extends ReleaseContext {
  /** `vX`. */
  major: string;
  /** `vX.Y.Z`; default the newest release of the major below the one it points at. */
  to?: string;
  /** Why: kept in the tag's message. */
  reason: string;
}

export interface RollbackPlan {
  action: 'rollback';
  remote: string;
  majorTag: string;
  /** Where the major points on the remote now. */
  current?: { object: string; commit: string; release?: string };
  target?: { tag: string; commit: string };
  /** `back` to an older release, `forward` to a newer one (undoing a rollback). */
  direction?: 'back' | 'forward';
  reason: string;
  checks: PlanCheck[];
  tag?: Omit<TagUpdate, 'commit'> & { commit: string };
  push: string[];
}

export interface RollbackResult {
  tag: PushedTag;
}

const short = (sha: string): string => sha.slice(0, 12);

export async function planRollback(options: RollbackOptions): Promise<RollbackPlan> {
  const git = gitFor(options);
  const remote = options.remote ?? DEFAULT_REMOTE;
  const { major, majorTag } = parseMajorTag(options.major);
  const reason = options.reason.trim();
  if (!reason) throw new UserError(ReleaseErrorCode.Options, 'a rollback needs a reason: it is kept in the major tag\'s message', { location: { field: 'reason' } });
  const wanted = options.to !== undefined ? parseReleaseVersion(options.to) : undefined;
  await assertWorkingCopy(git);
  await fetchTags(git, remote);
  const onRemote = await remoteTags(git, remote);
  const releases = releaseTags(onRemote);
  const ofMajor = releases.filter((r) => r.major === major);
  const majorRef = onRemote.find((t) => t.name === majorTag);
  const checks: PlanCheck[] = [];
  const base = { action: 'rollback' as const, remote, majorTag, reason, checks, push: [] as string[] };

  if (!majorRef) {
    checks.push(refused('major', ReleaseErrorCode.Major, `${remote} has no ${majorTag}: nothing to roll back`, ofMajor.length ? undefined : `no release of major ${major} was ever cut`));
    return base;
  }
  const currentRelease = ofMajor.find((r) => r.commit === majorRef.commit);
  const current = { object: majorRef.object, commit: majorRef.commit, ...(currentRelease ? { release: currentRelease.tag } : {}) };
  checks.push(passed('major', `${majorTag} points at ${currentRelease ? currentRelease.tag : 'no release tag'} (${short(majorRef.commit)})`));

  let target: { tag: string; commit: string } | undefined;
  if (wanted) {
    const found = releases.find((r) => r.tag === wanted.tag);
    if (wanted.major !== major) {
      checks.push(refused('target', ReleaseErrorCode.RollbackTarget, `${wanted.tag} is a release of v${wanted.major}, not of ${majorTag}: ${majorTag} only ever points at a ${majorTag}.y.z release`, `pick one of ${ofMajor.map((r) => r.tag).join(', ') || '(none)'}`));
    } else if (!found) {
      checks.push(refused('target', ReleaseErrorCode.RollbackTarget, `${wanted.tag} does not exist on ${remote}`, `pick one of ${ofMajor.map((r) => r.tag).join(', ') || '(none)'}`));
    } else if (found.commit === majorRef.commit) {
      checks.push(refused('target', ReleaseErrorCode.RollbackTarget, `${majorTag} already points at ${wanted.tag} (${short(found.commit)})`));
    } else {
      target = { tag: found.tag, commit: found.commit };
    }
  } else if (!currentRelease) {
    checks.push(refused('target', ReleaseErrorCode.RollbackTarget, `${majorTag} points at ${short(majorRef.commit)}, which no ${majorTag}.y.z tag names, so "the release before" is unknown`, 'name the release to move it to'));
  } else {
    const before = ofMajor.find((r) => semver.lt(r.version, currentRelease.version) && r.commit !== majorRef.commit);
    if (before) target = { tag: before.tag, commit: before.commit };
    else checks.push(refused('target', ReleaseErrorCode.RollbackTarget, `${currentRelease.tag} is the first release of ${majorTag}: there is none before it to roll back to`));
  }
  if (!target) return { ...base, current };

  const targetVersion = target.tag.slice(1);
  const direction = currentRelease && semver.gt(targetVersion, currentRelease.version) ? 'forward' : 'back';
  checks.push(passed('target', `${majorTag} moves ${direction} to ${target.tag} (${short(target.commit)})`));
  const from = currentRelease ? currentRelease.tag : short(majorRef.commit);
  const tag = {
    name: majorTag,
    commit: target.commit,
    message: `${majorTag} → ${target.tag} (rolled ${direction} from ${from})\n\nReason: ${reason}\n`,
    lease: majorRef.object,
  };
  return { ...base, current, target, direction, tag, push: pushArguments(remote, [tag]) };
}

export async function applyRollback(plan: RollbackPlan, context: ReleaseContext): Promise<RollbackResult> {
  assertAllowed(`roll ${plan.majorTag} back`, plan.checks);
  if (!plan.tag) throw new Error('a rollback plan without refusals has a tag to move');
  const [tag] = await publishTags(gitFor(context), plan.remote, [plan.tag]);
  return { tag: tag as PushedTag };
}
