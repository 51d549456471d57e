import { RecordingReporter, hasCode } from '@potions/core';
import { parse } from 'yaml';
import { cdnConfigFromObject, cdnFromConfig } from './config';
import { CdnErrorCode } from './errors';
import { startFakeCloudflare } from './testing';

const ZONE = '023e105f4ecef8ad9ca31a8372d0c353';

test('the cloudflare section as docs/cdn.md shows it: defaults filled in, trailing slash dropped', () => {
  const doc = parse(`
cdn:
  provider: cloudflare
  baseUrl: https://dl.example.com/
  zoneId: ${ZONE}
  cacheRules:
    manifestEdgeTtlSeconds: 60
`) as { cdn: unknown };
  expect(cdnConfigFromObject(doc.cdn, 'mirrors.yaml')).toEqual({
    provider: 'cloudflare',
    baseUrl: 'https://dl.example.com',
    zoneId: ZONE,
    apiTokenEnv: 'POTIONS_CLOUDFLARE_API_TOKEN',
    cacheRules: { manifestEdgeTtlSeconds: 60 },
  });
});

test('the http-purge section: the default ban header; an optional key header read from the environment', () => {
  expect(cdnConfigFromObject({ provider: 'http-purge', baseUrl: 'http://cache.internal:6081/potions' })).toEqual({
    provider: 'http-purge',
    baseUrl: 'http://cache.internal:6081/potions',
    banHeader: 'X-Potions-Ban',
  });
  const config = cdnConfigFromObject({ provider: 'http-purge', baseUrl: 'https://c.example', auth: { header: 'Fastly-Key', valueEnv: 'FASTLY_KEY' } });
  const reporter = new RecordingReporter();
  const cdn = cdnFromConfig(config, { reporter, env: { FASTLY_KEY: 'k3y' } });
  expect(cdn.purger.name).toBe('http-purge');
  expect(cdn.applyCacheRules).toBeUndefined();
  expect(reporter.secrets).toContain('k3y');
});

test.each([
  [{ provider: 'akamai', baseUrl: 'https://x.example' }, 'cdn.provider', /one of cloudflare, http-purge/],
  [{ provider: 'cloudflare', baseUrl: 'https://x.example', zoneId: 'example.com' }, 'cdn.zoneId', /32 lower-case hex digits.*found "example.com"/],
  [{ provider: 'cloudflare', baseUrl: 'ftp://x.example', zoneId: ZONE }, 'cdn.baseUrl', /http\(s\) URL/],
  [{ provider: 'http-purge', baseUrl: 'https://x.example/?a=1' }, 'cdn.baseUrl', /without \?query/],
  [{ provider: 'http-purge', baseUrl: 'https://x.example', banheader: 'X' }, 'cdn', /banheader/],
  [{ provider: 'cloudflare', baseUrl: 'https://x.example', zoneId: ZONE, batchSize: 500 }, 'cdn.batchSize', /100/],
])('%j is refused at %s', (value, field, message) => {
  try {
    cdnConfigFromObject(value, 'mirrors.yaml');
    throw new Error('accepted');
  } catch (err) {
    expect(hasCode(err, CdnErrorCode.Config)).toBe(true);
    expect((err as { location?: { field?: string; file?: string } }).location).toEqual({ file: 'mirrors.yaml', field });
    expect((err as Error).message).toMatch(message);
  }
});

test('a token written into the file is refused without echoing it', () => {
  try {
    cdnConfigFromObject({ provider: 'cloudflare', baseUrl: 'https://x.example', zoneId: ZONE, apiToken: 'super-secret-value' }, 'mirrors.yaml');
    throw new Error('accepted');
  } catch (err) {
    expect(hasCode(err, CdnErrorCode.Config)).toBe(true);
    expect((err as Error).message).not.toContain('super-secret-value');
    expect((err as { hint?: string }).hint).toContain('apiTokenEnv');
  }
});

test('a missing token variable names the variable; a set one is masked and used', async () => {
  const config = cdnConfigFromObject({ provider: 'cloudflare', baseUrl: 'https://dl.example.com', zoneId: ZONE, apiTokenEnv: 'CF_TOKEN' });
  const missing = (() => {
    try {
      cdnFromConfig(config, { reporter: new RecordingReporter(), env: {} });
    } catch (err) {
      return err;
    }
  })();
  expect(hasCode(missing, CdnErrorCode.TokenMissing)).toBe(true);
  expect((missing as Error).message).toContain('CF_TOKEN is unset');

  const cf = await startFakeCloudflare({ zoneId: ZONE });
  try {
    const reporter = new RecordingReporter();
    const cdn = cdnFromConfig(config, { reporter, env: { CF_TOKEN: cf.token }, cloudflareApiBase: cf.apiBase });
    expect(reporter.secrets).toContain(cf.token);
    await cdn.purger.purge({ urls: ['https://dl.example.com/manifest.json'] });
    expect(cf.purges).toEqual([{ files: ['https://dl.example.com/manifest.json'] }]);
    expect(await cdn.applyCacheRules!({ dryRun: true })).toMatchObject({ written: false, changed: true });
    expect(await cdn.applyCacheRules!()).toMatchObject({ written: true });
    expect(cf.ruleset!.rules[0]!.expression).toContain('"dl.example.com"');
  } finally {
    await cf.close();
  }
});
