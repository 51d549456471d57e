import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseRecipe, type Recipe } from '@potions/recipe';
import { inventoryArtifact } from './inventory';
import { readArtifactMetadataFile } from '@potions/core';
import { sampleArtifactMetadata } from '@potions/core/testing';
import { makeFixtureArtifact } from './testing';

const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

function recipe(extra: string, name = 'tool'): Recipe {
  const text = `name: ${name}\nversion:\n  source: "github-release:acme/${name}"\nbuild_type: make\n${extra}download:\n  download_url: "https://github.com/acme/${name}/archive/v{version}.tar.gz"\n  platforms:\n    linux-amd64:\n`;
  const loaded = parseRecipe(text, `recipes/${name}.yml`);
  if (!loaded.recipe) throw new Error(JSON.stringify(loaded.issues));
  return loaded.recipe;
}

describe('inventoryArtifact', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-inventory-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('every file with its digests (extracted as a user would), identity, source, dependencies and system libraries', async () => {
    const fx = await makeFixtureArtifact(dir, {
      name: 'tool',
      version: '1.2.3',
      files: { 'bin/tool': { body: '#!/bin/sh\necho tool\n', mode: 0o755 }, 'lib/libtool.so.1': 'ELF', 'share/man/man1/tool.1': '.TH TOOL 1\n' },
      metadata: { dependencies: [{ name: 'zlib', version: '1.3.1', sha256: 'b'.repeat(64) }, { name: 'openssl', version: '3.0.13', sha256: 'c'.repeat(64) }] },
    });
    const tempDir = await fs.mkdtemp(path.join(dir, 'tmp-'));
    const inv = await inventoryArtifact({
      tempDir,
      artifact: fx.artifact,
      metadata: await readArtifactMetadataFile(fx.metadataFile),
      recipe: recipe('license: Apache-2.0 OR MIT\nhomepage: https://tool.example.org\ndescription: A tool\n'),
      recipeFile: 'recipes/tool.yml',
      systemLibraries: [
        { name: 'libc.so.6', platform: 'linux-amd64' },
        { name: 'libm.so.6', platform: 'linux-amd64' },
        { name: 'libc.so.6', platform: 'linux-amd64' },
      ],
    });
    expect(inv).toMatchObject({
      name: 'tool',
      version: '1.2.3',
      platform: 'linux-amd64',
      purl: 'pkg:github/acme/tool@1.2.3',
      repository: 'https://github.com/acme/tool',
      homepage: 'https://tool.example.org',
      description: 'A tool',
      license: { expression: 'Apache-2.0 OR MIT', source: 'recipe' },
      artifact: { file: 'tool-1.2.3-linux-amd64.tar.gz', sha256: fx.sha256 },
      source: { url: 'https://example.org/tool-1.2.3.tar.gz' },
      timestamp: '2023-01-01T00:00:00.000Z',
      build: { method: 'source', status: 'built', recipeFile: 'recipes/tool.yml' },
    });
    expect(inv.files).toEqual([
      { path: 'bin/tool', sha256: sha256('#!/bin/sh\necho tool\n'), sha1: createHash('sha1').update('#!/bin/sh\necho tool\n').digest('hex'), size: 20, executable: true },
      { path: 'lib/libtool.so.1', sha256: sha256('ELF'), sha1: expect.any(String), size: 3, executable: false },
      { path: 'share/man/man1/tool.1', sha256: sha256('.TH TOOL 1\n'), sha1: expect.any(String), size: 11, executable: false },
    ]);
    expect(inv.dependencies).toEqual([
      { name: 'openssl', version: '3.0.13', sha256: 'c'.repeat(64), purl: 'pkg:generic/openssl@3.0.13' },
      { name: 'zlib', version: '1.3.1', sha256: 'b'.repeat(64), purl: 'pkg:generic/zlib@1.3.1' },
    ]);
    expect(inv.systemLibraries).toEqual([
      { name: 'libc.so.6', platform: 'linux-amd64' },
      { name: 'libm.so.6', platform: 'linux-amd64' },
    ]);
    // The temporary extraction folder is gone.
    expect(await fs.readdir(tempDir)).toEqual([]);
  });

  test('a source not on GitHub gives pkg:generic; the licence comes from the one licence file when the recipe has none', async () => {
    const fx = await makeFixtureArtifact(dir, {
      name: 'zz',
      version: '2.0',
      files: { 'share/doc/zz/LICENSE': '/* SPDX-License-Identifier: Zlib */\n', 'bin/zz': 'x' },
    });
    const inv = await inventoryArtifact({ artifact: fx.artifact, metadata: await readArtifactMetadataFile(fx.metadataFile) });
    expect(inv).toMatchObject({ purl: 'pkg:generic/zz@2.0', license: { expression: 'Zlib', source: 'license-file', files: ['share/doc/zz/LICENSE'] }, timestamp: fx.metadata.buildDate });
    expect(inv.repository).toBeUndefined();
    expect(inv.licenseFiles).toEqual([{ path: 'share/doc/zz/LICENSE', expression: 'Zlib', method: 'spdx-identifier' }]);
  });

  test('licence files that disagree or are not identified declare nothing', async () => {
    const fx = await makeFixtureArtifact(dir, {
      name: 'two',
      version: '1.0',
      files: { 'LICENSE-MIT': 'SPDX-License-Identifier: MIT\n', UNLICENSE: 'SPDX-License-Identifier: Unlicense\n', COPYING: 'Dual-licensed under MIT or the Unlicense.\n' },
    });
    const inv = await inventoryArtifact({ artifact: fx.artifact, metadata: await readArtifactMetadataFile(fx.metadataFile) });
    expect(inv.license).toBeUndefined();
    expect(inv.licenseFiles.map((f) => [f.path, f.expression ?? null])).toEqual([
      ['COPYING', null],
      ['LICENSE-MIT', 'MIT'],
      ['UNLICENSE', 'Unlicense'],
    ]);
  });

  test('metadata of another artifact, a recipe of another package, or a licence that is not SPDX are refused with the file named', async () => {
    const a = await makeFixtureArtifact(dir, { name: 'aa', version: '1', files: { f: 'a' } });
    const b = await makeFixtureArtifact(dir, { name: 'bb', version: '1', files: { f: 'b' } });
    const metaB = await readArtifactMetadataFile(b.metadataFile);
    await expect(inventoryArtifact({ artifact: a.artifact, metadata: metaB, metadataFile: b.metadataFile })).rejects.toMatchObject({
      code: 'E_SBOM_METADATA',
      message: expect.stringContaining(`${b.metadataFile} describes another artifact: aa-1-linux-amd64.tar.gz has sha256 ${a.sha256}`),
    });
    const metaA = await readArtifactMetadataFile(a.metadataFile);
    await expect(inventoryArtifact({ artifact: a.artifact, metadata: metaA, recipe: recipe('', 'other'), recipeFile: 'recipes/other.yml' })).rejects.toMatchObject({
      code: 'E_SBOM_METADATA',
      message: expect.stringContaining('the recipe is for "other" but the artifact is "aa"'),
    });
    await expect(inventoryArtifact({ artifact: a.artifact, metadata: metaA, recipe: recipe('license: GPL v2\n', 'aa'), recipeFile: 'recipes/aa.yml' })).rejects.toMatchObject({
      code: 'E_SBOM_LICENSE',
      location: { file: 'recipes/aa.yml', field: 'license' },
    });
  });

  test('metadata that is not the builder\'s names the file and the field', async () => {
    const file = path.join(dir, 'bad.tar.gz.json');
    const good = sampleArtifactMetadata(Buffer.from('gz'), Buffer.from('zst'));
    await fs.writeFile(file, JSON.stringify({ ...good, artifact: { ...good.artifact, tarGz: { ...good.artifact.tarGz, sha256: 'nothex' } } }));
    await expect(readArtifactMetadataFile(file)).rejects.toMatchObject({ code: 'E_CORE_ARTIFACT_METADATA', location: { file, field: 'artifact.tarGz.sha256' } });
    await expect(readArtifactMetadataFile(path.join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'E_CORE_ARTIFACT_METADATA' });
  });
});
