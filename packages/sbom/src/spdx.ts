/**
 * SPDX 2.3 JSON. No maintained npm library writes SPDX 2.3 (the SPDX tools
 * for JavaScript target 3.0 or only parse expressions), and the document is
 * plain JSON, so it is written here and validated in the tests against the
 * SPDX 2.3 JSON schema.
 *
 * - `SPDXRef-Package`: the artifact (its file name and sha256, purl, declared
 *   licence, licences found in its files, verification code over its files);
 * - `SPDXRef-Source`: the upstream source (its URL and sha256); the package is
 *   `GENERATED_FROM` it;
 * - every file (SHA-1 and SHA-256), `CONTAINS`-ed by the package;
 * - the dependency recipes and the system libraries, which the package
 *   `DEPENDS_ON`.
 *
 * Deterministic: ids derive from names and paths, lists are sorted, the
 * namespace ends with a UUID v5 of the document itself.
 */
import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { POTIONS_UUID_NAMESPACE } from './cyclonedx';
import type { ArtifactInventory } from './inventory';
import { spdxLicenseIds } from './license';

const NOASSERTION = 'NOASSERTION';

interface SpdxChecksum {
  algorithm: 'SHA1' | 'SHA256';
  checksumValue: string;
}

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  packageFileName?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  packageVerificationCode?: { packageVerificationCodeValue: string };
  checksums?: SpdxChecksum[];
  homepage?: string;
  description?: string;
  primaryPackagePurpose?: 'APPLICATION' | 'LIBRARY' | 'SOURCE';
  externalRefs?: { referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }[];
  licenseDeclared?: string;
  licenseConcluded?: string;
  licenseInfoFromFiles?: string[];
  copyrightText?: string;
  builtDate?: string;
  comment?: string;
}

interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS' | 'DEPENDS_ON' | 'GENERATED_FROM';
  relatedSpdxElement: string;
}

/** The SPDX 2.3 JSON document of an inventory (deterministic bytes, ending with a newline). */
export function spdxJson(inv: ArtifactInventory): string {
  const doc = documentOf(inv);
  const name = doc.name as string;
  doc.documentNamespace = `https://spdx.org/spdxdocs/${encodeURIComponent(name)}-${uuidv5(JSON.stringify(doc), POTIONS_UUID_NAMESPACE)}`;
  return `${JSON.stringify(orderKeys(doc), null, 2)}\n`;
}

const PACKAGE_ID = 'SPDXRef-Package';
const SOURCE_ID = 'SPDXRef-Source';

function documentOf(inv: ArtifactInventory): Record<string, unknown> {
  const created = inv.timestamp.replace(/\.\d+Z$/, 'Z');
  const packages: SpdxPackage[] = [mainPackage(inv, created)];
  const relationships: SpdxRelationship[] = [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: PACKAGE_ID }];
  if (inv.source) {
    packages.push({
      SPDXID: SOURCE_ID,
      name: `${inv.name}-source`,
      versionInfo: inv.version,
      downloadLocation: inv.source.git && inv.repository ? `git+${inv.repository}@${inv.source.git.commit}` : inv.source.url,
      filesAnalyzed: false,
      ...(inv.source.sha256 ? { checksums: [{ algorithm: 'SHA256', checksumValue: inv.source.sha256 }] } : {}),
      primaryPackagePurpose: 'SOURCE',
      comment: 'the upstream source the artifact was built from',
    });
    relationships.push({ spdxElementId: PACKAGE_ID, relationshipType: 'GENERATED_FROM', relatedSpdxElement: SOURCE_ID });
  }
  for (const d of inv.dependencies) {
    const id = elementId('Dependency', d.name);
    packages.push({
      SPDXID: id,
      name: d.name,
      versionInfo: d.version,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      ...(d.sha256 ? { checksums: [{ algorithm: 'SHA256', checksumValue: d.sha256 }] } : {}),
      primaryPackagePurpose: 'LIBRARY',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: d.purl }],
      comment: 'a Potions recipe built before this one and shipped with it',
    });
    relationships.push({ spdxElementId: PACKAGE_ID, relationshipType: 'DEPENDS_ON', relatedSpdxElement: id });
  }
  for (const lib of inv.systemLibraries) {
    const id = elementId('SystemLibrary', `${lib.platform}-${lib.name}`);
    packages.push({ SPDXID: id, name: lib.name, downloadLocation: NOASSERTION, filesAnalyzed: false, primaryPackagePurpose: 'LIBRARY', comment: `loaded from the system on ${lib.platform}` });
    relationships.push({ spdxElementId: PACKAGE_ID, relationshipType: 'DEPENDS_ON', relatedSpdxElement: id });
  }
  const files = inv.files.map((f) => {
    const license = inv.licenseFiles.find((l) => l.path === f.path)?.expression;
    return {
      SPDXID: elementId('File', f.path),
      fileName: `./${f.path}`,
      checksums: [
        { algorithm: 'SHA1', checksumValue: f.sha1 },
        { algorithm: 'SHA256', checksumValue: f.sha256 },
      ],
      ...(license ? { licenseInfoInFiles: spdxLicenseIds(license) } : {}),
    };
  });
  for (const f of files) relationships.push({ spdxElementId: PACKAGE_ID, relationshipType: 'CONTAINS', relatedSpdxElement: f.SPDXID });
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${inv.name}-${inv.version}-${inv.platform}`,
    creationInfo: { created, creators: [`Tool: ${inv.tool.name}-${inv.tool.version}`] },
    packages,
    files,
    relationships,
  };
}

function mainPackage(inv: ArtifactInventory, created: string): SpdxPackage {
  const fromFiles = [...new Set(inv.licenseFiles.flatMap((f) => (f.expression ? spdxLicenseIds(f.expression) : [])))].sort();
  const facts = [`platform ${inv.platform}`, inv.build.method && `build method ${inv.build.method}`, inv.build.recipeDigest && `recipe digest ${inv.build.recipeDigest}`]
    .filter(Boolean)
    .join('; ');
  return {
    SPDXID: PACKAGE_ID,
    name: inv.name,
    versionInfo: inv.version,
    packageFileName: inv.artifact.file,
    // Where the artifact will be published is not known when it is inventoried.
    downloadLocation: NOASSERTION,
    filesAnalyzed: true,
    packageVerificationCode: { packageVerificationCodeValue: verificationCode(inv) },
    checksums: [{ algorithm: 'SHA256', checksumValue: inv.artifact.sha256 }],
    ...(inv.homepage ? { homepage: inv.homepage } : {}),
    ...(inv.description ? { description: inv.description } : {}),
    primaryPackagePurpose: 'APPLICATION',
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: inv.purl }],
    licenseDeclared: inv.license?.expression ?? NOASSERTION,
    licenseConcluded: NOASSERTION,
    ...(fromFiles.length ? { licenseInfoFromFiles: fromFiles } : {}),
    copyrightText: NOASSERTION,
    builtDate: created,
    comment: facts,
  };
}

/** SPDX 2.3 §7.9: SHA-1 over the sorted SHA-1s of every file of the package. */
function verificationCode(inv: ArtifactInventory): string {
  return createHash('sha1')
    .update(inv.files.map((f) => f.sha1).sort().join(''))
    .digest('hex');
}

/** `SPDXRef-<kind>-<readable part>-<hash>`: stable, unique and within the allowed characters. */
function elementId(kind: string, key: string): string {
  const readable = key.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return `SPDXRef-${kind}-${readable ? `${readable}-` : ''}${hash}`;
}

/** The usual SPDX field order, for people who read the file. */
function orderKeys(doc: Record<string, unknown>): Record<string, unknown> {
  const order = ['spdxVersion', 'dataLicense', 'SPDXID', 'name', 'documentNamespace', 'creationInfo', 'packages', 'files', 'relationships'];
  return Object.fromEntries(order.filter((k) => k in doc).map((k) => [k, doc[k]]));
}
