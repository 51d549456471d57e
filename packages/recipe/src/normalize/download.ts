import type { ArtifactSpec, Recipe, Sha256Pin, VersionSource } from '../model';
import { quote, TEMPLATE_QUOTE_MAX } from '../quote';
import type { RawRecipe } from '../schema';
import { normalizeArtifact } from './artifact';
import type { IssueSink, Path } from './issues';
import type { NormalizedPlatforms } from './platforms';
import type { UrlTemplateChecker } from './url-templates';

/** `official_binary` may be written at the top or in `download`; both at once must agree. */
export function normalizeOfficialBinary(raw: RawRecipe, issues: IssueSink): boolean {
  const top = raw.official_binary;
  const inDownload = raw.download.official_binary;
  if (top !== undefined && inDownload !== undefined && top !== inDownload) {
    issues.error('E_CONFLICT', `official_binary is ${top} here but download.official_binary is ${inDownload}`, ['official_binary']);
  }
  return inDownload ?? top ?? false;
}

interface DownloadContext {
  officialBinary: boolean;
  versionSource: VersionSource;
  platforms: NormalizedPlatforms;
  urls: UrlTemplateChecker;
}

/** A URL without {version} anywhere (nor in a platform suffix) would fetch the same file for every version. */
function checkFixedUrl(raw: RawRecipe, download: ArtifactSpec, ctx: DownloadContext, issues: IssueSink): void {
  const url = raw.download.download_url;
  if (ctx.versionSource.kind === 'static' || download.method !== 'http' || !url || url.includes('{version}')) return;
  const inSuffix = ctx.platforms.declared.some((p) => (ctx.platforms.specs[p]?.values.suffix ?? '').includes('{version}'));
  if (!inSuffix) issues.warn('W_FIXED_URL', 'download_url has no {version}: every version would download the same file', ['download', 'download_url']);
}

/** A single digest for a version that changes pins one release only. */
function checkPins(download: ArtifactSpec, ctx: DownloadContext, issues: IssueSink): void {
  const { declared, specs } = ctx.platforms;
  const pins: [Sha256Pin | undefined, Path][] = [
    [download.sha256, ['download', 'sha256']],
    ...declared.map((p): [Sha256Pin | undefined, Path] => [specs[p]?.sha256, ['download', 'platforms', p, 'sha256']]),
  ];
  for (const [pin, path] of pins) {
    if (typeof pin === 'string' && ctx.versionSource.kind !== 'static') {
      issues.warn('W_SHA256', 'a single sha256 pins one file, but the version changes with each release; use a map {version: sha256}', path);
    }
  }
}

/** Plain http with nothing that pins the bytes can be tampered with on the way. */
function checkInsecure(download: ArtifactSpec, ctx: DownloadContext, issues: IssueSink): void {
  const { declared, specs } = ctx.platforms;
  const insecure = download.urls.find((u) => u.template.startsWith('http:'));
  if (insecure && !download.signature.verify && !download.sha256 && !declared.every((p) => specs[p]?.sha256)) {
    issues.warn('W_HTTP', `${quote(insecure.template, TEMPLATE_QUOTE_MAX)} is plain http with no pinned sha256 or signature: the download can be tampered with`, insecure.field.split('.'));
  }
}

/** The `download` section with the signature settings of `security`: what is fetched for each platform. */
export function normalizeDownload(raw: RawRecipe, ctx: DownloadContext, issues: IssueSink): Recipe['download'] {
  const download = normalizeArtifact(
    raw.download,
    raw.security,
    {
      base: ['download'],
      securityBase: ['security'],
      perPlatform: true,
      downloadOptional: raw.build_type === 'custom' && !ctx.officialBinary,
    },
    ctx.urls,
    issues,
  );
  if (download.method === 'git' && ctx.officialBinary) {
    issues.error('E_CONFLICT', 'an official binary cannot be cloned with method: git', ['download', 'method']);
  }
  for (const key of ctx.platforms.customKeys) {
    if (!ctx.urls.usedKeys.has(key)) issues.warn('W_UNUSED', `platform key ${quote(key)} is not used by any URL template`, ['download', 'platforms']);
  }
  checkFixedUrl(raw, download, ctx, issues);
  checkPins(download, ctx, issues);
  checkInsecure(download, ctx, issues);
  return { ...download, platforms: ctx.platforms.specs };
}
