/**
 * Severity from CVSS vectors, never from a label: the score is computed from
 * the vector by `ae-cvss-calculator` (maintained, dependency-free, all CVSS
 * versions; its CVSS 4.0 arithmetic uses the specification's macro-vector
 * lookup table and agrees with FIRST's reference calculator on every base
 * vector, see docs/sbom.md), then rated with the specification's qualitative
 * scale.
 *
 * Which vector counts when an advisory gives several: the newest CVSS version
 * (4.0, then 3.1 and 3.0, then 2.0), and within it the highest score, so that
 * a gate never under-rates. The score is the one the vector describes: the
 * base score, or with its threat/temporal/environmental metrics when the
 * vector carries them.
 */
import * as aeCvss from 'ae-cvss-calculator';

// A webpack-built CommonJS module: Node's ESM loader puts its exports under `default`, bundlers at the top.
const wrapped = (aeCvss as unknown as { default?: typeof aeCvss }).default;
const cvssCalculator: typeof aeCvss = wrapped?.fromVector ? wrapped : aeCvss;

export const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'] as const;
/** `unknown`: no usable CVSS vector. */
export type Severity = (typeof SEVERITIES)[number] | 'unknown';

export interface CvssRating {
  version: '4.0' | '3.1' | '3.0' | '2.0';
  vector: string;
  score: number;
  severity: Exclude<Severity, 'unknown'>;
}

/** Base metrics a vector must carry, per version (a vector without one is refused, not defaulted). */
const REQUIRED: Readonly<Record<CvssRating['version'], readonly string[]>> = {
  '4.0': ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'],
  '3.1': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '3.0': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '2.0': ['AV', 'AC', 'Au', 'C', 'I', 'A'],
};

const RANK: Readonly<Record<CvssRating['version'], number>> = { '4.0': 3, '3.1': 2, '3.0': 2, '2.0': 1 };

/** The rating of one vector, or undefined when it is not a complete CVSS 2.0, 3.0, 3.1 or 4.0 vector. */
export function rateVector(vector: string): CvssRating | undefined {
  const text = vector.trim();
  const m = /^CVSS:(4\.0|3\.1|3\.0)\/(.+)$/.exec(text);
  const version = (m?.[1] ?? '2.0') as CvssRating['version'];
  const body = m ? m[2]! : text.replace(/^\(|\)$/g, '');
  const metrics = body.split('/').map((p) => p.split(':')[0]!);
  if (new Set(metrics).size !== metrics.length) return undefined;
  if (!REQUIRED[version].every((k) => metrics.includes(k))) return undefined;
  let parsed: ReturnType<typeof cvssCalculator.fromVector>;
  try {
    parsed = cvssCalculator.fromVector(m ? text : body);
  } catch {
    return undefined;
  }
  if (!parsed || parsed.getVectorName() !== (version === '2.0' ? 'CVSS:2.0' : `CVSS:${version}`)) return undefined;
  const score = parsed.calculateScores().overall;
  if (typeof score !== 'number' || !Number.isFinite(score)) return undefined;
  return { version, vector: m ? text : body, score, severity: ratingOf(score, version) };
}

/** The qualitative rating of a score: CVSS 3.x/4.0 (none 0, low to 3.9, medium to 6.9, high to 8.9, critical); CVSS 2.0 has no critical (NVD's scale). */
export function ratingOf(score: number, version: CvssRating['version']): CvssRating['severity'] {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'none';
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
}

/** The rating that counts among `vectors` (see the module comment), or undefined when none is usable. */
export function rateVectors(vectors: Iterable<string>): CvssRating | undefined {
  let best: CvssRating | undefined;
  for (const v of vectors) {
    const r = rateVector(v);
    if (!r) continue;
    if (!best || RANK[r.version] > RANK[best.version] || (RANK[r.version] === RANK[best.version] && r.score > best.score)) best = r;
  }
  return best;
}

/** Order of severities for thresholds: unknown ranks with critical (a finding nobody scored is not waved through). */
export function severityRank(s: Severity): number {
  return s === 'unknown' ? SEVERITIES.length - 1 : SEVERITIES.indexOf(s);
}

export function isSeverity(value: string): value is Severity {
  return value === 'unknown' || (SEVERITIES as readonly string[]).includes(value);
}
