/**
 * The one version order of Potions: which release of a recipe is the latest,
 * which version `potions fetch` calls the newest, and whether an advisory's
 * range covers an installed version all use `compareVersions`.
 *
 * Why not `semver` alone: tool versions as upstream projects tag them are
 * mostly not semver (`1.2.3.4`, `9.4p1`, `1.1.1w`, `2024.01.05`, `jq-1.7.1`,
 * `2.0-rc1`). `semver.compare` refuses them and `semver.coerce` drops the
 * parts that matter. The rules below agree with semver on every valid semver
 * pair (pre-releases before their release, build metadata ignored) and extend
 * it the way Debian's and RPM's version comparison do.
 *
 * The rules, applied in turn:
 * 1. A tag prefix before the first digit is ignored (`v1.2`, `jq-1.7.1`,
 *    `release-2.0` compare as `1.2`, `1.7.1`, `2.0`).
 * 2. Build metadata after `+` is ignored for precedence.
 * 3. The rest is split into numbers and words; separators (`.`, `-`, `_`,
 *    `~`) only separate. Numbers compare as numbers (`1.10` > `1.9`).
 * 4. A word that names a pre-release (`dev`, `alpha`/`a`, `beta`/`b`,
 *    `pre`, `rc`/`c`, `preview`, `snapshot`, `nightly`, `m` for
 *    milestones) sorts before the release it belongs to: `2.0-rc1` < `2.0`
 *    < `2.0.1`. `a`, `b`, `c` and `m` count as pre-release markers only when a
 *    number follows them (`1.0a1` is an alpha, PEP 440 style).
 * 5. `final`, `ga`, `release` and `stable` say nothing (`1.0.Final` is
 *    `1.0`). Any other word is a post-release suffix and sorts after the
 *    release: `9.4` < `9.4p1`, `1.1.1` < `1.1.1w`, `1.0` < `1.0a`.
 * 6. When two versions are equal by these rules but spelled differently
 *    (`1.02` and `1.2`, `v1.2` and `1.2`, `1.0+a` and `1.0+b`), the spelling
 *    decides, so that the order is total: sorting never depends on the input
 *    order, and two different strings are never "the same version".
 */

type Token = { kind: 'num'; value: bigint; text: string } | { kind: 'pre'; rank: number; text: string } | { kind: 'post'; text: string };

/** Pre-release words, lowest first. */
const PRE_RELEASE_RANK: Readonly<Record<string, number>> = {
  dev: 0,
  snapshot: 0,
  nightly: 0,
  alpha: 1,
  a: 1,
  beta: 2,
  b: 2,
  m: 3,
  milestone: 3,
  pre: 4,
  preview: 4,
  rc: 5,
  c: 5,
  cr: 5,
};
/** Words that mark a release as what it already is. */
const NEUTRAL = new Set(['final', 'ga', 'release', 'stable']);
/** Single letters that are pre-release markers only when a number follows them. */
const SHORT_MARKERS = new Set(['a', 'b', 'c', 'm']);

function tokenize(version: string): Token[] {
  let v = version.trim();
  const plus = v.indexOf('+');
  if (plus >= 0) v = v.slice(0, plus);
  const firstDigit = v.search(/\d/);
  if (firstDigit > 0) v = v.slice(firstDigit);
  const parts = v.match(/\d+|[A-Za-z]+/g) ?? [];
  const tokens: Token[] = [];
  for (let i = 0; i < parts.length; i++) {
    const text = parts[i]!;
    if (/^\d/.test(text)) {
      tokens.push({ kind: 'num', value: BigInt(text), text });
      continue;
    }
    const word = text.toLowerCase();
    if (NEUTRAL.has(word)) continue;
    const rank = PRE_RELEASE_RANK[word];
    const nextIsNumber = i + 1 < parts.length && /^\d/.test(parts[i + 1]!);
    if (rank !== undefined && (!SHORT_MARKERS.has(word) || nextIsNumber)) tokens.push({ kind: 'pre', rank, text: word });
    else tokens.push({ kind: 'post', text: word });
  }
  return tokens;
}

/** Where a token stands against "nothing more" (the end of the shorter version). */
function againstEnd(t: Token): number {
  // 1.0 < 1.0.1, 1.0 < 1.0p1, but 1.0-rc1 < 1.0.
  return t.kind === 'pre' ? -1 : 1;
}

function compareTokens(a: Token, b: Token): number {
  if (a.kind === 'num' && b.kind === 'num') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.kind === 'pre' && b.kind === 'pre') return a.rank - b.rank || cmpText(a.text, b.text);
  if (a.kind === 'post' && b.kind === 'post') return cmpText(a.text, b.text);
  // Kinds differ: a pre-release word is lowest, then a post-release word, then a number
  // (1.0-rc1 < 1.0p1 < 1.0.1: a number continues the release, a word qualifies it).
  const order = (t: Token): number => (t.kind === 'pre' ? 0 : t.kind === 'post' ? 1 : 2);
  return order(a) - order(b);
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` is older than `b`, positive when newer, 0 only for identical strings. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const ta = tokenize(a);
  const tb = tokenize(b);
  for (let i = 0; i < Math.max(ta.length, tb.length); i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === undefined) return -againstEnd(y!);
    if (y === undefined) return againstEnd(x);
    const c = compareTokens(x, y);
    if (c !== 0) return Math.sign(c);
  }
  return cmpText(a, b);
}

/** Equal by precedence (rules 1-5): `1.02` and `1.2`, `v1.2` and `1.2`, `1.0+a` and `1.0+b`. */
export function sameVersion(a: string, b: string): boolean {
  const ta = tokenize(a);
  const tb = tokenize(b);
  return ta.length === tb.length && ta.every((t, i) => compareTokens(t, tb[i]!) === 0);
}

/** The newest of `versions` (undefined for an empty list). */
export function newestVersion(versions: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const v of versions) if (best === undefined || compareVersions(v, best) > 0) best = v;
  return best;
}
