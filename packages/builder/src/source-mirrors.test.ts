import { RecordingReporter } from '@potions/core';
import { candidateSources, candidateUrls, parseSourceMirrors, redactMirrorSecrets, sourceMirrorUrl, sourceMirrorsFromEnv } from './source-mirrors';

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
    expect(() => parseSourceMirrors(['not a url'])).toThrow(/a source mirror: "not a url" is not a URL/);
  });

  test('credentials in a mirror are marked secret where the mirror is read, and never printed in an error', () => {
    const reporter = new RecordingReporter();
    expect(parseSourceMirrors(['https://ci:TOPSECRET@m.example/src'], '--source-mirror', reporter)).toEqual(['https://ci:TOPSECRET@m.example/src']);
    expect(reporter.secrets).toEqual(['TOPSECRET']);
    const fromEnv = new RecordingReporter();
    sourceMirrorsFromEnv({ POTIONS_SOURCE_MIRRORS: 'https://m.example/?token=ENVSECRET' }, fromEnv);
    expect(fromEnv.secrets).toEqual(['ENVSECRET']);
    expect(() => parseSourceMirrors(['ftp://u:PW12345@x/'])).toThrow(/"ftp:\/\/\*\*\*:\*\*\*@x\/" is not an http/);
    expect(() => parseSourceMirrors(['ftp://u:PW12345@x/'])).not.toThrow(/PW12345/);
    expect(() => parseSourceMirrors(['//u:PW12345@ no url'])).not.toThrow(/PW12345/);
  });

  test('each candidate knows the recipe URL it stands for; mirror credentials come out of messages', () => {
    expect(candidateSources(['https://a.example/x.tgz'], ['https://u:p@m1/'])).toEqual([
      { url: 'https://a.example/x.tgz', upstream: 'https://a.example/x.tgz' },
      { url: 'https://u:p@m1/a.example/x.tgz', upstream: 'https://a.example/x.tgz' },
    ]);
    const base = 'http://ci:TOPSECRET@127.0.0.1:9';
    expect(redactMirrorSecrets(`  ${base}/a.example/x.tgz: HTTP 404; ci failed TOPSECRET`, [base])).toBe(
      '  http://***:***@127.0.0.1:9/a.example/x.tgz: HTTP 404; ci failed ***',
    );
  });
});

