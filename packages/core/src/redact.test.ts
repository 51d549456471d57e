import { redactUrl, urlSecrets } from './redact';

describe('redactUrl', () => {
  it('hides user info and secret query values, keeps the rest', () => {
    expect(redactUrl('http://ci:TOPSECRET@127.0.0.1:8080/a/b.tgz')).toBe('http://***:***@127.0.0.1:8080/a/b.tgz');
    expect(redactUrl('https://x.r2.dev/f?X-Amz-Signature=abc&part=1')).toBe('https://x.r2.dev/f?X-Amz-Signature=***&part=1');
    expect(redactUrl('https://host/f?token=SECRET')).toBe('https://host/f?token=***');
  });
  it('returns URLs without secrets, and non-URLs, unchanged', () => {
    expect(redactUrl('https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz')).toBe('https://ftp.gnu.org/gnu/hello/hello-2.10.tar.gz');
    expect(redactUrl('not a url')).toBe('not a url');
  });
  it('names the secrets to mask', () => {
    expect(urlSecrets('http://ci:TOP%40SECRET@h/x?token=t1')).toEqual(['TOP@SECRET', 't1']);
    expect(urlSecrets('https://h/x')).toEqual([]);
  });
});
