/**
 * SARIF 2.1.0 for GitHub code scanning (upload it with
 * `github/codeql-action/upload-sarif`): one rule per advisory, with
 * `security-severity` (the CVSS score) so that GitHub ranks the alerts, and one
 * result per vulnerable package, placed on the recipe file (where the version
 * is changed) or, when the SBOM does not name its recipe, on the SBOM. Allowed
 * findings carry an accepted external suppression with the allow-list's reason.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { SBOM_TOOL } from './inventory';
import type { ReportedFinding, ScanReport } from './report';

export interface SarifOptions {
  /** The repository root: locations are written relative to it (default: the current folder). */
  sourceRoot?: string;
}

const LEVEL: Record<ReportedFinding['severity'], Result.level> = {
  critical: 'error',
  high: 'error',
  unknown: 'error',
  medium: 'warning',
  low: 'note',
  none: 'note',
};

export function sarifFromReport(report: ScanReport, options: SarifOptions = {}): Log {
  const root = path.resolve(options.sourceRoot ?? '.');
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  for (const f of report.findings) {
    if (ruleIndex.has(f.id)) continue;
    ruleIndex.set(f.id, rules.length);
    rules.push(ruleOf(f));
  }
  const results: Result[] = report.findings.map((f) => ({
    ruleId: f.id,
    ruleIndex: ruleIndex.get(f.id)!,
    level: LEVEL[f.severity],
    message: { text: messageOf(f) },
    locations: [{ physicalLocation: { artifactLocation: { uri: locationOf(f, root), uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } } }],
    partialFingerprints: { 'potionsFinding/v1': createHash('sha256').update(`${f.id}|${f.package.name}|${f.package.version ?? ''}`).digest('hex') },
    ...(f.status === 'allowed' ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.allow!.reason} (allowed until ${f.allow!.expires})` }] } : {}),
    properties: { package: f.package.name, installedVersion: f.package.version ?? '', ...(f.fixedVersion ? { fixedVersion: f.fixedVersion } : {}), status: f.status, scanner: f.scanner },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Potions vulnerability scan', semanticVersion: SBOM_TOOL.version, informationUri: 'https://github.com/potions/actions/blob/main/docs/sbom.md', rules } },
        results,
        properties: { scanner: report.scanner?.description ?? 'none', failOn: report.failOn, passed: report.passed },
      },
    ],
  };
}

function ruleOf(f: ReportedFinding): ReportingDescriptor {
  const title = f.summary ?? `${f.id} in ${f.package.name}`;
  return {
    id: f.id,
    name: f.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: `${f.id}: ${title}`.slice(0, 1000) },
    fullDescription: { text: title },
    ...(f.url ? { helpUri: f.url } : {}),
    help: {
      text: `${f.id}${f.aliases.length ? ` (also ${f.aliases.join(', ')})` : ''}. ${title}${f.cvss ? ` CVSS ${f.cvss.version} ${f.cvss.vector} = ${f.cvss.score}.` : ' No CVSS vector.'}`,
    },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: {
      tags: ['security', 'vulnerability', f.severity],
      ...(f.cvss ? { 'security-severity': f.cvss.score.toFixed(1) } : {}),
    },
  };
}

function messageOf(f: ReportedFinding): string {
  const fix = f.fixedVersion ? `; fixed in ${f.fixedVersion}` : f.fixedCommit ? `; fixed by commit ${f.fixedCommit}` : '; no fixed version known';
  const score = f.cvss ? ` ${f.cvss.score.toFixed(1)}` : '';
  return `${f.package.name} ${f.package.version ?? ''} is affected by ${f.id} (${f.severity}${score})${fix}.`;
}

function locationOf(f: ReportedFinding, root: string): string {
  const target = f.recipeFile && !path.isAbsolute(f.recipeFile) ? path.resolve(root, f.recipeFile) : f.sbom;
  const rel = path.relative(root, path.resolve(root, target));
  return (rel.startsWith('..') ? target : rel).split(path.sep).join('/');
}
