/**
 * The summary of a release, assembled by one pure function from what the
 * stages of `runRelease` returned: the mirrors, the builds, the sync result,
 * the publish result, the checks, and how long each stage took. Whether each
 * stage (and so the release) is ok is decided here, from that data.
 */
import type { Platform } from '@potions/core';
import type { ManifestPublishReport, ReleaseRow } from '@potions/manifest';
import type { MirrorConfig, SyncResult } from '@potions/mirrors';
import type { SmokeResult } from './smoke';

export type ReleaseStageName = 'mirrors' | 'build' | 'sync' | 'publish' | 'check';

export interface ReleaseStage {
  name: ReleaseStageName;
  ok: boolean;
  seconds: number;
  /** Why it failed or was skipped. */
  error?: string;
  skipped?: boolean;
}

/** How long a stage ran, and the error that stopped it or why it was skipped (its `ok` is decided from the data). */
export interface StageTiming {
  name: ReleaseStageName;
  seconds: number;
  /** The stage threw this (first line). */
  error?: string;
  /** The stage did not run, for this reason (`disabled` when the caller turned it off). */
  skipped?: string;
}

export interface ReleaseMirror {
  name: string;
  endpoint: string;
  /** Local mode: started for this run (and stopped at its end) rather than a running `mirrors serve`. */
  startedForRun?: boolean;
  uploaded: number;
  present: number;
  failed: number;
  ok: boolean;
  error?: string;
  /** The manifest on this mirror after the publish. */
  manifest?: 'written' | 'unchanged' | 'planned' | 'failed';
  manifestError?: string;
}

/** One recipe's build in a release, as the summary lists it. */
export interface ReleaseBuild {
  name: string;
  version: string;
  platform: Platform;
  /** `built`, `fallback` (source_build used), or `failed`. */
  status: 'built' | 'fallback' | 'failed';
  cached?: boolean;
  method?: string;
  /** The `.tar.gz`: its file name, digest, size and the mirror URLs that verified it. */
  file?: string;
  sha256?: string;
  size?: number;
  urls: string[];
  /** The local build output. */
  artifact?: string;
  step?: string;
  error?: string;
}

export interface ReleaseCheck {
  name: string;
  version: string;
  ok: boolean;
  mirror?: string;
  seconds?: number;
  smoke: SmokeResult[];
  error?: string;
}

export interface ReleaseSummary {
  /** Every requested build succeeded, was published and (unless disabled) checked. */
  ok: boolean;
  mode: 'local' | 'config';
  platform: Platform;
  /** The first mirror's `manifest.json`; `manifestUrls` has every mirror's. */
  manifestUrl: string | undefined;
  manifestUrls: { mirror: string; url: string }[];
  manifestVersion: number | undefined;
  /** A new manifest version was written (false: the mirrors already held this content). */
  manifestChanged: boolean;
  /** Local mode: the public key `potions fetch` trusts. */
  trustedKeyFile?: string;
  /** Local mode: whether the mirrors still serve after this run (a running `mirrors serve`). */
  mirrorsRunning?: boolean;
  /** Local mode: the mirrors were started for this run and are stopped now: the manifest and artifact URLs no longer answer. */
  mirrorsStopped?: boolean;
  mirrors: ReleaseMirror[];
  packages: ReleaseBuild[];
  /** Every platform of every released package version, as the manifest now lists it. */
  manifest: ReleaseRow[];
  checks: ReleaseCheck[];
  stages: ReleaseStage[];
  warnings: string[];
}

/** What the stages of a release returned: plain data. */
export interface ReleaseFacts {
  mode: 'local' | 'config';
  platform: Platform;
  trustedKeyFile?: string | undefined;
  mirrors: {
    configs: readonly Pick<MirrorConfig, 'name' | 'endpoint'>[];
    /** Local mode: whether the mirrors were started for this run (false: a running `mirrors serve`). */
    startedForRun?: boolean | undefined;
  };
  /** One row per recipe, `urls` still empty (filled here from the sync). */
  packages: readonly ReleaseBuild[];
  sync?: Pick<SyncResult, 'policyMet' | 'minMirrors' | 'mirrors' | 'objects'>;
  published?: {
    report: Pick<ManifestPublishReport, 'ok' | 'changed' | 'version' | 'mirrors'>;
    rows: readonly ReleaseRow[];
    manifestUrls: readonly { mirror: string; url: string }[];
  };
  checks: readonly ReleaseCheck[];
  /** Every stage that ran or was skipped, in order. */
  timings: readonly StageTiming[];
  warnings: readonly string[];
}

const REASON_MAX = 500;

/** A message on one line (it goes into the manifest and a table), at most REASON_MAX characters. */
export function firstLine(s: string): string {
  const line = s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  return line.length > REASON_MAX ? `${line.slice(0, REASON_MAX - 3)}...` : line;
}

/** Why a publish left no manifest on any mirror. */
export function noManifestWritten(report: Pick<ManifestPublishReport, 'mirrors'>): string {
  const why = report.mirrors.map((m) => `${m.name}: ${m.error?.message ?? m.status}`).join('; ');
  return `the manifest reached no mirror${why ? `: ${why}` : ''}`;
}

/** Why a build stage is not ok: some builds failed, or none succeeded (then with their reasons). */
function buildError(packages: readonly ReleaseBuild[]): string | undefined {
  const failed = packages.filter((p) => p.status === 'failed');
  if (failed.length === 0) return undefined;
  if (failed.length < packages.length) return `${failed.length} build(s) failed`;
  const reasons = failed.map((p) => `${p.name} ${p.version} ${p.platform}: build failed${p.step ? ` (${p.step})` : ''}: ${p.error ?? 'unknown error'}`);
  return firstLine(`nothing was built: ${reasons.join('; ')}`);
}

function stageOf(t: StageTiming, facts: ReleaseFacts): ReleaseStage {
  const base = { name: t.name, seconds: t.seconds };
  if (t.skipped !== undefined) return { ...base, ok: false, skipped: true, error: t.skipped };
  if (t.error !== undefined) return { ...base, ok: false, error: t.error };
  let error: string | undefined;
  if (t.name === 'build') error = buildError(facts.packages);
  else if (t.name === 'sync' && facts.sync && !facts.sync.policyMet) {
    const short = facts.sync.objects.filter((o) => !o.policyMet).length;
    error = `${short} file(s) on fewer than ${facts.sync.minMirrors} mirror(s)`;
  } else if (t.name === 'publish' && facts.published && !facts.published.report.ok) error = noManifestWritten(facts.published.report);
  else if (t.name === 'check') {
    const bad = facts.checks.filter((c) => !c.ok).length;
    if (bad > 0) error = `${bad} check(s) failed`;
  }
  return { ...base, ok: error === undefined, ...(error !== undefined ? { error } : {}) };
}

function mirrorRow(m: Pick<MirrorConfig, 'name' | 'endpoint'>, facts: ReleaseFacts): ReleaseMirror {
  const synced = facts.sync?.mirrors.find((r) => r.mirror === m.name);
  const manifest = facts.published?.report.mirrors.find((r) => r.name === m.name);
  return {
    name: m.name,
    endpoint: m.endpoint,
    ...(facts.mirrors.startedForRun !== undefined ? { startedForRun: facts.mirrors.startedForRun } : {}),
    uploaded: synced?.uploaded ?? 0,
    present: synced ? synced.uploaded + synced.skipped : 0,
    failed: synced?.failed ?? 0,
    ok: synced?.ok ?? false,
    ...(synced?.error ? { error: synced.error } : {}),
    ...(manifest ? { manifest: manifest.status, ...(manifest.error ? { manifestError: manifest.error.message } : {}) } : {}),
  };
}

/** The release summary from what its stages returned. Pure: no I/O, no clock. */
export function summarizeRelease(facts: ReleaseFacts): ReleaseSummary {
  const stages = facts.timings.map((t) => stageOf(t, facts));
  const packages = facts.packages.map((p): ReleaseBuild => {
    const o = facts.sync?.objects.find((x) => x.name === p.file && x.sha256 === p.sha256);
    return { ...p, urls: o ? o.mirrors.filter((m) => m.present).map((m) => m.url) : [] };
  });
  const report = facts.published?.report;
  // Only the mirrors that hold the manifest now are where a reader finds it.
  const holding = new Set(report?.mirrors.filter((m) => m.status === 'written' || m.status === 'unchanged').map((m) => m.name));
  const manifestUrls = (facts.published?.manifestUrls ?? []).filter((u) => holding.has(u.mirror)).map((u) => ({ ...u }));
  const local = facts.mode === 'local' && facts.mirrors.startedForRun !== undefined;
  return {
    ok: stages.every((s) => s.ok || (s.skipped === true && s.error === 'disabled')),
    mode: facts.mode,
    platform: facts.platform,
    manifestUrl: manifestUrls[0]?.url,
    manifestUrls,
    manifestVersion: report?.ok ? report.version : undefined,
    manifestChanged: report?.ok ? report.changed : false,
    ...(facts.trustedKeyFile !== undefined ? { trustedKeyFile: facts.trustedKeyFile } : {}),
    ...(local ? { mirrorsRunning: !facts.mirrors.startedForRun, mirrorsStopped: facts.mirrors.startedForRun === true } : {}),
    mirrors: facts.mirrors.configs.map((m) => mirrorRow(m, facts)),
    packages,
    manifest: [...(facts.published?.rows ?? [])],
    checks: [...facts.checks],
    stages,
    warnings: [...facts.warnings],
  };
}
