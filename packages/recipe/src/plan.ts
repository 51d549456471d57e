import { PLATFORMS, UserError, assertPlatform, type Platform } from '@potions/core';
import { RecipeErrorCode } from './errors';
import { buildOrder } from './graph';
import type { ArtifactSpec, PlatformSpec, Recipe, Sha256Pin } from './model';
import { isSafeVersion, SAFE_TOKEN_HINT } from './names';
import { renderPlatformTemplate, renderTemplate } from './template';

/** One place a download would be tried, in order. */
export interface PlannedAttempt {
  kind: 'http' | 'git';
  url: string;
  /** For git: the tag to check out (git_tag_prefix + version). */
  ref?: string;
  /** The recipe field the URL came from, e.g. `download.mirror`. */
  field: string;
  /** What is fetched: the official binary or the source. */
  artifact: 'binary' | 'source';
  /** True for source_build URLs tried after every official binary URL failed. */
  fallback: boolean;
  /** Pinned SHA-256 of the file, when the recipe pins one for this version. */
  sha256?: string;
  /** Detached signature to verify, when verify_signature is true. */
  signature?: { url: string; keysUrl?: string; fingerprints: string[] };
}

export interface DownloadPlan {
  recipe: string;
  platform: Platform;
  version: string;
  officialBinary: boolean;
  attempts: PlannedAttempt[];
}

function pinFor(pin: Sha256Pin | undefined, version: string): string | undefined {
  if (pin === undefined) return undefined;
  return typeof pin === 'string' ? pin : pin[version];
}

function attemptsOf(
  a: ArtifactSpec,
  render: (t: string) => string,
  opts: { artifact: 'binary' | 'source'; fallback: boolean; sha256?: string; version: string },
): PlannedAttempt[] {
  const signature = a.signature.verify && a.signature.signatureUrl
    ? { url: render(a.signature.signatureUrl), keysUrl: a.signature.keysUrl, fingerprints: a.signature.fingerprints }
    : undefined;
  const common = { artifact: opts.artifact, fallback: opts.fallback, sha256: opts.sha256, signature };
  if (a.method === 'git') {
    return [{ kind: 'git', url: a.gitUrl as string, ref: `${a.gitTagPrefix}${opts.version}`, field: 'download.git_url', ...common }];
  }
  return a.urls.map((u) => ({ kind: 'http', url: render(u.template), field: u.field, ...common }));
}

/**
 * The downloads for one recipe, platform and version, in the order they
 * would be tried: download_url, mirror, mirrors[]; for an official binary the
 * source_build URLs follow, marked as fallback. No network.
 */
export function planDownloads(recipe: Recipe, platformName: string, version: string): DownloadPlan {
  const platform = assertPlatform(platformName);
  if (!isSafeVersion(version)) {
    throw new UserError(RecipeErrorCode.Version, `"${version}" is not a valid version`, { hint: `use ${SAFE_TOKEN_HINT}` });
  }
  const spec: PlatformSpec | undefined = recipe.download.platforms[platform];
  const declared = platform in recipe.download.platforms;
  const attempts: PlannedAttempt[] = [];
  if (declared) {
    attempts.push(
      ...attemptsOf(recipe.download, (t) => renderPlatformTemplate(t, platform, spec, version), {
        artifact: recipe.officialBinary ? 'binary' : 'source',
        fallback: false,
        sha256: pinFor(spec?.sha256, version) ?? pinFor(recipe.download.sha256, version),
        version,
      }),
    );
  }
  if (recipe.officialBinary && recipe.sourceBuild) {
    const sb = recipe.sourceBuild;
    attempts.push(
      ...attemptsOf(sb, (t) => renderTemplate(t, { version: encodeURIComponent(version) }), {
        artifact: 'source',
        fallback: true,
        sha256: pinFor(sb.sha256, version),
        version,
      }),
    );
  }
  if (attempts.length === 0) throw nothingToDownload(recipe, platform, declared);
  return { recipe: recipe.name, platform, version, officialBinary: recipe.officialBinary, attempts };
}

/** Why a plan has no download: the platform is not listed, or it is and the recipe names no URL for it. */
function nothingToDownload(recipe: Recipe, platform: Platform, declared: boolean): UserError {
  if (declared) {
    // Only a custom build that is not an official binary may leave download_url out (check warns W_NO_DOWNLOAD).
    return new UserError(
      RecipeErrorCode.NoDownload,
      `recipe "${recipe.name}" has nothing to download for ${platform}: it sets no download.download_url (nor method: git with git_url)`,
      { hint: 'add download.download_url with the upstream source: a build fetches and verifies its source before any step runs, and cannot check what a step fetches itself' },
    );
  }
  const have = PLATFORMS.filter((p) => p in recipe.download.platforms);
  return new UserError(RecipeErrorCode.Platform, `recipe "${recipe.name}" does not build for ${platform}`, {
    hint: `it lists: ${have.join(', ') || 'no platform'}${recipe.officialBinary ? '; a source_build section would give it a fallback' : ''}`,
  });
}

export interface BuildPlan {
  platform: Platform;
  version: string;
  /** Downloads of each requested recipe. */
  downloads: DownloadPlan[];
  /** Every recipe to build, dependencies first. */
  buildOrder: string[];
  /** Dependencies without a recipe: the build host must provide them. */
  host: string[];
}

/** Downloads of the requested recipes and the build order of them and their dependencies. */
export function planBuild(recipes: readonly Recipe[], names: readonly string[], platform: string, version: string): BuildPlan {
  const order = buildOrder(recipes, names);
  const byName = new Map(recipes.map((r) => [r.name, r]));
  const downloads = names.map((n) => planDownloads(byName.get(n) as Recipe, platform, version));
  return { platform: assertPlatform(platform), version, downloads, buildOrder: order.order, host: order.host };
}
