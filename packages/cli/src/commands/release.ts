import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { ConsoleReporter, PLATFORMS, UserError, assertPlatform, errorMessage, formatBytes } from '@potions/core';
import { DEFAULT_LOCAL_PORTS, LocalMirrorsErrorCode } from '@potions/local-mirrors';
import { parseSourceMirrors, sourceMirrorsFromEnv, SOURCE_MIRRORS_ENV } from '@potions/builder';
import { PipelineErrorCode, maxBuildJobs, runRelease } from '@potions/pipeline';
import type { ReleaseBuild, ReleaseCheck, ReleaseSummary } from '@potions/pipeline';
import { FAIL_ON_LEVELS, SCANNER_CHOICES, SbomErrorCode } from '@potions/sbom';
import type { FailOn, ScannerChoice } from '@potions/sbom';
import { OIDC_TOKEN_ENV, SigningErrorCode, sigstoreServicesFromJson } from '@potions/signing';
import type { SigstoreServices } from '@potions/signing';
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
  failOn: FailOn;
  allowList?: string;
  osv?: string;
  scanner: ScannerChoice;
  signingKey?: string;
  sigstore?: string;
  json?: boolean;
}

/** `--sigstore FILE`: a private Sigstore instance for keyless signing. */
async function sigstoreServices(file: string): Promise<SigstoreServices> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new UserError(SigningErrorCode.Service, `cannot read --sigstore ${file}: ${errorMessage(err)}`, { location: { file } });
  }
  return sigstoreServicesFromJson(json, file);
}

const dash = '-';

function buildCell(p: ReleaseBuild): string {
  if (p.status === 'failed') return `FAILED${p.step ? ` (${p.step})` : ''}`;
  return p.cached ? `${p.status} (cached)` : p.status;
}

function smokeCell(p: ReleaseBuild): string {
  if (!p.smoke) return p.withheldBy === 'smoke' ? 'FAILED' : dash;
  if (p.smoke.status === 'failed') return 'FAILED';
  if (p.smoke.status === 'not-run') return 'not run';
  return `passed (${p.smoke.commands.filter((c) => c.ok).length}/${p.smoke.commands.length})`;
}

function scanCell(p: ReleaseBuild): string {
  const s = p.scan;
  if (!s) return p.withheldBy === 'scan' ? 'FAILED' : dash;
  if (s.status === 'skipped') return 'off (recipe)';
  if (s.status === 'not-run') return 'not run';
  const found = `${s.findings} finding(s)${s.findings > 0 ? `, max ${s.maxSeverity}` : ''}`;
  return s.status === 'failed' ? `FAILED (${found})` : `passed (${found})`;
}

function signedCell(p: ReleaseBuild): string {
  const s = p.signature;
  if (!s) return dash;
  return s.kind === 'keyless' ? `keyless` : `key ${s.keyId?.slice(0, 12) ?? ''}`;
}

function checkCell(c: ReleaseCheck | undefined): string {
  if (!c) return dash;
  if (!c.ok) return 'FAILED';
  return c.signature ? 'fetched, signature verified' : 'fetched (signature not verified)';
}

/** One line per build and stage worth reading: why a build was withheld, why a smoke test or scan did not run. */
function notes(s: ReleaseSummary): string[] {
  const out: string[] = [];
  for (const p of s.packages) {
    const label = `${p.name} ${p.version} ${p.platform}`;
    if (p.status === 'failed') out.push(`${label}: build failed${p.step ? ` (${p.step})` : ''}: ${p.error ?? 'unknown error'}`);
    if (p.withheld) out.push(`${label}: not published: ${p.withheld}`);
    if (p.smoke?.status === 'not-run') out.push(`${label}: smoke test commands not run: ${p.smoke.reason}`);
    // A scan that did not run for want of a scanner is said once, on the scanner's line.
    if (p.scan?.status === 'skipped') out.push(`${label}: not scanned: ${p.scan.reason}`);
    if (p.sboms) out.push(`${label}: SBOMs ${p.sboms.map((x) => x.file).join(', ')}`);
    if (p.signature) out.push(`${label}: signatures ${p.signature.bundles.join(', ')}${p.signature.reused > 0 ? ` (${p.signature.reused} kept from an earlier run)` : ''}`);
  }
  return out;
}

/** The last line: what happened to the release as a whole. */
function verdict(s: ReleaseSummary): string {
  if (s.ok) return 'release complete';
  const stage = (name: string) => s.stages.find((st) => st.name === name);
  const nothingBuilt = stage('build')?.error?.startsWith('nothing was built') ? stage('build') : undefined;
  if (nothingBuilt) return `release FAILED: ${nothingBuilt.error}; nothing was published`;
  const sign = stage('sign');
  if (sign && sign.error && !sign.skipped) return `release FAILED: signing failed: ${sign.error}; nothing was uploaded`;
  if (stage('sync')?.error === 'every build was withheld') return 'release FAILED: every build was withheld (see above); nothing was uploaded';
  return 'release INCOMPLETE: see the warnings above';
}

/** The human summary, on stderr. */
function printSummary(s: ReleaseSummary, workDir: string, ports: number[] | undefined): void {
  const out: string[] = [];
  const mirrorCount = s.mirrors.length;
  out.push(
    formatTable(
      ['PACKAGE', 'VERSION', 'PLATFORM', 'BUILD', 'SMOKE', 'SBOM', 'SCAN', 'SIGNED', 'SYNCED', 'PUBLISHED', 'CHECKED'],
      s.packages.map((p) => [
        p.name,
        p.version,
        p.platform,
        buildCell(p),
        smokeCell(p),
        p.sboms ? p.sboms.map((x) => x.format).join(', ') : p.withheldBy === 'sbom' ? 'FAILED' : dash,
        scanCell(p),
        signedCell(p),
        p.syncedTo ? `${p.syncedTo.length}/${mirrorCount}` : dash,
        p.published ?? dash,
        checkCell(s.checks.find((c) => c.name === p.name && c.version === p.version && !p.withheld && p.status !== 'failed')),
      ]),
    ),
  );
  const detail = notes(s);
  if (detail.length > 0) out.push('', ...detail);
  out.push('');
  out.push(
    formatTable(
      ['MIRROR', 'ENDPOINT', 'UPLOADED', 'PRESENT', 'FAILED', 'MANIFEST'],
      s.mirrors.map((m) => [m.name, m.endpoint, String(m.uploaded), String(m.present), String(m.failed), m.manifest ?? dash]),
    ),
  );
  for (const p of s.packages.filter((x) => x.urls.length > 0)) {
    out.push('', `${p.file} (${p.size !== undefined ? formatBytes(p.size) : '?'}, sha256 ${p.sha256}):`);
    for (const u of p.urls) out.push(`  ${u}`);
  }
  out.push('');
  if (s.manifestUrls.length > 0) {
    out.push(`manifest version ${s.manifestVersion}${s.manifestChanged ? '' : ' (unchanged)'}:`);
    for (const u of s.manifestUrls) out.push(`  ${u.url}`);
  } else out.push('manifest: not published');
  const rel = (p: string): string => path.relative(process.cwd(), p) || '.';
  if (s.trustedKeyFile && s.manifestUrls.length > 0) out.push(`manifest key readers trust: ${rel(s.trustedKeyFile)}`);
  if (s.signer) out.push(`artifacts signed by: ${s.signer.description}${s.signer.publicKeyFile ? ` (public key ${rel(s.signer.publicKeyFile)})` : ''}`);
  if (s.scanner) out.push(`vulnerability scanner: ${s.scanner}`);
  for (const c of s.checks) {
    const sig = c.signature ? `, signature verified (${c.signature.kind === 'key' ? `key ${c.signature.keyId?.slice(0, 12) ?? ''}` : c.signature.identity ?? 'keyless'})` : '';
    out.push(c.ok ? `check: ${c.name} ${c.version} fetched back through the manifest from ${c.mirror}${sig}` : `check FAILED: ${c.name} ${c.version}: ${c.error}`);
  }
  out.push(`stages: ${s.stages.map((st) => `${st.name} ${st.skipped ? 'skipped' : `${st.seconds.toFixed(2)} s${st.ok ? '' : ' FAILED'}`}`).join(', ')}`);
  if (s.mode === 'local' && s.mirrorsThrowaway) {
    out.push('', 'the local mirrors ran on throw-away ports and are gone with their data; release on fixed ports (the default 4568,4569) to keep a release');
  } else if (s.mode === 'local' && s.mirrorsStopped === true && s.manifestUrl) {
    const first = s.packages.find((p) => p.published === 'available');
    const sameDir = path.resolve(workDir) === process.cwd();
    const serve = ['pnpm potions mirrors serve', ...(sameDir ? [] : [`--dir ${rel(path.join(workDir, '.potions', 'mirrors'))}`]), ...(ports ? [`--ports ${ports.join(',')}`] : [])];
    out.push('', 'the local mirrors ran for this release only and are stopped now; to serve the URLs above run', `  ${serve.join(' ')}`);
    if (first) {
      const fetch = [`pnpm potions fetch ${first.name}@${first.version}`, `--manifest ${s.manifestUrl}`, `--out /tmp/${first.name}`, ...(sameDir || !s.trustedKeyFile ? [] : [`--trusted-key ${rel(s.trustedKeyFile)}`])];
      out.push('then install it with', `  ${fetch.join(' ')}`);
    }
  }
  out.push(verdict(s));
  process.stderr.write(`${out.join('\n')}\n`);
}

/** The options a release's own mistakes point at (library messages never name options). */
const RELEASE_HINTS = {
  [LocalMirrorsErrorCode.PortInUse]: 'choose other ports with --local-ports (0 for two free ones)',
  [PipelineErrorCode.ForeignMirrors]: 'stop that `potions mirrors serve`, or use --local-ports / --work-dir',
  [PipelineErrorCode.Options]: '`potions release --help` lists the options (--platform, --local-ports)',
  [PipelineErrorCode.LocalPorts]: `set --local-ports to two ports (default ${DEFAULT_LOCAL_PORTS.join(',')}), or 0 for two free ones (throw-away mirrors); --local-ports goes without --config`,
  [PipelineErrorCode.Jobs]: 'lower --jobs, or leave it out',
  [PipelineErrorCode.MinMirrors]: 'lower --min-mirrors',
  [PipelineErrorCode.Version]: 'fix --version, or the @VERSION of the recipe',
  [PipelineErrorCode.WorkDir]: 'choose another --work-dir',
  [PipelineErrorCode.SourceDir]: 'check --source-dir',
  [SbomErrorCode.ScannerMissing]: 'install grype or trivy, or pass --osv DIR (a folder of OSV records)',
  [SbomErrorCode.AllowList]: 'check --allow-list',
  [SbomErrorCode.OsvFolder]: 'check --osv',
};

export function registerReleaseCommand(program: Command, deps: MirrorCommandDeps = {}): void {
  program
    .command('release')
    .description(
      'Build recipes for this machine, smoke-test, inventory (SBOM), scan and sign them, sync to every mirror, publish the signed manifest, fetch back as a check',
    )
    .argument('<recipes...>', 'recipe files (.yml) or names looked up in --recipes; NAME@VERSION pins a version')
    .option('--version <version>', 'the version to build (recipes without @VERSION); without it the latest is looked up on the network')
    .option('--recipes <dir>', 'recipe folder for names and dependencies, repeatable (default: recipes)', collect)
    .option('--config <file>', 'mirrors configuration (YAML/JSON, docs/mirrors.md); signs with POTIONS_MANIFEST_KEY. Default: two local mirrors')
    .option('--source-mirror <base>', `mirror of upstream files (BASE/<host>/<path>), repeatable; also ${SOURCE_MIRRORS_ENV}`, collect)
    .option('--source-dir <dir>', 'folder of upstream files served by file name as a source mirror (offline builds), repeatable', collect)
    .option('--platform <platform>', `one of ${PLATFORMS.join(', ')} (default: this machine's)`)
    .option('--work-dir <dir>', 'where .potions/ (local mirrors, keys, cache, build output) lives (default: the current folder)')
    .option(
      '--local-ports <ports>',
      `the two local mirrors' ports (default ${DEFAULT_LOCAL_PORTS.join(',')}, kept between runs); 0 (or 0,0): two free ports, throw-away mirrors gone with their data at the end of the run`,
      portNumbers('--local-ports'),
    )
    .option('--min-mirrors <n>', 'mirrors that must hold every file (default: the configuration, else 1; at most the number of mirrors)', positiveInt('--min-mirrors'))
    .option('--no-cache', 'build even when the build cache has the artifact')
    .option('--no-check', 'do not fetch the result back through the manifest')
    .option('--jobs <n>', `parallel build jobs, 1 to ${maxBuildJobs()} here (default: the number of CPUs)`, positiveInt('--jobs'))
    .addOption(new Option('--fail-on <severity>', 'the lowest vulnerability severity that keeps a build from being published (none: report only)').choices([...FAIL_ON_LEVELS]).default('high'))
    .option('--allow-list <file>', 'vulnerabilities allowed anyway (YAML: - id, reason, expires: YYYY-MM-DD [, package])')
    .option('--osv <dir>', 'folder of OSV records to scan against (offline), when neither grype nor trivy is installed')
    .addOption(new Option('--scanner <name>', 'which scanner: auto is grype, else trivy, else --osv').choices([...SCANNER_CHOICES]).default('auto'))
    .option('--signing-key <pem>', 'sign the artifacts with this ECDSA P-256 private key (default: keyless with an OIDC token, else the work folder\'s key)')
    .option('--sigstore <file>', 'JSON {fulcioUrl, rekorUrl, tsaUrl, rekorDsseEntryType} of a private Sigstore instance for keyless signing')
    .option('--json', 'print the summary as one JSON object (with manifestUrl) on stdout')
    .addHelpText(
      'after',
      `\nArtifacts are signed keyless when an OIDC token is at hand (${OIDC_TOKEN_ENV}, or GitHub's token endpoint in a job with \`id-token: write\`),\n` +
        'else with --signing-key, else with a key made on first use in <work-dir>/.potions/keys/signing-key.pem; the manifest names whom to trust.',
    )
    .action(async (recipes: string[], opts: ReleaseCommandOptions) => {
      const reporter = new ConsoleReporter();
      const platform = opts.platform ? assertPlatform(opts.platform, '--platform') : undefined;
      const ports = opts.localPorts;
      // Paths on the command line are the user's, relative to where they run the command.
      const refs = recipes.map((r) => (r.includes('/') || /\.ya?ml$/i.test(r) ? path.resolve(r) : r));
      const run = async (): Promise<ReleaseSummary> =>
        runRelease({
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
          failOn: opts.failOn,
          scanner: opts.scanner,
          ...(opts.allowList !== undefined ? { allowList: path.resolve(opts.allowList) } : {}),
          ...(opts.osv !== undefined ? { osvDir: path.resolve(opts.osv) } : {}),
          ...(opts.signingKey !== undefined ? { signingKey: path.resolve(opts.signingKey) } : {}),
          ...(opts.sigstore !== undefined ? { sigstore: await sigstoreServices(opts.sigstore) } : {}),
          reporter,
        });
      const summary = await run().catch((err: unknown) => {
        throw withOptionHint(err, RELEASE_HINTS);
      });
      if (opts.json) printJson(summary);
      else printSummary(summary, path.resolve(opts.workDir ?? process.cwd()), ports);
      if (!summary.ok) process.exitCode = ExitCode.Failure;
    });
}
