/**
 * What a release run did, leg by leg: the run plan (what the plan job asked
 * for) against the status record each build job left. Pure: the collect job
 * reads the records, calls `collectRun`, and hands the result on as job
 * outputs (the partial-platform release travels through them), and the
 * publish job acts on it.
 */
import { PLATFORMS, UserError, type Platform } from '@potions/core';
import { ScheduleErrorCode } from './errors';
import type { LegRecord } from './leg-record';
import type { RunPlan, RunPlanLeg } from './run-plan';

/** What became of one recipe on one platform in this run. */
export type LegOutcome =
  /** Built, checked and uploaded in this run. */
  | 'built'
  /** Its job failed at a step (the reason says which and why). */
  | 'failed'
  /** Its job was cancelled, or ran out of time. */
  | 'cancelled'
  /** No usable status record: the job never reported in this attempt (a lost runner, a cancelled run, a record from an older attempt). */
  | 'missing'
  /** Published already: not built again. */
  | 'available'
  /** Cannot be built there (no download, or a dependency that cannot). */
  | 'excluded';

export interface PlatformResult {
  status: LegOutcome;
  reason?: string;
  leg?: string;
  /** The run attempt of the record taken. */
  attempt?: number;
  /** The Actions artifact holding the build (status built). */
  artifactId?: string;
  sha256?: string;
}

export interface RecipeResult {
  recipe: string;
  version: string | null;
  /**
   * publish: its builds and failures go into the manifest; held-back: fewer
   * platforms would be available than required, so nothing of it is
   * published; unchanged: nothing was built for it in this run.
   */
  decision: 'publish' | 'held-back' | 'unchanged';
  /** Platforms available once this run publishes (built now, or published before). */
  available: number;
  /** Platforms required: `minPlatforms`, at most the platforms asked for where it can be built. */
  required: number;
  platforms: Partial<Record<Platform, PlatformResult>>;
}

/** success: every leg built; partial: some built, some not; failure: none built; none: no leg ran. */
export type PlatformStatus = 'success' | 'partial' | 'failure' | 'none';

/** One failure as the manifest lists it (manifest-publish's `failures` input). */
export interface CollectedFailure {
  name: string;
  version: string;
  platform: Platform;
  reason: string;
}

export interface CollectedRun {
  schemaVersion: 1;
  minPlatforms: number;
  recipes: RecipeResult[];
  /** Per platform, over this run's legs on it (the four always present). */
  platforms: Record<Platform, PlatformStatus>;
  /** The artifacts to publish: the builds of recipes whose decision is publish. */
  artifactIds: string[];
  /** Failed and excluded platforms of recipes that publish, with their reasons. */
  failures: CollectedFailure[];
  /** Whether the publish job has anything to do. */
  publish: boolean;
  counts: { legs: number; built: number; failed: number; available: number; excluded: number; heldBack: number };
}

export interface CollectRunInput {
  plan: RunPlan;
  records: readonly LegRecord[];
  /** Records that could not be read, by leg id (their legs count as missing, with this message). */
  unreadable?: readonly { leg: string; message: string }[];
  /** Platforms a recipe version must have available for it to be published. Default 1. */
  minPlatforms?: number;
}

const describeRun = (r: LegRecord): string => `run attempt ${r.run.attempt}${r.run.url ? `: ${r.run.url}` : ''}`;

/** The outcome of one planned leg from its record (or its absence). */
function legResult(leg: RunPlanLeg, record: LegRecord | undefined, unreadable: string | undefined, planAttempt: number): PlatformResult {
  if (unreadable !== undefined) return { status: 'missing', leg: leg.id, reason: `its status record cannot be read (${unreadable})` };
  if (!record) return { status: 'missing', leg: leg.id, reason: 'its job left no status record (the runner was lost, or the run was cancelled before the job ran)' };
  if (record.run.attempt < planAttempt) {
    return {
      status: 'missing',
      leg: leg.id,
      attempt: record.run.attempt,
      reason: `its only status record is from run attempt ${record.run.attempt}, before this run's plan (attempt ${planAttempt}): the leg did not report in this attempt`,
    };
  }
  if (record.recipe !== leg.recipe || record.platform !== leg.platform || (leg.version !== null && record.version !== leg.version)) {
    return {
      status: 'missing',
      leg: leg.id,
      attempt: record.run.attempt,
      reason: `its status record describes ${record.recipe} ${record.version ?? '(no version)'} on ${record.platform}, not the planned ${leg.recipe} ${leg.version ?? '(no version)'} on ${leg.platform}`,
    };
  }
  if (record.status === 'success' && record.artifact) {
    return { status: 'built', leg: leg.id, attempt: record.run.attempt, artifactId: record.artifact.id, ...(record.artifact.sha256 ? { sha256: record.artifact.sha256 } : {}) };
  }
  const status = record.status === 'cancelled' ? 'cancelled' : 'failed';
  return { status, leg: leg.id, attempt: record.run.attempt, reason: `${record.reason ?? 'failed'} (${describeRun(record)})` };
}

function wholeAtLeastOne(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new UserError(ScheduleErrorCode.Option, `${name} must be a whole number of at least 1, got ${value}`, { hint: 'how many platforms a recipe version needs to be published, 1 to 4' });
  }
  return value;
}

/**
 * Every recipe and platform of the run with its outcome, the decision per
 * recipe version (`minPlatforms` counts the platforms available after this
 * run: built now or published before), the per-platform status, the
 * artifacts to publish and the failures to list.
 */
export function collectRun(input: CollectRunInput): CollectedRun {
  const { plan } = input;
  const minPlatforms = wholeAtLeastOne('minPlatforms', input.minPlatforms ?? 1);
  const byLeg = new Map<string, LegRecord>();
  // Of two records of one leg (should not happen: one file per leg), the newer attempt wins.
  for (const r of input.records) if ((byLeg.get(r.leg)?.run.attempt ?? 0) < r.run.attempt) byLeg.set(r.leg, r);
  const unreadable = new Map((input.unreadable ?? []).map((u) => [u.leg, u.message]));

  type Entry = { recipe: string; version: string | null; platforms: Partial<Record<Platform, PlatformResult>>; published: Set<Platform> };
  const recipes = new Map<string, Entry>();
  const entry = (recipe: string, version: string | null): Entry => {
    let e = recipes.get(recipe);
    if (!e) {
      e = { recipe, version, platforms: {}, published: new Set() };
      recipes.set(recipe, e);
    }
    if (e.version === null && version !== null) e.version = version;
    return e;
  };
  const results = new Map<string, PlatformResult>();
  for (const leg of plan.legs) {
    const result = legResult(leg, byLeg.get(leg.id), unreadable.get(leg.id), plan.runAttempt);
    results.set(leg.id, result);
    entry(leg.recipe, leg.version).platforms[leg.platform] = result;
  }
  // A failed leg that builds on a failed leg says so: the first failure is the one to fix.
  for (const leg of plan.legs) {
    const result = results.get(leg.id) as PlatformResult;
    if (result.status === 'built') continue;
    const failedNeeds = leg.needs.filter((n) => results.get(n) !== undefined && results.get(n)?.status !== 'built');
    if (failedNeeds.length > 0) result.reason = `${result.reason ?? ''}; it builds on ${failedNeeds.join(', ')}, which did not build either`;
  }
  for (const s of plan.skipped) {
    const e = entry(s.recipe, s.version);
    e.platforms[s.platform] = { status: 'available', reason: s.reason };
    e.published.add(s.platform);
  }
  for (const p of plan.published) {
    const e = recipes.get(p.recipe);
    if (e && e.version === p.version) for (const platform of p.platforms) e.published.add(platform);
  }
  for (const x of plan.excluded) entry(x.recipe, null).platforms[x.platform] = { status: 'excluded', reason: x.reason };

  const out: RecipeResult[] = [];
  const artifactIds: string[] = [];
  const failures: CollectedFailure[] = [];
  for (const e of [...recipes.values()].sort((a, b) => a.recipe.localeCompare(b.recipe))) {
    const results = Object.entries(e.platforms) as [Platform, PlatformResult][];
    const buildable = plan.platforms.filter((p) => e.platforms[p]?.status !== 'excluded').length;
    const built = results.filter(([, r]) => r.status === 'built').map(([p]) => p);
    const available = new Set([...built, ...e.published]).size;
    const required = Math.min(minPlatforms, buildable);
    const ran = results.some(([, r]) => r.leg !== undefined);
    const decision: RecipeResult['decision'] = !ran ? 'unchanged' : available >= Math.max(required, 1) ? 'publish' : 'held-back';
    if (decision === 'publish') {
      for (const [platform, r] of results) {
        if (r.status === 'built' && r.artifactId) artifactIds.push(r.artifactId);
        if (e.version === null) continue;
        if (r.status === 'failed' || r.status === 'cancelled' || r.status === 'missing') failures.push({ name: e.recipe, version: e.version, platform, reason: r.reason ?? r.status });
        if (r.status === 'excluded') failures.push({ name: e.recipe, version: e.version, platform, reason: `cannot be built for ${platform}: ${r.reason ?? 'excluded'}` });
      }
    }
    out.push({ recipe: e.recipe, version: e.version, decision, available, required, platforms: Object.fromEntries(PLATFORMS.filter((p) => e.platforms[p]).map((p) => [p, e.platforms[p]])) });
  }

  const platforms = Object.fromEntries(
    PLATFORMS.map((p): [Platform, PlatformStatus] => {
      const legs = plan.legs.filter((l) => l.platform === p).map((l) => results.get(l.id) as PlatformResult);
      const built = legs.filter((r) => r.status === 'built').length;
      return [p, legs.length === 0 ? 'none' : built === legs.length ? 'success' : built === 0 ? 'failure' : 'partial'];
    }),
  ) as Record<Platform, PlatformStatus>;
  const all = [...results.values()];
  return {
    schemaVersion: 1,
    minPlatforms,
    recipes: out,
    platforms,
    artifactIds: artifactIds.sort((a, b) => a.localeCompare(b)),
    failures,
    publish: artifactIds.length > 0 || failures.length > 0,
    counts: {
      legs: plan.legs.length,
      built: all.filter((r) => r.status === 'built').length,
      failed: all.filter((r) => r.status !== 'built').length,
      available: plan.skipped.length,
      excluded: plan.excluded.length,
      heldBack: out.filter((r) => r.decision === 'held-back').length,
    },
  };
}
