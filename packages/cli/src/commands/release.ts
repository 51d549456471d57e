import path from 'node:path';
import type { Command } from 'commander';
import { ConsoleReporter, PLATFORMS, assertPlatform, formatBytes } from '@potions/core';
import { DEFAULT_LOCAL_PORTS, LocalMirrorsErrorCode } from '@potions/local-mirrors';
import { parseSourceMirrors, sourceMirrorsFromEnv, SOURCE_MIRRORS_ENV } from '@potions/builder';
import { PipelineErrorCode, runRelease } from '@potions/pipeline';
import type { ReleaseSummary } from '@potions/pipeline';
import { ports as portNumbers, positiveInt } from '../options';
import { ExitCode, formatTable, printJson } from '../output';
import { withOptionHint, type MirrorCommandDeps } from './mirrors';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface ReleaseCommandOptions {
  version?: string;
  recipes?: string[];
  config?: string;
  sourceMirror?: string[];
  sourceDir?: string[];
  workDir?: string;
  localPorts?: number[];
  minMirrors?: number;
  platform?: string;
  cache: boolean;
  check: boolean;
  jobs?: number;
  json?: boolean;
}

/** The human summary, on stderr. */
function printSummary(s: ReleaseSummary, workDir: string, ports: number[] | undefined): void {
  const out: string[] = [];
  out.push(
    formatTable(
      ['PACKAGE', 'VERSION', 'PLATFORM', 'STATUS', 'SIZE', 'SHA256'],
      s.packages.map((p) => [
        p.name,
        p.version,
        p.platform,
        p.status === 'failed' ? `FAILED${p.step ? ` (${p.step})` : ''}` : p.cached ? `${p.status} (cached)` : p.status,
        p.size !== undefined ? formatBytes(p.size) : '',
        p.sha256 ?? p.error ?? '',
      ]),
    ),
  );
  out.push('');
  out.push(
    formatTable(
      ['MIRROR', 'ENDPOINT', 'UPLOADED', 'PRESENT', 'FAILED', 'MANIFEST'],
      s.mirrors.map((m) => [m.name, m.endpoint, String(m.uploaded), String(m.present), String(m.failed), m.manifest ?? '-']),
    ),
  );
  for (const p of s.packages.filter((x) => x.urls.length > 0)) {
    out.push('', `${p.file}:`);
    for (const u of p.urls) out.push(`  ${u}`);
  }
  out.push('');
  if (s.manifestUrls.length > 0) {
    out.push(`manifest version ${s.manifestVersion}${s.manifestChanged ? '' : ' (unchanged)'}:`);
    for (const u of s.manifestUrls) out.push(`  ${u.url}`);
  } else out.push('manifest: not published');
  if (s.trustedKeyFile && s.manifestUrls.length > 0) out.push(`trusted key: ${path.relative(process.cwd(), s.trustedKeyFile) || s.trustedKeyFile}`);
  for (const c of s.checks) {
    const smoke = c.smoke.length > 0 ? `, smoke tests ${c.smoke.filter((t) => t.ok).length}/${c.smoke.length} passed` : '';
    out.push(c.ok ? `check: ${c.name} ${c.version} fetched back through the manifest from ${c.mirror}${smoke}` : `check FAILED: ${c.name} ${c.version}: ${c.error}`);
  }
  out.push(`stages: ${s.stages.map((st) => `${st.name} ${st.skipped ? 'skipped' : `${st.seconds.toFixed(2)} s${st.ok ? '' : ' FAILED'}`}`).join(', ')}`);
  if (s.mode === 'local' && s.mirrorsStopped === true && s.manifestUrl) {
    const first = s.packages.find((p) => p.status !== 'failed');
    const rel = (p: string): string => path.relative(process.cwd(), p) || '.';
    const sameDir = path.resolve(workDir) === process.cwd();
    const serve = ['pnpm potions mirrors serve', ...(sameDir ? [] : [`--dir ${rel(path.join(workDir, '.potions', 'mirrors'))}`]), ...(ports ? [`--ports ${ports.join(',')}`] : [])];
    const fixedPorts = !ports || ports.every((p) => p !== 0);
    const fetch = first
      ? [`pnpm potions fetch ${first.name}@${first.version}`, `--manifest ${s.manifestUrl}`, `--out /tmp/${first.name}`, ...(sameDir || !s.trustedKeyFile ? [] : [`--trusted-key ${rel(s.trustedKeyFile)}`])]
      : [];
    if (fixedPorts) {
      out.push('', 'the local mirrors ran for this release only and are stopped now; to serve the URLs above run', `  ${serve.join(' ')}`);
      if (first) out.push('then install it with', `  ${fetch.join(' ')}`);
    }
  }
  const nothingBuilt = s.stages.find((st) => st.name === 'build' && st.error?.startsWith('nothing was built'));
  out.push(s.ok ? 'release complete' : nothingBuilt ? `release FAILED: ${nothingBuilt.error}; nothing was published` : 'release INCOMPLETE: see the warnings above');
  process.stderr.write(`${out.join('\n')}\n`);
}

/** The options a release's own mistakes point at (library messages never name options). */
const RELEASE_HINTS = {
  [LocalMirrorsErrorCode.PortInUse]: 'choose other ports with --local-ports (0 picks a free one)',
  [PipelineErrorCode.ForeignMirrors]: 'stop that `potions mirrors serve`, or use --local-ports / --work-dir',
  [PipelineErrorCode.Options]: '`potions release --help` lists the options (--platform, --local-ports)',
};

export function registerReleaseCommand(program: Command, deps: MirrorCommandDeps = {}): void {
  program
    .command('release')
    .description('Build recipes for this machine, sync them to every mirror, publish the signed manifest, fetch back as a check')
    .argument('<recipes...>', 'recipe files (.yml) or names looked up in --recipes; NAME@VERSION pins a version')
    .option('--version <version>', 'the version to build (recipes without @VERSION); without it the latest is looked up on the network')
    .option('--recipes <dir>', 'recipe folder for names and dependencies, repeatable (default: recipes)', collect)
    .option('--config <file>', 'mirrors configuration (YAML/JSON, docs/mirrors.md); signs with POTIONS_MANIFEST_KEY. Default: two local mirrors')
    .option('--source-mirror <base>', `mirror of upstream files (BASE/<host>/<path>), repeatable; also ${SOURCE_MIRRORS_ENV}`, collect)
    .option('--source-dir <dir>', 'folder of upstream files served by file name as a source mirror (offline builds), repeatable', collect)
    .option('--platform <platform>', `one of ${PLATFORMS.join(', ')} (default: this machine's)`)
    .option('--work-dir <dir>', 'where .potions/ (local mirrors, keys, cache, build output) lives (default: the current folder)')
    .option('--local-ports <ports>', `ports of the two local mirrors (default ${DEFAULT_LOCAL_PORTS.join(',')}; 0 picks a free one)`, portNumbers('--local-ports'))
    .option('--min-mirrors <n>', 'mirrors that must hold every file (default: the configuration, else 1)', positiveInt('--min-mirrors'))
    .option('--no-cache', 'build even when the build cache has the artifact')
    .option('--no-check', 'do not fetch the result back through the manifest')
    .option('--jobs <n>', 'parallel jobs (default: the number of CPUs)', positiveInt('--jobs'))
    .option('--json', 'print the summary as one JSON object (with manifestUrl) on stdout')
    .action(async (recipes: string[], opts: ReleaseCommandOptions) => {
      const reporter = new ConsoleReporter();
      const platform = opts.platform ? assertPlatform(opts.platform, '--platform') : undefined;
      const ports = opts.localPorts;
      // Paths on the command line are the user's, relative to where they run the command.
      const refs = recipes.map((r) => (r.includes('/') || /\.ya?ml$/i.test(r) ? path.resolve(r) : r));
      const summary = await runRelease({
        ...(deps.openMirrors ? { openMirrors: deps.openMirrors } : {}),
        recipes: refs,
        ...(opts.version !== undefined ? { version: opts.version } : {}),
        recipesDirs: (opts.recipes ?? ['recipes']).map((d) => path.resolve(d)),
        ...(opts.config !== undefined ? { config: path.resolve(opts.config) } : {}),
        sourceMirrors: [...parseSourceMirrors(opts.sourceMirror ?? [], '--source-mirror', reporter), ...sourceMirrorsFromEnv(process.env, reporter)],
        ...(opts.sourceDir ? { sourceDirs: opts.sourceDir.map((d) => path.resolve(d)) } : {}),
        ...(platform ? { platform } : {}),
        workDir: path.resolve(opts.workDir ?? process.cwd()),
        ...(ports ? { localPorts: ports } : {}),
        ...(opts.minMirrors !== undefined ? { minMirrors: opts.minMirrors } : {}),
        cache: opts.cache,
        check: opts.check,
        ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
        reporter,
      }).catch((err: unknown) => {
        throw withOptionHint(err, RELEASE_HINTS);
      });
      if (opts.json) printJson(summary);
      else printSummary(summary, path.resolve(opts.workDir ?? process.cwd()), ports);
      if (!summary.ok) process.exitCode = ExitCode.Failure;
    });
}
