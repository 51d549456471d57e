import { RecordingReporter, hasCode } from '@potions/core';
import { applyCloudflareCacheRules, desiredCacheRules, planCacheRules, type CloudflareRule } from './cache-rules';
import { CdnErrorCode } from './errors';
import { startFakeCloudflare, type FakeCloudflare } from './testing';

describe('desiredCacheRules', () => {
  test('immutable keys for a year, the manifest pointer as the mirror says, scoped to the CDN host and path', () => {
    const [immutable, manifest] = desiredCacheRules({ baseUrl: 'https://dl.example.com/potions/' });
    expect(immutable).toEqual({
      ref: 'potions_immutable',
      description: expect.any(String),
      expression:
        '(http.host eq "dl.example.com" and (starts_with(http.request.uri.path, "/potions/artifacts/sha256/") or starts_with(http.request.uri.path, "/potions/manifests/")))',
      action: 'set_cache_settings',
      action_parameters: {
        cache: true,
        edge_ttl: { mode: 'override_origin', default: 31536000 },
        browser_ttl: { mode: 'override_origin', default: 31536000 },
      },
      enabled: true,
    });
    expect(manifest).toMatchObject({
      ref: 'potions_manifest',
      expression: '(http.host eq "dl.example.com" and http.request.uri.path eq "/potions/manifest.json")',
      action_parameters: { cache: true, edge_ttl: { mode: 'respect_origin' }, browser_ttl: { mode: 'respect_origin' } },
    });
  });

  test('a short manifest edge TTL when asked (Business and Enterprise plans); bad TTLs are refused', () => {
    const [, manifest] = desiredCacheRules({ baseUrl: 'https://dl.example.com', manifestEdgeTtlSeconds: 30 });
    expect(manifest!.expression).toContain('"/manifest.json"');
    expect(manifest!.action_parameters!.edge_ttl).toEqual({ mode: 'override_origin', default: 30 });
    expect(() => desiredCacheRules({ baseUrl: 'https://dl.example.com', immutableTtlSeconds: 0 })).toThrow(
      expect.objectContaining({ code: CdnErrorCode.Config }),
    );
  });
});

describe('planCacheRules', () => {
  const desired = desiredCacheRules({ baseUrl: 'https://dl.example.com' });
  const foreign: CloudflareRule = { id: 'f1', ref: 'bypass_admin', expression: '(http.request.uri.path eq "/admin")', action: 'set_cache_settings', action_parameters: { cache: false }, version: '3', last_updated: 'x' };

  test('nothing there: both rules are added', () => {
    const plan = planCacheRules([], desired);
    expect(plan.changed).toBe(true);
    expect(plan.changes).toEqual([
      { ref: 'potions_immutable', change: 'add' },
      { ref: 'potions_manifest', change: 'add' },
    ]);
    expect(plan.rules).toEqual(desired);
  });

  test('the same rules as returned by the API (ids, versions): nothing to do', () => {
    const existing = desired.map((r, i) => ({ ...r, id: `id${i}`, version: '2', last_updated: '2026-01-01T00:00:00Z' }));
    const plan = planCacheRules([foreign, ...existing], desired);
    expect(plan.changed).toBe(false);
    expect(plan.changes.every((c) => c.change === 'same')).toBe(true);
  });

  test('others keep their place; ours are updated in place with their ids; stale and duplicate ones go; read-only fields are dropped', () => {
    const oldImmutable = { ...desired[0]!, id: 'p1', version: '1', action_parameters: { cache: true } };
    const stale = { id: 'p9', ref: 'potions_old', expression: 'true', action: 'set_cache_settings', action_parameters: { cache: true } };
    const duplicate = { ...desired[0]!, id: 'p2' };
    const plan = planCacheRules([oldImmutable, foreign, stale, duplicate], desired);
    expect(plan.changes).toEqual([
      { ref: 'potions_immutable', change: 'update' },
      { ref: 'potions_old', change: 'remove' },
      { ref: 'potions_immutable', change: 'remove' },
      { ref: 'potions_manifest', change: 'add' },
    ]);
    expect(plan.rules.map((r) => r.id ?? r.ref)).toEqual(['p1', 'f1', 'potions_manifest']);
    expect(plan.rules[0]).toEqual({ id: 'p1', ...desired[0] });
    expect(plan.rules[1]).not.toHaveProperty('version');
    expect(plan.rules[1]).not.toHaveProperty('last_updated');
  });
});

describe('applyCloudflareCacheRules against the fake API', () => {
  let cf: FakeCloudflare;
  beforeEach(async () => {
    cf = await startFakeCloudflare();
  });
  afterEach(async () => {
    await cf.close();
  });
  const apply = (extra: Record<string, unknown> = {}) =>
    applyCloudflareCacheRules({
      token: cf.token,
      zoneId: cf.zoneId,
      apiBase: cf.apiBase,
      baseUrl: 'https://dl.example.com',
      reporter: new RecordingReporter(),
      retry: { sleep: async () => undefined },
      ...extra,
    });

  test('creates the entry point, then writes nothing when run again', async () => {
    const first = await apply();
    expect(first).toMatchObject({ written: true, changed: true, version: '1' });
    expect(cf.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /client/v4/zones/${cf.zoneId}/rulesets/phases/http_request_cache_settings/entrypoint`,
      `PUT /client/v4/zones/${cf.zoneId}/rulesets/phases/http_request_cache_settings/entrypoint`,
    ]);
    expect(cf.requests[1]!.body).toEqual({ rules: desiredCacheRules({ baseUrl: 'https://dl.example.com' }) });
    expect(cf.ruleset!.rules.map((r) => r.ref)).toEqual(['potions_immutable', 'potions_manifest']);

    const second = await apply();
    expect(second).toMatchObject({ written: false, changed: false, version: '1' });
    expect(cf.rulesetWrites).toBe(1);
    expect(cf.requests.at(-1)!.method).toBe('GET');
  });

  test('a changed TTL updates our rule under the same id and keeps a rule someone else added', async () => {
    await apply();
    const ids = cf.ruleset!.rules.map((r) => r.id);
    // Someone adds a rule of their own in the dashboard.
    cf.ruleset!.rules.unshift({ id: 'theirs', ref: 'theirs', version: '1', last_updated: 'x', expression: '(http.request.uri.path eq "/x")', action: 'set_cache_settings', action_parameters: { cache: false }, enabled: true });

    const dry = await apply({ immutableTtlSeconds: 86400, dryRun: true });
    expect(dry).toMatchObject({ written: false, changed: true, changes: [{ ref: 'potions_immutable', change: 'update' }, { ref: 'potions_manifest', change: 'same' }] });
    expect(cf.rulesetWrites).toBe(1);

    const result = await apply({ immutableTtlSeconds: 86400 });
    expect(result).toMatchObject({ written: true, version: '2' });
    expect(cf.ruleset!.rules.map((r) => r.id)).toEqual(['theirs', ...ids]);
    expect(cf.ruleset!.rules[1]!.action_parameters).toMatchObject({ edge_ttl: { mode: 'override_origin', default: 86400 } });
  });

  test('the API refusing the token is E_CDN_AUTH', async () => {
    const err = await apply({ token: 'nope' }).catch((e: unknown) => e);
    expect(hasCode(err, CdnErrorCode.Auth)).toBe(true);
  });

  test('a write the API refuses is E_CDN_API with its code and message; a bad TTL never reaches it', async () => {
    cf.failNext(
      { status: 404, errors: [{ code: 10003, message: 'could not find entrypoint ruleset in the http_request_cache_settings phase' }] },
      { status: 400, errors: [{ code: 20021, message: 'edge_ttl: the value is below the minimum for this plan' }] },
    );
    const err = await apply().catch((e: unknown) => e);
    expect(hasCode(err, CdnErrorCode.Api)).toBe(true);
    expect((err as Error).message).toContain('HTTP 400: 20021 edge_ttl: the value is below the minimum for this plan');

    const before = cf.requests.length;
    const bad = await apply({ immutableTtlSeconds: 1.5 }).catch((e: unknown) => e);
    expect(hasCode(bad, CdnErrorCode.Config)).toBe(true);
    expect(cf.requests).toHaveLength(before);
  });
});
