import type { ReleaseRow } from '@potions/manifest';
import type { SyncResult } from '@potions/mirrors';
import { unavailablePlatforms } from './release';
import { summarizeRelease, type ReleaseBuild, type ReleaseFacts, type ReleaseStageName } from './release-summary';

const A = 'a'.repeat(64);
const mirrors = { configs: [{ name: 'one', endpoint: 'http://127.0.0.1:1' }, { name: 'two', endpoint: 'http://127.0.0.1:2' }], startedForRun: true };
const built: ReleaseBuild = { name: 'greet', version: '1.0.0', platform: 'linux-amd64', status: 'built', file: 'greet.tar.gz', sha256: A, size: 10, urls: [] };
const failed: ReleaseBuild = { name: 'greet', version: '9.9.9', platform: 'linux-amd64', status: 'failed', step: 'download', error: 'no mirror had it', urls: [] };
const sync: Pick<SyncResult, 'policyMet' | 'minMirrors' | 'mirrors' | 'objects'> = {
  policyMet: true,
  minMirrors: 1,
  mirrors: [
    { mirror: 'one', ok: true, uploaded: 3, skipped: 0, failed: 0, verified: 3, bytesUploaded: 30, durationMs: 5 },
    { mirror: 'two', ok: false, error: 'down', uploaded: 0, skipped: 0, failed: 3, verified: 0, bytesUploaded: 0, durationMs: 5 },
  ],
  objects: [
    {
      name: 'greet.tar.gz',
      key: 'k',
      size: 10,
      sha256: A,
      presentOn: ['one'],
      policyMet: true,
      mirrors: [
        { mirror: 'one', status: 'uploaded', verified: true, present: true, bytes: 10, url: 'http://127.0.0.1:1/potions/k' },
        { mirror: 'two', status: 'failed', verified: false, present: false, bytes: 0, url: 'http://127.0.0.1:2/potions/k', error: 'down' },
      ],
    },
  ],
};
const row: ReleaseRow = { name: 'greet', version: '1.0.0', platform: 'linux-amd64', status: 'available', sha256: A, mirrors: ['one'] };
const timings = (...names: ReleaseStageName[]) => names.map((name) => ({ name, seconds: 0.5 }));

function facts(extra: Partial<ReleaseFacts> = {}): ReleaseFacts {
  return {
    mode: 'local',
    platform: 'linux-amd64',
    trustedKeyFile: '/w/.potions/keys/manifest-key.pub',
    mirrors,
    packages: [built],
    sync,
    published: {
      report: {
        ok: true,
        changed: true,
        version: 7,
        mirrors: [
          { name: 'one', status: 'written', version: 7, conditionalWrites: false },
          { name: 'two', status: 'failed', error: { code: 'E_MIRRORS_REQUEST_FAILED', message: 'down' }, conditionalWrites: false },
        ],
      },
      rows: [row],
      manifestUrls: [{ mirror: 'one', url: 'http://127.0.0.1:1/potions/manifest.json' }],
    },
    checks: [{ name: 'greet', version: '1.0.0', ok: true }],
    timings: timings('mirrors', 'build', 'smoke', 'sbom', 'scan', 'sign', 'sync', 'publish', 'check'),
    warnings: ['mirror two: down'],
    ...extra,
  };
}

test('a release published on one mirror of two: mirrors, URLs and manifest as the stages left them', () => {
  const s = summarizeRelease(facts());
  expect(s).toMatchObject({
    ok: true,
    mode: 'local',
    mirrorsRunning: false,
    mirrorsStopped: true,
    manifestUrl: 'http://127.0.0.1:1/potions/manifest.json',
    manifestVersion: 7,
    manifestChanged: true,
    trustedKeyFile: '/w/.potions/keys/manifest-key.pub',
    manifest: [row],
    warnings: ['mirror two: down'],
  });
  expect(s.mirrors).toEqual([
    { name: 'one', endpoint: 'http://127.0.0.1:1', startedForRun: true, uploaded: 3, present: 3, failed: 0, ok: true, manifest: 'written' },
    { name: 'two', endpoint: 'http://127.0.0.1:2', startedForRun: true, uploaded: 0, present: 0, failed: 3, ok: false, error: 'down', manifest: 'failed', manifestError: 'down' },
  ]);
  expect(s.packages[0]!.urls).toEqual(['http://127.0.0.1:1/potions/k']);
  expect(s.stages.every((x) => x.ok)).toBe(true);
});

test('each stage is judged by its data: a failed build, a policy not met, no manifest anywhere, a failed check', () => {
  const s = summarizeRelease(
    facts({
      packages: [built, failed],
      sync: { ...sync, policyMet: false, minMirrors: 2, objects: sync.objects.map((o) => ({ ...o, policyMet: false })) },
      published: { ...facts().published!, report: { ok: false, changed: false, version: undefined, mirrors: [{ name: 'one', status: 'failed', error: { code: 'X', message: 'boom' }, conditionalWrites: true }] } },
      checks: [{ name: 'greet', version: '1.0.0', ok: false, error: 'the artifact has no signature bundle' }],
    }),
  );
  expect(s.ok).toBe(false);
  expect(s.stages.map((x) => [x.name, x.ok, x.error ?? null])).toEqual([
    ['mirrors', true, null],
    ['build', false, '1 build(s) failed'],
    ['smoke', true, null],
    ['sbom', true, null],
    ['scan', true, null],
    ['sign', true, null],
    ['sync', false, '1 file(s) on fewer than 2 mirror(s)'],
    ['publish', false, 'the manifest reached no mirror: one: boom'],
    ['check', false, '1 check(s) failed'],
  ]);
  // No mirror holds a manifest: there is no URL to give and no version.
  expect(s).toMatchObject({ manifestUrl: undefined, manifestUrls: [], manifestVersion: undefined, manifestChanged: false });
});

test('nothing built: the build stage carries the reasons, the rest is skipped, nothing is published', () => {
  const { sync: _sync, published: _published, ...base } = facts();
  const s = summarizeRelease({
    ...base,
    packages: [failed],
    checks: [],
    timings: [
      ...timings('mirrors', 'build'),
      { name: 'sync', seconds: 0, skipped: 'nothing was built' },
      { name: 'publish', seconds: 0, skipped: 'nothing was built' },
      { name: 'check', seconds: 0, skipped: 'nothing was built' },
    ],
  });
  expect(s.ok).toBe(false);
  expect(s.stages.find((x) => x.name === 'build')).toEqual({
    name: 'build',
    ok: false,
    seconds: 0.5,
    error: 'nothing was built: greet 9.9.9 linux-amd64: build failed (download): no mirror had it',
  });
  expect(s.stages.filter((x) => x.skipped).map((x) => [x.name, x.error])).toEqual([
    ['sync', 'nothing was built'],
    ['publish', 'nothing was built'],
    ['check', 'nothing was built'],
  ]);
  expect(s).toMatchObject({ manifestUrl: undefined, manifestUrls: [], manifestVersion: undefined, manifest: [] });
  expect(s.mirrors.map((m) => [m.uploaded, m.present, m.manifest ?? null])).toEqual([
    [0, 0, null],
    [0, 0, null],
  ]);
});

test('a disabled check does not fail the release; a stage that threw does', () => {
  expect(summarizeRelease(facts({ checks: [], timings: [...timings('mirrors', 'build', 'sync', 'publish'), { name: 'check', seconds: 0, skipped: 'disabled' }] })).ok).toBe(true);
  const threw = summarizeRelease(facts({ timings: [...timings('mirrors', 'build', 'sync'), { name: 'publish', seconds: 0.1, error: 'E: bad' }, ...timings('check')] }));
  expect(threw.ok).toBe(false);
  expect(threw.stages.find((x) => x.name === 'publish')).toEqual({ name: 'publish', ok: false, seconds: 0.1, error: 'E: bad' });
});

test('the manifest lists every other platform of a local release, and each failed build with its reason', () => {
  const reasons = unavailablePlatforms([built, failed, { ...failed, version: 'unknown' }], { platform: 'linux-amd64', local: true });
  expect(reasons).toContainEqual({ name: 'greet', version: '9.9.9', platform: 'linux-amd64', reason: 'build failed (download): no mirror had it' });
  for (const v of ['1.0.0', '9.9.9']) {
    expect(reasons.filter((r) => r.version === v && r.platform !== 'linux-amd64').map((r) => r.platform).sort()).toEqual(['darwin-arm64', 'darwin-x86_64', 'linux-arm64']);
  }
  expect(reasons.some((r) => r.version === 'unknown')).toBe(false);
  expect(unavailablePlatforms([built, failed], { platform: 'linux-amd64', local: false })).toEqual([
    { name: 'greet', version: '9.9.9', platform: 'linux-amd64', reason: 'build failed (download): no mirror had it' },
  ]);
});

const smokeFailed: ReleaseBuild = {
  ...built,
  name: 'sour',
  file: 'sour.tar.gz',
  sha256: 'b'.repeat(64),
  smoke: { status: 'failed', reason: 'bin/sour --version: exit status 1, expected 0', commands: [{ argv: ['bin/sour', '--version'], ok: false, error: 'exit status 1, expected 0' }], files: 1, errors: 1, warnings: 0, systemLibraries: [] },
  withheld: 'smoke test failed: bin/sour --version: exit status 1, expected 0',
  withheldBy: 'smoke',
};
const scanFailed: ReleaseBuild = {
  ...built,
  name: 'zlib',
  version: '1.2.13',
  file: 'zlib.tar.gz',
  sha256: 'c'.repeat(64),
  scan: { status: 'failed', reason: 'CVE-2023-45853 (critical) in zlib 1.2.13', failOn: 'high', findings: 1, failing: 1, allowed: 0, maxSeverity: 'critical', failures: [{ id: 'CVE-2023-45853', severity: 'critical', package: 'zlib', version: '1.2.13' }] },
  withheld: 'vulnerability scan: CVE-2023-45853 (critical) in zlib 1.2.13',
  withheldBy: 'scan',
};
const signedGreet: ReleaseBuild = {
  ...built,
  signature: { kind: 'key', keyId: 'k'.repeat(64), bundles: ['greet.tar.gz.sigstore.json'], reused: 0 },
  files: ['greet.tar.gz', 'greet.tar.gz.sigstore.json'],
};
const bundleObject = (present: boolean[]) => ({
  ...sync.objects[0]!,
  name: 'greet.tar.gz.sigstore.json',
  sha256: 'd'.repeat(64),
  mirrors: sync.objects[0]!.mirrors.map((m, i) => ({ ...m, present: present[i]!, url: `${m.url}.sigstore.json` })),
});

test('a build withheld by its smoke test or its scan fails that stage with the reason; the others go out and say where', () => {
  const s = summarizeRelease(
    facts({
      packages: [signedGreet, smokeFailed, scanFailed],
      sync: { ...sync, objects: [sync.objects[0]!, bundleObject([true, false])] },
      published: {
        ...facts().published!,
        rows: [
          row,
          { name: 'sour', version: '1.0.0', platform: 'linux-amd64', status: 'unavailable', reason: smokeFailed.withheld!, mirrors: [] },
          { name: 'zlib', version: '1.2.13', platform: 'linux-amd64', status: 'unavailable', reason: scanFailed.withheld!, mirrors: [] },
        ],
      },
    }),
  );
  expect(s.ok).toBe(false);
  expect(s.stages.filter((x) => !x.ok).map((x) => [x.name, x.error])).toEqual([
    ['smoke', '1 build(s) withheld: sour 1.0.0 linux-amd64: smoke test failed: bin/sour --version: exit status 1, expected 0'],
    ['scan', '1 build(s) withheld: zlib 1.2.13 linux-amd64: vulnerability scan: CVE-2023-45853 (critical) in zlib 1.2.13'],
  ]);
  // Every file of greet is on mirror one only (its bundle did not reach two).
  expect(s.packages.map((p) => [p.name, p.syncedTo ?? null, p.published ?? null])).toEqual([
    ['greet', ['one'], 'available'],
    ['sour', null, 'unavailable'],
    ['zlib', null, 'unavailable'],
  ]);
  // The manifest lists each withheld platform with its reason.
  const reasons = unavailablePlatforms([signedGreet, smokeFailed, scanFailed], { platform: 'linux-amd64', local: false });
  expect(reasons).toEqual([
    { name: 'sour', version: '1.0.0', platform: 'linux-amd64', reason: 'smoke test failed: bin/sour --version: exit status 1, expected 0' },
    { name: 'zlib', version: '1.2.13', platform: 'linux-amd64', reason: 'vulnerability scan: CVE-2023-45853 (critical) in zlib 1.2.13' },
  ]);
});

test('a smoke test that could not run and a scan the recipe turned off are not failures', () => {
  const s = summarizeRelease(
    facts({
      packages: [
        {
          ...signedGreet,
          smoke: { status: 'not-run', reason: 'darwin-arm64 programs cannot run on this linux-amd64 machine', commands: [], files: 2, errors: 0, warnings: 1, systemLibraries: [] },
          scan: { status: 'skipped', reason: 'the recipe turned vulnerability scanning off', failOn: 'high', findings: 0, failing: 0, allowed: 0, maxSeverity: 'none', failures: [] },
        },
      ],
    }),
  );
  expect(s.ok).toBe(true);
});

test('a signing failure: the sign stage carries it, nothing is synced, published or checked, and the release fails', () => {
  const { sync: _sync, published: _published, ...base } = facts();
  const s = summarizeRelease({
    ...base,
    packages: [built],
    checks: [],
    signer: { kind: 'keyless', description: 'keyless via http://127.0.0.1:9' },
    timings: [
      ...timings('mirrors', 'build', 'smoke', 'sbom', 'scan'),
      { name: 'sign', seconds: 0.2, error: 'Fulcio: connect ECONNREFUSED 127.0.0.1:9' },
      { name: 'sync', seconds: 0, skipped: 'signing failed' },
      { name: 'publish', seconds: 0, skipped: 'signing failed' },
      { name: 'check', seconds: 0, skipped: 'signing failed' },
    ],
  });
  expect(s.ok).toBe(false);
  expect(s.stages.slice(5).map((x) => [x.name, x.ok, x.error])).toEqual([
    ['sign', false, 'Fulcio: connect ECONNREFUSED 127.0.0.1:9'],
    ['sync', false, 'signing failed'],
    ['publish', false, 'signing failed'],
    ['check', false, 'signing failed'],
  ]);
  expect(s).toMatchObject({ manifestUrls: [], manifestVersion: undefined, signer: { kind: 'keyless' } });
  expect(s.packages[0]).not.toHaveProperty('syncedTo');
  expect(s.packages[0]).not.toHaveProperty('published');
});
