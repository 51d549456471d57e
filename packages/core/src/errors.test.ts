import { UserError, describeError, hasCode, withHint } from './errors';

describe('withHint', () => {
  it('keeps code, message, location and the fields of the error; only the hint changes', () => {
    const err = new UserError('E_X_THING', 'the thing failed', { location: { file: 'a.yml', line: 3 }, hint: 'raise the deadline' });
    (err as unknown as { mirrors: string[] }).mirrors = ['https://a/x'];
    const out = withHint(err, 'raise --deadline');
    expect(hasCode(out, 'E_X_THING')).toBe(true);
    expect(out).toMatchObject({ message: 'the thing failed', location: { file: 'a.yml', line: 3 }, hint: 'raise --deadline', mirrors: ['https://a/x'], cause: err });
    expect(describeError(out)).toBe('a.yml:3: the thing failed\n  hint: raise --deadline');
  });
});
