import { createHash } from 'node:crypto';
import { cdnUrl, entryFiles, manifestEntries, purgeTargets } from './targets';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const ref = (s: string, file: string) => ({ file, sha256: sha(s), size: 1, urls: [`https://m.example/${file}`] });

const packages = {
  jq: {
    '1.7.1': {
      'linux-amd64': {
        status: 'available',
        build: { version: '1.7.1', platform: 'linux-amd64', builtAt: '2026-01-01T00:00:00Z', method: 'source' },
        artifacts: [
          { format: 'tar.gz', ...ref('gz', 'jq-1.7.1-linux-amd64.tar.gz'), signatureBundle: ref('sig', 'jq-1.7.1-linux-amd64.tar.gz.sigstore.json') },
          { format: 'tar.zst', ...ref('zst', 'jq-1.7.1-linux-amd64.tar.zst') },
        ],
        metadata: ref('meta', 'jq-1.7.1-linux-amd64.json'),
        sboms: [{ format: 'cyclonedx-json', ...ref('sbom', 'jq-1.7.1-linux-amd64.cdx.json') }],
      },
      'darwin-arm64': { status: 'unavailable', reason: 'failed' },
    },
    '1.7.0': { 'linux-amd64': { status: 'available', metadata: ref('old', 'jq-1.7.0.json'), artifacts: [] } },
  },
};

test('a release: the manifest pointer first, then every file of every entry, as CDN URLs', () => {
  const targets = purgeTargets({ baseUrl: 'https://dl.example.com/potions/', entries: manifestEntries(packages, { name: 'jq', version: '1.7.1' }) });
  expect(targets.prefixes).toEqual([]);
  expect(targets.urls).toEqual([
    'https://dl.example.com/potions/manifest.json',
    `https://dl.example.com/potions/artifacts/sha256/${sha('gz')}/jq-1.7.1-linux-amd64.tar.gz`,
    `https://dl.example.com/potions/artifacts/sha256/${sha('sig')}/jq-1.7.1-linux-amd64.tar.gz.sigstore.json`,
    `https://dl.example.com/potions/artifacts/sha256/${sha('zst')}/jq-1.7.1-linux-amd64.tar.zst`,
    `https://dl.example.com/potions/artifacts/sha256/${sha('meta')}/jq-1.7.1-linux-amd64.json`,
    `https://dl.example.com/potions/artifacts/sha256/${sha('sbom')}/jq-1.7.1-linux-amd64.cdx.json`,
  ]);
});

test('manifestEntries narrows by version and platform; unknown names give nothing', () => {
  expect(manifestEntries(packages, { name: 'jq' })).toHaveLength(3);
  expect(manifestEntries(packages, { name: 'jq', version: '1.7.1', platform: 'darwin-arm64' })).toEqual([{ status: 'unavailable', reason: 'failed' }]);
  expect(manifestEntries(packages, { name: 'nope' })).toEqual([]);
  expect(purgeTargets({ baseUrl: 'https://x.example', entries: manifestEntries(packages, { name: 'nope' }), manifest: false })).toEqual({ urls: [], prefixes: [] });
});

test('keys and key prefixes are URL-encoded like the mirrors\' public URLs, and de-duplicated', () => {
  expect(purgeTargets({ baseUrl: 'https://x.example', keys: ['manifest.json', 'a b/c+d.json', '/lead.json'], keyPrefixes: ['artifacts/sha256/ab/', 'artifacts/sha256/ab/'] })).toEqual({
    urls: ['https://x.example/manifest.json', 'https://x.example/a%20b/c%2Bd.json', 'https://x.example/lead.json'],
    prefixes: ['https://x.example/artifacts/sha256/ab/'],
  });
  expect(cdnUrl('https://x.example/', 'manifests/manifest-3.json')).toBe('https://x.example/manifests/manifest-3.json');
});

test('entryFiles finds files by shape and ignores look-alikes', () => {
  expect(entryFiles({ nested: [{ deeper: { file: 'a', sha256: sha('a') } }], bad: { file: 'b', sha256: 'not-hex' }, dup: { file: 'a', sha256: sha('a') } })).toEqual([
    { file: 'a', sha256: sha('a') },
  ]);
  expect(entryFiles(null)).toEqual([]);
});

test('a file name that cannot be a key is refused, not turned into a URL', () => {
  expect(() => purgeTargets({ baseUrl: 'https://x.example', entries: [{ file: '../etc/passwd', sha256: sha('x') }] })).toThrow(/cannot be used in a key/);
});
