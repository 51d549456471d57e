import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArtifactMetadataSchema, readArtifactMetadataFile, type ArtifactMetadata } from '@potions/core';
import {
  IN_TOTO_STATEMENT_TYPE,
  LOCAL_BUILDER_ID,
  RECIPE_BUILD_TYPE,
  SLSA_PROVENANCE_TYPE,
  buildContextFromGitHub,
  localBuildContext,
  provenanceBundleName,
  provenanceStatement,
} from './provenance';
import { githubClaims } from './testing';

/** What the builder writes for a real build (typed by the builder's own interface, so the two cannot drift). */
const metadata: ArtifactMetadata = {
  schema: 1,
  name: 'hello',
  version: '2.10',
  platform: 'linux-amd64',
  method: 'source',
  status: 'built',
  artifact: {
    tarGz: { file: 'hello-2.10-linux-amd64.tar.gz', sha256: '1'.repeat(64), size: 100 },
    tarZst: { file: 'hello-2.10-linux-amd64.tar.zst', sha256: '2'.repeat(64), size: 90 },
  },
  recipe: { digest: '3'.repeat(64), file: 'hello.yml' },
  source: {
    url: 'https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz',
    mirror: 'http://127.0.0.1:9999/hello-2.10.tar.gz',
    sha256: '31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b',
    pinned: true,
    signature: { url: 'https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz.sig', fingerprint: 'A'.repeat(40), signer: 'Sami Kerola' },
  },
  buildType: 'gnu_autotools',
  prefix: '/opt/potions/hello/2.10',
  placeholder: '/__POTIONS_PREFIX__',
  relocatedFiles: [],
  binaryFilesWithPrefix: [],
  runpaths: [],
  leaks: [],
  dependencies: [{ name: 'zlib', version: '1.3.1', sha256: '4'.repeat(64) }],
  toolchain: { cc: 'gcc (Debian 12.2.0-14) 12.2.0', make: 'GNU Make 4.3' },
  builder: { name: '@potions/builder', version: '0.1.0', node: 'v20.20.2' },
  sourceDateEpoch: 1400000000,
  buildDate: '2014-05-13T16:53:20.000Z',
  builtAt: '2026-11-30T08:00:10.000Z',
  durationMs: 10_000,
  cacheKey: '5'.repeat(64),
};

/** A release job of acme/tools that calls this repository's reusable workflow, as the runner sets it up. */
const env = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/tools',
  GITHUB_REPOSITORY_ID: '123456',
  GITHUB_REPOSITORY_OWNER_ID: '654321',
  GITHUB_WORKFLOW_REF: 'acme/tools/.github/workflows/release.yml@refs/tags/v1.0.0',
  GITHUB_REF: 'refs/tags/v1.0.0',
  GITHUB_SHA: 'a'.repeat(40),
  GITHUB_RUN_ID: '987654321',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  RUNNER_ENVIRONMENT: 'github-hosted',
};

describe('SLSA v1 provenance', () => {
  it('reads a GitHub job the way actions/attest-build-provenance does, with the reusable workflow as the builder', () => {
    const ctx = buildContextFromGitHub({ env, claims: githubClaims(), event: { inputs: { recipe: 'hello', version: '2.10' } } });
    expect(ctx).toEqual({
      builderId: 'https://github.com/potions/actions/.github/workflows/release.yml@refs/tags/v1',
      invocationId: 'https://github.com/acme/tools/actions/runs/987654321/attempts/1',
      workflow: { ref: 'refs/tags/v1.0.0', repository: 'https://github.com/acme/tools', path: '.github/workflows/release.yml' },
      inputs: { recipe: 'hello', version: '2.10' },
      checkout: { uri: 'git+https://github.com/acme/tools@refs/tags/v1.0.0', gitCommit: 'a'.repeat(40) },
      github: { event_name: 'push', repository_id: '123456', repository_owner_id: '654321', runner_environment: 'github-hosted' },
    });
    // Without a token (no id-token permission) the environment alone gives the caller's workflow as the builder.
    const fromEnv = buildContextFromGitHub({ env });
    expect(fromEnv.builderId).toBe('https://github.com/acme/tools/.github/workflows/release.yml@refs/tags/v1.0.0');
    expect(fromEnv.invocationId).toBe('https://github.com/acme/tools/actions/runs/987654321/attempts/2');
    expect(fromEnv.github).toEqual({ event_name: 'workflow_dispatch', repository_id: '123456', repository_owner_id: '654321', runner_environment: 'github-hosted' });
    // A tag with "@" in it (changesets) stays whole.
    expect(buildContextFromGitHub({ env: { ...env, GITHUB_WORKFLOW_REF: 'acme/tools/.github/workflows/release.yml@refs/tags/@acme/x@1.0.0' } }).workflow?.ref).toBe('refs/tags/@acme/x@1.0.0');
    expect(() => buildContextFromGitHub({ env: {} })).toThrow('not in a GitHub Actions job');
  });

  it('states the build: subjects, recipe, source, dependencies, toolchain, builder and run', () => {
    const ctx = buildContextFromGitHub({ env, claims: githubClaims() });
    const s = provenanceStatement(ArtifactMetadataSchema.parse(metadata), ctx);
    expect(s._type).toBe(IN_TOTO_STATEMENT_TYPE);
    expect(s.predicateType).toBe(SLSA_PROVENANCE_TYPE);
    expect(s.subject).toEqual([
      { name: 'hello-2.10-linux-amd64.tar.gz', digest: { sha256: '1'.repeat(64) } },
      { name: 'hello-2.10-linux-amd64.tar.zst', digest: { sha256: '2'.repeat(64) } },
    ]);
    expect(s.predicate).toEqual({
      buildDefinition: {
        buildType: RECIPE_BUILD_TYPE,
        externalParameters: {
          workflow: { ref: 'refs/tags/v1.0.0', repository: 'https://github.com/acme/tools', path: '.github/workflows/release.yml' },
          recipe: { name: 'hello', version: '2.10', platform: 'linux-amd64', file: 'hello.yml', canonicalSha256: '3'.repeat(64) },
        },
        internalParameters: {
          github: { event_name: 'push', repository_id: '123456', repository_owner_id: '654321', runner_environment: 'github-hosted' },
          build: { method: 'source', status: 'built', buildType: 'gnu_autotools', prefix: '/opt/potions/hello/2.10', sourceDateEpoch: 1400000000, cacheKey: '5'.repeat(64) },
        },
        resolvedDependencies: [
          { uri: 'git+https://github.com/acme/tools@refs/tags/v1.0.0', digest: { gitCommit: 'a'.repeat(40) } },
          {
            name: 'source',
            uri: 'https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz',
            digest: { sha256: '31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b' },
            annotations: {
              mirror: 'http://127.0.0.1:9999/hello-2.10.tar.gz',
              pinned: true,
              signature: { url: 'https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz.sig', fingerprint: 'A'.repeat(40), signer: 'Sami Kerola' },
            },
          },
          { name: 'dependency:zlib', uri: 'pkg:generic/zlib@1.3.1', digest: { sha256: '4'.repeat(64) } },
          { name: 'toolchain:cc', uri: 'pkg:generic/cc', annotations: { version: 'gcc (Debian 12.2.0-14) 12.2.0' } },
          { name: 'toolchain:make', uri: 'pkg:generic/make', annotations: { version: 'GNU Make 4.3' } },
        ],
      },
      runDetails: {
        builder: { id: 'https://github.com/potions/actions/.github/workflows/release.yml@refs/tags/v1', version: { '@potions/builder': '0.1.0', node: 'v20.20.2' } },
        metadata: {
          invocationId: 'https://github.com/acme/tools/actions/runs/987654321/attempts/1',
          startedOn: '2026-11-30T08:00:00.000Z',
          finishedOn: '2026-11-30T08:00:10.000Z',
        },
      },
    });
  });

  it('states a git source by commit, and a local build without a workflow', () => {
    const git = ArtifactMetadataSchema.parse({ ...metadata, source: { url: 'https://github.com/BurntSushi/ripgrep', git: { ref: 'refs/tags/14.1.1', commit: 'c'.repeat(40) } } });
    const s = provenanceStatement(git, localBuildContext());
    const p = s.predicate as { buildDefinition: { externalParameters: Record<string, unknown>; resolvedDependencies: unknown[] }; runDetails: { builder: { id: string } } };
    expect(p.buildDefinition.resolvedDependencies[0]).toEqual({ name: 'source', uri: 'git+https://github.com/BurntSushi/ripgrep@refs/tags/14.1.1', digest: { gitCommit: 'c'.repeat(40) } });
    expect(p.buildDefinition.externalParameters.workflow).toBeUndefined();
    expect(p.runDetails.builder.id).toBe(LOCAL_BUILDER_ID);
    expect(provenanceBundleName(git)).toBe('hello-2.10-linux-amd64.provenance.sigstore.json');
  });

  it('reads metadata files, naming the field that is wrong', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-provenance-'));
    try {
      const good = path.join(dir, 'good.json');
      await fs.writeFile(good, JSON.stringify(metadata));
      expect((await readArtifactMetadataFile(good)).name).toBe('hello');
      const bad = path.join(dir, 'bad.json');
      await fs.writeFile(bad, JSON.stringify({ ...metadata, artifact: { tarGz: { ...metadata.artifact.tarGz, sha256: 'nope' }, tarZst: metadata.artifact.tarZst } }));
      await expect(readArtifactMetadataFile(bad)).rejects.toMatchObject({ code: 'E_CORE_ARTIFACT_METADATA', location: { file: bad, field: 'artifact.tarGz.sha256' } });
      await expect(readArtifactMetadataFile(path.join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'E_CORE_ARTIFACT_METADATA' });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
