/**
 * CycloneDX 1.6 JSON, built with `@cyclonedx/cyclonedx-library` and validated
 * with its strict JSON validator (the schemas ship with the library, so this
 * works offline).
 *
 * - `metadata.component`: the package (purl, version, declared licence,
 *   licence evidence from its licence files, the artifact as `distribution`
 *   and the upstream source as `source-distribution` with their sha256, the
 *   repository as `vcs`, build facts as `potions:*` properties);
 * - `components`: every file of the artifact (`type: file`, SHA-256 and
 *   SHA-1), the dependency recipes (`library`, with their artifact's sha256)
 *   and the system libraries the binaries load (`library`, property
 *   `potions:provided-by: system`);
 * - `dependencies`: the package depends on the dependency recipes and the
 *   system libraries.
 *
 * The same inventory gives the same bytes: lists are sorted, the timestamp is
 * the inventory's, and the serial number is a UUID v5 of the document itself.
 */
import { Enums, Models, Serialize, SPDX, Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { v5 as uuidv5 } from 'uuid';
import { SbomErrorCode } from './errors';
import type { ArtifactInventory } from './inventory';
import { PotionsError } from '@potions/core';

/** The namespace of every UUID Potions derives from content (UUID v5). */
export const POTIONS_UUID_NAMESPACE = '5d3c8f4e-2b1a-4f6e-9c7d-8a0b1c2d3e4f';

const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));

/** The CycloneDX 1.6 JSON document of an inventory (deterministic bytes, ending with a newline). */
export function cycloneDxJson(inv: ArtifactInventory): string {
  const bom = bomOf(inv);
  // Serial number: a UUID v5 of the document without it, so that it changes exactly when the content does.
  const unsigned = serializer.serialize(bom, { sortLists: true });
  bom.serialNumber = `urn:uuid:${uuidv5(unsigned, POTIONS_UUID_NAMESPACE)}`;
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

/** Validate a CycloneDX 1.6 JSON document with the library's strict validator; a failure is a bug in the writer. */
export async function validateCycloneDx(json: string): Promise<void> {
  const error = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json);
  if (error !== null) {
    throw new PotionsError(SbomErrorCode.Invalid, `the CycloneDX SBOM does not validate against the CycloneDX 1.6 schema: ${JSON.stringify(error).slice(0, 2000)}`);
  }
}

function bomOf(inv: ArtifactInventory): Models.Bom {
  const bom = new Models.Bom();
  bom.metadata.timestamp = new Date(inv.timestamp);
  bom.metadata.tools = new Models.Tools({
    components: new Models.ComponentRepository([new Models.Component(Enums.ComponentType.Application, inv.tool.name, { version: inv.tool.version })]),
  });
  const pkg = packageComponent(inv);
  bom.metadata.component = pkg;

  for (const f of inv.files) {
    bom.components.add(
      new Models.Component(Enums.ComponentType.File, f.path, {
        bomRef: `file:${f.path}`,
        hashes: new Models.HashDictionary([
          [Enums.HashAlgorithm['SHA-256'], f.sha256],
          [Enums.HashAlgorithm['SHA-1'], f.sha1],
        ]),
        ...(f.executable ? { properties: new Models.PropertyRepository([new Models.Property('potions:executable', 'true')]) } : {}),
      }),
    );
  }
  for (const d of inv.dependencies) {
    const dep = new Models.Component(Enums.ComponentType.Library, d.name, {
      bomRef: d.purl,
      version: d.version,
      purl: d.purl,
      scope: Enums.ComponentScope.Required,
      ...(d.sha256 ? { hashes: new Models.HashDictionary([[Enums.HashAlgorithm['SHA-256'], d.sha256]]) } : {}),
      properties: new Models.PropertyRepository([new Models.Property('potions:provided-by', 'recipe')]),
    });
    bom.components.add(dep);
    pkg.dependencies.add(dep.bomRef);
  }
  for (const lib of inv.systemLibraries) {
    const sys = new Models.Component(Enums.ComponentType.Library, lib.name, {
      bomRef: `system:${lib.platform}:${lib.name}`,
      scope: Enums.ComponentScope.Required,
      properties: new Models.PropertyRepository([new Models.Property('potions:provided-by', 'system'), new Models.Property('potions:platform', lib.platform)]),
    });
    bom.components.add(sys);
    pkg.dependencies.add(sys.bomRef);
  }
  return bom;
}

function packageComponent(inv: ArtifactInventory): Models.Component {
  const refs: Models.ExternalReference[] = [
    new Models.ExternalReference(inv.artifact.file, Enums.ExternalReferenceType.Distribution, {
      hashes: new Models.HashDictionary([[Enums.HashAlgorithm['SHA-256'], inv.artifact.sha256]]),
      comment: `the Potions artifact for ${inv.platform} (${inv.artifact.size} bytes)`,
    }),
  ];
  if (inv.source) {
    refs.push(
      new Models.ExternalReference(inv.source.url, Enums.ExternalReferenceType.SourceDistribution, {
        ...(inv.source.sha256 ? { hashes: new Models.HashDictionary([[Enums.HashAlgorithm['SHA-256'], inv.source.sha256]]) } : {}),
        comment: 'the upstream source the artifact was built from',
      }),
    );
  }
  if (inv.repository) refs.push(new Models.ExternalReference(inv.repository, Enums.ExternalReferenceType.VCS, inv.source?.git ? { comment: `commit ${inv.source.git.commit}` } : {}));
  if (inv.homepage) refs.push(new Models.ExternalReference(inv.homepage, Enums.ExternalReferenceType.Website));

  const props: [string, string | undefined][] = [
    ['potions:platform', inv.platform],
    ['potions:build-method', inv.build.method],
    ['potions:build-status', inv.build.status],
    ['potions:recipe-digest', inv.build.recipeDigest],
    ['potions:recipe-file', inv.build.recipeFile],
    ['potions:builder', inv.build.builder],
    ['potions:source-git-ref', inv.source?.git?.ref],
    ['potions:source-git-commit', inv.source?.git?.commit],
    ...inv.licenseFiles.map((f): [string, string] => ['potions:license-file', `${f.path}: ${f.expression ?? (f.candidates ? `one of ${f.candidates.join(', ')}` : 'not identified')}`]),
  ];
  const component = new Models.Component(Enums.ComponentType.Application, inv.name, {
    bomRef: inv.purl,
    version: inv.version,
    purl: inv.purl,
    ...(inv.description ? { description: inv.description } : {}),
    externalReferences: new Models.ExternalReferenceRepository(refs),
    properties: new Models.PropertyRepository(props.filter((p): p is [string, string] => p[1] !== undefined).map(([k, v]) => new Models.Property(k, v))),
  });
  if (inv.license) component.licenses.add(licenseOf(inv.license.expression, Enums.LicenseAcknowledgement.Declared));
  const evidence = evidenceLicenses(inv);
  if (evidence.length > 0) component.evidence = new Models.ComponentEvidence({ licenses: new Models.LicenseRepository(evidence) });
  return component;
}

/** A single known SPDX id as `license.id`, anything else as an expression. */
function licenseOf(expression: string, acknowledgement: Enums.LicenseAcknowledgement): Models.License {
  const license = SPDX.isSupportedSpdxId(expression) ? new Models.SpdxLicense(expression) : new Models.LicenseExpression(expression);
  license.acknowledgement = acknowledgement;
  return license;
}

/**
 * What the licence files say. CycloneDX takes either licences or one
 * expression: several simple ids become licences; anything that cannot be
 * written without joining expressions (which would claim AND or OR) is left
 * to the `potions:license-file` properties.
 */
function evidenceLicenses(inv: ArtifactInventory): Models.License[] {
  const found = [...new Set(inv.licenseFiles.flatMap((f) => (f.expression ? [f.expression] : [])))].sort();
  if (found.length === 1) return [licenseOf(found[0]!, Enums.LicenseAcknowledgement.Concluded)];
  if (found.every((e) => SPDX.isSupportedSpdxId(e))) return found.map((e) => licenseOf(e, Enums.LicenseAcknowledgement.Concluded));
  return [];
}
