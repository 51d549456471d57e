/**
 * The packages an SBOM lists, as the scanner needs them: name, version, purl
 * and source repository. Reads CycloneDX JSON (1.2 and later) and SPDX 2.x
 * JSON, ours or anyone's; files and upstream-source entries are not packages.
 */
import { promises as fs } from 'node:fs';
import { PackageURL } from 'packageurl-js';
import { UserError, errorMessage } from '@potions/core';
import { SbomErrorCode } from './errors';
import { normalizeRepoUrl } from './purl';

export interface ScanComponent {
  /** `bom-ref` (CycloneDX) or `SPDXID` (SPDX). */
  ref: string;
  name: string;
  version?: string;
  purl?: string;
  /** Normalised clone URL of its source repository, when the SBOM says it (a VCS reference, a GitHub purl). */
  repository?: string;
}

export interface SbomDocument {
  file: string;
  format: 'cyclonedx' | 'spdx';
  /** The package the SBOM describes (CycloneDX `metadata.component`, SPDX `DESCRIBES`). */
  subject?: ScanComponent;
  components: ScanComponent[];
  /** The recipe file the package was built from (`potions:recipe-file`), for SARIF locations. */
  recipeFile?: string;
}

/** Read one SBOM file; a file that is neither format is a user's mistake naming the file. */
export async function readSbomFile(file: string): Promise<SbomDocument> {
  let data: unknown;
  try {
    data = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw unreadable(file, errorMessage(err));
  }
  const doc = data as Record<string, unknown>;
  if (doc && doc.bomFormat === 'CycloneDX') return readCycloneDx(file, doc);
  if (doc && typeof doc.spdxVersion === 'string') return readSpdx(file, doc);
  throw unreadable(file, 'it is neither a CycloneDX JSON SBOM (bomFormat) nor an SPDX JSON document (spdxVersion)');
}

function unreadable(file: string, why: string): UserError {
  return new UserError(SbomErrorCode.UnreadableSbom, `cannot read the SBOM ${file}: ${why}`, {
    location: { file },
    hint: 'give CycloneDX or SPDX JSON files, such as those `potions sbom` writes',
  });
}

type CdxComponent = {
  'bom-ref'?: string;
  type?: string;
  name?: string;
  version?: string;
  purl?: string;
  externalReferences?: { type?: string; url?: string }[];
  properties?: { name?: string; value?: string }[];
  components?: CdxComponent[];
};

function readCycloneDx(file: string, doc: Record<string, unknown>): SbomDocument {
  const metadata = (doc.metadata ?? {}) as { component?: CdxComponent };
  const out: ScanComponent[] = [];
  const visit = (c: CdxComponent, index: string): ScanComponent | undefined => {
    for (const [i, child] of (c.components ?? []).entries()) visit(child, `${index}.${i}`);
    if (c.type === 'file' || typeof c.name !== 'string' || c.name === '') return undefined;
    const vcs = c.externalReferences?.find((r) => r.type === 'vcs' && typeof r.url === 'string')?.url;
    const component = scanComponent(c['bom-ref'] ?? index, c.name, c.version, c.purl, vcs);
    out.push(component);
    return component;
  };
  const subject = metadata.component ? visit(metadata.component, 'metadata.component') : undefined;
  for (const [i, c] of (Array.isArray(doc.components) ? (doc.components as CdxComponent[]) : []).entries()) visit(c, `components.${i}`);
  const recipeFile = metadata.component?.properties?.find((p) => p.name === 'potions:recipe-file')?.value;
  return { file, format: 'cyclonedx', ...(subject ? { subject } : {}), components: out, ...(recipeFile ? { recipeFile } : {}) };
}

type SpdxPackage = {
  SPDXID?: string;
  name?: string;
  versionInfo?: string;
  downloadLocation?: string;
  primaryPackagePurpose?: string;
  externalRefs?: { referenceType?: string; referenceLocator?: string }[];
};

function readSpdx(file: string, doc: Record<string, unknown>): SbomDocument {
  const packages = Array.isArray(doc.packages) ? (doc.packages as SpdxPackage[]) : [];
  const out: ScanComponent[] = [];
  for (const [i, p] of packages.entries()) {
    if (typeof p.name !== 'string' || p.name === '' || p.primaryPackagePurpose === 'SOURCE') continue;
    const purl = p.externalRefs?.find((r) => r.referenceType === 'purl')?.referenceLocator;
    const vcs = p.downloadLocation && /^git\+/.test(p.downloadLocation) ? p.downloadLocation.replace(/@[^@/]*$/, '') : undefined;
    out.push(scanComponent(p.SPDXID ?? `packages.${i}`, p.name, p.versionInfo, purl, vcs));
  }
  const relationships = Array.isArray(doc.relationships) ? (doc.relationships as { spdxElementId?: string; relationshipType?: string; relatedSpdxElement?: string }[]) : [];
  const described = relationships.find((r) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES')?.relatedSpdxElement;
  const subject = out.find((c) => c.ref === described);
  return { file, format: 'spdx', ...(subject ? { subject } : {}), components: out };
}

function scanComponent(ref: string, name: string, version: string | undefined, purl: string | undefined, vcs: string | undefined): ScanComponent {
  let repository = vcs ? normalizeRepoUrl(vcs) : undefined;
  if (!repository && purl) {
    const p = parsePurl(purl);
    if (p?.type === 'github' && p.namespace) repository = normalizeRepoUrl(`https://github.com/${p.namespace}/${p.name}`);
  }
  return { ref, name, ...(version ? { version } : {}), ...(purl ? { purl } : {}), ...(repository ? { repository } : {}) };
}

/** A purl's parts, or undefined when it is not a valid purl. */
export function parsePurl(purl: string): { type: string; namespace?: string; name: string; version?: string } | undefined {
  try {
    const p = PackageURL.fromString(purl);
    return { type: p.type, ...(p.namespace ? { namespace: p.namespace } : {}), name: p.name, ...(p.version ? { version: p.version } : {}) };
  } catch {
    return undefined;
  }
}
