import { hasCode } from '@potions/core';
import type { Platform } from '@potions/core';
import { ManifestErrorCode } from './errors';
import { generateSigningKey } from '@potions/signing';
import { mergeArtifactTrust, mergeManifest, mergeRelease, unionUrls } from './merge';
import { releaseEntries } from './release';
import type { ReleasePlatformInput } from './release';
import { PlatformEntrySchema } from './schema';
import type { AvailableEntry, ManifestPackages } from './schema';
import { withdrawEntries } from './withdraw';
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

describe('mergeRelease', () => {
  it('adds a new version with every platform listed', () => {
    const result = mergeRelease(undefined, entries({ 'linux-amd64': available([A]) }));
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
    const first = mergeRelease(undefined, entries({ 'linux-amd64': available([A]) })).packages;
    const other = releaseEntries({
      packages: [{ name: 'yq', version: '4.0.0', platforms: { 'linux-amd64': { status: 'unavailable', reason: 'x' } } }],
    }).packages;
    const result = mergeRelease(first, other);
    expect(result.packages.jq).toEqual(first.jq);
    expect(Object.keys(result.packages).sort()).toEqual(['jq', 'yq']);
  });

  it('refuses another digest for a published name, version and platform unless a new revision is asked for, naming them', () => {
    const published = mergeRelease(undefined, entries({ 'linux-amd64': available([A], 'first-build') })).packages;
    const err = catchError(() => mergeRelease(published, entries({ 'linux-amd64': available([A], 'second-build') })));
    expect(hasCode(err, ManifestErrorCode.DigestChanged)).toBe(true);
    expect(err.message).toContain('jq@1.7.1 linux-amd64 tar.gz is already published as revision 1 with sha256');
    expect(err.message).toContain((entry(published) as AvailableEntry).artifacts[0]!.sha256);
    expect((err as { hint?: string }).hint).toContain('as a new revision');
  });

  it('publishes a fixed build as the next revision only when asked, keeping the earlier revision and its digests', () => {
    const published = mergeRelease(undefined, entries({ 'linux-amd64': available([A], 'first-build') })).packages;
    const first = entry(published) as AvailableEntry;
    const fixed = mergeRelease(published, entries({ 'linux-amd64': available([A], 'second-build') }), { newRevision: true });
    expect(fixed.changes.map((c) => `${c.kind}:${c.detail}`)).toEqual(['revision-added:revision 2: jq-1.7.1-linux-amd64.tar.gz']);
    const now = entry(fixed.packages) as AvailableEntry;
    expect(now).toMatchObject({ status: 'available', revision: 2 });
    expect(now.artifacts[0]!.sha256).not.toBe(first.artifacts[0]!.sha256);
    const { status: _s, ...firstRevision } = first;
    expect(now.otherRevisions).toEqual([firstRevision]);
    // The same fixed build again (a re-run) is revision 2, not 3; the first build again is revision 1 again.
    expect(mergeRelease(fixed.packages, entries({ 'linux-amd64': available([A], 'second-build') }), { newRevision: true }).changed).toBe(false);
    expect(mergeRelease(fixed.packages, entries({ 'linux-amd64': available([A], 'first-build') })).changed).toBe(false);
    // The allowance is for new builds only: platforms whose digests match stay as they are.
    expect(PlatformEntrySchema.safeParse(now).success).toBe(true);
  });

  it('keeps a withdrawn revision withdrawn when its build is published again, and says so', () => {
    const published = mergeRelease(undefined, entries({ 'linux-amd64': available([A], 'bad') })).packages;
    const withdrawn = withdrawEntries(published, [{ name: 'jq', version: '1.7.1', reason: 'miscompiled' }], new Date('2025-03-02T00:00:00Z')).packages;
    const again = mergeRelease(withdrawn, entries({ 'linux-amd64': available([A, B], 'bad') }));
    expect(entry(again.packages)).toMatchObject({ status: 'withdrawn', revision: 1, reason: 'miscompiled', withdrawnAt: '2025-03-02T00:00:00.000Z' });
    expect(again.warnings.join('\n')).toContain('publishes revision 1 again, which was withdrawn (miscompiled); it stays withdrawn');
    // A fixed build, explicitly a new revision, is available again; the withdrawn one stays listed.
    const fixed = mergeRelease(withdrawn, entries({ 'linux-amd64': available([A], 'good') }), { newRevision: true });
    const e = entry(fixed.packages) as AvailableEntry;
    expect(e).toMatchObject({ status: 'available', revision: 2 });
    expect(e.otherRevisions?.map((r) => [r.revision, r.withdrawn?.reason])).toEqual([[1, 'miscompiled']]);
  });

  it('re-publishing the identical entry changes nothing', () => {
    const published = mergeRelease(undefined, entries({ 'linux-amd64': available([A, B]) })).packages;
    const again = mergeRelease(published, entries({ 'linux-amd64': available([A, B], 'a', { builtAt: '2026-01-01T00:00:00.000Z' }) }));
    expect(again.changed).toBe(false);
    expect(again.packages).toEqual(published);
  });

  it('adds the URL of a mirror that newly verified the artifact, in priority order', () => {
    // First publish: mirror A (the primary) was down; only B verified.
    const published = mergeRelease(undefined, entries({ 'linux-amd64': available([B]) })).packages;
    const healed = mergeRelease(published, entries({ 'linux-amd64': available([A, B]) }));
    expect(healed.changed).toBe(true);
    const artifact = (entry(healed.packages) as AvailableEntry).artifacts[0]!;
    expect(artifact.urls).toEqual([`${A}/jq-1.7.1-linux-amd64.tar.gz`, `${B}/jq-1.7.1-linux-amd64.tar.gz`]);
    expect(healed.changes.map((c) => c.kind)).toEqual(['urls-added', 'urls-added']); // artifact and metadata
    // A later run where A is down again drops nothing and changes nothing.
    const partial = mergeRelease(healed.packages, entries({ 'linux-amd64': available([B]) }));
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
    const published = mergeRelease(undefined, entries({ 'linux-amd64': available([old1, old2]) })).packages;
    const current = [`${new1}/`, `${new2}/`];
    const again = mergeRelease(published, entries({ 'linux-amd64': available([new1, new2]) }), { currentMirrorUrls: current });
    const artifact = (entry(again.packages) as AvailableEntry).artifacts[0]!;
    expect(artifact.urls).toEqual([`${new1}/${file}`, `${new2}/${file}`]);
    expect((entry(again.packages) as AvailableEntry).metadata.urls).toEqual([`${new1}/${file}.json`, `${new2}/${file}.json`]);
    expect(again.changes.map((c) => c.kind)).toEqual(['urls-updated', 'urls-updated']);
    expect(again.changes[0]!.detail).toContain(`-${old1}/${file}`);

    // A configured mirror that did not verify this time (down) keeps its earlier URL, after the release's.
    const down = mergeRelease(again.packages, entries({ 'linux-amd64': available([new2]) }), { currentMirrorUrls: current });
    expect((entry(down.packages) as AvailableEntry).artifacts[0]!.urls).toEqual([`${new2}/${file}`, `${new1}/${file}`]);

    // Without the configuration (merging the mirrors' manifests with each other) nothing is dropped.
    const union = mergeRelease(published, entries({ 'linux-amd64': available([new1]) }));
    expect((entry(union.packages) as AvailableEntry).artifacts[0]!.urls).toHaveLength(3);
  });

  it('lets an unavailable platform become available', () => {
    const failed = mergeRelease(undefined, entries({ 'linux-amd64': { status: 'unavailable', reason: 'build failed' } })).packages;
    const result = mergeRelease(failed, entries({ 'linux-amd64': available([A]) }));
    expect(result.changes.find((c) => c.platform === 'linux-amd64')?.kind).toBe('became-available');
    expect(entry(result.packages).status).toBe('available');
  });

  it('keeps a failure reason when a later release did not try that platform, and takes a newer failure reason', () => {
    const failed = mergeRelease(undefined, entries({ 'linux-amd64': { status: 'unavailable', reason: 'build failed' } })).packages;
    const untried = mergeRelease(failed, entries({}));
    expect(untried.changed).toBe(false);
    expect(entry(untried.packages)).toEqual({ status: 'unavailable', reason: 'build failed' });
    const again = mergeRelease(failed, entries({ 'linux-amd64': { status: 'unavailable', reason: 'runner lost' } }));
    expect(again.changes.map((c) => c.kind)).toEqual(['reason-updated']);
    expect(entry(again.packages)).toEqual({ status: 'unavailable', reason: 'runner lost' });
  });

  it('never replaces an available platform by unavailable, and says so', () => {
    const published = mergeRelease(undefined, entries({ 'linux-amd64': available([A]) })).packages;
    const result = mergeRelease(published, entries({ 'linux-amd64': { status: 'unavailable', reason: 'runner lost' } }));
    expect(entry(result.packages)).toEqual(entry(published));
    expect(result.changed).toBe(false);
    expect(result.warnings.join('\n')).toContain('jq@1.7.1 linux-amd64: the release says unavailable (runner lost); the published revision is kept');
  });

  it('adds a new format and a signature bundle to a published entry without touching the rest', () => {
    const published = mergeRelease(undefined, entries({ 'linux-amd64': available([A]) })).packages;
    const withZst = available([A], 'a', { formats: ['tar.gz', 'tar.zst'] }) as Extract<ReleasePlatformInput, { status: 'available' }>;
    withZst.artifacts[0]!.signatureBundle = {
      file: 'jq-1.7.1-linux-amd64.tar.gz.sigstore.json',
      sha256: 'f'.repeat(64),
      size: 10,
      urls: [`${A}/jq-1.7.1-linux-amd64.tar.gz.sigstore.json`],
    };
    const result = mergeRelease(published, entries({ 'linux-amd64': withZst }));
    expect(result.changes.map((c) => c.kind).sort()).toEqual(['companion-added', 'format-added']);
    const artifacts = (entry(result.packages) as AvailableEntry).artifacts;
    expect(artifacts.map((a) => a.format)).toEqual(['tar.gz', 'tar.zst']);
    expect(artifacts[0]!.sha256).toBe((entry(published) as AvailableEntry).artifacts[0]!.sha256);
  });

  it('records the checks of a build, and replaces a scan record only when a later scan says something new', () => {
    const scan = (scannedAt: string, maxSeverity: 'none' | 'medium' = 'none') => ({ status: 'passed' as const, scanner: 'osv', maxSeverity, scannedAt });
    const withChecks = (at: string, sev: 'none' | 'medium' = 'none') => ({ ...available([A]), checks: { smokeTest: { status: 'passed' as const, runner: 'native' as const }, scan: scan(at, sev) } });
    const first = mergeRelease(undefined, entries({ 'linux-amd64': withChecks('2026-01-01T00:00:00.000Z') })).packages;
    expect((entry(first) as AvailableEntry).checks).toEqual({ smokeTest: { status: 'passed', runner: 'native' }, scan: scan('2026-01-01T00:00:00.000Z') });
    // The same build scanned again with the same result: nothing to publish.
    const again = mergeRelease(first, entries({ 'linux-amd64': withChecks('2026-02-01T00:00:00.000Z') }));
    expect(again.changed).toBe(false);
    // A later scan that finds something new is recorded.
    const later = mergeRelease(first, entries({ 'linux-amd64': withChecks('2026-03-01T00:00:00.000Z', 'medium') }));
    expect(later.changes.map((c) => c.kind)).toContain('checks-updated');
    expect((entry(later.packages) as AvailableEntry).checks?.scan).toEqual(scan('2026-03-01T00:00:00.000Z', 'medium'));
  });

  it('keeps the published metadata file when a rebuild brings another one', () => {
    const published = mergeRelease(undefined, entries({ 'linux-amd64': available([A]) })).packages;
    const rebuilt = available([A]) as Extract<ReleasePlatformInput, { status: 'available' }>;
    rebuilt.metadata = { ...rebuilt.metadata, sha256: '0'.repeat(64) };
    const result = mergeRelease(published, entries({ 'linux-amd64': rebuilt }));
    expect(result.changed).toBe(false);
    expect((entry(result.packages) as AvailableEntry).metadata).toEqual((entry(published) as AvailableEntry).metadata);
    expect(result.warnings.join('\n')).toContain('another build metadata');
  });
});


describe('mergeManifest (two published states)', () => {
  const published = (seed: string, urls = [A]) => mergeRelease(undefined, entries({ 'linux-amd64': available(urls, seed) })).packages;

  it('unites URLs and keeps a withdrawal from either side', () => {
    const a = published('x', [A]);
    const b = withdrawEntries(published('x', [B]), [{ name: 'jq', version: '1.7.1', platform: 'linux-amd64', reason: 'bad' }], new Date('2025-01-01T00:00:00Z')).packages;
    const merged = mergeManifest(a, b, { incomingLabel: 'the manifest on mirror b' });
    const e = entry(merged.packages);
    expect(e).toMatchObject({ status: 'withdrawn', reason: 'bad' });
    expect(e.status !== 'unavailable' && e.artifacts[0]!.urls).toEqual([`${A}/jq-1.7.1-linux-amd64.tar.gz`, `${B}/jq-1.7.1-linux-amd64.tar.gz`]);
    // And the other way round.
    expect(entry(mergeManifest(b, a).packages)).toMatchObject({ status: 'withdrawn' });
  });

  it('keeps two builds that two states numbered alike, the incoming one as the next revision', () => {
    const merged = mergeManifest(published('one'), published('two'), { incomingLabel: 'manifests/manifest-7.json' });
    const e = entry(merged.packages) as AvailableEntry;
    expect(e.revision).toBe(2);
    expect(e.otherRevisions?.map((r) => r.revision)).toEqual([1]);
    expect(merged.warnings.join('\n')).toContain('manifests/manifest-7.json has another build (jq-1.7.1-linux-amd64.tar.gz) as revision 1; it is kept as revision 2');
  });
});

describe('mergeArtifactTrust', () => {
  const key = () => generateSigningKey().publicKeyPem;

  it('unites keys and identities, keeps every revocation, and lets a newer expiry replace an older one', () => {
    const k1 = key();
    const k2 = key();
    const identity = { identity: '^https://github\\.com/acme/tools/.+$', issuer: 'https://token.actions.githubusercontent.com' };
    const merged = mergeArtifactTrust(
      { keys: [{ publicKey: k1 }], revokedKeys: ['a'.repeat(64)] },
      { keys: [{ publicKey: `${k1}\n`, expires: '2030-01-01T00:00:00Z' }, { publicKey: k2 }], identities: [identity] },
    );
    expect(merged?.keys).toEqual([{ publicKey: `${k1}\n`, expires: '2030-01-01T00:00:00Z' }, { publicKey: k2 }]);
    expect(merged?.identities).toEqual([identity]);
    expect(merged?.revokedKeys).toEqual(['a'.repeat(64)]);
    expect(mergeArtifactTrust(merged, { revokedKeys: ['b'.repeat(64)] })?.revokedKeys).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
    expect(mergeArtifactTrust(undefined, undefined)).toBeUndefined();
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
