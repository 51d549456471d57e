import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { parseRecipe } from '@potions/recipe';
import { validateCycloneDx } from './cyclonedx';
import { defaultSbomPath, writeSboms } from './generate';
import { inventoryArtifact } from './inventory';
import { readArtifactMetadataFile } from '@potions/core';
import { spdxJson } from './spdx';
import { makeFixtureArtifact, type FixtureArtifact } from './testing';

const SPDX_SCHEMA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/schemas/spdx-2.3.schema.json');

async function spdxValidator() {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  (addFormats as unknown as (a: unknown) => void)(ajv);
  return ajv.compile(JSON.parse(await fs.readFile(SPDX_SCHEMA, 'utf8')));
}

const loaded = parseRecipe(
  'name: zlib\nlicense: Zlib\nhomepage: https://zlib.net\nversion:\n  source: "url:https://zlib.net/"\n  extract_pattern: "zlib-([0-9.]+)"\nbuild_type: gnu_autotools\ndownload:\n  download_url: "https://zlib.net/zlib-{version}.tar.gz"\n  platforms:\n    linux-amd64:\n',
  'recipes/zlib.yml',
);
if (!loaded.recipe) throw new Error(`test recipe: ${JSON.stringify(loaded.issues)}`);
const recipe = loaded.recipe;

describe('SBOM documents', () => {
  let dir: string;
  let fx: FixtureArtifact;
  const files = {
    'include/zlib.h': '/* zlib.h */\n',
    'lib/libz.so.1.2.13': { body: 'ELF\u0000binary', mode: 0o755 },
    'lib/pkgconfig/zlib.pc': 'prefix=/opt/potions/zlib\n',
    'share/man/man3/zlib.3': '.TH ZLIB 3\n',
  };
  const libs = [{ name: 'libc.so.6', platform: 'linux-amd64' }];
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-sbom-docs-'));
    fx = await makeFixtureArtifact(dir, { name: 'zlib', version: '1.2.13', files, metadata: { dependencies: [{ name: 'libdeflate', version: '1.19', sha256: 'd'.repeat(64) }] } });
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const write = async (out: string) =>
    writeSboms({
      artifact: fx.artifact,
      metadata: await readArtifactMetadataFile(fx.metadataFile),
      recipe,
      recipeFile: 'recipes/zlib.yml',
      systemLibraries: libs,
      outputs: [
        { format: 'cyclonedx', file: path.join(out, 'zlib.cdx.json') },
        { format: 'spdx', file: path.join(out, 'zlib.spdx.json') },
      ],
    });

  test('CycloneDX 1.6: valid (strict schema), with the package, licence, source, files, dependencies and system libraries', async () => {
    const { sboms } = await write(path.join(dir, 'a'));
    const text = await fs.readFile(sboms[0]!.file, 'utf8');
    await expect(validateCycloneDx(text)).resolves.toBeUndefined();
    const bom = JSON.parse(text);
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, serialNumber: expect.stringMatching(/^urn:uuid:[0-9a-f-]{36}$/) });
    expect(bom.metadata.timestamp).toBe('2023-01-01T00:00:00.000Z');
    const pkg = bom.metadata.component;
    expect(pkg).toMatchObject({ type: 'application', name: 'zlib', version: '1.2.13', purl: 'pkg:generic/zlib@1.2.13', 'bom-ref': 'pkg:generic/zlib@1.2.13', licenses: [{ license: { id: 'Zlib', acknowledgement: 'declared' } }] });
    expect(pkg.externalReferences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'distribution', url: 'zlib-1.2.13-linux-amd64.tar.gz', hashes: [{ alg: 'SHA-256', content: fx.sha256 }] }),
        expect.objectContaining({ type: 'source-distribution', url: 'https://example.org/zlib-1.2.13.tar.gz', hashes: [{ alg: 'SHA-256', content: (fx.metadata.source as { sha256: string }).sha256 }] }),
        expect.objectContaining({ type: 'website', url: 'https://zlib.net' }),
      ]),
    );
    expect(pkg.properties).toEqual(expect.arrayContaining([{ name: 'potions:platform', value: 'linux-amd64' }, { name: 'potions:recipe-file', value: 'recipes/zlib.yml' }]));
    const fileComponents = bom.components.filter((c: { type: string }) => c.type === 'file');
    expect(fileComponents.map((c: { name: string; hashes: { alg: string; content: string }[] }) => [c.name, c.hashes.find((h) => h.alg === 'SHA-256')!.content])).toEqual(
      Object.entries(files).map(([p, spec]) => [p, createHash('sha256').update(typeof spec === 'string' ? spec : spec.body).digest('hex')]),
    );
    expect(bom.components.find((c: { name: string }) => c.name === 'libdeflate')).toMatchObject({ type: 'library', version: '1.19', purl: 'pkg:generic/libdeflate@1.19' });
    expect(bom.components.find((c: { name: string }) => c.name === 'libc.so.6')).toMatchObject({ type: 'library', 'bom-ref': 'system:linux-amd64:libc.so.6' });
    expect(bom.dependencies.find((d: { ref: string }) => d.ref === 'pkg:generic/zlib@1.2.13').dependsOn).toEqual(['pkg:generic/libdeflate@1.19', 'system:linux-amd64:libc.so.6']);
  });

  test('SPDX 2.3: valid against the SPDX 2.3 JSON schema, with verification code, purl, checksums and relationships', async () => {
    const { sboms } = await write(path.join(dir, 'b'));
    const doc = JSON.parse(await fs.readFile(sboms[1]!.file, 'utf8'));
    const validate = await spdxValidator();
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc).toMatchObject({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', name: 'zlib-1.2.13-linux-amd64', creationInfo: { created: '2023-01-01T00:00:00Z', creators: ['Tool: potions-0.1.0'] } });
    expect(doc.documentNamespace).toMatch(/^https:\/\/spdx\.org\/spdxdocs\/zlib-1\.2\.13-linux-amd64-[0-9a-f-]{36}$/);
    const pkg = doc.packages.find((p: { SPDXID: string }) => p.SPDXID === 'SPDXRef-Package');
    const sha1s = Object.values(files).map((spec) => createHash('sha1').update(typeof spec === 'string' ? spec : spec.body).digest('hex'));
    expect(pkg).toMatchObject({
      name: 'zlib',
      versionInfo: '1.2.13',
      packageFileName: 'zlib-1.2.13-linux-amd64.tar.gz',
      checksums: [{ algorithm: 'SHA256', checksumValue: fx.sha256 }],
      licenseDeclared: 'Zlib',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:generic/zlib@1.2.13' }],
      filesAnalyzed: true,
      packageVerificationCode: { packageVerificationCodeValue: createHash('sha1').update(sha1s.sort().join('')).digest('hex') },
    });
    expect(doc.files.map((f: { fileName: string }) => f.fileName)).toEqual(Object.keys(files).map((p) => `./${p}`));
    const rel = (type: string) => doc.relationships.filter((r: { relationshipType: string }) => r.relationshipType === type).map((r: { spdxElementId: string; relatedSpdxElement: string }) => `${r.spdxElementId} ${r.relatedSpdxElement}`);
    expect(rel('DESCRIBES')).toEqual(['SPDXRef-DOCUMENT SPDXRef-Package']);
    expect(rel('CONTAINS')).toHaveLength(4);
    expect(rel('GENERATED_FROM')).toEqual(['SPDXRef-Package SPDXRef-Source']);
    const dependsOn = rel('DEPENDS_ON').map((r: string) => doc.packages.find((p: { SPDXID: string }) => p.SPDXID === r.split(' ')[1]).name);
    expect(dependsOn).toEqual(['libdeflate', 'libc.so.6']);
  });

  test('the same inputs give the same bytes; other content gives another serial number and namespace', async () => {
    const one = await write(path.join(dir, 'c1'));
    const two = await write(path.join(dir, 'c2'));
    expect(two.sboms.map((s) => s.sha256)).toEqual(one.sboms.map((s) => s.sha256));
    const meta = await readArtifactMetadataFile(fx.metadataFile);
    const inv = await inventoryArtifact({ artifact: fx.artifact, metadata: meta, recipe, systemLibraries: [{ name: 'libm.so.6', platform: 'linux-amd64' }] });
    const other = JSON.parse(spdxJson(inv)).documentNamespace;
    expect(other).not.toBe(JSON.parse(await fs.readFile(one.sboms[1]!.file, 'utf8')).documentNamespace);
  });

  test('the default SBOM names sit beside the artifact, one per format, for .tar.gz and .tar.zst alike', () => {
    expect(defaultSbomPath('/out/zlib-1.2.13-linux-amd64.tar.gz', 'cyclonedx')).toBe('/out/zlib-1.2.13-linux-amd64.cdx.json');
    expect(defaultSbomPath('/out/zlib-1.2.13-linux-amd64.tar.zst', 'spdx')).toBe('/out/zlib-1.2.13-linux-amd64.spdx.json');
  });
});
