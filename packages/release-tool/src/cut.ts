/**
 * Cutting a release `vX.Y.Z` from a commit that CI passed: plan (read-only
 * apart from fetching the remote's tags), then apply.
 *
 * The release commit sits on top of the commit released and changes two
 * things only: every `uses: OWNER/REPO/<path>@<ref>` in `.github/workflows/`
 * names the released commit (`@<sha> # vX.Y.Z`), and CHANGELOG.md gets the
 * release's section. The actions at that SHA are byte for byte the release
 * commit's, so a caller that pins the reusable workflow to `vX.Y.Z` runs the
 * actions of `vX.Y.Z`, never whatever the major points at later. `vX.Y.Z` is
 * an annotated tag on the release commit; `vX` moves to it in the same atomic
 * push.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { systemNow, type Now } from '@potions/core';
import { CHANGELOG_FILE, releaseChangelog } from './changelog';
import { ciVerdict, type CiPolicy, type CiStatus, type CiVerdict } from './ci-status';
import { ReleaseErrorCode } from './errors';
import { objectIdIn } from './git';
import { parseRepository } from './github-ci-status';
import { actionMetadataPaths, isWorkflowPath, pinWorkflow, WORKFLOWS_FOLDER, type WorkflowPin } from './pin-workflows';
import { assertAllowed, DEFAULT_REMOTE, gitFor, passed, refused, type PlanCheck, type ReleaseContext } from './plan';
import { publishTags, pushArguments, type PushedTag, type TagUpdate } from './publish-tags';
import {
  assertWorkingCopy,
  commitsSince,
  existsAt,
  fetchTags,
  isAncestor,
  listFolder,
  localTags,
  readFileAt,
  RELEASE_SOURCE_TRAILER,
  releaseSourceOf,
  remoteTags,
  resolveCommit,
  trackedChanges,
} from './repository';
import { parseReleaseVersion, releaseTags, semverTags, type ReleaseTag, type ReleaseVersion, type TagRef } from './versions';

export interface CutOptions extends ReleaseContext {
  /** `X.Y.Z` (or `vX.Y.Z`). */
  version: string;
  /** The commit to release; default `HEAD`. */
  from?: string;
  /** `owner/name` of this repository: the `uses:` to pin. */
  repository: string;
  /** What CI reported on the commit. */
  ci: CiStatus;
  ciPolicy?: CiPolicy;
  now?: Now;
}

export interface PlannedFile {
  path: string;
  mode: string;
  content: string;
}

export interface CutPlan {
  action: 'cut';
  repository: string;
  remote: string;
  version: string;
  tag: string;
  majorTag: string;
  /** The commit released, as given and in full. */
  from: { ref: string; commit: string };
  /** The newest release below this one, and the commit it was cut from. */
  previous?: { tag: string; commit: string; source: string };
  /** Where the major points on the remote now. */
  majorBefore?: { object: string; commit: string; release?: string };
  ci: CiVerdict;
  checks: PlanCheck[];
  changelog: { file: string; section: string; commits: number; notesMoved: number; notesDropped: string[] };
  pins: WorkflowPin[];
  /** The files the release commit changes, with their new content. */
  files: PlannedFile[];
  commitMessage: string;
  /** The tags to create (on the release commit, made when the plan is applied) and push. */
  tags: Omit<TagUpdate, 'commit'>[];
  /** `git push` arguments (without `git`). */
  push: string[];
  warnings: string[];
}

export interface CutResult {
  releaseCommit: string;
  tags: PushedTag[];
}

const short = (sha: string): string => sha.slice(0, 12);

type GitRunner = ReturnType<typeof gitFor>;
type Previous = NonNullable<CutPlan['previous']>;

/** Check everything and work out the release, changing nothing but the local copy of the remote's tags. */
export async function planCut(options: CutOptions): Promise<CutPlan> {
  const git = gitFor(options);
  const remote = options.remote ?? DEFAULT_REMOTE;
  const v = parseReleaseVersion(options.version);
  parseRepository(options.repository);
  await assertWorkingCopy(git);
  const fromRef = options.from ?? 'HEAD';
  const from = await resolveCommit(git, fromRef);
  const warnings: string[] = [];
  const checks: PlanCheck[] = [await checkCleanTree(git), await checkIdentity(git)];

  await fetchTags(git, remote);
  const [onRemote, here] = await Promise.all([remoteTags(git, remote), localTags(git)]);
  checks.push(checkNewVersion(v, remote, onRemote, here));
  const releases = releaseTags(onRemote);
  const previous = await previousRelease(git, releases, v);
  if (previous) {
    checks.push(await checkContainsPrevious(git, from, previous));
    if (previous.source === from) warnings.push(`${short(from)} is the commit ${previous.tag} was cut from: ${v.tag} ships the same actions`);
  }
  const ci = ciVerdict(await options.ci.report(from), options.ciPolicy);
  checks.push(ci.green ? passed('ci', ci.summary) : refused('ci', ReleaseErrorCode.NotGreen, ci.summary, 'wait for CI to finish on the commit, or fix it and release a later commit'));

  const pinned = await pinWorkflows(git, from, options.repository, v);
  checks.push(...pinned.checks);
  if (pinned.pins.length === 0) warnings.push(`no workflow in ${WORKFLOWS_FOLDER} uses an action of ${options.repository}: nothing to pin`);

  const commits = await commitsSince(git, from, previous?.commit);
  const changelog = releaseChangelog({
    version: v.version,
    date: (options.now ?? systemNow)().toISOString().slice(0, 10),
    commits,
    ...(previous ? { previousTag: previous.tag } : {}),
    current: await readFileAt(git, from, CHANGELOG_FILE),
    previous: previous ? await readFileAt(git, previous.commit, CHANGELOG_FILE) : undefined,
  });
  if (changelog.notesDropped.length) warnings.push(`${changelog.notesDropped.length} note(s) of [Unreleased] are already listed in an earlier release and were left out: ${changelog.notesDropped.join(' ')}`);

  const major = onRemote.find((t) => t.name === v.majorTag);
  const majorRelease = major && releases.find((r) => r.commit === major.commit && r.major === v.major);
  const majorBefore = major ? { object: major.object, commit: major.commit, ...(majorRelease ? { release: majorRelease.tag } : {}) } : undefined;
  const tags: Omit<TagUpdate, 'commit'>[] = [
    { name: v.tag, message: `${v.tag}\n\n${changelog.section}\n` },
    { name: v.majorTag, message: `${v.majorTag} → ${v.tag}\n\nThe newest release of major ${v.major}: ${v.tag}, cut from ${from}.\n`, lease: major?.object ?? null },
  ];
  return {
    action: 'cut',
    repository: options.repository,
    remote,
    version: v.version,
    tag: v.tag,
    majorTag: v.majorTag,
    from: { ref: fromRef, commit: from },
    ...(previous ? { previous } : {}),
    ...(majorBefore ? { majorBefore } : {}),
    ci,
    checks,
    changelog: { file: CHANGELOG_FILE, section: changelog.section, commits: commits.length, notesMoved: changelog.notesMoved, notesDropped: changelog.notesDropped },
    pins: pinned.pins,
    files: [...pinned.files, { path: CHANGELOG_FILE, mode: '100644', content: changelog.text }],
    commitMessage: [
      `Release ${v.tag}`,
      '',
      `Pins this repository's actions in ${WORKFLOWS_FOLDER} to ${from}, the commit released, and adds the ${v.tag} section to ${CHANGELOG_FILE}.`,
      '',
      `${RELEASE_SOURCE_TRAILER}: ${from}`,
      '',
    ].join('\n'),
    tags,
    push: pushArguments(remote, tags.map((t) => ({ ...t, commit: '' }))),
    warnings,
  };
}

async function checkCleanTree(git: GitRunner): Promise<PlanCheck> {
  const dirty = await trackedChanges(git);
  if (dirty.length === 0) return passed('clean-tree', 'the working tree has no uncommitted changes to tracked files');
  const files = dirty.slice(0, 5).map((l) => l.slice(3)).join(', ');
  return refused(
    'clean-tree',
    ReleaseErrorCode.DirtyTree,
    `the working tree has uncommitted changes (${files}${dirty.length > 5 ? `, and ${dirty.length - 5} more` : ''})`,
    'commit or stash them: a release is made from a commit, and these changes would not be in it',
  );
}

async function checkIdentity(git: GitRunner): Promise<PlanCheck> {
  const ident = await git.run(['var', 'GIT_COMMITTER_IDENT']);
  return ident.exitCode === 0
    ? passed('identity', `the release commit and tags are made by ${ident.output.trim().replace(/\s+\d+\s+[+-]\d{4}$/, '')}`)
    : refused('identity', ReleaseErrorCode.Git, 'git has no user.name and user.email to make the release commit and tags with', 'set them with git config user.name and git config user.email');
}

/** The version is new on the remote and here, and above every semver `v*` tag of either. */
function checkNewVersion(v: ReleaseVersion, remote: string, onRemote: readonly TagRef[], here: readonly TagRef[]): PlanCheck {
  const remoteHas = onRemote.find((t) => t.name === v.tag);
  if (remoteHas) {
    return refused('new-version', ReleaseErrorCode.VersionExists, `${v.tag} already exists on ${remote} (at ${short(remoteHas.commit)}): a release is never rewritten`, 'cut the next version instead');
  }
  const localHas = here.find((t) => t.name === v.tag);
  if (localHas) {
    return refused('new-version', ReleaseErrorCode.VersionExists, `${v.tag} exists here (at ${short(localHas.commit)}) but not on ${remote}: a tag left by an earlier attempt?`, `if it is not a release, delete it with git tag -d ${v.tag}`);
  }
  const above = semverTags(new Set([...onRemote, ...here].map((t) => t.name))).filter((t) => semver.gte(t.version, v.version));
  if (above.length === 0) return passed('new-version', `${v.tag} is new and greater than every v* tag`);
  return refused(
    'new-version',
    ReleaseErrorCode.VersionNotNewer,
    `${v.tag} is not greater than every existing release: ${above.slice(0, 3).map((t) => t.name).join(', ')} exist${above.length === 1 ? 's' : ''}`,
    `cut a version above ${above[0]?.name}`,
  );
}

/** The newest release below this version, and the commit it was cut from. */
async function previousRelease(git: GitRunner, releases: readonly ReleaseTag[], v: ReleaseVersion): Promise<Previous | undefined> {
  const prev = releases.find((r) => semver.lt(r.version, v.version));
  return prev ? { tag: prev.tag, commit: prev.commit, source: await releaseSourceOf(git, prev.commit) } : undefined;
}

async function checkContainsPrevious(git: GitRunner, from: string, previous: Previous): Promise<PlanCheck> {
  if (await isAncestor(git, previous.source, from)) return passed('contains-previous', `${short(from)} contains ${previous.tag} (cut from ${short(previous.source)})`);
  return refused(
    'contains-previous',
    ReleaseErrorCode.BehindPrevious,
    `${short(from)} does not contain ${short(previous.source)}, the commit ${previous.tag} was cut from: releasing it would take back what ${previous.tag} shipped`,
    'release a later commit of the main branch',
  );
}

/** Every workflow at the commit with our `uses:` pinned to it, and a check per pin that it resolves there. */
async function pinWorkflows(git: GitRunner, from: string, repository: string, v: ReleaseVersion): Promise<{ pins: WorkflowPin[]; files: PlannedFile[]; checks: PlanCheck[] }> {
  const out = { pins: [] as WorkflowPin[], files: [] as PlannedFile[], checks: [] as PlanCheck[] };
  const workflows = (await listFolder(git, from, WORKFLOWS_FOLDER)).filter((e) => e.type === 'blob' && /\.ya?ml$/.test(e.path));
  for (const wf of workflows) {
    const text = (await readFileAt(git, from, wf.path)) ?? '';
    const pinned = pinWorkflow(wf.path, text, { repository, commit: from, version: v.version });
    for (const pin of pinned.pins) out.checks.push(await checkPin(git, from, pin));
    out.pins.push(...pinned.pins);
    if (pinned.text !== text) out.files.push({ path: wf.path, mode: wf.mode, content: pinned.text });
  }
  return out;
}

async function checkPin(git: GitRunner, from: string, pin: WorkflowPin): Promise<PlanCheck> {
  const where = `${pin.file}:${pin.line}`;
  if (isWorkflowPath(pin.path)) {
    return refused(
      'pin',
      ReleaseErrorCode.Workflow,
      `${where} calls ${pin.uses}, a reusable workflow of this repository: it cannot be pinned to the release, since at the released commit that workflow still names the actions by a moving ref`,
      'call the actions from this workflow directly instead of through another of our workflows',
    );
  }
  for (const file of actionMetadataPaths(pin.path)) if (await existsAt(git, from, file)) return passed('pin', `${where}: ${pin.uses} resolves at ${short(from)} (${file})`);
  return refused(
    'pin',
    ReleaseErrorCode.Workflow,
    `${where}: ${pin.uses} does not resolve at ${short(from)}: GitHub looks for ${actionMetadataPaths(pin.path).join(' or ')} from the repository root, and it is not there`,
    'put the action\'s action.yml at <name>/action.yml in the repository root, or fix the path',
  );
}

/** Make the release commit and the tags, and push both tags in one atomic push. Refuses a plan with a failed check. */
export async function applyCut(plan: CutPlan, context: ReleaseContext): Promise<CutResult> {
  assertAllowed(`cut ${plan.tag}`, plan.checks);
  const git = gitFor(context);
  const releaseCommit = await makeReleaseCommit(git, plan);
  const tags = await publishTags(
    git,
    plan.remote,
    plan.tags.map((t) => ({ ...t, commit: releaseCommit })),
  );
  return { releaseCommit, tags };
}

/**
 * The release commit, made with plumbing in a private index: the working
 * tree, the index and HEAD of the working copy are never touched.
 */
async function makeReleaseCommit(git: GitRunner, plan: CutPlan): Promise<string> {
  const tmp = await mkdtemp(path.join(tmpdir(), 'potions-release-'));
  try {
    const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
    await git.read(['read-tree', plan.from.commit], `read the tree of ${short(plan.from.commit)}`, { env });
    for (const [i, f] of plan.files.entries()) {
      const file = path.join(tmp, `file-${i}`);
      await writeFile(file, f.content);
      const blob = objectIdIn(await git.read(['hash-object', '-w', '--no-filters', '--', file], `store ${f.path}`));
      await git.read(['update-index', '--add', '--cacheinfo', `${f.mode},${blob},${f.path}`], `stage ${f.path}`, { env });
    }
    const tree = objectIdIn(await git.read(['write-tree'], 'write the release tree', { env }));
    const message = path.join(tmp, 'message');
    await writeFile(message, plan.commitMessage);
    const commit = objectIdIn(await git.read(['commit-tree', tree, '-p', plan.from.commit, '-F', message], 'make the release commit'));
    const changed = (await git.read(['diff', '--name-only', '-z', plan.from.commit, commit], 'compare the release commit')).split('\0').filter(Boolean).sort();
    const planned = plan.files.map((f) => f.path).sort();
    if (changed.join('\n') !== planned.join('\n')) {
      throw new Error(`the release commit ${commit} changes ${changed.join(', ')}, but the plan changes ${planned.join(', ')}`);
    }
    return commit;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
