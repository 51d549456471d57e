import { candidateUrls, parseSourceMirrors, sourceMirrorUrl, sourceMirrorsFromEnv } from './source-mirrors';

describe('source mirrors', () => {
  test('a file is looked up at BASE/<host>/<path>', () => {
    expect(sourceMirrorUrl('https://m.example/src/', 'https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz')).toBe(
      'https://m.example/src/ftp.gnu.org/gnu/hello/hello-2.10.tar.gz',
    );
    expect(sourceMirrorUrl('http://127.0.0.1:9', 'http://h.example:8080/a/b.tgz?x=1')).toBe('http://127.0.0.1:9/h.example:8080/a/b.tgz?x=1');
  });

  test('the recipe URLs come first, then each mirror for each of them', () => {
    expect(candidateUrls(['https://a.example/x.tgz', 'https://b.example/y/x.tgz'], ['https://m1', 'https://m2'])).toEqual([
      'https://a.example/x.tgz',
      'https://b.example/y/x.tgz',
      'https://m1/a.example/x.tgz',
      'https://m1/b.example/y/x.tgz',
      'https://m2/a.example/x.tgz',
      'https://m2/b.example/y/x.tgz',
    ]);
  });

  test('POTIONS_SOURCE_MIRRORS is comma-separated; a bad value names the variable', () => {
    expect(sourceMirrorsFromEnv({ POTIONS_SOURCE_MIRRORS: 'https://a, https://b,,' })).toEqual(['https://a', 'https://b']);
    expect(() => sourceMirrorsFromEnv({ POTIONS_SOURCE_MIRRORS: 'ftp://x' })).toThrow(/POTIONS_SOURCE_MIRRORS: "ftp:\/\/x" is not an http/);
    expect(() => parseSourceMirrors(['not a url'])).toThrow(/--source-mirror: "not a url" is not a URL/);
  });
});
