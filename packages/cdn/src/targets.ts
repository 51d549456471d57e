/**
 * What to purge, as plain data: mirror keys and manifest entries become the
 * URLs the CDN serves them under. Pure functions, so that a dry run can print
 * exactly what a purge would send.
 *
 * The CDN serves the mirrors' key space under one base URL (`cdn.baseUrl`):
 * `manifest.json` is `<baseUrl>/manifest.json`, an artifact is
 * `<baseUrl>/artifacts/sha256/<hex>/<file>`: the same keys the mirrors and the
 * manifest use (`artifactKey`, `MANIFEST_KEY`), the same URL encoding as the
 * mirrors' public URLs (`publicUrl`).
 */
import { MANIFEST_KEY } from '@potions/manifest';
import { artifactKey, publicUrl } from '@potions/mirrors';
import type { PurgeRequest } from './purger';

export interface PurgeTargetsInput {
  /** Where the CDN serves the mirrors' keys, e.g. `https://dl.example.com` (a trailing slash is ignored). */
  baseUrl: string;
  /** Keys relative to the mirrors' prefix: `manifest.json`, `artifacts/sha256/<hex>/<file>`, ... */
  keys?: readonly string[];
  /** Key prefixes, everything under each is purged: `artifacts/sha256/<hex>/`. */
  keyPrefixes?: readonly string[];
  /** Manifest platform entries: every file they name (artifacts, signature bundles, metadata, SBOMs). */
  entries?: readonly unknown[];
  /** Also purge `manifest.json`. Default true: anything worth purging changed the manifest. */
  manifest?: boolean;
}

/** The URLs and prefixes a purge sends for these keys and entries, de-duplicated, manifest first. */
export function purgeTargets(input: PurgeTargetsInput): Required<PurgeRequest> {
  const keys: string[] = [];
  if (input.manifest ?? true) keys.push(MANIFEST_KEY);
  keys.push(...(input.keys ?? []));
  for (const entry of input.entries ?? []) for (const f of entryFiles(entry)) keys.push(artifactKey(f.sha256, f.file));
  return {
    urls: [...new Set(keys.map((k) => cdnUrl(input.baseUrl, k)))],
    prefixes: [...new Set((input.keyPrefixes ?? []).map((p) => cdnUrl(input.baseUrl, p)))],
  };
}

/** The URL the CDN serves `key` under. */
export function cdnUrl(baseUrl: string, key: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  // The CDN is a public URL over the whole key space: the mirrors' own URL builder, without a bucket or a prefix.
  return publicUrl({ publicUrl: base, prefix: '', endpoint: base, bucket: '', forcePathStyle: true }, key.replace(/^\/+/, ''));
}

/**
 * Every file a manifest entry names: any object with a 64-hex `sha256` and a
 * `file` name, found by shape, so that new kinds of entries (withdrawn builds,
 * revisions) are covered without a change here.
 */
export function entryFiles(entry: unknown): { sha256: string; file: string }[] {
  const found = new Map<string, { sha256: string; file: string }>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if (typeof o.sha256 === 'string' && /^[0-9a-f]{64}$/.test(o.sha256) && typeof o.file === 'string') {
      found.set(`${o.sha256}/${o.file}`, { sha256: o.sha256, file: o.file });
    }
    for (const x of Object.values(o)) walk(x);
  };
  walk(entry);
  return [...found.values()];
}

/** The manifest's packages: name → version → platform → entry (`Manifest['packages']` fits). */
export type ManifestPackagesView = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;

/**
 * The platform entries of a release: one package, optionally one version and
 * one platform. Unknown names give an empty list (nothing to purge).
 */
export function manifestEntries(
  packages: ManifestPackagesView,
  release: { name: string; version?: string; platform?: string },
): unknown[] {
  const versions = packages[release.name] ?? {};
  const out: unknown[] = [];
  for (const [version, platforms] of Object.entries(versions)) {
    if (release.version !== undefined && version !== release.version) continue;
    for (const [platform, entry] of Object.entries(platforms)) {
      if (release.platform !== undefined && platform !== release.platform) continue;
      out.push(entry);
    }
  }
  return out;
}
