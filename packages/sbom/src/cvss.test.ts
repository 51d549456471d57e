import { rateVector, rateVectors, ratingOf, severityRank } from './cvss';

describe('CVSS ratings', () => {
  // CVSS v3.1 specification, "Examples" document: the scores FIRST publishes for these vectors.
  test.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1, 'medium'], // CVE-2013-1937 phpMyAdmin XSS
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 7.5, 'high'], // CVE-2014-0160 Heartbleed
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'critical'], // CVE-2014-6271 Shellshock; also both zlib CVEs
    ['CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', 7.8, 'high'], // CVE-2009-0658 Adobe Reader
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:L/I:N/A:N', 4.0, 'medium'], // exactly on the medium boundary
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'critical'],
  ])('%s scores %d (%s)', (vector, score, severity) => {
    expect(rateVector(vector)).toMatchObject({ score, severity });
  });

  // CVSS v4.0: scores of FIRST's reference calculator (macro-vector lookup table and interpolation).
  test.each([
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3, 'critical'],
    ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 8.5, 'high'],
    ['CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.7, 'high'],
    ['CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N', 5.3, 'medium'],
    ['CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', 2.4, 'low'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0, 'none'],
    // Threat and environmental metrics change the score the vector describes.
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U', 8.1, 'high'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A/CR:L/MAV:L', 9.3, 'critical'],
  ])('%s scores %d (%s)', (vector, score, severity) => {
    expect(rateVector(vector)).toMatchObject({ version: '4.0', score, severity });
  });

  test('CVSS 2.0 vectors use NVD\'s v2 scale, which has no critical', () => {
    expect(rateVector('AV:N/AC:L/Au:N/C:C/I:C/A:C')).toMatchObject({ version: '2.0', score: 10, severity: 'high' });
    expect(rateVector('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toMatchObject({ score: 7.5, severity: 'high' });
  });

  test('incomplete, repeated or unknown metrics are refused, not defaulted', () => {
    expect(rateVector('CVSS:3.1/AV:N/AC:L')).toBeUndefined();
    expect(rateVector('CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeUndefined();
    expect(rateVector('CVSS:3.1/AV:Z/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeUndefined();
    expect(rateVector('CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeUndefined(); // no AT
    expect(rateVector('CRITICAL')).toBeUndefined();
    expect(rateVectors(['HIGH', 'not a vector'])).toBeUndefined();
  });

  test('several vectors: the newest version counts, then the highest score', () => {
    const v31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
    const v40 = 'CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N';
    expect(rateVectors([v31, v40])).toMatchObject({ version: '4.0', score: 2.4 });
    expect(rateVectors(['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:L/I:N/A:N', v31, 'AV:N/AC:L/Au:N/C:C/I:C/A:C'])).toMatchObject({ version: '3.1', score: 9.8 });
  });

  test('the qualitative scale boundaries of CVSS 3.x and 4.0', () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map((s) => ratingOf(s, '3.1'))).toEqual(['none', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });

  test('unknown ranks with critical for thresholds', () => {
    expect(severityRank('unknown')).toBe(severityRank('critical'));
    expect(severityRank('high')).toBeGreaterThan(severityRank('medium'));
  });
});
