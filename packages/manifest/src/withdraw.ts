/**
 * Withdrawing a bad build: pure, on the published entries. A withdrawn
 * revision stays listed with its digests (so its name, version, platform and
 * revision can never name other bytes), marked with the reason and the time;
 * readers skip it and `fetch` refuses it with the reason. A platform whose
 * every revision is withdrawn shows as `withdrawn`; one that has an older
 * revision left that is not withdrawn shows that one as available again.
 * A fixed build is then published as a new revision.
 */
import { PLATFORMS, UserError } from '@potions/core';
import type { Platform } from '@potions/core';
import { z } from 'zod';
import { ManifestErrorCode } from './errors';
import { entryFromRevisions, revisionsOf } from './revisions';
import { PackageNameSchema, PlatformSchema, RevisionNumberSchema, VersionSchema, formatIssues } from './schema';
import type { FileRef, ManifestPackages } from './schema';
import type { ManifestChange } from './merge';

export const WithdrawRequestSchema = z.strictObject({
  name: PackageNameSchema,
  version: VersionSchema,
  /** Absent: every platform of the version that has a build. */
  platform: PlatformSchema.optional(),
  /** Absent: every revision of the platform(s). */
  revision: RevisionNumberSchema.optional(),
  reason: z.string().trim().min(1, 'a reason for people to read').max(2000),
});
export type WithdrawRequest = z.infer<typeof WithdrawRequestSchema>;

/** One revision withdrawn, with every file it names (what a CDN purge needs). */
export interface WithdrawnBuild {
  name: string;
  version: string;
  platform: Platform;
  revision: number;
  reason: string;
  files: FileRef[];
}

export interface WithdrawResult {
  packages: ManifestPackages;
  changes: ManifestChange[];
  /** Revisions this call withdrew (not those that already were). */
  withdrawn: WithdrawnBuild[];
  /** Revisions asked for that were withdrawn already (nothing to do). */
  alreadyWithdrawn: { name: string; version: string; platform: Platform; revision: number }[];
}

/** Check withdrawal requests (from a command line, an action input, JSON); `source` names them in errors. */
export function assertWithdrawRequests(value: unknown, source = 'the withdrawal'): WithdrawRequest[] {
  const parsed = z.array(WithdrawRequestSchema).safeParse(value);
  if (!parsed.success) {
    throw new UserError(ManifestErrorCode.WithdrawInvalid, `${source}: ${formatIssues(parsed.error)}`, {
      location: { field: parsed.error.issues[0]?.path.map(String).join('.') },
      hint: 'each withdrawal is {"name", "version", "platform" (optional), "revision" (optional), "reason"}',
    });
  }
  return parsed.data;
}

/** Every file a revision names. */
function filesOf(r: ReturnType<typeof revisionsOf>[number]): FileRef[] {
  return [
    ...r.artifacts.flatMap((a) => [{ file: a.file, sha256: a.sha256, size: a.size, urls: a.urls }, ...(a.signatureBundle ? [a.signatureBundle] : [])]),
    r.metadata,
    ...(r.sboms ?? []).map((s) => ({ file: s.file, sha256: s.sha256, size: s.size, urls: s.urls })),
    ...(r.provenance ? [r.provenance] : []),
  ];
}

export function withdrawEntries(packages: ManifestPackages, requests: readonly WithdrawRequest[], now: Date): WithdrawResult {
  const out = structuredClone(packages);
  const changes: ManifestChange[] = [];
  const withdrawn: WithdrawnBuild[] = [];
  const alreadyWithdrawn: WithdrawResult['alreadyWithdrawn'] = [];
  for (const request of assertWithdrawRequests(requests)) {
    const { name, version } = request;
    const versions = out[name];
    if (!versions) {
      throw new UserError(ManifestErrorCode.NotFound, `the manifest has no package "${name}" to withdraw`, {
        hint: `it has: ${Object.keys(out).sort().slice(0, 20).join(', ') || 'no packages'}`,
      });
    }
    const platforms = versions[version];
    if (!platforms) {
      throw new UserError(ManifestErrorCode.NotFound, `the manifest has no version ${version} of ${name} to withdraw`, {
        hint: `published versions: ${Object.keys(versions).slice(0, 20).join(', ')}`,
      });
    }
    const targets = request.platform ? [request.platform] : PLATFORMS.filter((p) => revisionsOf(platforms[p]).length > 0);
    if (targets.length === 0) {
      throw new UserError(ManifestErrorCode.NotFound, `${name}@${version} has no build on any platform: there is nothing to withdraw`);
    }
    for (const platform of targets) {
      const revisions = revisionsOf(platforms[platform]);
      const where = `${name}@${version} ${platform}`;
      if (revisions.length === 0) {
        const entry = platforms[platform];
        throw new UserError(ManifestErrorCode.NotFound, `${where} has no build to withdraw (${entry?.status === 'unavailable' ? `unavailable: ${entry.reason}` : 'not listed'})`);
      }
      const chosen = request.revision === undefined ? revisions : revisions.filter((r) => r.revision === request.revision);
      if (chosen.length === 0) {
        throw new UserError(ManifestErrorCode.NotFound, `${where} has no revision ${request.revision} (it has ${revisions.map((r) => r.revision).join(', ')})`);
      }
      for (const r of chosen) {
        if (r.withdrawn) {
          alreadyWithdrawn.push({ name, version, platform, revision: r.revision });
          continue;
        }
        r.withdrawn = { reason: request.reason.trim(), withdrawnAt: now.toISOString() };
        withdrawn.push({ name, version, platform, revision: r.revision, reason: r.withdrawn.reason, files: filesOf(r) });
        changes.push({ name, version, platform, kind: 'withdrawn', detail: `revision ${r.revision}: ${r.withdrawn.reason}` });
      }
      platforms[platform] = entryFromRevisions(revisions);
    }
  }
  return { packages: out, changes, withdrawn, alreadyWithdrawn };
}
