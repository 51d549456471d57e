/**
 * One normalised report, whichever scanner ran: the findings (the same
 * vulnerability in the same package once, however many SBOMs or advisories
 * named it), the allow-list applied, the threshold decided.
 *
 * A finding fails the scan when its severity is at or above `failOn` and no
 * active allow-list entry speaks of it. `unknown` severities (no CVSS vector)
 * count as critical: a finding nobody scored is not waved through; allow-list
 * it after reading it. `failOn: none` reports and never fails.
 */
import { UserError } from '@potions/core';
import { isExpired, entryFor, type AllowEntry } from './allow-list';
import { severityRank, type Severity } from './cvss';
import { SbomErrorCode } from './errors';
import type { Finding } from './finding';

export const FAIL_ON_LEVELS = ['critical', 'high', 'medium', 'low', 'none'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

export function isFailOn(value: string): value is FailOn {
  return (FAIL_ON_LEVELS as readonly string[]).includes(value);
}

export function assertFailOn(value: string): FailOn {
  if (!isFailOn(value)) throw new UserError(SbomErrorCode.Option, `unknown severity threshold "${value}"`, { hint: `use one of: ${FAIL_ON_LEVELS.join(', ')}` });
  return value;
}

export type FindingStatus = 'fails' | 'allowed' | 'below threshold';

export interface ReportedFinding extends Finding {
  status: FindingStatus;
  /** The allow-list entry that speaks of it; `expired: true` means it no longer allows. */
  allow?: { reason: string; expires: string; expired: boolean; file?: string; line?: number };
  /** The recipe the package was built from, when the SBOM names it (where SARIF results point). */
  recipeFile?: string;
}

export interface ScanReport {
  schema: 1;
  /** False when the scan was skipped (see `skipped`). */
  scanned: boolean;
  skipped?: string;
  /** `grype 0.116.0 (...)`, `OSV records in ... (3)`. */
  scanner?: { name: string; description: string };
  sboms: string[];
  /** Packages looked at, over every SBOM. */
  packages: number;
  failOn: FailOn;
  /** Most severe first. */
  findings: ReportedFinding[];
  /** Findings per severity (allowed ones too). */
  counts: Record<Severity, number>;
  /** Findings that fail the scan. */
  failing: number;
  /** The highest severity among findings that are not allowed (`none` when there is none). */
  maxSeverity: Severity;
  /** Allow-list entries that matched a finding but have expired. */
  expiredAllows: { id: string; expires: string; reason: string }[];
  passed: boolean;
  /** When the scan ran (the report's only time-dependent field). */
  scannedAt: string;
}

export interface BuildReportOptions {
  findings: readonly (Finding & { recipeFile?: string })[];
  failOn: FailOn;
  allowList?: readonly AllowEntry[];
  now: Date;
  scanner: { name: string; description: string };
  sboms: string[];
  packages: number;
}

export function buildReport(options: BuildReportOptions): ScanReport {
  const allow = options.allowList ?? [];
  const findings = mergeFindings(options.findings).map((f): ReportedFinding => {
    const entry = entryFor(allow, f, options.now);
    const expired = entry ? isExpired(entry, options.now) : false;
    const atThreshold = options.failOn !== 'none' && severityRank(f.severity) >= severityRank(options.failOn);
    const status: FindingStatus = entry && !expired ? 'allowed' : atThreshold ? 'fails' : 'below threshold';
    return {
      ...f,
      status,
      ...(entry ? { allow: { reason: entry.reason, expires: entry.expires, expired, ...(entry.file ? { file: entry.file } : {}), ...(entry.line ? { line: entry.line } : {}) } } : {}),
    };
  });
  findings.sort(bySeverity);
  const open = findings.filter((f) => f.status !== 'allowed');
  const failing = findings.filter((f) => f.status === 'fails').length;
  const expiredAllows = [...new Map(findings.filter((f) => f.allow?.expired).map((f) => [f.allow!.reason + f.id, { id: f.id, expires: f.allow!.expires, reason: f.allow!.reason }])).values()];
  return {
    schema: 1,
    scanned: true,
    scanner: options.scanner,
    sboms: options.sboms,
    packages: options.packages,
    failOn: options.failOn,
    findings,
    counts: countBySeverity(findings),
    failing,
    maxSeverity: open.reduce<Severity>((max, f) => (severityRank(f.severity) > severityRank(max) || (max === 'unknown' && f.severity === 'critical') ? f.severity : max), 'none'),
    expiredAllows,
    passed: failing === 0,
    scannedAt: options.now.toISOString(),
  };
}

/** The report of a scan that did not run, and why (the recipe turned it off). */
export function skippedReport(reason: string, sboms: string[], failOn: FailOn, now: Date): ScanReport {
  return {
    schema: 1,
    scanned: false,
    skipped: reason,
    sboms,
    packages: 0,
    failOn,
    findings: [],
    counts: countBySeverity([]),
    failing: 0,
    maxSeverity: 'none',
    expiredAllows: [],
    passed: true,
    scannedAt: now.toISOString(),
  };
}

function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, none: 0, unknown: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

function bySeverity(a: ReportedFinding, b: ReportedFinding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    Number(a.severity === 'unknown') - Number(b.severity === 'unknown') ||
    (b.cvss?.score ?? 0) - (a.cvss?.score ?? 0) ||
    cmp(a.package.name, b.package.name) ||
    cmp(a.id, b.id)
  );
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The same vulnerability in the same package once: findings of one package
 * (purl, else name and version) whose ids or aliases meet are merged, keeping
 * the most severe rating and the union of the ids.
 */
export function mergeFindings<F extends Finding>(findings: readonly F[]): F[] {
  const groups: F[][] = [];
  const keyOf = (f: Finding): string => (f.package.purl ?? `${f.package.name}@${f.package.version ?? ''}`).toLowerCase();
  for (const f of findings) {
    const ids = new Set([f.id, ...f.aliases]);
    const into = groups.filter((g) => keyOf(g[0]!) === keyOf(f) && g.some((x) => ids.has(x.id) || x.aliases.some((a) => ids.has(a))));
    const merged = [...into.flat(), f];
    for (const g of into) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  return groups.map((g) => {
    const best = [...g].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (b.cvss?.score ?? 0) - (a.cvss?.score ?? 0) || preferCve(a, b))[0]!;
    const ids = new Set(g.flatMap((f) => [f.id, ...f.aliases]));
    ids.delete(best.id);
    const fixedVersion = best.fixedVersion ?? g.find((f) => f.fixedVersion)?.fixedVersion;
    return { ...best, aliases: [...ids].sort(), ...(fixedVersion ? { fixedVersion } : {}) };
  });
}

/** Between equally severe records of one vulnerability, name it by its CVE id: the one people search for. */
function preferCve(a: Finding, b: Finding): number {
  return Number(!a.id.startsWith('CVE-')) - Number(!b.id.startsWith('CVE-')) || cmp(a.id, b.id);
}

export const FINDINGS_TABLE_HEADERS = ['severity', 'id', 'package', 'installed', 'fixed in', 'score', 'status'];

/** One row per finding, for the terminal table and the job summary. */
export function findingsTableRows(report: ScanReport): string[][] {
  return report.findings.map((f) => [
    f.severity,
    f.id,
    f.package.name,
    f.package.version ?? '',
    f.fixedVersion ?? (f.fixedCommit ? `commit ${f.fixedCommit.slice(0, 12)}` : ''),
    f.cvss ? `${f.cvss.score.toFixed(1)} (CVSS ${f.cvss.version})` : '',
    statusText(f),
  ]);
}

export function statusText(f: ReportedFinding): string {
  if (f.status === 'allowed') return `allowed until ${f.allow!.expires}: ${f.allow!.reason}`;
  const expired = f.allow?.expired ? ` (allow-list entry expired ${f.allow.expires})` : '';
  return `${f.status}${expired}`;
}

/** The verdict in one sentence. */
export function reportVerdict(report: ScanReport): string {
  if (!report.scanned) return `not scanned: ${report.skipped}`;
  const n = report.findings.length;
  const allowed = report.findings.filter((f) => f.status === 'allowed').length;
  const head = `${n} finding(s) in ${report.packages} package(s) of ${report.sboms.length} SBOM(s) by ${report.scanner?.description}`;
  const tail = report.passed
    ? `passed (threshold: ${report.failOn}${allowed ? `, ${allowed} allowed` : ''})`
    : `FAILED: ${report.failing} finding(s) at or above ${report.failOn} and not allowed`;
  return `${head}: ${tail}`;
}
