import type { ArtifactSpec, SignatureSpec, UrlTemplate } from '../model';
import { quote, TEMPLATE_QUOTE_MAX } from '../quote';
import { pinOf } from './fields';
import type { IssueSink, Path } from './issues';
import type { UrlTemplateChecker } from './url-templates';

/** The fields `download` and `source_build` share: where the file is and how it is checked. */
export interface RawArtifact {
  download_url?: string;
  mirror?: string;
  mirrors?: string[];
  method?: 'http' | 'git';
  git_url?: string;
  git_tag_prefix?: string;
  sha256?: string | Record<string, string>;
}

/** The signature fields of a `security` section. */
export interface RawSignature {
  verify_signature?: boolean;
  gpg_keys_url?: string;
  signature_url?: string;
  gpg_fingerprints?: string[];
}

export interface ArtifactContext {
  /** Where the artifact fields are (`['download']`, `['source_build']`). */
  base: string[];
  /** Where its security fields are (`['security']`, `['source_build', 'security']`). */
  securityBase: string[];
  /** Templates are rendered for every platform listed (`download`), or with {version} alone (`source_build`). */
  perPlatform: boolean;
  /** No download_url is allowed: a custom build whose own steps fetch what they need. */
  downloadOptional: boolean;
}

function checkGit(a: RawArtifact, base: Path, urls: UrlTemplateChecker, issues: IssueSink): void {
  if (!a.git_url) issues.error('E_DOWNLOAD', 'method: git needs git_url', [...base, 'method']);
  else urls.checkUrl(a.git_url, [...base, 'git_url']);
  for (const k of ['download_url', 'mirror', 'mirrors'] as const) {
    if (a[k] !== undefined) issues.error('E_CONFLICT', `${k} cannot be used with method: git (the source is cloned from git_url)`, [...base, k]);
  }
  if (a.git_url && /\{/.test(a.git_url)) issues.error('E_PLACEHOLDER', 'git_url takes no placeholders; the tag is git_tag_prefix + version', [...base, 'git_url']);
}

/** download_url, mirror, then mirrors[]: the URL templates in the order they are tried. */
function httpUrls(a: RawArtifact, ctx: ArtifactContext, urls: UrlTemplateChecker, issues: IssueSink): UrlTemplate[] {
  const base = ctx.base;
  if (a.git_url !== undefined || a.git_tag_prefix !== undefined) {
    issues.warn('W_NO_EFFECT', 'git_url and git_tag_prefix are used only with method: git', [...base, a.git_url !== undefined ? 'git_url' : 'git_tag_prefix']);
  }
  if (a.download_url === undefined && ctx.downloadOptional) {
    issues.warn('W_NO_DOWNLOAD', 'no download_url: there is no source to fetch and verify, so plan and build refuse this recipe; custom steps that fetch what they need cannot be verified', base);
  } else if (a.download_url === undefined) {
    issues.error('E_DOWNLOAD', 'download_url is required (or method: git with git_url)', base);
  }
  const out: UrlTemplate[] = [];
  const add = (template: string | undefined, field: Path): void => {
    if (template === undefined) return;
    urls.checkTemplate(template, field, ctx.perPlatform);
    out.push({ field: field.join('.'), template });
  };
  add(a.download_url, [...base, 'download_url']);
  add(a.mirror, [...base, 'mirror']);
  (a.mirrors ?? []).forEach((m, i) => add(m, [...base, 'mirrors', i]));
  return out;
}

function fingerprintsOf(sec: RawSignature | undefined, secBase: Path, issues: IssueSink): string[] {
  const fingerprints: string[] = [];
  (sec?.gpg_fingerprints ?? []).forEach((f, i) => {
    const fp = f.replace(/^0x/, '').replace(/ /g, '').toUpperCase();
    if (!/^[0-9A-F]{40}$/.test(fp)) issues.error('E_FINGERPRINT', `${quote(f)} is not a 40-hex-digit fingerprint`, [...secBase, 'gpg_fingerprints', i]);
    else fingerprints.push(fp);
  });
  return fingerprints;
}

/** gpg_keys_url: a URL, or a key file kept beside the recipe (reviewed with it): relative, inside the recipe's folder. */
function checkKeysUrl(keysUrl: string, secBase: Path, urls: UrlTemplateChecker, issues: IssueSink): void {
  const path = [...secBase, 'gpg_keys_url'];
  if (/\{/.test(keysUrl)) issues.error('E_PLACEHOLDER', 'gpg_keys_url takes no placeholders', path);
  else if (/^[a-z][a-z0-9+.-]*:/i.test(keysUrl)) urls.checkUrl(keysUrl, path);
  else if (keysUrl.startsWith('/') || keysUrl.split(/[\\/]/).includes('..')) {
    issues.error('E_URL', `${quote(keysUrl, TEMPLATE_QUOTE_MAX)} must be a URL or a path inside the recipe's folder`, path);
  }
}

/** The signature settings of a `security` section: checked together, since each needs the others. */
export function normalizeSignature(sec: RawSignature | undefined, ctx: ArtifactContext, urls: UrlTemplateChecker, issues: IssueSink): SignatureSpec {
  const secBase = ctx.securityBase;
  const fingerprints = fingerprintsOf(sec, secBase, issues);
  const signature: SignatureSpec = {
    verify: sec?.verify_signature ?? false,
    signatureUrl: sec?.signature_url,
    keysUrl: sec?.gpg_keys_url,
    fingerprints,
  };
  if (sec?.signature_url !== undefined) urls.checkTemplate(sec.signature_url, [...secBase, 'signature_url'], ctx.perPlatform);
  if (sec?.gpg_keys_url !== undefined) checkKeysUrl(sec.gpg_keys_url, secBase, urls, issues);
  if (signature.verify) {
    if (!signature.signatureUrl) issues.error('E_SIGNATURE', 'verify_signature: true needs signature_url', [...secBase, 'verify_signature']);
    if (fingerprints.length === 0 && !signature.keysUrl) {
      issues.error('E_SIGNATURE', 'verify_signature: true needs gpg_fingerprints (or gpg_keys_url)', [...secBase, 'verify_signature']);
    } else if (fingerprints.length === 0) {
      issues.warn('W_SIGNATURE', 'keys from gpg_keys_url are trusted on first use; pin them with gpg_fingerprints', [...secBase, 'gpg_keys_url']);
    }
  } else if (signature.signatureUrl !== undefined || fingerprints.length > 0) {
    issues.warn('W_SIGNATURE', 'signature settings are present but verify_signature is not true: no signature is checked', [...secBase, 'verify_signature']);
  }
  return signature;
}

/** One downloadable artifact (`download` or `source_build`): method, URLs in try order, pins and signature. */
export function normalizeArtifact(a: RawArtifact, sec: RawSignature | undefined, ctx: ArtifactContext, urls: UrlTemplateChecker, issues: IssueSink): ArtifactSpec {
  const method = a.method ?? 'http';
  let templates: UrlTemplate[] = [];
  if (method === 'git') checkGit(a, ctx.base, urls, issues);
  else templates = httpUrls(a, ctx, urls, issues);
  const signature = normalizeSignature(sec, ctx, urls, issues);
  return { method, urls: templates, gitUrl: a.git_url, gitTagPrefix: a.git_tag_prefix ?? '', sha256: pinOf(a.sha256), signature };
}
