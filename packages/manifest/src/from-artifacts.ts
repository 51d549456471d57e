/**
 * From what the earlier jobs left behind to a `ReleaseInput`: the builder's
 * `<artifact>.json` files (what was built, how, with which digests), the
 * result of mirror-sync (which mirror verified which file, under which URL),
 * the platforms that were asked for, and the failures the build jobs
 * reported. `releaseFromArtifacts` is pure; the readers next to it turn files
 * and action inputs into its arguments with messages that name the file.
 *
 * The metadata (`@potions/core` `ArtifactMetadataViewSchema`) and sync-result
 * schemas here are the consumer's view: only the fields the manifest needs are
 * checked, the rest passes through, so the builder and mirror-sync can add
 * fields without breaking publishing.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ArtifactMetadataViewSchema, PLATFORMS, UserError, errorMessage } from '@potions/core';
import type { ArtifactMetadataView } from '@potions/core';
import type { Platform } from '@potions/core';
import type { SyncResult } from '@potions/mirrors';
import { z } from 'zod';
import { ManifestErrorCode } from './errors';
import { NOT_BUILT_REASON } from './release';
import type { ReleaseFile, ReleaseInput, ReleasePlatformInput } from './release';
import { ChecksSchema, PackageNameSchema, PlatformSchema, Sha256Schema, VersionSchema, formatIssues } from './schema';
import type { ArtifactFormat } from './schema';

/** `<name>-<version>-<platform>.tar.gz.json` (or `.tar.zst.json`): the builder's metadata files. */
export const ARTIFACT_METADATA_FILE = /\.tar\.(gz|zst)\.json$/;

/**
 * The fields of `<artifact>.json` the manifest uses: `@potions/core`'s view of
 * the one metadata schema the builder writes with.
 */
export type { ArtifactMetadataView };

/** One `<artifact>.json` as read from disk: its name, digest and size (it is published too) and its parsed JSON. */
export interface ArtifactMetadataFile {
  /** The path it was read from (its base name is the published file name). */
  file: string;
  sha256: string;
  size: number;
  data: unknown;
}

/** What was checked before a build was published (smoke test, scan), for the manifest's `checks`. */
export const BuildChecksSchema = z.strictObject({
  name: PackageNameSchema,
  version: VersionSchema,
  platform: PlatformSchema,
  checks: ChecksSchema,
});
export type BuildChecks = z.infer<typeof BuildChecksSchema>;

/** A platform the build jobs could not build, and why (from a failed matrix job). */
export const BuildFailureSchema = z.strictObject({
  name: PackageNameSchema,
  version: VersionSchema,
  platform: PlatformSchema,
  reason: z.string().min(1),
});
export type BuildFailure = z.infer<typeof BuildFailureSchema>;

const SyncObjectSchema = z.looseObject({
  name: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: Sha256Schema,
  mirrors: z.array(
    z.looseObject({
      mirror: z.string().min(1),
      present: z.boolean(),
      url: z.string(),
    }),
  ),
});

/** The fields of a mirror-sync `SyncResult` (`potions mirrors sync --json`) the manifest uses. */
export const SyncResultViewSchema = z.looseObject({
  version: z.literal(1),
  minMirrors: z.number().int().min(1),
  policyMet: z.boolean(),
  mirrors: z.array(z.looseObject({ mirror: z.string().min(1) })),
  objects: z.array(SyncObjectSchema),
});

export interface ReleaseFromArtifactsInput {
  /** Every `<artifact>.json` of the release. */
  metadata: readonly ArtifactMetadataFile[];
  /**
   * What mirror-sync did with the artifacts folder (the metadata files
   * included). Absent when nothing was synced because no build succeeded:
   * then only failures can be published.
   */
  sync?: SyncResult;
  /** Where `sync` came from, for messages. */
  syncSource?: string;
  /** The platforms the release asked for: each one without an artifact is listed as unavailable. */
  platforms?: readonly Platform[];
  /** Platforms that failed to build, with the reason to list. */
  failures?: readonly BuildFailure[];
  /** What was checked before each build was published (by name, version and platform). */
  checks?: readonly BuildChecks[];
  /** Refuse a sync result whose policy was not met (default true). */
  requirePolicy?: boolean;
  /** Where `metadata` came from (the artifacts folder), for messages. */
  artifactsSource?: string;
  /**
   * Accept a release with no build metadata and no failures (nothing to list:
   * only renews the manifest). Default false: that is almost always the wrong folder.
   */
  allowEmpty?: boolean;
}

export interface ReleaseFromArtifacts {
  release: ReleaseInput;
  warnings: string[];
  /** Which mirror each URL of the release is on (for reports). */
  mirrorOfUrl: Record<string, string>;
}

const FORMATS: { key: 'tarGz' | 'tarZst'; format: ArtifactFormat }[] = [
  { key: 'tarGz', format: 'tar.gz' },
  { key: 'tarZst', format: 'tar.zst' },
];

/** Companion files found by name next to an artifact in the sync result. */
const SBOM_SUFFIXES: { suffix: string; format: string }[] = [
  { suffix: '.cdx.json', format: 'cyclonedx-json' },
  { suffix: '.spdx.json', format: 'spdx-json' },
];
const SIGNATURE_BUNDLE_SUFFIX = '.sigstore.json';
/** `<name>-<version>-<platform>.provenance.sigstore.json`: the signed build provenance (`provenanceBundleName` of @potions/signing). */
const PROVENANCE_SUFFIX = '.provenance.sigstore.json';

const REASON_MAX = 2000;

/** The sync of nothing: what a release with no build to sync stands on. */
const NOTHING_SYNCED: SyncResult = { version: 1, minMirrors: 1, policyMet: true, mirrors: [], objects: [] };

function invalid(message: string, file: string | undefined, field?: string, hint?: string): UserError {
  return new UserError(ManifestErrorCode.ReleaseInvalid, message, { location: { file, field }, ...(hint ? { hint } : {}) });
}

/** Check a sync result (a `SyncResult` object or JSON read from a file); `source` names it in messages. */
export function assertSyncResult(value: unknown, source = 'the sync result'): SyncResult {
  if (typeof value === 'object' && value !== null && (value as { dryRun?: unknown }).dryRun === true) {
    throw invalid(`${source} is the plan of a dry run, not the result of a sync`, source, undefined, 'sync the artifacts for real (not as a dry run) first');
  }
  const parsed = SyncResultViewSchema.safeParse(value);
  if (!parsed.success) {
    throw invalid(
      `${source} is not a mirror-sync result: ${formatIssues(parsed.error)}`,
      source,
      parsed.error.issues[0]?.path.map(String).join('.'),
      'pass the result mirror-sync wrote for the artifacts folder',
    );
  }
  return value as SyncResult;
}

/**
 * The release the artifacts and the sync result describe. Every artifact gets
 * the URLs of the mirrors where the sync left it present and read back (an
 * upload verified in this run, or the same content-addressed key already
 * there from an earlier verified run), in the sync result's mirror order,
 * which is the configuration's priority order.
 */
export function releaseFromArtifacts(input: ReleaseFromArtifactsInput): ReleaseFromArtifacts {
  const syncSource = input.syncSource ?? 'the sync result';
  const sync = input.sync === undefined ? NOTHING_SYNCED : assertSyncResult(input.sync, syncSource);
  const warnings: string[] = [];
  if (!sync.policyMet && input.requirePolicy !== false) {
    const short = sync.objects.filter((o) => o.presentOn.length < sync.minMirrors).map((o) => o.name);
    throw new UserError(
      ManifestErrorCode.SyncPolicyNotMet,
      `${syncSource}: the mirror policy was not met (${short.length} file(s) on fewer than ${sync.minMirrors} mirror(s): ${short.slice(0, 5).join(', ')}${short.length > 5 ? ', ...' : ''})`,
      { location: { file: syncSource, field: 'policyMet' }, hint: 'run mirror-sync again once the mirrors are reachable; it uploads only what is missing' },
    );
  }

  const artifactsSource = input.artifactsSource ?? 'the artifacts';
  if (input.metadata.length === 0 && (input.failures ?? []).length === 0 && input.allowEmpty !== true) {
    throw invalid(
      `${artifactsSource} holds no build metadata (<artifact>.tar.gz.json) and no failures were given: there is nothing to publish`,
      undefined,
      undefined,
      'pass the folder the builder wrote its artifacts and their .json files to (the folder that was synced); a release whose every build failed passes the failures',
    );
  }

  const mirrorOrder = new Map(sync.mirrors.map((m, i) => [m.mirror, i]));
  const mirrorOfUrl: Record<string, string> = {};
  const objects = new Map<string, SyncResult['objects'][number][]>();
  for (const o of sync.objects) {
    const list = objects.get(o.name) ?? [];
    list.push(o);
    objects.set(o.name, list);
  }
  /** The file as the release lists it: its digest and the URLs of every mirror that holds it. */
  /** Whether the sync result names any file of the build metadata (else the two inputs do not belong together). */
  let named = false;
  const releaseFile = (file: string, sha256: string | undefined, size: number | undefined, where: string): ReleaseFile | undefined => {
    const candidates = objects.get(file) ?? [];
    if (candidates.length > 0 && sha256 !== undefined) named = true;
    const o = sha256 === undefined ? candidates[0] : candidates.find((c) => c.sha256 === sha256);
    if (!o) {
      if (sha256 !== undefined && candidates.length > 0) {
        throw invalid(
          `${where}: ${file} has sha256 ${sha256}, but ${syncSource} synced a ${file} with sha256 ${candidates[0]!.sha256}`,
          where,
          undefined,
          'the artifacts folder and the sync result come from different builds: sync the folder you publish',
        );
      }
      return undefined;
    }
    if (size !== undefined && o.size !== size) {
      throw invalid(`${where}: ${file} has ${size} bytes, but ${syncSource} synced ${o.size} bytes with the same sha256`, where);
    }
    const urls = o.mirrors
      .filter((m) => m.present && /^https?:\/\//.test(m.url))
      .sort((a, b) => (mirrorOrder.get(a.mirror) ?? Infinity) - (mirrorOrder.get(b.mirror) ?? Infinity))
      .map((m) => {
        mirrorOfUrl[m.url] = m.mirror;
        return m.url;
      });
    return { file, sha256: o.sha256, size: o.size, urls };
  };

  type Pkg = { name: string; version: string; platforms: Partial<Record<Platform, ReleasePlatformInput>>; files: Partial<Record<Platform, string>> };
  const packages = new Map<string, Pkg>();
  const pkgOf = (name: string, version: string): Pkg => {
    const id = `${name}@${version}`;
    let p = packages.get(id);
    if (!p) {
      p = { name, version, platforms: {}, files: {} };
      packages.set(id, p);
    }
    return p;
  };
  const requested = input.platforms ? new Set<Platform>(input.platforms) : undefined;
  const checksByBuild = new Map<string, BuildChecks['checks']>();
  for (const [i, c] of (input.checks ?? []).entries()) {
    const parsed = BuildChecksSchema.safeParse(c);
    if (!parsed.success) throw invalid(`checks ${i + 1} is not {name, version, platform, checks}: ${formatIssues(parsed.error)}`, undefined, `checks.${i}`);
    checksByBuild.set(`${parsed.data.name}@${parsed.data.version} ${parsed.data.platform}`, parsed.data.checks);
  }
  const checksOf = (name: string, version: string, platform: Platform) => checksByBuild.get(`${name}@${version} ${platform}`);

  for (const meta of input.metadata) {
    const parsed = ArtifactMetadataViewSchema.safeParse(meta.data);
    if (!parsed.success) {
      throw invalid(
        `${meta.file} is not build metadata: ${formatIssues(parsed.error)}`,
        meta.file,
        parsed.error.issues[0]?.path.map(String).join('.'),
        'expected the <artifact>.json written by the builder next to its .tar.gz',
      );
    }
    const m = parsed.data;
    const pkg = pkgOf(m.name, m.version);
    const where = `${m.name}@${m.version} ${m.platform}`;
    const previous = pkg.files[m.platform];
    if (previous !== undefined) {
      throw invalid(`${meta.file} and ${previous} both describe ${where}`, meta.file, undefined, 'keep one build per package, version and platform');
    }
    pkg.files[m.platform] = meta.file;
    if (requested && !requested.has(m.platform)) warnings.push(`${where}: built, though the release did not ask for ${m.platform}; listed anyway`);

    const artifacts: (ReleaseFile & { format: ArtifactFormat; signatureBundle?: ReleaseFile })[] = [];
    for (const { key, format } of FORMATS) {
      const info = m.artifact[key];
      if (!info) continue;
      const ref = releaseFile(path.basename(info.file), info.sha256, info.size, meta.file) ?? {
        file: path.basename(info.file),
        sha256: info.sha256,
        size: info.size,
        urls: [],
      };
      const bundle = releaseFile(`${ref.file}${SIGNATURE_BUNDLE_SUFFIX}`, undefined, undefined, meta.file);
      const artifact = { format, ...ref, ...(bundle ? { signatureBundle: bundle } : {}) };
      artifacts.push(artifact);
    }
    // A format no mirror holds is left out while another is there: the merge adds it once a later sync heals it.
    const verified = artifacts.filter((a) => a.urls.length > 0);
    if (verified.length > 0 && verified.length < artifacts.length) {
      for (const a of artifacts.filter((x) => x.urls.length === 0)) {
        warnings.push(`${where}: no mirror holds a verified copy of ${a.file}; the ${a.format} format is left out`);
      }
    }
    const metadataName = path.basename(meta.file);
    const metadataRef = releaseFile(metadataName, meta.sha256, meta.size, meta.file) ?? {
      file: metadataName,
      sha256: meta.sha256,
      size: meta.size,
      urls: [],
    };
    const base = path.basename(m.artifact.tarGz.file).replace(/\.tar\.gz$/, '');
    const sboms = SBOM_SUFFIXES.flatMap(({ suffix, format }) => {
      const ref = releaseFile(`${base}${suffix}`, undefined, undefined, meta.file);
      return ref ? [{ format, ...ref }] : [];
    });
    const provenance = releaseFile(`${base}${PROVENANCE_SUFFIX}`, undefined, undefined, meta.file);
    const checks = checksOf(m.name, m.version, m.platform);
    const builder = m.builder ? `${m.builder.name} ${m.builder.version} on ${m.platform}`.slice(0, 512) : undefined;
    pkg.platforms[m.platform] = {
      status: 'available',
      build: { version: m.version, platform: m.platform, builtAt: m.builtAt, method: m.method, ...(builder ? { builder } : {}) },
      artifacts: verified.length > 0 ? verified : artifacts,
      metadata: metadataRef,
      ...(sboms.length > 0 ? { sboms } : {}),
      ...(provenance ? { provenance } : {}),
      ...(checks ? { checks } : {}),
    };
  }

  if (input.metadata.length > 0 && !named) {
    const files = input.metadata.map((m) => path.basename(m.file));
    throw invalid(
      `${syncSource} names none of the ${files.length} build(s) in ${artifactsSource} (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', ...' : ''}): the sync result and the artifacts do not belong together`,
      undefined,
      undefined,
      'sync the folder you publish and pass the result of that sync',
    );
  }

  for (const [i, failure] of (input.failures ?? []).entries()) {
    const parsed = BuildFailureSchema.safeParse(failure);
    if (!parsed.success) throw invalid(`failure ${i + 1} is not {name, version, platform, reason}: ${formatIssues(parsed.error)}`, undefined, `failures.${i}`);
    const f = parsed.data;
    const pkg = pkgOf(f.name, f.version);
    const current = pkg.platforms[f.platform];
    if (current?.status === 'available') {
      warnings.push(`${f.name}@${f.version} ${f.platform}: reported as failed, but ${pkg.files[f.platform]} describes a build; listing the build`);
      continue;
    }
    const reason = current?.status === 'unavailable' ? `${current.reason}; ${f.reason}` : f.reason;
    pkg.platforms[f.platform] = { status: 'unavailable', reason: reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX - 3)}...` : reason };
  }

  if (requested) {
    for (const pkg of packages.values()) {
      for (const platform of PLATFORMS) {
        if (requested.has(platform) && pkg.platforms[platform] === undefined) {
          pkg.platforms[platform] = { status: 'unavailable', reason: NOT_BUILT_REASON };
        }
      }
    }
  }

  const release: ReleaseInput = {
    packages: [...packages.values()]
      .sort((a, b) => (a.name === b.name ? (a.version < b.version ? -1 : 1) : a.name < b.name ? -1 : 1))
      .map((p) => ({ name: p.name, version: p.version, platforms: p.platforms })),
  };
  return { release, warnings, mirrorOfUrl };
}

/** An `<artifact>.json` from its bytes; `file` names it in messages. */
export function artifactMetadataFileFromBytes(file: string, bytes: Uint8Array): ArtifactMetadataFile {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw invalid(`${file} is not valid JSON: ${errorMessage(err)}`, file);
  }
  return { file, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, data };
}

/** Every `<artifact>.json` directly in `dir` (`*.tar.gz.json`, `*.tar.zst.json`), sorted by name. */
export async function readArtifactMetadataDir(dir: string): Promise<ArtifactMetadataFile[]> {
  let names: string[];
  try {
    names = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && ARTIFACT_METADATA_FILE.test(e.name)).map((e) => e.name);
  } catch (err) {
    throw invalid(`cannot read the artifacts folder: ${errorMessage(err)}`, dir);
  }
  return Promise.all(names.sort().map(async (n) => artifactMetadataFileFromBytes(path.join(dir, n), new Uint8Array(await fs.readFile(path.join(dir, n))))));
}

/** A sync result saved by the mirror-sync action or `potions mirrors sync --json`. */
export async function readSyncResultFile(file: string): Promise<SyncResult> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw invalid(`cannot read the sync result: ${errorMessage(err)}`, file);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(`${file} is not valid JSON: ${errorMessage(err)}`, file, undefined, 'save only the JSON document of the sync (its messages are not part of it)');
  }
  return assertSyncResult(value, file);
}

/** Failures as JSON text (an action input): a list of `{name, version, platform, reason}`; empty text is none. */
export function buildFailuresFromJson(text: string | undefined, source = 'the failures'): BuildFailure[] {
  if (text === undefined || text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(`${source} is not valid JSON: ${errorMessage(err)}`, undefined, source, 'a JSON list such as [{"name":"jq","version":"1.7.1","platform":"darwin-arm64","reason":"configure failed"}]');
  }
  const parsed = z.array(BuildFailureSchema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${source}: ${formatIssues(parsed.error)}`, undefined, [source, ...(issue?.path.map(String) ?? [])].join('.'), 'each item is {"name", "version", "platform", "reason"}');
  }
  return parsed.data;
}
