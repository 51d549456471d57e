/**
 * Create annotated tags here and push them in one atomic push. A version tag
 * is pushed without force, so an existing `vX.Y.Z` on the remote is never
 * replaced; a major tag is moved with `--force-with-lease` against the object
 * the plan saw there, so a major someone else moved meanwhile is not
 * overwritten. Either every ref lands or none does; when the push fails, the
 * tags made here are put back as they were, so the next attempt starts clean.
 */
import { UserError } from '@potions/core';
import { ReleaseErrorCode } from './errors';
import { lastLines, type Git } from './git';
import { localTags, remoteTags } from './repository';

export interface TagUpdate {
  /** `v1.2.3` or `v1`. */
  name: string;
  /** The commit the tag points at. */
  commit: string;
  /** The annotated tag's message. */
  message: string;
  /**
   * For a tag that moves (a major): the tag object the remote must still
   * have, or null when the remote must not have the tag yet. Undefined for a
   * new tag that must not exist anywhere (a version).
   */
  lease?: string | null;
}

export interface PushedTag {
  name: string;
  /** The new tag object. */
  object: string;
  commit: string;
  /** What the remote had before (undefined: nothing). */
  before?: string;
}

/** The `git push` arguments for these updates (shown in the plan, run by `publishTags`). */
export function pushArguments(remote: string, updates: readonly TagUpdate[]): string[] {
  const leases = updates.filter((u) => u.lease !== undefined).map((u) => `--force-with-lease=refs/tags/${u.name}:${u.lease ?? ''}`);
  return ['push', '--atomic', '--porcelain', ...leases, '--end-of-options', remote, ...updates.map((u) => `refs/tags/${u.name}:refs/tags/${u.name}`)];
}

/** The refs a failed push reported as rejected, with git's reason: `refs/tags/v1 (stale info)`. */
export function rejectedRefs(output: string): string[] {
  const out: string[] = [];
  for (const line of output.split('\n')) {
    const m = /^!\t[^\t]*:(refs\/[^\t]+)\t\[[^\]]*\]\s*(?:\((.*)\))?/.exec(line);
    if (m) out.push(m[2] ? `${m[1]} (${m[2]})` : (m[1] as string));
  }
  return out;
}

export async function publishTags(git: Git, remote: string, updates: readonly TagUpdate[]): Promise<PushedTag[]> {
  const before = new Map((await localTags(git)).map((t) => [t.name, t.object]));
  const restore = async (): Promise<void> => {
    for (const u of updates) {
      const old = before.get(u.name);
      await git.run(old ? ['update-ref', `refs/tags/${u.name}`, old] : ['update-ref', '-d', `refs/tags/${u.name}`]);
    }
  };
  try {
    for (const u of updates) {
      // --cleanup=whitespace keeps the message's Markdown headings (the default would strip lines starting with #).
      await git.read(['tag', '--annotate', ...(u.lease !== undefined ? ['--force'] : []), '--cleanup=whitespace', '--message', u.message, '--end-of-options', u.name, u.commit], `create the tag ${u.name}`);
    }
  } catch (err) {
    await restore();
    throw err;
  }
  const made = new Map((await localTags(git)).map((t) => [t.name, t]));
  const res = await git.run(pushArguments(remote, updates), { remote: true });
  if (res.exitCode !== 0) {
    await restore();
    const rejected = rejectedRefs(res.output);
    const remoteSaid = res.output
      .split('\n')
      .filter((l) => /^(remote|error|fatal|hint):/.test(l.trim()))
      .map((l) => l.trim())
      .slice(0, 8);
    throw new UserError(
      ReleaseErrorCode.PushRejected,
      `${remote} refused the push of ${updates.map((u) => u.name).join(' and ')}; no tag was changed there${rejected.length ? `. Rejected: ${rejected.join(', ')}` : ''}. git said: ${remoteSaid.length ? remoteSaid.join(' | ') : lastLines(res.output)}`,
      {
        hint: rejected.some((r) => r.includes('stale info'))
          ? 'someone moved the major tag since the plan was made: run the command again to plan from what the remote has now'
          : 'the local tags were put back as they were; fix what the remote says and run the command again',
      },
    );
  }
  const remoteNow = new Map((await remoteTags(git, remote)).map((t) => [t.name, t]));
  return updates.map((u) => {
    const local = made.get(u.name);
    const there = remoteNow.get(u.name);
    if (!local || !there || there.object !== local.object) {
      throw new Error(`after the push, ${remote} has ${u.name} at ${there?.object ?? 'nothing'}, not at ${local?.object ?? '?'}`);
    }
    return { name: u.name, object: local.object, commit: local.commit, ...(u.lease ? { before: u.lease } : {}) };
  });
}
