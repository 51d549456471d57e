/**
 * Grype (https://github.com/anchore/grype) on an SBOM: `grype sbom:FILE -o json
 * --file REPORT --add-cpes-if-none`. `--add-cpes-if-none` lets grype match the
 * `pkg:generic`/`pkg:github` packages Potions builds through NVD's CPE
 * records. Its JSON report (grype/presenter/models: `matches[]` with
 * `vulnerability`, `relatedVulnerabilities`, `matchDetails`, `artifact`) is
 * read into the normalised findings; severity comes from the CVSS vectors of
 * the vulnerability and its related records, not from grype's label.
 */
import { UserError, type Exec } from '@potions/core';
import { z } from 'zod';
import { rateVectors } from '../cvss';
import { SbomErrorCode } from '../errors';
import type { Finding } from '../finding';
import type { SbomDocument } from '../read-sbom';
import { programVersion, runForJsonReport } from './program';
import type { Scanner } from './scanner';

const Cvss = z.looseObject({ version: z.string().optional(), vector: z.string().optional() });
const VulnerabilityMetadata = z.looseObject({
  id: z.string().min(1),
  dataSource: z.string().optional(),
  urls: z.array(z.string()).nullish(),
  description: z.string().optional(),
  cvss: z.array(Cvss).nullish(),
});

export const GrypeReportSchema = z.looseObject({
  matches: z.array(
    z.looseObject({
      vulnerability: VulnerabilityMetadata.extend({ fix: z.looseObject({ versions: z.array(z.string()).nullish(), state: z.string().optional() }).optional() }),
      relatedVulnerabilities: z.array(VulnerabilityMetadata).nullish(),
      matchDetails: z.array(z.looseObject({ type: z.string().optional() })).nullish(),
      artifact: z.looseObject({ name: z.string(), version: z.string().optional(), purl: z.string().optional() }),
    }),
  ),
  descriptor: z.looseObject({ name: z.string().optional(), version: z.string().optional() }).optional(),
});

/** The findings of a grype JSON report on `sbom`. */
export function findingsFromGrype(report: unknown, sbom: string): Finding[] {
  const parsed = GrypeReportSchema.safeParse(report);
  if (!parsed.success) {
    throw new UserError(SbomErrorCode.ScannerFailed, `grype's report is not in the format this version of Potions reads: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  }
  return parsed.data.matches.map((m) => {
    const v = m.vulnerability;
    const related = m.relatedVulnerabilities ?? [];
    const rating = rateVectors([v, ...related].flatMap((x) => (x.cvss ?? []).flatMap((c) => (c.vector ? [c.vector] : []))));
    const fixes = v.fix?.state === 'fixed' ? (v.fix.versions ?? []) : [];
    const description = v.description ?? related.find((r) => r.description)?.description;
    const url = v.dataSource || v.urls?.[0];
    return {
      id: v.id,
      aliases: [...new Set(related.map((r) => r.id))].filter((id) => id !== v.id).sort(),
      ...(description ? { summary: description.split('\n')[0]!.slice(0, 300) } : {}),
      severity: rating?.severity ?? 'unknown',
      ...(rating ? { cvss: { version: rating.version, vector: rating.vector, score: rating.score } } : {}),
      package: { name: m.artifact.name, ...(m.artifact.version ? { version: m.artifact.version } : {}), ...(m.artifact.purl ? { purl: m.artifact.purl } : {}) },
      ...(fixes[0] ? { fixedVersion: fixes[0] } : {}),
      ...(url ? { url } : {}),
      scanner: 'grype',
      ...(m.matchDetails?.[0]?.type ? { matchedBy: m.matchDetails[0].type } : {}),
      sbom,
    } satisfies Finding;
  });
}

export interface ProgramScannerOptions {
  /** Absolute path of the program. */
  program: string;
  exec: Exec;
  /** The whole environment of the program (its database cache lives under HOME or its own variables). */
  env: Record<string, string>;
  /** Default 10 minutes: the first run downloads the vulnerability database. */
  timeoutMs?: number;
}

export class GrypeScanner implements Scanner {
  readonly name = 'grype' as const;
  private constructor(
    private readonly options: ProgramScannerOptions,
    readonly description: string,
  ) {}

  static async create(options: ProgramScannerOptions): Promise<GrypeScanner> {
    const version = await programVersion(options.exec, [options.program, 'version'], options.env);
    return new GrypeScanner(options, `grype ${version ?? '(version unknown)'} (${options.program})`);
  }

  async scan(doc: SbomDocument): Promise<Finding[]> {
    const report = await runForJsonReport({
      exec: this.options.exec,
      env: this.options.env,
      argv: [this.options.program, `sbom:${doc.file}`, '-o', 'json', '--file', '{report}', '--add-cpes-if-none'],
      what: 'grype',
      timeoutMs: this.options.timeoutMs ?? 600_000,
    });
    return findingsFromGrype(report, doc.file);
  }
}
