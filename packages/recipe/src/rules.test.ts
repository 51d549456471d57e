import { applyCleanup, parseCleanup } from './cleanup';
import { renderTemplate, templatePlaceholders } from './template';
import { splitWords } from './words';

describe('version.cleanup', () => {
  it.each([
    ['v:', 'v1.2.3', '1.2.3'],
    ['_:.', '8_11_1', '8.11.1'],
    ['/:', '3.12.1/', '3.12.1'],
    ['tree-:.tgz', 'tree-2.1.1', '2.1.1'],
    ['popt-:.tar.gz', 'popt-1.19.tar.gz', '1.19'],
    ['s/zlib //', 'zlib 1.3.1', '1.3.1'],
    ['s|kustomize/v||', 'kustomize/v5.4.2', '5.4.2'],
    ['s/R_//g;s/_/./g', 'R_2_7_3', '2.7.3'],
    ['s/release-//;s/-stable//', 'release-2.0.21-stable', '2.0.21'],
    ['s/[^0-9.]//g', 'ver 1.2a', '1.2'],
    ['s/^v//', 'vv1', 'v1'],
    ['s/v//;+:%2B', 'v1.30.0+k3s1', '1.30.0%2Bk3s1'],
    ['', 'v1', 'v1'],
  ])('%j turns %j into %j', (rule, input, output) => {
    expect(applyCleanup(input, parseCleanup(rule))).toBe(output);
  });

  it('rejects rules it cannot read', () => {
    expect(() => parseCleanup('nonsense')).toThrow(/neither "find:replace" nor a sed expression/);
    expect(() => parseCleanup('s/a/b')).toThrow(/three "\/" separators/);
    expect(() => parseCleanup('s/(/x/')).toThrow(/invalid regular expression/);
  });
});

describe('templates', () => {
  it('renders known placeholders and refuses unknown ones', () => {
    expect(renderTemplate('https://x/{version}/{os}-{arch}', { version: '1', os: 'linux', arch: 'amd64' })).toBe('https://x/1/linux-amd64');
    expect(() => renderTemplate('https://x/{nope}', { version: '1' })).toThrow('unknown placeholder {nope}');
    expect(() => templatePlaceholders('https://x/{version')).toThrow(/unbalanced/);
    expect(() => templatePlaceholders('https://x/{Version}')).toThrow(/not a placeholder name/);
  });
});

describe('splitWords', () => {
  it('splits like a shell without expanding anything', () => {
    expect(splitWords(`a  'b c' "d \\"e\\"" f\\ g $(x) ;|&`)).toEqual(['a', 'b c', 'd "e"', 'f g', '$(x)', ';|&']);
    expect(splitWords('  ')).toEqual([]);
    expect(() => splitWords("'open")).toThrow(/unterminated/);
  });
});

