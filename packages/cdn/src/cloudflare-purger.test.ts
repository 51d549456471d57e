import { RecordingReporter, hasCode } from '@potions/core';
import { CloudflarePurger } from './cloudflare-purger';
import { CdnErrorCode } from './errors';
import { startFakeCloudflare, type FakeCloudflare } from './testing';

let cf: FakeCloudflare;
let delays: number[];

beforeEach(async () => {
  cf = await startFakeCloudflare();
  delays = [];
});
afterEach(async () => {
  await cf.close();
});

function purger(extra: Partial<ConstructorParameters<typeof CloudflarePurger>[0]> = {}, reporter = new RecordingReporter()): CloudflarePurger {
  return new CloudflarePurger({
    token: cf.token,
    zoneId: cf.zoneId,
    apiBase: cf.apiBase,
    reporter,
    retry: { sleep: async (ms) => void delays.push(ms), attempts: 3 },
    ...extra,
  });
}

const urls = (n: number): string[] => Array.from({ length: n }, (_, i) => `https://dl.example.com/artifacts/sha256/${String(i).padStart(64, '0')}/t.tar.gz`);

test('URLs go as files in batches of 30, prefixes without their scheme, with the bearer token and JSON', async () => {
  const reporter = new RecordingReporter();
  const result = await purger({}, reporter).purge({
    urls: [...urls(65), urls(1)[0]!],
    prefixes: ['https://dl.example.com/artifacts/sha256/aa/', 'https://dl.example.com:8443/manifests/'],
  });
  expect(result).toEqual({ purger: 'cloudflare', urls: urls(65), prefixes: expect.any(Array), requests: 4, retries: 0 });
  expect(cf.purges.map((p) => (p.files ?? p.prefixes)!.length)).toEqual([30, 30, 5, 2]);
  expect(cf.purges.flatMap((p) => p.files ?? [])).toEqual(urls(65));
  expect(cf.purges[3]).toEqual({ prefixes: ['dl.example.com/artifacts/sha256/aa/', 'dl.example.com:8443/manifests/'] });
  for (const r of cf.requests) {
    expect(r.method).toBe('POST');
    expect(r.url).toBe(`/client/v4/zones/${cf.zoneId}/purge_cache`);
    expect(r.headers.authorization).toBe(`Bearer ${cf.token}`);
    expect(r.headers['content-type']).toBe('application/json');
  }
  // The token is masked, and never logged.
  expect(reporter.secrets).toContain(cf.token);
  expect(reporter.text()).not.toContain(cf.token);
  expect(reporter.text()).toContain('purged 65 URL(s) and 2 prefix(es) in 4 request(s)');
});

test('a batch larger than the plan allows is refused by the API with its error code and message', async () => {
  const err = await purger({ batchSize: 31 }).purge({ urls: urls(31) }).catch((e: unknown) => e);
  expect(hasCode(err, CdnErrorCode.Api)).toBe(true);
  expect((err as Error).message).toMatch(/HTTP 400: 1014 Request exceeds the limit of 30 files per request/);
  expect(cf.purges).toHaveLength(0);
});

test('429 is retried after the Retry-After the API sends, then succeeds', async () => {
  cf.failNext({ status: 429, headers: { 'retry-after': '7' }, errors: [{ code: 971, message: 'Please wait and consider throttling your request speed' }] });
  const result = await purger().purge({ urls: urls(2) });
  expect(result.retries).toBe(1);
  expect(delays).toEqual([7000]);
  expect(cf.purges).toEqual([{ files: urls(2) }]);
});

test('still rate limited after the attempts: E_CDN_RATE_LIMITED with the API message', async () => {
  const limited = { status: 429, headers: { 'retry-after': '1' }, errors: [{ code: 971, message: 'Please wait' }] };
  cf.failNext(limited, limited, limited);
  const err = await purger().purge({ urls: urls(1) }).catch((e: unknown) => e);
  expect(hasCode(err, CdnErrorCode.RateLimited)).toBe(true);
  expect((err as Error).message).toContain('HTTP 429 rate limited: 971 Please wait');
  expect(delays).toEqual([1000, 1000]);
});

test('a Retry-After longer than the caller will wait fails at once', async () => {
  cf.failNext({ status: 429, headers: { 'retry-after': '3600' } });
  const err = await purger({ retry: { sleep: async (ms) => void delays.push(ms), maxRetryAfterMs: 60_000 } }).purge({ urls: urls(1) }).catch((e: unknown) => e);
  expect(hasCode(err, CdnErrorCode.RateLimited)).toBe(true);
  expect(delays).toEqual([]);
  expect(cf.requests).toHaveLength(1);
});

test('a 5xx is retried; a bad token is not, and says which permissions the token needs', async () => {
  cf.failNext({ status: 502, body: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' } });
  await purger().purge({ urls: urls(1) });
  expect(cf.purges).toHaveLength(1);

  const err = await purger({ token: 'wrong-token' }).purge({ urls: urls(1) }).catch((e: unknown) => e);
  expect(hasCode(err, CdnErrorCode.Auth)).toBe(true);
  expect((err as Error).message).toContain('10000 Authentication error');
  expect((err as { hint?: string }).hint).toContain('Cache Purge');
  expect(cf.requests.filter((r) => r.headers.authorization === 'Bearer wrong-token')).toHaveLength(1);
});

test('a body that is not the API envelope is E_CDN_BAD_RESPONSE, not success', async () => {
  cf.failNext({ status: 200, body: '<html>captive portal</html>' });
  const err = await purger().purge({ urls: urls(1) }).catch((e: unknown) => e);
  expect(hasCode(err, CdnErrorCode.BadResponse)).toBe(true);
});

test('success: false with HTTP 200 is an error too', async () => {
  cf.failNext({ status: 200, errors: [{ code: 1234, message: 'odd' }] });
  const err = await purger().purge({ urls: urls(1) }).catch((e: unknown) => e);
  expect(hasCode(err, CdnErrorCode.Api)).toBe(true);
  expect((err as Error).message).toContain('1234 odd');
});

test('an API that cannot be reached is E_CDN_UNREACHABLE after the attempts', async () => {
  const apiBase = cf.apiBase;
  await cf.close();
  const err = await purger({ apiBase }).purge({ urls: urls(1) }).catch((e: unknown) => e);
  expect(hasCode(err, CdnErrorCode.Unreachable)).toBe(true);
  expect(delays).toHaveLength(2);
  cf = await startFakeCloudflare();
});

test('a malformed zone ID or batch size is a configuration error before any request', () => {
  expect(() => purger({ zoneId: 'example.com' })).toThrow(expect.objectContaining({ code: CdnErrorCode.Config }));
  expect(() => purger({ batchSize: 101 })).toThrow(expect.objectContaining({ code: CdnErrorCode.Config }));
});

test('nothing to purge sends nothing', async () => {
  const result = await purger().purge({});
  expect(result.requests).toBe(0);
  expect(cf.requests).toHaveLength(0);
});
