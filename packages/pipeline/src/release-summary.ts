/**
 * The summary of a release, assembled by one pure function from what the
 * stages of `runRelease` returned: the mirrors, the builds with what the
 * smoke test, SBOM, scan and signing stages said of each, the sync result,
 * the publish result, the checks, and how long each stage took. Whether each
 * stage (and so the release) is ok is decided here, from that data.
 */
import type { Severity } from '@potions/sbom';
import type { Platform } from '@potions/core';
import type { ManifestPublishReport, ReleaseRow } from '@potions/manifest';
import type { MirrorConfig, SyncResult } from '@potions/mirrors';

export const RELEASE_STAGES = ['mirrors', 'build', 'smoke', 'sbom', 'scan', 'sign', 'sync', 'publish', 'check'] as const;
export type ReleaseStageName = (typeof RELEASE_STAGES)[number];

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

/** The smoke test of one build (`@potions/inspect`'s report, in short). */
export interface ReleaseSmoke {
  /**
   * `passed`: the static checks and every command passed; `not-run`: the
   * static checks passed but this machine cannot run the platform's programs
   * (`reason` says why; not a failure, never a silent pass); `failed`: `reason`.
   */
  status: 'passed' | 'failed' | 'not-run';
  reason?: string;
  /** passed: how the commands ran (natively, or through an emulator). */
  runner?: 'native' | 'qemu' | 'rosetta';
  commands: { argv: string[]; ok: boolean; error?: string }[];
  files: number;
  errors: number;
  warnings: number;
  /** The system libraries the binaries load (the SBOM lists them). */
  systemLibraries: string[];
}

/** An SBOM written beside the artifact. */
export interface ReleaseSbom {
  format: 'cyclonedx' | 'spdx';
  /** File name (beside the artifact). */
  file: string;
  sha256: string;
  size: number;
}

/** The vulnerability scan of one build's SBOMs. */
export interface ReleaseScan {
  /**
   * `passed`/`failed` against the threshold; `skipped`: the recipe turned
   * scanning off; `not-run`: no scanner was available (local mode only).
   */
  status: 'passed' | 'failed' | 'skipped' | 'not-run';
  /** skipped, not-run: why; failed: the findings that fail. */
  reason?: string;
  scanner?: string;
  failOn: string;
  findings: number;
  failing: number;
  allowed: number;
  /** The highest severity among findings that are not allowed (`none` when there is none). */
  maxSeverity: Severity;
  /** When the scan ran (ISO 8601); absent when it did not. */
  scannedAt?: string;
  /** The findings that fail, most severe first. */
  failures: { id: string; severity: string; package: string; version?: string }[];
}

/** The signatures of one build. */
export interface ReleaseSignature {
  kind: 'key' | 'keyless';
  /** File names of the bundles: each archive's, and the provenance's. */
  bundles: string[];
  /** Key signing: the key id. */
  keyId?: string;
  /** Keyless: the certificate identity (SAN). */
  identity?: string;
  /** Bundles of an earlier run kept (the same key over the same bytes), not signed again. */
  reused: number;
}

/** The stage that kept a build from being published. */
export type WithheldBy = 'smoke' | 'sbom' | 'scan';

/** One recipe's build in a release, and what each later stage said of it. */
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
  smoke?: ReleaseSmoke;
  sboms?: ReleaseSbom[];
  scan?: ReleaseScan;
  signature?: ReleaseSignature;
  /** Not published, and why: the reason the manifest lists for the platform. */
  withheld?: string;
  withheldBy?: WithheldBy;
  /** The names of every file the sync uploads for this build (archives, metadata, SBOMs, bundles). */
  files?: string[];
  /** Filled by the summary: the mirrors that hold every one of `files`. */
  syncedTo?: string[];
  /** Filled by the summary: how the manifest lists this platform after the publish. */
  published?: 'available' | 'unavailable' | 'withdrawn';
}

export interface ReleaseCheck {
  name: string;
  version: string;
  platform?: Platform;
  ok: boolean;
  mirror?: string;
  seconds?: number;
  /** The artifact's signature as the fetch verified it (absent: the fetch did not verify one). */
  signature?: { kind: string; keyId?: string; identity?: string };
  error?: string;
}

/** Who signed the artifacts. */
export interface ReleaseSigner {
  kind: 'key' | 'keyless';
  description: string;
  /** Key signing: the public key file verifiers trust (local key). */
  publicKeyFile?: string;
  keyId?: string;
}

export interface ReleaseSummary {
  /** Every requested build succeeded, passed its checks, was published and (unless disabled) fetched back. */
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
  /** Local mode on throw-away ports: the mirrors' data (and so this manifest) was removed at the end of the run. */
  mirrorsThrowaway?: boolean;
  /** Who signed the artifacts (absent when nothing got as far as signing). */
  signer?: ReleaseSigner;
  /** The vulnerability scanner of this release, or why none ran. */
  scanner?: string;
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
    /** Local mode: throw-away mirrors (ephemeral ports, data removed at the end of the run). */
    throwaway?: boolean | undefined;
  };
  /** One row per recipe, `urls`, `syncedTo` and `published` still empty (filled here). */
  packages: readonly ReleaseBuild[];
  signer?: ReleaseSigner | undefined;
  scanner?: string | undefined;
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

/** `greet 1.0.0 linux-amd64` */
export function buildLabel(p: Pick<ReleaseBuild, 'name' | 'version' | 'platform'>): string {
  return `${p.name} ${p.version} ${p.platform}`;
}

/** Why a build stage is not ok: some builds failed, or none succeeded (then with their reasons). */
function buildError(packages: readonly ReleaseBuild[]): string | undefined {
  const failed = packages.filter((p) => p.status === 'failed');
  if (failed.length === 0) return undefined;
  if (failed.length < packages.length) return `${failed.length} build(s) failed`;
  const reasons = failed.map((p) => `${buildLabel(p)}: build failed${p.step ? ` (${p.step})` : ''}: ${p.error ?? 'unknown error'}`);
  return firstLine(`nothing was built: ${reasons.join('; ')}`);
}

/** Why a checking stage (smoke, sbom, scan) is not ok: the builds it withheld, with their reasons. */
function withheldError(packages: readonly ReleaseBuild[], stage: WithheldBy): string | undefined {
  const held = packages.filter((p) => p.withheldBy === stage);
  if (held.length === 0) return undefined;
  return firstLine(`${held.length} build(s) withheld: ${held.map((p) => `${buildLabel(p)}: ${p.withheld}`).join('; ')}`);
}

function stageOf(t: StageTiming, facts: ReleaseFacts): ReleaseStage {
  const base = { name: t.name, seconds: t.seconds };
  if (t.skipped !== undefined) return { ...base, ok: false, skipped: true, error: t.skipped };
  if (t.error !== undefined) return { ...base, ok: false, error: t.error };
  let error: string | undefined;
  if (t.name === 'build') error = buildError(facts.packages);
  else if (t.name === 'smoke' || t.name === 'sbom' || t.name === 'scan') error = withheldError(facts.packages, t.name);
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

/** The row with what the sync and the publish did for it: URLs, the mirrors holding all its files, its manifest status. */
function packageRow(p: ReleaseBuild, facts: ReleaseFacts): ReleaseBuild {
  const objects = facts.sync?.objects ?? [];
  const o = objects.find((x) => x.name === p.file && x.sha256 === p.sha256);
  const urls = o ? o.mirrors.filter((m) => m.present).map((m) => m.url) : [];
  const row: ReleaseBuild = { ...p, urls };
  if (p.files && p.files.length > 0 && objects.length > 0) {
    const mine = p.files.map((f) => objects.find((x) => x.name === f));
    if (mine.every((x) => x !== undefined)) {
      row.syncedTo = facts.mirrors.configs.map((m) => m.name).filter((name) => mine.every((x) => x!.mirrors.some((m) => m.mirror === name && m.present)));
    }
  }
  const listed = facts.published?.report.ok ? facts.published.rows.find((r) => r.name === p.name && r.version === p.version && r.platform === p.platform) : undefined;
  if (listed) row.published = listed.status;
  return row;
}

/** The release summary from what its stages returned. Pure: no I/O, no clock. */
export function summarizeRelease(facts: ReleaseFacts): ReleaseSummary {
  const stages = facts.timings.map((t) => stageOf(t, facts));
  const packages = facts.packages.map((p) => packageRow(p, facts));
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
    ...(local && facts.mirrors.throwaway ? { mirrorsThrowaway: true } : {}),
    ...(facts.signer ? { signer: { ...facts.signer } } : {}),
    ...(facts.scanner !== undefined ? { scanner: facts.scanner } : {}),
    mirrors: facts.mirrors.configs.map((m) => mirrorRow(m, facts)),
    packages,
    manifest: [...(facts.published?.rows ?? [])],
    checks: [...facts.checks],
    stages,
    warnings: [...facts.warnings],
  };
}
