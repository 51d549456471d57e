/**
 * Trivy (https://github.com/aquasecurity/trivy) on an SBOM: `trivy sbom
 * --format json --output REPORT --quiet FILE`. Its JSON report
 * (pkg/types/report.go: `Results[].Vulnerabilities[]`) is read into the
 * normalised findings; severity comes from the CVSS vectors of every source
 * in `CVSS` (V40Vector, V3Vector, V2Vector), not from trivy's label.
 *
 * Trivy matches only packages of ecosystems it knows (OS packages, language
 * packages): the `pkg:generic`/`pkg:github` packages Potions builds are not
 * looked up. `auto` therefore prefers grype.
 */
import { UserError } from '@potions/core';
import { z } from 'zod';
import { rateVectors } from '../cvss';
import { SbomErrorCode } from '../errors';
import type { Finding } from '../finding';
import type { SbomDocument } from '../read-sbom';
import { programVersion, runForJsonReport } from './program';
import type { ProgramScannerOptions } from './grype';
import type { Scanner } from './scanner';

const TrivyVulnerability = z.looseObject({
  VulnerabilityID: z.string().min(1),
  VendorIDs: z.array(z.string()).nullish(),
  PkgName: z.string(),
  PkgIdentifier: z.looseObject({ PURL: z.string().optional() }).optional(),
  InstalledVersion: z.string().optional(),
  FixedVersion: z.string().optional(),
  PrimaryURL: z.string().optional(),
  Title: z.string().optional(),
  Description: z.string().optional(),
  CVSS: z.record(z.string(), z.looseObject({ V2Vector: z.string().optional(), V3Vector: z.string().optional(), V40Vector: z.string().optional() })).nullish(),
});

export const TrivyReportSchema = z.looseObject({
  SchemaVersion: z.number().optional(),
  Results: z.array(z.looseObject({ Target: z.string().optional(), Vulnerabilities: z.array(TrivyVulnerability).nullish() })).nullish(),
});

/** The findings of a trivy JSON report on `sbom`. */
export function findingsFromTrivy(report: unknown, sbom: string): Finding[] {
  const parsed = TrivyReportSchema.safeParse(report);
  if (!parsed.success) {
    throw new UserError(SbomErrorCode.ScannerFailed, `trivy's report is not in the format this version of Potions reads: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  }
  return (parsed.data.Results ?? []).flatMap((r) =>
    (r.Vulnerabilities ?? []).map((v) => {
      const vectors = Object.values(v.CVSS ?? {}).flatMap((c) => [c.V40Vector, c.V3Vector, c.V2Vector].filter((x): x is string => Boolean(x)));
      const rating = rateVectors(vectors);
      const fixed = v.FixedVersion?.split(',')[0]?.trim();
      const summary = v.Title ?? v.Description?.split('\n')[0];
      return {
        id: v.VulnerabilityID,
        aliases: [...new Set(v.VendorIDs ?? [])].filter((id) => id !== v.VulnerabilityID).sort(),
        ...(summary ? { summary: summary.slice(0, 300) } : {}),
        severity: rating?.severity ?? 'unknown',
        ...(rating ? { cvss: { version: rating.version, vector: rating.vector, score: rating.score } } : {}),
        package: { name: v.PkgName, ...(v.InstalledVersion ? { version: v.InstalledVersion } : {}), ...(v.PkgIdentifier?.PURL ? { purl: v.PkgIdentifier.PURL } : {}) },
        ...(fixed ? { fixedVersion: fixed } : {}),
        ...(v.PrimaryURL ? { url: v.PrimaryURL } : {}),
        scanner: 'trivy',
        sbom,
      } satisfies Finding;
    }),
  );
}

export class TrivyScanner implements Scanner {
  readonly name = 'trivy' as const;
  private constructor(
    private readonly options: ProgramScannerOptions,
    readonly description: string,
  ) {}

  static async create(options: ProgramScannerOptions): Promise<TrivyScanner> {
    const version = await programVersion(options.exec, [options.program, '--version'], options.env);
    return new TrivyScanner(options, `trivy ${version ?? '(version unknown)'} (${options.program})`);
  }

  async scan(doc: SbomDocument): Promise<Finding[]> {
    const report = await runForJsonReport({
      exec: this.options.exec,
      env: this.options.env,
      argv: [this.options.program, 'sbom', '--format', 'json', '--output', '{report}', '--quiet', doc.file],
      what: 'trivy',
      timeoutMs: this.options.timeoutMs ?? 600_000,
    });
    return findingsFromTrivy(report, doc.file);
  }
}
