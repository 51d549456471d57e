import { CACHE_CONTROL_IMMUTABLE, artifactKey, contentTypeFor, parseArtifactKey, planSync, publicUrl } from './index';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const objects = [
  { name: 'tree.tar.gz', path: '/x/tree.tar.gz', size: 10, sha256: A },
  { name: 'tree.tar.gz.sigstore.json', path: '/x/tree.tar.gz.sigstore.json', size: 5, sha256: B },
];

test('plan: skip what is there with the same size, upload the rest, and keep a mirror that failed to list', () => {
  const plan = planSync(objects, ['one', 'two', 'three'], {
    one: { objects: { [artifactKey(A, 'tree.tar.gz')]: 10, [artifactKey(B, 'tree.tar.gz.sigstore.json')]: 5 } },
    two: { objects: { [artifactKey(A, 'tree.tar.gz')]: 9 } },
    three: { error: 'three: list /: connect ECONNREFUSED' },
  }, { minMirrors: 2 });
  expect(plan.objects.map((o) => [o.key, o.contentType, o.cacheControl])).toEqual([
    [`artifacts/sha256/${A}/tree.tar.gz`, 'application/gzip', CACHE_CONTROL_IMMUTABLE],
    [`artifacts/sha256/${B}/tree.tar.gz.sigstore.json`, 'application/vnd.dev.sigstore.bundle.v0.3+json', CACHE_CONTROL_IMMUTABLE],
  ]);
  expect(plan.mirrors).toEqual([
    { mirror: 'one', actions: [{ object: 0, action: 'skip', reason: 'present' }, { object: 1, action: 'skip', reason: 'present' }], uploadBytes: 0, listed: 2 },
    {
      mirror: 'two',
      actions: [
        { object: 0, action: 'upload', reason: 'size-differs' },
        { object: 1, action: 'upload', reason: 'missing' },
      ],
      uploadBytes: 15,
      listed: 1,
    },
    { mirror: 'three', error: 'three: list /: connect ECONNREFUSED', actions: [], uploadBytes: 0 },
  ]);
  expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
});

test('keys keep the file name, carry the digest, and map to public URLs', () => {
  expect(parseArtifactKey(artifactKey(A, 'x.tar.zst'))).toEqual({ sha256: A, fileName: 'x.tar.zst' });
  expect(parseArtifactKey('manifest.json')).toBeUndefined();
  expect(() => artifactKey(A, '../etc')).toThrow(expect.objectContaining({ code: 'E_MIRRORS_BAD_NAME' }));
  const base = { endpoint: 'https://s3.eu-central-2.wasabisys.com', bucket: 'pots', prefix: 'v1', forcePathStyle: true };
  expect(publicUrl(base, 'a b/c+d')).toBe('https://s3.eu-central-2.wasabisys.com/pots/v1/a%20b/c%2Bd');
  expect(publicUrl({ ...base, forcePathStyle: false }, 'k')).toBe('https://pots.s3.eu-central-2.wasabisys.com/v1/k');
  expect(publicUrl({ ...base, publicUrl: 'https://dl.example.com' }, 'k')).toBe('https://dl.example.com/v1/k');
  expect(contentTypeFor('t.tar.xz')).toBe('application/x-xz');
  expect(contentTypeFor('manifest.json')).toBe('application/json');
  expect(contentTypeFor('README')).toBe('application/octet-stream');
});
