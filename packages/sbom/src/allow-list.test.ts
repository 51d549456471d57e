import { entryFor, isExpired, parseAllowList } from './allow-list';
import type { Finding } from './finding';

const finding: Finding = { id: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2023-45853'], severity: 'critical', package: { name: 'zlib', version: '1.2.13' }, scanner: 'osv', sbom: 's' };

describe('allow-list', () => {
  const text = `# accepted after review
- id: CVE-2023-45853
  reason: MiniZip is not built or shipped by the zlib recipe
  expires: 2027-03-31
- id: CVE-2022-37434
  reason: inflateGetHeader is never called
  expires: 2026-01-31
  package: curl
`;

  test('entries with their file and line; an entry matches by id or alias, and by package when it names one', () => {
    const entries = parseAllowList(text, 'allow.yml');
    expect(entries).toEqual([
      { id: 'CVE-2023-45853', reason: 'MiniZip is not built or shipped by the zlib recipe', expires: '2027-03-31', file: 'allow.yml', line: 2 },
      { id: 'CVE-2022-37434', reason: 'inflateGetHeader is never called', expires: '2026-01-31', package: 'curl', file: 'allow.yml', line: 5 },
    ]);
    const now = new Date('2026-11-30T12:00:00Z');
    expect(entryFor(entries, finding, now)?.id).toBe('CVE-2023-45853');
    expect(entryFor(entries, { ...finding, id: 'CVE-2022-37434', aliases: [] }, now)).toBeUndefined();
    expect(entryFor(entries, { ...finding, id: 'CVE-2022-37434', aliases: [], package: { name: 'curl' } }, now)?.package).toBe('curl');
  });

  test('an entry allows through its expiry day (UTC) and not after', () => {
    const [entry] = parseAllowList(text);
    expect(isExpired(entry!, new Date('2027-03-31T23:59:59Z'))).toBe(false);
    expect(isExpired(entry!, new Date('2027-04-01T00:00:00Z'))).toBe(true);
  });

  test('mistakes name the line and the field', () => {
    expect(() => parseAllowList('- id: CVE-1\n  reason: x\n  expires: 2027-02-30\n', 'a.yml')).toThrow(
      expect.objectContaining({ code: 'E_SBOM_ALLOW_LIST', message: 'allow-list entry 1 field "expires": a real date YYYY-MM-DD', location: { file: 'a.yml', line: 3, field: '[0].expires' } }),
    );
    expect(() => parseAllowList('- id: CVE-1\n  expires: 2027-01-01\n', 'a.yml')).toThrow(expect.objectContaining({ message: expect.stringContaining('field "reason"') }));
    expect(() => parseAllowList('- id: CVE-1\n  reason: r\n  expires: 2027-01-01\n  until: x\n')).toThrow(expect.objectContaining({ code: 'E_SBOM_ALLOW_LIST' }));
    expect(() => parseAllowList('id: CVE-1\n')).toThrow(expect.objectContaining({ message: expect.stringContaining('must be a list of entries') }));
    expect(() => parseAllowList('- id: [\n')).toThrow(expect.objectContaining({ message: expect.stringContaining('not valid YAML'), location: expect.objectContaining({ line: expect.any(Number) }) }));
    expect(parseAllowList('')).toEqual([]);
  });
});
