/**
 * Matching an SBOM against a folder of OSV records (https://ossf.github.io/osv-schema/),
 * offline: the scanner used when grype and trivy are not installed, and always in tests.
 *
 * An `affected[]` entry applies to a package when:
 * - its `package.purl` names the same package (type, namespace and name, any version), or
 * - its `package.ecosystem` + `package.name` is the package's purl type and name
 *   (npm, PyPI, crates.io, Go, Maven, NuGet, RubyGems, Packagist, Hex, Pub,
 *   ConanCenter, Debian, Alpine...), or
 * - it has a GIT range whose `repo` is the package's source repository (from
 *   the SBOM's VCS reference or a `pkg:github` purl), or, when the SBOM names
 *   no repository, whose last path segment is the package's name (OSV's
 *   records for C projects name only a repository; the finding then says it
 *   was matched by repository name, so a wrong one is easy to allow-list).
 *
 * The version is affected when it is in `versions` (tags compare without
 * their prefix: `v1.2.13` is `1.2.13`) or in a range (see osv-ranges.ts).
 * Withdrawn records are skipped.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage, sameVersion } from '@potions/core';
import { z } from 'zod';
import { rateVectors } from './cvss';
import { SbomErrorCode } from './errors';
import type { Finding } from './finding';
import { evaluateRange } from './osv-ranges';
import { normalizeRepoUrl } from './purl';
import { parsePurl, type SbomDocument, type ScanComponent } from './read-sbom';

const EventSchema = z.union([
  z.strictObject({ introduced: z.string().min(1) }),
  z.strictObject({ fixed: z.string().min(1) }),
  z.strictObject({ last_affected: z.string().min(1) }),
  z.strictObject({ limit: z.string().min(1) }),
]);
const SeveritySchema = z.array(z.looseObject({ type: z.string(), score: z.string() }));

export const OsvRecordSchema = z.looseObject({
  id: z.string().min(1),
  modified: z.string().optional(),
  withdrawn: z.string().optional(),
  aliases: z.array(z.string()).optional(),
  upstream: z.array(z.string()).optional(),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: SeveritySchema.optional(),
  affected: z
    .array(
      z.looseObject({
        package: z.looseObject({ ecosystem: z.string().optional(), name: z.string().optional(), purl: z.string().optional() }).optional(),
        severity: SeveritySchema.optional(),
        ranges: z
          .array(
            z.looseObject({ type: z.enum(['SEMVER', 'ECOSYSTEM', 'GIT']), repo: z.string().optional(), events: z.array(EventSchema).min(1) }).refine((r) => r.type !== 'GIT' || r.repo, 'a GIT range needs a repo'),
          )
          .optional(),
        versions: z.array(z.string()).optional(),
        database_specific: z.unknown().optional(),
      }),
    )
    .optional(),
  references: z.array(z.looseObject({ type: z.string().optional(), url: z.string() })).optional(),
  database_specific: z.unknown().optional(),
});

export type OsvRecord = z.infer<typeof OsvRecordSchema>;
type Affected = NonNullable<OsvRecord['affected']>[number];

/** Every `*.json` record under `dir` (recursively), checked; a bad file is a user's mistake naming the file and field. */
export async function loadOsvDirectory(dir: string): Promise<OsvRecord[]> {
  const files = await listJson(dir).catch((err: unknown) => {
    throw new UserError(SbomErrorCode.OsvFolder, `cannot read the OSV folder ${dir}: ${errorMessage(err)}`, {
      location: { file: dir },
      hint: 'give a folder of OSV JSON records (one record per file, as osv.dev exports them)',
    });
  });
  if (files.length === 0) {
    throw new UserError(SbomErrorCode.OsvFolder, `the OSV folder ${dir} holds no record (*.json)`, {
      location: { file: dir },
      hint: 'a scan against no advisories would pass by silence: give a folder of OSV JSON records',
    });
  }
  const records: OsvRecord[] = [];
  for (const file of files.sort()) {
    let data: unknown;
    try {
      data = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch (err) {
      throw new UserError(SbomErrorCode.OsvRecord, `the OSV record ${file} is not JSON: ${errorMessage(err)}`, { location: { file } });
    }
    const parsed = OsvRecordSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.');
      throw new UserError(SbomErrorCode.OsvRecord, `${file} is not an OSV record: ${field ? `${field}: ` : ''}${issue.message}`, {
        location: { file, field: field || undefined },
        hint: 'see https://ossf.github.io/osv-schema/',
      });
    }
    if (!parsed.data.withdrawn) records.push(parsed.data);
  }
  return records;
}

async function listJson(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listJson(p)));
    else if (e.isFile() && e.name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** OSV ecosystems and the purl type of their packages. */
const ECOSYSTEM_PURL_TYPE: Readonly<Record<string, string>> = {
  npm: 'npm',
  PyPI: 'pypi',
  'crates.io': 'cargo',
  Go: 'golang',
  Maven: 'maven',
  NuGet: 'nuget',
  RubyGems: 'gem',
  Packagist: 'composer',
  Hex: 'hex',
  Pub: 'pub',
  ConanCenter: 'conan',
  Debian: 'deb',
  Ubuntu: 'deb',
  Alpine: 'apk',
  'GitHub Actions': 'github',
  SwiftURL: 'swift',
};

/** Every finding of the records in the SBOM's packages. */
export function matchOsv(records: readonly OsvRecord[], doc: SbomDocument): Finding[] {
  const findings: Finding[] = [];
  for (const component of doc.components) {
    if (!component.version) continue;
    for (const record of records) {
      const hit = matchRecord(record, component, component.version);
      if (hit) findings.push(toFinding(record, hit, component, doc.file));
    }
  }
  return findings;
}

interface Hit {
  affected: Affected;
  matchedBy: string;
  fixed?: string;
  fixedCommit?: string;
}

function matchRecord(record: OsvRecord, component: ScanComponent, version: string): Hit | undefined {
  for (const affected of record.affected ?? []) {
    const matchedBy = packageMatch(affected, component);
    if (!matchedBy) continue;
    const ranges = affected.ranges ?? [];
    const inList = (affected.versions ?? []).some((listed) => listed === version || (/^\D/.test(listed) && sameVersion(listed, version)));
    const verdicts = ranges.map((r) => evaluateRange(r, version));
    const inRange = verdicts.find((v) => v?.affected);
    // A GIT range that clearly excludes this commit (its fix) wins over the list.
    if (verdicts.some((v, i) => v && !v.affected && ranges[i]!.type === 'GIT')) continue;
    if (!inList && !inRange) continue;
    const gitFix = ranges.flatMap((r) => (r.type === 'GIT' ? r.events.flatMap((e) => ('fixed' in e ? [e.fixed] : [])) : []))[0];
    return { affected, matchedBy, ...(inRange?.fixed ? { fixed: inRange.fixed } : firstFixed(ranges, version)), ...(gitFix ? { fixedCommit: gitFix } : {}) };
  }
  return undefined;
}

/** For a version found in the `versions` list: the first fixed version of a non-GIT range above it. */
function firstFixed(ranges: NonNullable<Affected['ranges']>, version: string): { fixed?: string } {
  for (const r of ranges) {
    const v = r.type === 'GIT' ? undefined : evaluateRange(r, version);
    if (v?.fixed) return { fixed: v.fixed };
  }
  return {};
}

function packageMatch(affected: Affected, component: ScanComponent): string | undefined {
  const pkg = affected.package;
  const own = component.purl ? parsePurl(component.purl) : undefined;
  if (pkg?.purl && own) {
    const theirs = parsePurl(pkg.purl);
    if (theirs && same(theirs.type, own.type) && same(theirs.namespace ?? '', own.namespace ?? '') && same(theirs.name, own.name)) return 'purl';
  }
  if (pkg?.ecosystem && pkg.name && own) {
    const type = ECOSYSTEM_PURL_TYPE[pkg.ecosystem.split(':')[0]!];
    const full = own.namespace ? `${own.namespace}${own.type === 'maven' ? ':' : '/'}${own.name}` : own.name;
    if (type && same(type, own.type) && (same(pkg.name, full) || same(pkg.name, own.name))) return 'ecosystem';
  }
  if (pkg?.purl || pkg?.ecosystem) return undefined;
  for (const r of affected.ranges ?? []) {
    if (r.type !== 'GIT' || !r.repo) continue;
    const repo = normalizeRepoUrl(r.repo);
    if (component.repository) {
      if (component.repository === repo) return 'repository';
    } else if (same(repo.split('/').pop() ?? '', component.name)) return 'repository name';
  }
  return undefined;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function toFinding(record: OsvRecord, hit: Hit, component: ScanComponent, sbom: string): Finding {
  const vectors = [...(hit.affected.severity ?? []), ...(record.severity ?? [])].map((s) => s.score);
  const rating = rateVectors([...vectors, ...vectorsIn(hit.affected.database_specific), ...vectorsIn(record.database_specific)]);
  const aliases = [...new Set([...(record.aliases ?? []), ...(record.upstream ?? [])])].filter((a) => a !== record.id).sort();
  const url = record.references?.find((r) => r.type === 'ADVISORY')?.url ?? record.references?.[0]?.url;
  return {
    id: record.id,
    aliases,
    ...(record.summary || record.details ? { summary: (record.summary ?? record.details!.split('\n')[0]!).slice(0, 300) } : {}),
    severity: rating?.severity ?? 'unknown',
    ...(rating ? { cvss: { version: rating.version, vector: rating.vector, score: rating.score } } : {}),
    package: { name: component.name, ...(component.version ? { version: component.version } : {}), ...(component.purl ? { purl: component.purl } : {}) },
    ...(hit.fixed ? { fixedVersion: hit.fixed } : {}),
    ...(hit.fixedCommit ? { fixedCommit: hit.fixedCommit } : {}),
    ...(url ? { url } : {}),
    scanner: 'osv',
    matchedBy: hit.matchedBy,
    sbom,
  };
}

/** CVSS vectors anywhere in a `database_specific` object (some databases keep theirs there). */
function vectorsIn(value: unknown): string[] {
  if (typeof value === 'string') return /^(CVSS:[34]\.[01]\/|AV:[LAN]\/AC:)/.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(vectorsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(vectorsIn);
  return [];
}
