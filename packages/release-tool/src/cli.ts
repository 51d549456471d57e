/**
 * `release-tool cut|rollback`: the command line over the planner, run by
 * `pnpm release:cut` / `pnpm release:rollback` and by the cut-release
 * workflow. Prints the plan first, then applies it (not with `--dry-run`).
 * `--json`: one document on stdout, also on failure. Exit 0 done (or planned),
 * 1 refused or failed, 2 a wrong command line, 70 a bug.
 *
 * The environment it reads: GITHUB_TOKEN (read CI results), POTIONS_RELEASE_GIT_TOKEN
 * (fetch and push over HTTPS; otherwise git's own credentials), GITHUB_REPOSITORY,
 * POTIONS_GITHUB_API_URL or GITHUB_API_URL, GITHUB_SERVER_URL.
 */
import { Command, CommanderError, Option } from 'commander';
import { ConsoleReporter, describeError, errorMessage, formatLocation, isUserError, type Exec, type Now } from '@potions/core';
import { applyCut, planCut, type CutPlan } from './cut';
import { cutPlanJson, formatCutPlan, formatCutResult, formatRollbackPlan, formatRollbackResult } from './format';
import { GitHubCiStatus, GITHUB_API_URL } from './github-ci-status';
import { applyRollback, planRollback, type RollbackPlan } from './rollback';
import { assertAllowed, type ReleaseContext } from './plan';

export const DEFAULT_REPOSITORY = 'potions/actions';
const USAGE = 'E_USAGE';

export const ExitCode = { Ok: 0, Failure: 1, Usage: 2, Internal: 70 } as const;

export interface CliDeps {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  exec?: Exec;
  now?: Now;
  fetch?: typeof fetch;
}

/**
 * The credentials for git's HTTPS requests to the server, as environment
 * variables of the git processes that reach the remote only (never written to
 * .git/config): the header actions/checkout would persist, given per process.
 */
export function gitCredentialEnv(env: Record<string, string | undefined>, token: string | undefined): Record<string, string> {
  if (!token) return {};
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const first = Number(env.GIT_CONFIG_COUNT ?? '0') || 0;
  return {
    GIT_CONFIG_COUNT: String(first + 1),
    [`GIT_CONFIG_KEY_${first}`]: `http.${server}/.extraheader`,
    [`GIT_CONFIG_VALUE_${first}`]: `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`,
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface Common {
  remote: string;
  repoDir?: string;
  dryRun?: boolean;
  json?: boolean;
}

export async function runReleaseTool(argv: readonly string[], deps: CliDeps): Promise<number> {
  const json = argv.includes('--json');
  const stream = { write: (s: string) => (deps.stderr(s), true), isTTY: false } as unknown as NodeJS.WriteStream;
  const reporter = new ConsoleReporter({ stream });
  const gitToken = deps.env.POTIONS_RELEASE_GIT_TOKEN || undefined;
  const apiToken = deps.env.GITHUB_TOKEN || undefined;
  const remoteEnv = gitCredentialEnv(deps.env, gitToken);
  const secrets = [gitToken, apiToken, ...Object.values(remoteEnv).filter((v) => v.startsWith('AUTHORIZATION')).map((v) => v.slice(v.indexOf('basic ') + 6))].filter(
    (s): s is string => Boolean(s),
  );
  for (const s of secrets) reporter.secret(s);
  const mask = (text: string): string => secrets.reduce((t, s) => t.split(s).join('***'), text);
  const say = (text: string): void => {
    if (!json) reporter.info(text);
  };
  const context = (o: Common): ReleaseContext => ({ cwd: o.repoDir ?? deps.cwd, remote: o.remote, exec: deps.exec, env: deps.env, remoteEnv, reporter });
  let planned: unknown;

  const program = new Command('release-tool')
    .description('Cut a release of this repository (vX.Y.Z, moving vX) or roll a major tag back')
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stderr(s), writeErr: (s) => deps.stderr(s) })
    .showHelpAfterError();

  const common = (cmd: Command): Command =>
    cmd
      .option('--remote <name>', 'the remote that holds the tags', 'origin')
      .option('--repo-dir <dir>', 'the working copy (default: the current folder)')
      .option('--dry-run', 'print the plan and change nothing (the remote\'s tags are still fetched)')
      .option('--json', 'one JSON document on stdout: the plan and the result');

  common(
    program
      .command('cut')
      .description('tag vX.Y.Z on a release commit that pins the workflows\' own actions, and move vX to it, in one atomic push')
      .requiredOption('--version <X.Y.Z>', 'the version to release')
      .option('--from <commit>', 'the commit to release (CI must have passed on it)', 'HEAD')
      .addOption(new Option('--repository <owner/name>', 'this repository on GitHub: the uses: to pin and where CI results are read').default(deps.env.GITHUB_REPOSITORY || DEFAULT_REPOSITORY))
      .addOption(new Option('--api-url <url>', 'the GitHub API').default(deps.env.POTIONS_GITHUB_API_URL || deps.env.GITHUB_API_URL || GITHUB_API_URL))
      .option('--ignore-check <name>', 'a check run or status to leave out (the release job\'s own), repeatable', collect, [])
      .option('--require-check <name>', 'a check that must have run and passed, repeatable', collect, []),
  ).action(async (o: Common & { version: string; from: string; repository: string; apiUrl: string; ignoreCheck: string[]; requireCheck: string[] }) => {
    const ci = new GitHubCiStatus({
      repository: o.repository,
      apiUrl: o.apiUrl,
      ...(apiToken ? { token: apiToken } : {}),
      ...(deps.env.GITHUB_SERVER_URL ? { serverUrl: deps.env.GITHUB_SERVER_URL } : {}),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      reporter,
    });
    const plan: CutPlan = await planCut({ ...context(o), version: o.version, from: o.from, repository: o.repository, ci, ciPolicy: { ignore: o.ignoreCheck, require: o.requireCheck }, now: deps.now });
    planned = cutPlanJson(plan);
    say(formatCutPlan(plan));
    assertAllowed(`cut ${plan.tag}`, plan.checks);
    if (o.dryRun) {
      say('Dry run: nothing was changed.');
      if (json) deps.stdout(`${JSON.stringify({ ok: true, dryRun: true, plan: planned }, null, 2)}\n`);
      return;
    }
    const result = await applyCut(plan, context(o));
    say(formatCutResult(plan, result));
    if (json) deps.stdout(`${JSON.stringify({ ok: true, dryRun: false, plan: planned, result }, null, 2)}\n`);
  });

  common(
    program
      .command('rollback')
      .description('move vX back to an earlier vX.Y.Z (the one before where it points, or --to), recording why')
      .requiredOption('--major <vX>', 'the major tag to move')
      .option('--to <vX.Y.Z>', 'the release to move it to (default: the one before where it points)')
      .requiredOption('--reason <text>', 'why: kept in the tag\'s message'),
  ).action(async (o: Common & { major: string; to?: string; reason: string }) => {
    const plan: RollbackPlan = await planRollback({ ...context(o), major: o.major, ...(o.to ? { to: o.to } : {}), reason: o.reason });
    planned = plan;
    say(formatRollbackPlan(plan));
    assertAllowed(`move ${plan.majorTag}`, plan.checks);
    if (o.dryRun) {
      say('Dry run: nothing was changed.');
      if (json) deps.stdout(`${JSON.stringify({ ok: true, dryRun: true, plan }, null, 2)}\n`);
      return;
    }
    const result = await applyRollback(plan, context(o));
    say(formatRollbackResult(plan, result));
    if (json) deps.stdout(`${JSON.stringify({ ok: true, dryRun: false, plan, result }, null, 2)}\n`);
  });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (caught) {
    if (caught instanceof CommanderError) return caught.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    const err = caught;
    if (json) {
      deps.stdout(
        `${mask(JSON.stringify(
          isUserError(err)
            ? { ok: false, error: err.message, code: err.code, where: formatLocation(err.location) || undefined, hint: err.hint, plan: planned }
            : { ok: false, error: errorMessage(err), code: 'E_INTERNAL', plan: planned },
          null,
          2,
        ))}\n`,
      );
    }
    reporter.error(describeError(err));
    if (!isUserError(err)) return ExitCode.Internal;
    return err.code === USAGE ? ExitCode.Usage : ExitCode.Failure;
  }
}
