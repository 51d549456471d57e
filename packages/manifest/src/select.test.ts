import { ManifestErrorCode } from './errors';
import { planManifestPublish } from './plan';
import type { Manifest } from './schema';
import { selectArtifact } from './select';
import { availablePlatformInput } from './testing';

const urls = ['https://a.example/m', 'https://b.example/m'];

function manifest(): Manifest {
  const pkg = (version: string, linuxArm: boolean) => ({
    name: 'jq',
    version,
    platforms: {
      'linux-amd64': availablePlatformInput({ name: 'jq', version, platform: 'linux-amd64', urls, formats: ['tar.gz', 'tar.zst'] }),
      ...(linuxArm
        ? { 'linux-arm64': availablePlatformInput({ name: 'jq', version, platform: 'linux-arm64', urls }) }
        : { 'linux-arm64': { status: 'unavailable' as const, reason: 'build failed: oniguruma does not configure' } }),
    },
  });
  return planManifestPublish({
    existing: [],
    now: new Date('2025-03-01T00:00:00Z'),
    release: { packages: [pkg('1.6', true), pkg('1.7.1', false), pkg('1.10.0-rc1', false)] },
  }).manifest;
}

describe('selectArtifact', () => {
  const m = manifest();

  it('picks the newest version for the platform, with every mirror URL in order and the digest', () => {
    const picked = selectArtifact(m, { name: 'jq', platform: 'linux-amd64' });
    expect(picked.version).toBe('1.10.0-rc1');
    expect(picked.revision).toBe(1);
    expect(picked.artifacts.map((a) => a.format)).toEqual(['tar.gz', 'tar.zst']);
    expect(picked.artifacts[0]!.urls).toEqual(urls.map((u) => `${u}/jq-1.10.0-rc1-linux-amd64.tar.gz`));
    expect(picked.artifacts[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(picked.metadata.file).toBe('jq-1.10.0-rc1-linux-amd64.tar.gz.json');
    expect(selectArtifact(m, { name: 'jq', platform: 'linux-amd64', formats: ['tar.zst', 'tar.gz'] }).artifacts.map((a) => a.format)).toEqual(['tar.zst', 'tar.gz']);
  });

  it('skips versions that did not build for the platform when none is asked for', () => {
    expect(selectArtifact(m, { name: 'jq', platform: 'linux-arm64' }).version).toBe('1.6');
  });

  it('prints the reason when the asked version is unavailable for the platform', () => {
    expect(() => selectArtifact(m, { name: 'jq', version: '1.7.1', platform: 'linux-arm64' })).toThrow(
      'jq@1.7.1 is unavailable for linux-arm64: build failed: oniguruma does not configure',
    );
    expect(() => selectArtifact(m, { name: 'jq', version: '1.7.1', platform: 'darwin-arm64' })).toThrow('not built in this release');
  });

  it('says what exists when the package, version or format is unknown', () => {
    expect(() => selectArtifact(m, { name: 'jqq', platform: 'linux-amd64' })).toThrow(
      expect.objectContaining({ code: ManifestErrorCode.NotFound, hint: 'it has 1 packages: jq' }),
    );
    expect(() => selectArtifact(m, { name: 'jq', version: '9', platform: 'linux-amd64' })).toThrow(
      expect.objectContaining({ hint: 'published versions: 1.10.0-rc1, 1.7.1, 1.6' }),
    );
    // A format not asked for is still tried, after the ones asked for: every format the manifest lists is a good copy.
    expect(selectArtifact(m, { name: 'jq', version: '1.6', platform: 'linux-arm64', formats: ['tar.zst'] }).artifacts.map((a) => a.format)).toEqual(['tar.gz']);
    expect(() => selectArtifact(m, { name: 'jq', platform: 'darwin-x86_64' })).toThrow(
      expect.objectContaining({ code: ManifestErrorCode.PlatformUnavailable }),
    );
  });
});

