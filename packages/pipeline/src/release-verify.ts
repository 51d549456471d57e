/**
 * The checks a build passes before anything of it is signed or uploaded:
 *
 *   smoke  `@potions/inspect`'s smoke test of the artifact as a user gets it
 *          (platform of every file, runtime dependencies, the recipe's commands)
 *   sbom   CycloneDX and SPDX beside the artifact (`@potions/sbom`), with the
 *          system libraries the smoke test found
 *   scan   those SBOMs against the release's one scanner, at its threshold
 *
 * A build that fails a check is withheld: the manifest lists its platform as
 * unavailable with the reason, and the other builds go on. A smoke test whose
 * commands cannot run here (darwin on Linux) is recorded as not run, with why,
 * and is not a failure. The pure parts (`smokeOutcome`, `scanOutcome`) turn
 * the reports into the summary's rows.
 */
import path from 'node:path';
import { errorMessage, isUserError } from '@potions/core';
import type { Now, Platform, Reporter } from '@potions/core';
import type { BuildResult } from '@potions/builder';
import { smokeTestArtifact } from '@potions/inspect';
import type { SmokeReport } from '@potions/inspect';
import type { Recipe } from '@potions/recipe';
import { SBOM_FORMATS, defaultSbomPath, scanSboms, writeSboms } from '@potions/sbom';
import type { ScanReport, WrittenSbom } from '@potions/sbom';
import { buildLabel, firstLine } from './release-summary';
import type { ReleaseBuild, ReleaseScan, ReleaseSmoke, WithheldBy } from './release-summary';
import type { ScanPlan } from './release-setup';

/** One successful build on its way through the release: what the later stages need, and its summary row. */
export interface ReleaseItem {
  recipe: Recipe;
  recipeFile: string;
  result: BuildResult;
  /** The summary row; each stage adds to it. */
  row: ReleaseBuild;
  /** The system libraries the smoke test found (for the SBOM). */
  systemLibraries?: string[];
  sboms?: WrittenSbom[];
  /** Every file the sync uploads for it (absolute), set once it is signed. */
  files?: string[];
}

export interface VerifyContext {
  platform: Platform;
  workDir: string;
  reporter: Reporter;
  now: Now;
  smokeTimeoutMs?: number;
}

/** Keep a build from being published, with the reason the manifest will list. */
export function withhold(row: ReleaseBuild, by: WithheldBy, reason: string, warn: (message: string) => void): void {
  row.withheld = firstLine(reason);
  row.withheldBy = by;
  warn(`${buildLabel(row)}: not published: ${row.withheld}`);
}

const MORE = (n: number): string => (n > 0 ? ` (and ${n} more)` : '');

/** The smoke report, in short. Pure. */
export function smokeOutcome(report: Pick<SmokeReport, 'ok' | 'problems' | 'run' | 'summary' | 'systemLibraries'>): ReleaseSmoke {
  const base = {
    commands: report.run.commands.map((c) => ({ argv: [...c.argv], ok: c.ok, ...(c.error !== undefined ? { error: c.error } : {}) })),
    files: report.summary.files,
    errors: report.summary.errors,
    warnings: report.summary.warnings,
    systemLibraries: report.systemLibraries.map((s) => s.name),
  };
  if (!report.ok) {
    const errors = report.problems.filter((p) => p.severity === 'error');
    return { status: 'failed', reason: `${errors[0]?.message ?? 'failed'}${MORE(errors.length - 1)}`, ...base };
  }
  if (!report.run.ran) return { status: 'not-run', reason: report.run.reason ?? 'the commands were not run', ...base };
  return { status: 'passed', runner: report.run.runner?.kind ?? 'native', ...base };
}

/** The scan report, in short. Pure. */
export function scanOutcome(report: ScanReport): ReleaseScan {
  const failures = report.findings
    .filter((f) => f.status === 'fails')
    .map((f) => ({ id: f.id, severity: f.severity, package: f.package.name, ...(f.package.version !== undefined ? { version: f.package.version } : {}) }));
  const base = {
    failOn: report.failOn,
    findings: report.findings.length,
    failing: report.failing,
    allowed: report.findings.filter((f) => f.status === 'allowed').length,
    maxSeverity: report.maxSeverity,
    failures,
    ...(report.scanner ? { scanner: report.scanner.description } : {}),
  };
  if (!report.scanned) return { status: 'skipped', reason: report.skipped ?? 'not scanned', ...base };
  Object.assign(base, { scannedAt: report.scannedAt });
  if (report.passed) return { status: 'passed', ...base };
  const shown = failures.slice(0, 3).map((f) => `${f.id} (${f.severity}) in ${f.package}${f.version ? ` ${f.version}` : ''}`);
  return { status: 'failed', reason: `${shown.join(', ')}${MORE(failures.length - shown.length)}`, ...base };
}

/** The scan of a build when no scanner was available (local mode). */
export function scanNotRun(reason: string, failOn: string): ReleaseScan {
  return { status: 'not-run', reason, failOn, findings: 0, failing: 0, allowed: 0, maxSeverity: 'none', failures: [] };
}

/** A check's own failure (the artifact unreadable, the SBOM's recipe licence not SPDX...) withholds the build; a bug stops the release. */
function userFailure(err: unknown, row: ReleaseBuild, reporter: Reporter): string {
  if (!isUserError(err)) throw err;
  reporter.debug(`${buildLabel(row)}: ${errorMessage(err)}`);
  return errorMessage(err);
}

/** (smoke) Each build's artifact, extracted fresh and checked as a user would get it. */
export async function smokeStage(items: readonly ReleaseItem[], ctx: VerifyContext, warn: (message: string) => void): Promise<void> {
  for (const item of items) {
    if (item.row.withheld) continue;
    let report: SmokeReport;
    try {
      report = await smokeTestArtifact({
        artifact: item.result.artifact,
        platform: ctx.platform,
        recipe: item.recipe,
        version: item.result.version,
        ...(ctx.smokeTimeoutMs !== undefined ? { timeoutMs: ctx.smokeTimeoutMs } : {}),
        reporter: ctx.reporter,
      });
    } catch (err) {
      withhold(item.row, 'smoke', `smoke test failed: ${userFailure(err, item.row, ctx.reporter)}`, warn);
      continue;
    }
    const smoke = smokeOutcome(report);
    item.row.smoke = smoke;
    item.systemLibraries = smoke.systemLibraries;
    if (smoke.status === 'failed') withhold(item.row, 'smoke', `smoke test failed: ${smoke.reason}`, warn);
    else if (smoke.status === 'not-run') ctx.reporter.info(`${buildLabel(item.row)}: smoke test commands not run: ${smoke.reason}`);
  }
}

/** A recipe file as the SBOM records it: relative to the work folder when it lies inside it. */
function recipeFileForSbom(file: string, workDir: string): string | undefined {
  const rel = path.relative(workDir, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel;
}

/** (sbom) CycloneDX and SPDX beside each artifact that passed its smoke test. */
export async function sbomStage(items: readonly ReleaseItem[], ctx: VerifyContext, warn: (message: string) => void): Promise<void> {
  for (const item of items) {
    if (item.row.withheld) continue;
    const recipeFile = recipeFileForSbom(item.recipeFile, ctx.workDir);
    try {
      const { sboms } = await writeSboms({
        artifact: item.result.artifact,
        metadata: item.result.metadata,
        metadataFile: item.result.metadataFile,
        recipe: item.recipe,
        ...(recipeFile !== undefined ? { recipeFile } : {}),
        systemLibraries: (item.systemLibraries ?? []).map((name) => ({ name, platform: ctx.platform })),
        outputs: SBOM_FORMATS.map((format) => ({ format, file: defaultSbomPath(item.result.artifact, format) })),
        reporter: ctx.reporter,
      });
      item.sboms = sboms;
      item.row.sboms = sboms.map((s) => ({ format: s.format, file: path.basename(s.file), sha256: s.sha256, size: s.size }));
    } catch (err) {
      withhold(item.row, 'sbom', `SBOM: ${userFailure(err, item.row, ctx.reporter)}`, warn);
    }
  }
}

/** (scan) Each build's SBOMs with the release's scanner, as the recipe and the threshold decide. */
export async function scanStage(items: readonly ReleaseItem[], plan: ScanPlan, ctx: VerifyContext, warn: (message: string) => void): Promise<void> {
  for (const item of items) {
    if (item.row.withheld || !item.sboms) continue;
    if (item.recipe.scanVulnerabilities && !plan.scanner) {
      item.row.scan = scanNotRun(`no vulnerability scanner: ${plan.missing ?? 'none was chosen'}`, plan.failOn);
      continue;
    }
    let report: ScanReport;
    try {
      report = await scanSboms({
        sboms: item.sboms.map((s) => s.file),
        scan: item.recipe.scanVulnerabilities,
        scanDecidedBy: item.recipeFile,
        ...(plan.scanner ? { scanner: plan.scanner } : {}),
        failOn: plan.failOn,
        ...(plan.allowList ? { allowList: plan.allowList } : {}),
        now: ctx.now,
        reporter: ctx.reporter,
      });
    } catch (err) {
      withhold(item.row, 'scan', `vulnerability scan failed: ${userFailure(err, item.row, ctx.reporter)}`, warn);
      continue;
    }
    const scan = scanOutcome(report);
    item.row.scan = scan;
    for (const e of report.expiredAllows) warn(`allow-list entry for ${e.id} expired on ${e.expires} and no longer allows it (${e.reason})`);
    if (scan.status === 'failed') withhold(item.row, 'scan', `vulnerability scan: ${scan.reason}`, warn);
  }
}
