import path from 'node:path';
import type { Command } from 'commander';
import { ConsoleReporter, PLATFORMS, UserError, assertPlatform } from '@potions/core';
import { loadRecipeOrThrow } from '@potions/builder';
import { reportTables, smokeTestArtifact, type SmokeReport } from '@potions/inspect';
import { ExitCode, formatTable, printJson } from '../output';
import { USAGE_ERROR, positiveNumber } from '../options';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface SmokeTestCommandOptions {
  platform: string;
  recipe?: string;
  version?: string;
  dependency?: string[];
  timeout?: number;
  requireRun?: boolean;
  json?: boolean;
}

/** `NAME=ARTIFACT` pairs: dependency artifacts installed beside the one under test. */
function parseDependencies(values: string[]): { name: string; artifact: string }[] {
  return values.map((v) => {
    const m = /^([^=\s/]+)=(.+)$/.exec(v);
    if (!m) throw new UserError(USAGE_ERROR, `--dependency "${v}": expected NAME=ARTIFACT, such as zlib=zlib-1.3.1-linux-amd64.tar.gz`);
    return { name: m[1]!, artifact: path.resolve(m[2]!) };
  });
}

/** One line that says what happened, the verdict first. */
function verdictLine(r: SmokeReport): string {
  const what = `${path.basename(r.artifact)} for ${r.platform}`;
  const counts = `${r.summary.errors} error(s), ${r.summary.warnings} warning(s)`;
  const run = r.run.ran ? `${r.run.commands.filter((c) => c.ok).length} of ${r.run.commands.length} command(s) passed` : 'commands NOT RUN (see above)';
  return `${r.ok ? 'smoke test passed' : 'smoke test FAILED'}: ${what}: ${counts}; ${run}`;
}

export function registerSmokeTestCommand(program: Command): void {
  program
    .command('smoke-test')
    .description("Check an artifact as a user would get it: every file for the platform, every library found, the recipe's commands run")
    .argument('<artifact>', 'the artifact file (.tar.gz or .tar.zst)')
    .requiredOption('--platform <platform>', `the platform it claims to be for: ${PLATFORMS.join(', ')}`)
    .option('--recipe <file>', "the recipe: its name, main binary and smoke_test commands (default: NAME and VERSION from the artifact's file name, and `bin/NAME --version`)")
    .option('--version <version>', "the version `--version` must print (default: from the artifact's file name)")
    .option('--dependency <name=artifact>', "a dependency's artifact, installed beside this one as users do (repeatable)", collect)
    .option('--timeout <seconds>', 'time limit for each command (default 60)', positiveNumber('--timeout', 'seconds'))
    .option('--require-run', 'fail when this machine cannot run the commands (by default the static checks alone decide)')
    .option('--json', 'print the report (one JSON document: ok, files, dependencies, problems, commands) on stdout')
    .action(async (artifact: string, opts: SmokeTestCommandOptions) => {
      const platform = assertPlatform(opts.platform, '--platform');
      const recipe = opts.recipe ? (await loadRecipeOrThrow(path.resolve(opts.recipe))).recipe : undefined;
      const report = await smokeTestArtifact({
        artifact: path.resolve(artifact),
        platform,
        recipe,
        version: opts.version,
        dependencies: parseDependencies(opts.dependency ?? []),
        timeoutMs: opts.timeout === undefined ? undefined : Math.round(opts.timeout * 1000),
        requireRun: opts.requireRun,
        reporter: new ConsoleReporter(),
      });
      if (opts.json) printJson(report);
      else {
        for (const t of reportTables(report)) process.stderr.write(`\n${t.title}\n${formatTable(t.headers, t.rows)}\n`);
        for (const p of report.problems) process.stderr.write(`${p.severity}: ${p.message}\n`);
        process.stderr.write(`${verdictLine(report)}\n`);
      }
      if (!report.ok) process.exitCode = ExitCode.Failure;
    });
}
