import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingReporter } from '@potions/core';
import { MirrorsErrorCode } from '@potions/mirrors';
import { canonicalBytes } from './canonical';
import { encodeSignedManifest, signManifest, verifyManifest } from './envelope';
import { ManifestErrorCode } from './errors';
import { generateManifestKey, LocalKeySigner } from './keys';
import { planManifestPublish } from './plan';
import { publishManifest } from './publish';
import type { PublishManifestOptions } from './publish';
import type { ReleaseInput } from './release';
import { FileManifestStore, MANIFEST_KEY, manifestVersionKey } from './store';
import { MemoryManifestStore, availablePlatformInput, mirrorDown } from './testing';
import { mulberry32 } from '@potions/downloader/testing';

const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
const now = new Date('2025-03-01T00:00:00Z');
const noSleep = async (): Promise<void> => {};

function release(name: string, urls = ['https://a.example/m', 'https://b.example/m'], seed = 'a'): ReleaseInput {
  return {
    packages: [
      {
        name,
        version: '1.0.0',
        platforms: {
          'linux-amd64': availablePlatformInput({ name, version: '1.0.0', platform: 'linux-amd64', urls, seed }),
          'darwin-arm64': { status: 'unavailable', reason: 'no macOS runner in this workflow' },
        },
      },
    ],
  };
}

function publish(options: Partial<PublishManifestOptions> & Pick<PublishManifestOptions, 'mirrors' | 'release'>) {
  return publishManifest({ signer, now: () => now, sleep: noSleep, ...options });
}

async function read(store: MemoryManifestStore | FileManifestStore, key = MANIFEST_KEY) {
  const obj = await store.get(key);
  if (!obj) throw new Error(`no ${key}`);
  return (await verifyManifest(obj.bytes, { trustedKeys: [signer], now: () => now })).manifest;
}

describe('publishManifest', () => {
  it('writes the same signed manifest to every mirror: the version copy first, then the pointer', async () => {
    const a = new MemoryManifestStore();
    const b = new MemoryManifestStore();
    const report = await publish({ mirrors: [{ name: 'a', store: a }, { name: 'b', store: b }], release: release('jq') });
    expect(report.ok).toBe(true);
    expect(report.version).toBe(1);
    expect(report.mirrors.map((m) => `${m.name}:${m.status}`)).toEqual(['a:written', 'b:written']);
    for (const store of [a, b]) {
      expect(store.writes.map((w) => w.key)).toEqual([manifestVersionKey(1), MANIFEST_KEY]);
      expect(store.text(MANIFEST_KEY)).toBe(store.text(manifestVersionKey(1)));
      expect(store.objects.get(MANIFEST_KEY)?.cacheControl).toBe('public, max-age=60');
      expect(store.objects.get(manifestVersionKey(1))?.cacheControl).toBe('public, max-age=31536000, immutable');
      expect(store.objects.get(MANIFEST_KEY)?.contentType).toBe('application/json');
      const m = await read(store);
      expect(m.packages.jq?.['1.0.0']?.['linux-amd64']?.status).toBe('available');
      expect(m.packages.jq?.['1.0.0']?.['darwin-arm64']).toEqual({ status: 'unavailable', reason: 'no macOS runner in this workflow' });
    }
    expect(a.text(MANIFEST_KEY)).toBe(b.text(MANIFEST_KEY));
  });

  it('republishes nothing when a re-run brings nothing new', async () => {
    const a = new MemoryManifestStore();
    await publish({ mirrors: [{ name: 'a', store: a }], release: release('jq') });
    const writes = a.writes.length;
    const again = await publish({ mirrors: [{ name: 'a', store: a }], release: release('jq'), now: () => new Date(now.getTime() + 3_600_000) });
    expect(again.changed).toBe(false);
    expect(again.mirrors[0]?.status).toBe('unchanged');
    expect(a.writes.length).toBe(writes);
    expect(again.envelope?.signed.version).toBe(1);
  });

  it('keeps every published version copy and never overwrites one, even an orphan of a crashed publisher', async () => {
    const a = new MemoryManifestStore();
    await publish({ mirrors: [{ name: 'a', store: a }], release: release('jq') });
    const v1 = a.text(manifestVersionKey(1));
    // A publisher crashed after writing its version 2 copy, before moving the pointer.
    a.objects.set(manifestVersionKey(2), { bytes: new TextEncoder().encode('orphan'), etag: '"orphan"', contentType: 'x', cacheControl: 'x' });
    const report = await publish({ mirrors: [{ name: 'a', store: a }], release: release('yq') });
    expect(report.version).toBe(3);
    expect(a.text(manifestVersionKey(1))).toBe(v1);
    expect(a.text(manifestVersionKey(2))).toBe('orphan');
    expect(Object.keys((await read(a)).packages).sort()).toEqual(['jq', 'yq']);
    // The listing shows version 2 is taken: no round is lost on it, and the copy that cannot be read is named.
    expect(report.rounds).toBe(1);
    expect(report.warnings.join('\n')).toContain('the version copy manifests/manifest-2.json cannot be used');
  });

  it('brings back the entries of a publisher that crashed after its version copy, before its pointer', async () => {
    const a = new MemoryManifestStore();
    await publish({ mirrors: [{ name: 'a', store: a }], release: release('base') });
    // The crashed publisher's copy: version 2 with its release, the pointer never moved.
    const crashed = planManifestPublish({ existing: [{ source: 'a', manifest: await read(a) }], release: release('jq'), now, minVersion: 2 }).manifest;
    await a.put(manifestVersionKey(2), encodeSignedManifest(await signManifest(crashed, signer)), { contentType: 'x', cacheControl: 'x', ifNoneMatch: '*' });
    const report = await publish({ mirrors: [{ name: 'a', store: a }], release: release('yq') });
    expect(report.version).toBe(3);
    expect(Object.keys((await read(a)).packages).sort()).toEqual(['base', 'jq', 'yq']);
    expect(report.plan?.reasons.join()).toContain('restored from manifests/manifest-2.json on mirror a');
  });

  it('restores an entry the manifest lost that the version copy before it still has (a history broken by an older publisher)', async () => {
    const a = new MemoryManifestStore();
    await publish({ mirrors: [{ name: 'a', store: a }], release: release('base') });
    await publish({ mirrors: [{ name: 'a', store: a }], release: release('jq') });
    // What the old publisher did: version 3 written from a stale read, without jq.
    const v1 = (await verifyManifest(a.objects.get(manifestVersionKey(1))!.bytes, { trustedKeys: [signer], now: () => now })).manifest;
    const broken = encodeSignedManifest(await signManifest({ ...v1, version: 3 }, signer));
    await a.put(manifestVersionKey(3), broken, { contentType: 'x', cacheControl: 'x' });
    await a.put(MANIFEST_KEY, broken, { contentType: 'x', cacheControl: 'x' });
    expect(Object.keys((await read(a)).packages)).toEqual(['base']);
    const report = await publish({ mirrors: [{ name: 'a', store: a }], release: release('yq') });
    expect(report.version).toBe(4);
    expect(Object.keys((await read(a)).packages).sort()).toEqual(['base', 'jq', 'yq']);
    expect(report.plan?.restored.map((c) => `${c.name}:${c.kind}`)).toContain('jq:added');
  });

  it('loses no entry when two publishers both read version N and both write', async () => {
    const store = new MemoryManifestStore();
    await publish({ mirrors: [{ name: 'a', store }], release: release('base') });
    // Hold the first two reads of manifest.json until both publishers have read version 1.
    let waiting: (() => void)[] = [];
    let held = 0;
    store.hooks.beforeGet = async (key) => {
      if (key !== MANIFEST_KEY || held >= 2) return;
      held++;
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 2) {
          waiting.forEach((r) => r());
          waiting = [];
        }
      });
    };
    const [one, two] = await Promise.all([
      publish({ mirrors: [{ name: 'a', store }], release: release('jq') }),
      publish({ mirrors: [{ name: 'a', store }], release: release('yq') }),
    ]);
    expect(one.ok && two.ok).toBe(true);
    expect([one.rounds, two.rounds].sort()).toEqual([1, 2]); // exactly one lost the race and merged again
    const final = await read(store);
    expect(Object.keys(final.packages).sort()).toEqual(['base', 'jq', 'yq']);
    expect(final.version).toBe(Math.max(one.version!, two.version!));
    const versionKeys = store.writes.filter((w) => w.key.startsWith('manifests/')).map((w) => w.key);
    expect(new Set(versionKeys).size).toBe(versionKeys.length); // no version copy written twice
  });

  it('loses no entry when a publisher stalls between its version copy and its pointer while another publishes', async () => {
    const store = new MemoryManifestStore();
    await publish({ mirrors: [{ name: 'a', store }], release: release('base') });
    let releaseStalled!: () => void;
    const stalled = new Promise<void>((resolve) => (releaseStalled = resolve));
    let stalls = 0;
    store.hooks.beforePut = async (key) => {
      if (key === MANIFEST_KEY && stalls++ === 0) await stalled; // the first pointer write (publisher one) waits
    };
    const one = publish({ mirrors: [{ name: 'a', store }], release: release('jq') });
    for (let i = 0; i < 10_000 && !store.objects.has(manifestVersionKey(2)); i++) await new Promise((r) => setImmediate(r));
    const two = await publish({ mirrors: [{ name: 'a', store }], release: release('yq') });
    // Version 2 was taken by the stalled publisher's copy; the second publisher merged that copy too.
    expect(two.version).toBe(3);
    expect(two.plan?.restored.some((c) => c.name === 'jq')).toBe(true);
    releaseStalled();
    const first = await one;
    // Its pointer write lost (If-Match); the newest state already holds its release: nothing more to write.
    expect(first.rounds).toBe(2);
    expect(first).toMatchObject({ ok: true, changed: false, version: 3 });
    const final = await read(store);
    expect(Object.keys(final.packages).sort()).toEqual(['base', 'jq', 'yq']);
    expect(final.version).toBe(3);
  });

  it('goes on with the other mirrors when one is down, and fills the missing one in later', async () => {
    const a = new MemoryManifestStore({ hooks: { beforeGet: () => Promise.reject(mirrorDown('a')) } });
    const b = new MemoryManifestStore();
    const mirrors = [{ name: 'a', store: a }, { name: 'b', store: b }];
    const first = await publish({ mirrors, release: release('jq', ['https://b.example/m']) });
    expect(first.ok).toBe(true);
    expect(first.mirrors.map((m) => `${m.name}:${m.status}`)).toEqual(['a:failed', 'b:written']);
    expect(first.mirrors[0]?.error?.message).toContain('mirror a is down');
    expect(a.objects.size).toBe(0);

    // Mirror a is back and a later sync healed the artifact onto it: a re-run adds its URLs and writes both.
    a.hooks = {};
    const second = await publish({ mirrors, release: release('jq') });
    expect(second.changed).toBe(true);
    expect(second.mirrors.map((m) => m.status)).toEqual(['written', 'written']);
    const entry = (await read(a)).packages.jq?.['1.0.0']?.['linux-amd64'];
    expect(entry?.status === 'available' && entry.artifacts[0]?.urls).toEqual([
      'https://a.example/m/jq-1.0.0-linux-amd64.tar.gz',
      'https://b.example/m/jq-1.0.0-linux-amd64.tar.gz',
    ]);
    expect(a.text(MANIFEST_KEY)).toBe(b.text(MANIFEST_KEY));
  });

  it('refuses a second publish with another digest and leaves the mirrors as they were', async () => {
    const a = new MemoryManifestStore();
    await publish({ mirrors: [{ name: 'a', store: a }], release: release('jq') });
    const before = a.text(MANIFEST_KEY);
    await expect(publish({ mirrors: [{ name: 'a', store: a }], release: release('jq', undefined, 'rebuilt') })).rejects.toMatchObject({
      code: ManifestErrorCode.DigestChanged,
    });
    expect(a.text(MANIFEST_KEY)).toBe(before);
  });

  it('refuses to merge into a manifest on a mirror that a trusted key did not sign', async () => {
    const intruder = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
    const a = new MemoryManifestStore();
    const b = new MemoryManifestStore();
    const forged = planManifestPublish({ existing: [], release: release('evil'), now }).manifest;
    await a.put(MANIFEST_KEY, encodeSignedManifest(await signManifest(forged, intruder)), { contentType: 'application/json', cacheControl: 'x' });
    const report = await publish({ mirrors: [{ name: 'a', store: a }, { name: 'b', store: b }], release: release('jq') });
    expect(report.mirrors[0]).toMatchObject({ name: 'a', status: 'failed', error: { code: ManifestErrorCode.ExistingUntrusted } });
    expect(report.mirrors[1]?.status).toBe('written');
    expect(Object.keys((await read(b)).packages)).toEqual(['jq']);
  });

  it('reports a mirror that keeps losing races once the rounds run out', async () => {
    const a = new MemoryManifestStore();
    await publish({ mirrors: [{ name: 'a', store: a }], release: release('base') });
    let n = 0;
    a.hooks.beforePut = (key) => {
      // Someone else rewrites manifest.json just before each of our pointer writes.
      if (key === MANIFEST_KEY) a.objects.set(key, { ...a.objects.get(key)!, etag: `"other-${n++}"` });
    };
    const report = await publish({ mirrors: [{ name: 'a', store: a }], release: release('jq'), attempts: 3 });
    expect(report.ok).toBe(false);
    expect(report.rounds).toBe(3);
    expect(report.mirrors[0]?.error?.code).toBe(ManifestErrorCode.ConflictRetriesExhausted);
  });

  it('sends no conditions to a store that cannot honour them, gives each version copy a name of its own, and warns', async () => {
    const a = new MemoryManifestStore({ conditionalWrites: false });
    const conditions: string[] = [];
    a.hooks.beforePut = (key, o) => void conditions.push(`${key}:${o.ifMatch ?? ''}${o.ifNoneMatch ?? ''}`);
    const reporter = new RecordingReporter();
    const report = await publish({ mirrors: [{ name: 'a', store: a }], release: release('jq'), reporter, randomId: () => '0123456789ab' });
    expect(report.mirrors[0]).toMatchObject({ status: 'written', conditionalWrites: false, versionKey: 'manifests/manifest-1.0123456789ab.json' });
    expect(report.warnings.join('\n')).toContain('does not support conditional writes');
    expect(report.warnings.join('\n')).toContain('concurrency group');
    expect(conditions).toEqual(['manifests/manifest-1.0123456789ab.json:', `${MANIFEST_KEY}:`]);
    a.objects.set(manifestVersionKey(2), { bytes: new TextEncoder().encode('orphan'), etag: '"o"', contentType: 'x', cacheControl: 'x' });
    const next = await publish({ mirrors: [{ name: 'a', store: a }], release: release('yq') });
    expect(next.version).toBe(3);
    expect(a.text(manifestVersionKey(2))).toBe('orphan');
  });

  it('without conditional writes, a publisher whose pointer write lands last after another publish goes round again: both stay', async () => {
    // The reproduction: the second publish's manifest PUT is held until the other publish is done.
    const store = new MemoryManifestStore({ conditionalWrites: false });
    await publish({ mirrors: [{ name: 'a', store }], release: release('base') });
    let releaseHeld!: () => void;
    const held = new Promise<void>((resolve) => (releaseHeld = resolve));
    let pointerWrites = 0;
    store.hooks.beforePut = async (key) => {
      if (key === MANIFEST_KEY && pointerWrites++ === 0) await held;
    };
    const slow = publish({ mirrors: [{ name: 'a', store }], release: release('jq') });
    for (let i = 0; i < 10_000 && pointerWrites === 0; i++) await new Promise((r) => setImmediate(r));
    const fast = await publish({ mirrors: [{ name: 'a', store }], release: release('yq') });
    expect(fast.ok).toBe(true);
    releaseHeld();
    const late = await slow;
    expect(late.ok).toBe(true);
    expect(late.rounds).toBe(2); // its check after writing found the other publisher's copy
    const final = await read(store);
    expect(Object.keys(final.packages).sort()).toEqual(['base', 'jq', 'yq']);
    // Every version copy has a name of its own: none was overwritten.
    const copies = [...store.objects.keys()].filter((k) => k.startsWith('manifests/'));
    expect(new Set(copies).size).toBe(store.writes.filter((w) => w.key.startsWith('manifests/')).length);
  });

  it('writes the Sigstore bundle of the manifest next to the version copy and the pointer when one is made', async () => {
    const a = new MemoryManifestStore();
    const signed: string[] = [];
    const report = await publish({
      mirrors: [{ name: 'a', store: a }],
      release: release('jq'),
      manifestBundle: async (bytes) => {
        signed.push(new TextDecoder().decode(bytes));
        return '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}';
      },
    });
    expect(report.ok).toBe(true);
    expect(signed).toEqual([a.text(MANIFEST_KEY)]);
    expect(a.text(`${manifestVersionKey(1)}.sigstore.json`)).toContain('sigstore.bundle');
    expect(a.text(`${MANIFEST_KEY}.sigstore.json`)).toContain('sigstore.bundle');
    // The bundles are not version copies.
    const next = await publish({ mirrors: [{ name: 'a', store: a }], release: release('yq') });
    expect(next).toMatchObject({ ok: true, version: 2, rounds: 1 });
  });

  it('treats the mirrors package\'s precondition code as a lost race too', async () => {
    const a = new MemoryManifestStore();
    await publish({ mirrors: [{ name: 'a', store: a }], release: release('base') });
    let first = true;
    a.hooks.beforePut = (key) => {
      if (key === MANIFEST_KEY && first) {
        first = false;
        throw Object.assign(new Error('412 Precondition Failed'), { code: MirrorsErrorCode.PreconditionFailed });
      }
    };
    const report = await publish({ mirrors: [{ name: 'a', store: a }], release: release('jq') });
    expect(report).toMatchObject({ ok: true, rounds: 2, version: 3 });
  });

  it('writes nothing on a dry run but shows the plan', async () => {
    const a = new MemoryManifestStore();
    const report = await publish({ mirrors: [{ name: 'a', store: a }], release: release('jq'), dryRun: true });
    expect(report.mirrors[0]?.status).toBe('planned');
    expect(report.plan?.changes.filter((c) => c.kind === 'added')).toHaveLength(4);
    expect(a.writes).toHaveLength(0);
  });

  it('renews an unchanged manifest only when its expiry comes close', async () => {
    const a = new MemoryManifestStore();
    const mirrors = [{ name: 'a', store: a }];
    await publish({ mirrors, release: release('jq'), expiresInDays: 90 });
    const day = 86_400_000;
    const early = await publish({ mirrors, release: { packages: [] }, now: () => new Date(now.getTime() + 10 * day), expiresInDays: 90 });
    expect(early.changed).toBe(false);
    const late = await publish({ mirrors, release: { packages: [] }, now: () => new Date(now.getTime() + 70 * day), expiresInDays: 90 });
    expect(late.changed).toBe(true);
    expect(late.plan?.reasons.join()).toContain('renewed');
    const m = await read(a);
    expect(m.version).toBe(2);
    expect(m.expires).toBe(new Date(now.getTime() + 160 * day).toISOString());
  });
});

describe('FileManifestStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-manifest-store-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('honours conditional writes and leaves no temporary file behind', async () => {
    const store = new FileManifestStore(dir);
    const opts = { contentType: 'application/json', cacheControl: 'x' };
    const { etag } = await store.put('manifests/x.json', new TextEncoder().encode('one'), { ...opts, ifNoneMatch: '*' });
    await expect(store.put('manifests/x.json', new TextEncoder().encode('two'), { ...opts, ifNoneMatch: '*' })).rejects.toMatchObject({
      code: ManifestErrorCode.PreconditionFailed,
    });
    await store.put('manifests/x.json', new TextEncoder().encode('three'), { ...opts, ifMatch: etag });
    await expect(store.put('manifests/x.json', new TextEncoder().encode('four'), { ...opts, ifMatch: etag })).rejects.toMatchObject({
      code: ManifestErrorCode.PreconditionFailed,
    });
    expect(await fs.readFile(path.join(dir, 'manifests', 'x.json'), 'utf8')).toBe('three');
    expect(await fs.readdir(path.join(dir, 'manifests'))).toEqual(['x.json']);
  });

  it('takes concurrent publishes without losing an entry', async () => {
    const mirrors = [{ name: 'local', store: new FileManifestStore(dir) }];
    const reports = await Promise.all(['jq', 'yq', 'fd'].map((name) => publish({ mirrors, release: release(name) })));
    expect(reports.every((r) => r.ok)).toBe(true);
    const final = await read(new FileManifestStore(dir));
    expect(Object.keys(final.packages).sort()).toEqual(['fd', 'jq', 'yq']);
    const copies = await fs.readdir(path.join(dir, 'manifests'));
    expect(copies).toContain(`manifest-${final.version}.json`);
    expect((await fs.readdir(dir)).sort()).toEqual([MANIFEST_KEY, 'manifests']);
  });
});

describe('publishManifest under random interleavings', () => {
  /** A seeded schedule: before every get, list and put, each store waits a random number of turns of the event loop. */
  const pauses = (random: () => number) => async (): Promise<void> => {
    for (let i = Math.floor(random() * 20); i > 0; i--) await new Promise((r) => setImmediate(r));
  };

  for (const mode of ['conditional writes', 'no conditional writes', 'one mirror of each'] as const) {
    it(`every publish that reports ok is in the final manifest of every mirror (${mode}, 40 seeded schedules)`, async () => {
      for (let seed = 1; seed <= 40; seed++) {
        const random = mulberry32(seed);
        const pause = pauses(random);
        const stores = (mode === 'one mirror of each' ? [true, false] : [mode === 'conditional writes']).map(
          (cas) => new MemoryManifestStore({ conditionalWrites: cas, hooks: { beforeGet: pause, beforeList: pause, beforePut: pause } }),
        );
        const names = ['a1', 'b2', 'c3', 'd4', 'e5'].slice(0, 2 + Math.floor(random() * 4));
        const reports = await Promise.all(
          names.map((name) => publish({ mirrors: stores.map((store, i) => ({ name: `m${i}`, store })), release: release(name), sleep: pause, attempts: 20 })),
        );
        expect(reports.map((r) => r.ok)).toEqual(names.map(() => true));
        for (const store of stores) expect(Object.keys((await read(store)).packages).sort()).toEqual([...names].sort());
      }
    }, 60_000);
  }
});

describe('recovery (publishManifest with recover)', () => {
  /** What `--expires-days 36500000` once left on a mirror: a manifest signed with an expiry no reader can read. */
  async function brick(store: MemoryManifestStore, name: string): Promise<void> {
    const current = await read(store);
    const next = planManifestPublish({ existing: [{ source: 'a', manifest: current }], release: release(name), now, minVersion: current.version + 1 }).manifest;
    const body = { ...next, expires: '+101960-01-01T00:00:00.000Z' };
    const sig = Buffer.from(await signer.sign(canonicalBytes(body))).toString('base64');
    const bytes = new TextEncoder().encode(JSON.stringify({ signed: body, signatures: [{ keyid: signer.keyid, sig }] }));
    await store.put(manifestVersionKey(next.version), bytes, { contentType: 'x', cacheControl: 'x' });
    await store.put(MANIFEST_KEY, bytes, { contentType: 'x', cacheControl: 'x' });
  }

  it('replaces a manifest no one can read, above every version used, keeping what its signature still vouches for', async () => {
    const a = new MemoryManifestStore();
    const b = new MemoryManifestStore();
    const mirrors = [{ name: 'a', store: a }, { name: 'b', store: b }];
    await publish({ mirrors, release: release('jq') });
    for (const store of [a, b]) await brick(store, 'yq');
    // Stuck: readers refuse it, and so does every publish.
    await expect(verifyManifest(a.objects.get(MANIFEST_KEY)!.bytes, { trustedKeys: [signer], now: () => now })).rejects.toMatchObject({ code: ManifestErrorCode.Invalid });
    const stuck = await publish({ mirrors, release: release('fd') });
    expect(stuck.ok).toBe(false);
    expect(stuck.mirrors.map((m) => m.error?.code)).toEqual([ManifestErrorCode.ExistingUntrusted, ManifestErrorCode.ExistingUntrusted]);

    const recovered = await publish({ mirrors, release: { packages: [] }, recover: {} });
    expect(recovered).toMatchObject({ ok: true, changed: true, version: 3 });
    expect(recovered.plan?.reasons[0]).toContain('mirror a: manifest.json cannot be read');
    for (const store of [a, b]) {
      const m = await read(store);
      expect(m.version).toBe(3);
      expect(Object.keys(m.packages).sort()).toEqual(['jq', 'yq']); // yq from the bricked manifest: its signature vouches for it
      expect(m.expires).toBe(new Date(now.getTime() + 90 * 86_400_000).toISOString());
    }
    // Publishing works again.
    expect(await publish({ mirrors, release: release('fd') })).toMatchObject({ ok: true, version: 4 });
  });

  it('with every version, brings back entries from the whole history; with nothing trusted, says there is nothing to recover', async () => {
    const a = new MemoryManifestStore();
    await publish({ mirrors: [{ name: 'a', store: a }], release: release('jq') });
    await publish({ mirrors: [{ name: 'a', store: a }], release: release('yq') });
    // A history that dropped jq two versions back (not just the last link).
    const v1 = await read(a);
    for (const version of [3, 4]) {
      const bytes = encodeSignedManifest(await signManifest({ ...v1, version, packages: { yq: (await read(a)).packages.yq! } }, signer));
      await a.put(manifestVersionKey(version), bytes, { contentType: 'x', cacheControl: 'x' });
      await a.put(MANIFEST_KEY, bytes, { contentType: 'x', cacheControl: 'x' });
    }
    const everything = await publish({ mirrors: [{ name: 'a', store: a }], release: { packages: [] }, recover: { allVersions: true } });
    expect(everything.version).toBe(5);
    expect(Object.keys((await read(a)).packages).sort()).toEqual(['jq', 'yq']);

    const empty = new MemoryManifestStore();
    await expect(publish({ mirrors: [{ name: 'e', store: empty }], release: { packages: [] }, recover: {} })).rejects.toMatchObject({
      code: ManifestErrorCode.NothingToRecover,
    });
  });
});
