import { evaluateRange, type OsvRange } from './osv-ranges';

const range = (type: OsvRange['type'], ...events: OsvRange['events']): OsvRange => ({ type, events });

describe('OSV range evaluation', () => {
  test('introduced/fixed: the fixed version is not affected; the fixed version is reported', () => {
    const r = range('ECOSYSTEM', { introduced: '0' }, { fixed: '1.3.1' });
    expect(evaluateRange(r, '1.2.13')).toEqual({ affected: true, fixed: '1.3.1' });
    expect(evaluateRange(r, '1.3')).toEqual({ affected: true, fixed: '1.3.1' });
    expect(evaluateRange(r, '1.3.1')).toEqual({ affected: false });
    expect(evaluateRange(r, '1.4')).toEqual({ affected: false });
  });

  test('several intervals in one range, events in any order', () => {
    const r = range('SEMVER', { introduced: '3.0.0' }, { fixed: '3.2.5' }, { introduced: '1.0.0' }, { fixed: '1.0.2' });
    expect(['0.9.0', '1.0.0', '1.0.1', '1.0.2', '2.0.0', '3.1.0', '3.2.5'].map((v) => evaluateRange(r, v)?.affected)).toEqual([false, true, true, false, false, true, false]);
    expect(evaluateRange(r, '3.1.0')?.fixed).toBe('3.2.5');
  });

  test('last_affected closes after itself', () => {
    const r = range('ECOSYSTEM', { introduced: '2.0' }, { last_affected: '2.1.214' });
    expect(evaluateRange(r, '2.1.214')?.affected).toBe(true);
    expect(evaluateRange(r, '2.1.215')?.affected).toBe(false);
    expect(evaluateRange(r, '1.9')?.affected).toBe(false);
  });

  test('limit events cap the range; "*" is infinity', () => {
    const r = range('ECOSYSTEM', { introduced: '0' }, { limit: '2.0' });
    expect(evaluateRange(r, '1.9')?.affected).toBe(true);
    expect(evaluateRange(r, '2.0')?.affected).toBe(false);
    expect(evaluateRange(range('ECOSYSTEM', { introduced: '1.0' }, { limit: '*' }), '99')?.affected).toBe(true);
    // Several limits: below any of them is enough.
    expect(evaluateRange(range('ECOSYSTEM', { introduced: '0' }, { limit: '1.0' }, { limit: '3.0' }), '2.5')?.affected).toBe(true);
  });

  test('ECOSYSTEM ranges use the project\'s version order for C-style versions', () => {
    const openssh = range('ECOSYSTEM', { introduced: '8.5p1' }, { fixed: '9.3p2' });
    expect(evaluateRange(openssh, '9.3p1')?.affected).toBe(true);
    expect(evaluateRange(openssh, '9.3p2')?.affected).toBe(false);
    expect(evaluateRange(openssh, '9.10p1')?.affected).toBe(false);
    const openssl = range('ECOSYSTEM', { introduced: '1.1.1' }, { fixed: '1.1.1w' });
    expect(evaluateRange(openssl, '1.1.1v')?.affected).toBe(true);
    expect(evaluateRange(openssl, '1.1.1w')?.affected).toBe(false);
    expect(evaluateRange(range('ECOSYSTEM', { introduced: '1.0' }, { fixed: '2.0' }), '2.0-rc1')?.affected).toBe(true);
  });

  test('SEMVER ranges follow SemVer precedence for pre-releases (numeric identifiers first)', () => {
    const r = range('SEMVER', { introduced: '1.0.0-alpha.1' }, { fixed: '1.0.0-alpha.beta' });
    expect(evaluateRange(r, '1.0.0-alpha.5')?.affected).toBe(true);
    expect(evaluateRange(r, '1.0.0-alpha.beta')?.affected).toBe(false);
    expect(evaluateRange(range('SEMVER', { introduced: '0' }, { fixed: '1.0.0' }), '1.0.0-rc.1')?.affected).toBe(true);
  });

  test('GIT ranges decide only a commit equal to one of their events', () => {
    const fix = '73331a6a0481067628f065ffe87bb1d8f787d10c';
    const r: OsvRange = { type: 'GIT', repo: 'https://github.com/madler/zlib', events: [{ introduced: '0' }, { fixed: fix }] };
    expect(evaluateRange(r, fix)).toEqual({ affected: false });
    expect(evaluateRange(r, '1.2.13')).toBeUndefined();
    expect(evaluateRange(r, '09155eaa2f9270dc4ed1fa13e2b4b2613e6e4851')).toBeUndefined();
  });
});
