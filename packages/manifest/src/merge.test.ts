import { hasCode } from '@potions/core';
import type { Platform } from '@potions/core';
import { ManifestErrorCode } from './errors';
import { mergeManifest, unionUrls } from './merge';
import { releaseEntries } from './release';
import type { ReleasePlatformInput } from './release';
import type { AvailableEntry, ManifestPackages } from './schema';
import { availablePlatformInput } from './testing';

const A = 'https://a.example/m';
const B = 'https://b.example/m';

function entries(platforms: Partial<Record<Platform, ReleasePlatformInput>>, version = '1.7.1'): ManifestPackages {
  return releaseEntries({ packages: [{ name: 'jq', version, platforms }] }).packages;
}

function available(urls: string[], seed = 'a', extra: Partial<Parameters<typeof availablePlatformInput>[0]> = {}) {
  return availablePlatformInput({ name: 'jq', version: '1.7.1', platform: 'linux-amd64', urls, seed, ...extra });
}

function entry(packages: ManifestPackages, platform: Platform = 'linux-amd64') {
  return packages.jq!['1.7.1']![platform];
}

function catchError(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('mergeManifest', () => {
  it('adds a new version with every platform listed', () => {
    const result = mergeManifest(undefined, entries({ 'linux-amd64': available([A]) }));
    expect(result.changed).toBe(true);
    expect(result.changes.map((c) => `${c.platform}:${c.kind}`)).toEqual([
      'darwin-x86_64:added',
      'darwin-arm64:added',
      'linux-amd64:added',
      'linux-arm64:added',
    ]);
    expect(entry(result.packages, 'darwin-arm64')).toEqual({ status: 'unavailable', reason: 'not built in this release' });
  });

  it('keeps everything published before when another package arrives', () => {
    const first = mergeManifest(undefined, entries({ 'linux-amd64': available([A]) })).packages;
    const other = releaseEntries({
      packages: [{ name: 'yq', version: '4.0.0', platforms: { 'linux-amd64': { status: 'unavailable', reason: 'x' } } }],
    }).packages;
    const result = mergeManifest(first, other);
    expect(result.packages.jq).toEqual(first.jq);
    expect(Object.keys(result.packages).sort()).toEqual(['jq', 'yq']);
  });

  it('refuses another digest for a published name, version, platform and format, naming them', () => {
    const published = mergeManifest(undefined, entries({ 'linux-amd64': available([A], 'first-build') })).packages;
    const err = catchError(() => mergeManifest(published, entries({ 'linux-amd64': available([A], 'second-build') })));
    expect(hasCode(err, ManifestErrorCode.DigestChanged)).toBe(true);
    expect(err.message).toContain('jq@1.7.1 linux-amd64 tar.gz is already published with sha256');
    expect(err.message).toContain((entry(published) as AvailableEntry).artifacts[0]!.sha256);
  });

  it('re-publishing the identical entry changes nothing', () => {
    const published = mergeManifest(undefined, entries({ 'linux-amd64': available([A, B]) })).packages;
    const again = mergeManifest(published, entries({ 'linux-amd64': available([A, B], 'a', { builtAt: '2026-01-01T00:00:00.000Z' }) }));
    expect(again.changed).toBe(false);
    expect(again.packages).toEqual(published);
  });

  it('adds the URL of a mirror that newly verified the artifact, in priority order', () => {
    // First publish: mirror A (the primary) was down; only B verified.
    const published = mergeManifest(undefined, entries({ 'linux-amd64': available([B]) })).packages;
    const healed = mergeManifest(published, entries({ 'linux-amd64': available([A, B]) }));
    expect(healed.changed).toBe(true);
    const artifact = (entry(healed.packages) as AvailableEntry).artifacts[0]!;
    expect(artifact.urls).toEqual([`${A}/jq-1.7.1-linux-amd64.tar.gz`, `${B}/jq-1.7.1-linux-amd64.tar.gz`]);
    expect(healed.changes.map((c) => c.kind)).toEqual(['urls-added', 'urls-added']); // artifact and metadata
    // A later run where A is down again drops nothing and changes nothing.
    const partial = mergeManifest(healed.packages, entries({ 'linux-amd64': available([B]) }));
    expect(partial.changed).toBe(false);
    expect((entry(partial.packages) as AvailableEntry).artifacts[0]!.urls).toHaveLength(2);
  });

  it("with the configured mirrors given, lists the release's URLs first and drops URLs of mirrors no longer configured", () => {
    // Two releases on one work dir with local mirrors on other ports: the old ports are dead.
    const old1 = 'http://127.0.0.1:4568/potions';
    const old2 = 'http://127.0.0.1:4569/potions';
    const new1 = 'http://127.0.0.1:4871/potions';
    const new2 = 'http://127.0.0.1:4872/potions';
    const file = 'jq-1.7.1-linux-amd64.tar.gz';
    const published = mergeManifest(undefined, entries({ 'linux-amd64': available([old1, old2]) })).packages;
    const current = [`${new1}/`, `${new2}/`];
    const again = mergeManifest(published, entries({ 'linux-amd64': available([new1, new2]) }), { currentMirrorUrls: current });
    const artifact = (entry(again.packages) as AvailableEntry).artifacts[0]!;
    expect(artifact.urls).toEqual([`${new1}/${file}`, `${new2}/${file}`]);
    expect((entry(again.packages) as AvailableEntry).metadata.urls).toEqual([`${new1}/${file}.json`, `${new2}/${file}.json`]);
    expect(again.changes.map((c) => c.kind)).toEqual(['urls-updated', 'urls-updated']);
    expect(again.changes[0]!.detail).toContain(`-${old1}/${file}`);

    // A configured mirror that did not verify this time (down) keeps its earlier URL, after the release's.
    const down = mergeManifest(again.packages, entries({ 'linux-amd64': available([new2]) }), { currentMirrorUrls: current });
    expect((entry(down.packages) as AvailableEntry).artifacts[0]!.urls).toEqual([`${new2}/${file}`, `${new1}/${file}`]);

    // Without the configuration (merging the mirrors' manifests with each other) nothing is dropped.
    const union = mergeManifest(published, entries({ 'linux-amd64': available([new1]) }));
    expect((entry(union.packages) as AvailableEntry).artifacts[0]!.urls).toHaveLength(3);
  });

  it('lets an unavailable platform become available', () => {
    const failed = mergeManifest(undefined, entries({ 'linux-amd64': { status: 'unavailable', reason: 'build failed' } })).packages;
    const result = mergeManifest(failed, entries({ 'linux-amd64': available([A]) }));
    expect(result.changes.find((c) => c.platform === 'linux-amd64')?.kind).toBe('became-available');
    expect(entry(result.packages).status).toBe('available');
  });

  it('keeps a failure reason when a later release did not try that platform, and takes a newer failure reason', () => {
    const failed = mergeManifest(undefined, entries({ 'linux-amd64': { status: 'unavailable', reason: 'build failed' } })).packages;
    const untried = mergeManifest(failed, entries({}));
    expect(untried.changed).toBe(false);
    expect(entry(untried.packages)).toEqual({ status: 'unavailable', reason: 'build failed' });
    const again = mergeManifest(failed, entries({ 'linux-amd64': { status: 'unavailable', reason: 'runner lost' } }));
    expect(again.changes.map((c) => c.kind)).toEqual(['reason-updated']);
    expect(entry(again.packages)).toEqual({ status: 'unavailable', reason: 'runner lost' });
  });

  it('never replaces an available platform by unavailable, and says so', () => {
    const published = mergeManifest(undefined, entries({ 'linux-amd64': available([A]) })).packages;
    const result = mergeManifest(published, entries({ 'linux-amd64': { status: 'unavailable', reason: 'runner lost' } }));
    expect(entry(result.packages)).toEqual(entry(published));
    expect(result.changed).toBe(false);
    expect(result.warnings.join('\n')).toContain('jq@1.7.1 linux-amd64: the release says unavailable (runner lost); the published artifact is kept');
  });

  it('adds a new format and a signature bundle to a published entry without touching the rest', () => {
    const published = mergeManifest(undefined, entries({ 'linux-amd64': available([A]) })).packages;
    const withZst = available([A], 'a', { formats: ['tar.gz', 'tar.zst'] }) as Extract<ReleasePlatformInput, { status: 'available' }>;
    withZst.artifacts[0]!.signatureBundle = {
      file: 'jq-1.7.1-linux-amd64.tar.gz.sigstore.json',
      sha256: 'f'.repeat(64),
      size: 10,
      urls: [`${A}/jq-1.7.1-linux-amd64.tar.gz.sigstore.json`],
    };
    const result = mergeManifest(published, entries({ 'linux-amd64': withZst }));
    expect(result.changes.map((c) => c.kind).sort()).toEqual(['companion-added', 'format-added']);
    const artifacts = (entry(result.packages) as AvailableEntry).artifacts;
    expect(artifacts.map((a) => a.format)).toEqual(['tar.gz', 'tar.zst']);
    expect(artifacts[0]!.sha256).toBe((entry(published) as AvailableEntry).artifacts[0]!.sha256);
  });

  it('keeps the published metadata file when a rebuild brings another one', () => {
    const published = mergeManifest(undefined, entries({ 'linux-amd64': available([A]) })).packages;
    const rebuilt = available([A]) as Extract<ReleasePlatformInput, { status: 'available' }>;
    rebuilt.metadata = { ...rebuilt.metadata, sha256: '0'.repeat(64) };
    const result = mergeManifest(published, entries({ 'linux-amd64': rebuilt }));
    expect(result.changed).toBe(false);
    expect((entry(result.packages) as AvailableEntry).metadata).toEqual((entry(published) as AvailableEntry).metadata);
    expect(result.warnings.join('\n')).toContain('another build metadata');
  });
});

describe('releaseEntries', () => {
  it('lists a platform whose artifact no mirror verified as unavailable', () => {
    const result = releaseEntries({ packages: [{ name: 'jq', version: '1.7.1', platforms: { 'linux-amd64': available([]) } }] });
    expect(entry(result.packages)).toEqual({
      status: 'unavailable',
      reason: 'no mirror holds a verified copy of jq-1.7.1-linux-amd64.tar.gz, jq-1.7.1-linux-amd64.tar.gz.json',
    });
    expect(result.warnings).toHaveLength(1);
  });

  it('refuses build facts for another platform, naming the field', () => {
    const wrong = available([A], 'a', { platform: 'linux-arm64' });
    const err = catchError(() => releaseEntries({ packages: [{ name: 'jq', version: '1.7.1', platforms: { 'linux-amd64': wrong } }] }));
    expect(hasCode(err, ManifestErrorCode.ReleaseInvalid)).toBe(true);
    expect(err.message).toContain('jq@1.7.1 linux-amd64 has build facts for 1.7.1 linux-arm64');
  });
});

describe('unionUrls', () => {
  it('puts a new URL before the existing URLs that follow it in the incoming order', () => {
    expect(unionUrls(['b', 'c'], ['a', 'c'])).toEqual({ urls: ['b', 'a', 'c'], added: ['a'] });
    expect(unionUrls(['b'], ['a', 'b', 'd'])).toEqual({ urls: ['a', 'b', 'd'], added: ['a', 'd'] });
    expect(unionUrls(['a', 'b'], ['b'])).toEqual({ urls: ['a', 'b'], added: [] });
  });
});
