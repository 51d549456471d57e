/**
 * What the release reads from git: commits, tags here and on the remote,
 * files at a commit. Plumbing commands only, whose output is stable.
 */
import { UserError } from '@potions/core';
import { ReleaseErrorCode } from './errors';
import type { Git } from './git';
import type { TagRef } from './versions';

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The trailer the release commit carries: the commit it was cut from. */
export const RELEASE_SOURCE_TRAILER = 'Release-Source';

function refuseOption(value: string, what: string): void {
  if (value.startsWith('-')) {
    throw new UserError(ReleaseErrorCode.Options, `${what} may not start with "-": ${JSON.stringify(value)}`);
  }
}

/** The full id of the commit `ref` names here. */
export async function resolveCommit(git: Git, ref: string): Promise<string> {
  refuseOption(ref, 'a commit');
  const res = await git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const sha = res.output.trim();
  if (res.exitCode !== 0 || !OBJECT_ID.test(sha)) {
    throw new UserError(ReleaseErrorCode.UnknownCommit, `${JSON.stringify(ref)} does not name a commit in ${git.cwd}`, {
      hint: 'give a commit id, a branch or a tag that exists here (fetch it first if it is only on the remote)',
    });
  }
  return sha;
}

/** Check that `cwd` is inside a git working copy (not a bare repository). */
export async function assertWorkingCopy(git: Git): Promise<void> {
  const res = await git.run(['rev-parse', '--is-inside-work-tree']);
  if (res.exitCode !== 0 || res.output.trim() !== 'true') {
    throw new UserError(ReleaseErrorCode.Git, `${git.cwd} is not inside a git working copy`, { hint: 'run the release tool from a clone of the repository' });
  }
}

/** `git status` lines of tracked files with changes (staged or not); untracked files are left out. */
export async function trackedChanges(git: Git): Promise<string[]> {
  const out = await git.read(['status', '--porcelain=v1', '--untracked-files=no', '--ignore-submodules=none'], 'read the working tree status');
  return out.split('\n').filter((l) => /^[ MADRCUT?!]{2} /.test(l));
}

/** Bring the remote's tags here, moved majors included (the remote is the record). */
export async function fetchTags(git: Git, remote: string): Promise<void> {
  refuseOption(remote, 'a remote');
  await git.read(['fetch', '--quiet', '--no-recurse-submodules', '--tags', '--force', '--end-of-options', remote], `fetch the tags of ${remote}`, { remote: true });
}

/** `sha ref` and `sha ref^{}` lines (ls-remote, show-ref -d) as tags with their peeled commit. */
export function parseTagLines(output: string): TagRef[] {
  const objects = new Map<string, string>();
  const peeled = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^([0-9a-f]{40}(?:[0-9a-f]{24})?)\s+refs\/tags\/(.+?)(\^\{\})?$/.exec(line.trim());
    if (!m) continue;
    (m[3] ? peeled : objects).set(m[2] as string, m[1] as string);
  }
  return [...objects].map(([name, object]) => ({ name, object, commit: peeled.get(name) ?? object }));
}

export async function localTags(git: Git): Promise<TagRef[]> {
  const res = await git.run(['show-ref', '--tags', '-d']);
  // show-ref exits 1 when there is no tag at all.
  if (res.exitCode !== 0 && res.exitCode !== 1) await git.read(['show-ref', '--tags', '-d'], 'list the tags');
  return parseTagLines(res.output);
}

export async function remoteTags(git: Git, remote: string): Promise<TagRef[]> {
  refuseOption(remote, 'a remote');
  const out = await git.read(['ls-remote', '--tags', '--end-of-options', remote], `list the tags of ${remote}`, { remote: true });
  return parseTagLines(out);
}

/** A file's bytes at a commit, or undefined when it is not there. */
export async function readFileAt(git: Git, commit: string, file: string): Promise<string | undefined> {
  if (!(await existsAt(git, commit, file))) return undefined;
  return git.read(['cat-file', 'blob', `${commit}:${file}`], `read ${file} at ${commit.slice(0, 12)}`);
}

export async function existsAt(git: Git, commit: string, file: string): Promise<boolean> {
  return (await git.run(['cat-file', '-e', `${commit}:${file}`])).exitCode === 0;
}

export interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  path: string;
}

/** The entries of one folder at a commit (not recursive). */
export async function listFolder(git: Git, commit: string, folder: string): Promise<TreeEntry[]> {
  const out = await git.read(['ls-tree', '-z', '--end-of-options', commit, `${folder.replace(/\/+$/, '')}/`], `list ${folder} at ${commit.slice(0, 12)}`);
  return out
    .split('\0')
    .map((e) => /^(\d{6}) (\w+) ([0-9a-f]+)\t(.+)$/s.exec(e))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ mode: m[1] as string, type: m[2] as string, object: m[3] as string, path: m[4] as string }));
}

export interface CommitSubject {
  sha: string;
  subject: string;
}

/** Commits reachable from `from` and not from `exclude`, oldest first, merges left out. */
export async function commitsSince(git: Git, from: string, exclude: string | undefined): Promise<CommitSubject[]> {
  const out = await git.read(
    ['log', '--no-merges', '--reverse', '--format=%H%x1f%s%x1e', from, ...(exclude ? [`^${exclude}`] : []), '--'],
    'list the commits of the release',
  );
  return out
    .split('\x1e')
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r.includes('\x1f'))
    .map((r) => {
      const [sha = '', subject = ''] = r.split('\x1f');
      return { sha: sha.trim(), subject: subject.trim() };
    })
    .filter((c) => OBJECT_ID.test(c.sha));
}

export async function isAncestor(git: Git, ancestor: string, commit: string): Promise<boolean> {
  const res = await git.run(['merge-base', '--is-ancestor', ancestor, commit]);
  if (res.exitCode > 1) await git.read(['merge-base', '--is-ancestor', ancestor, commit], 'compare commits');
  return res.exitCode === 0;
}

/**
 * The commit a release was cut from: the `Release-Source` trailer of a
 * release commit made by this tool, or the tagged commit itself for a tag
 * made by hand.
 */
export async function releaseSourceOf(git: Git, commit: string): Promise<string> {
  const out = await git.read(['log', '-1', `--format=%(trailers:key=${RELEASE_SOURCE_TRAILER},valueonly)`, commit, '--'], `read the release commit ${commit.slice(0, 12)}`);
  const source = out.trim().split('\n')[0]?.trim() ?? '';
  return OBJECT_ID.test(source) ? source : commit;
}
