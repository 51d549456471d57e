import { healthRecordFromValue, healthRecordKey, parseHealthRecord } from './health';
import { healthRecord } from './testing';

describe('health records', () => {
  it('reads a record the health check wrote, ignoring fields it does not know', () => {
    const record = { ...healthRecord(), checker: 'potions 0.2' };
    expect(parseHealthRecord(JSON.stringify(record), 'health/x.json')).toEqual(healthRecord());
  });

  it('names the source and the field of a defect', () => {
    const bad = healthRecord();
    (bad.mirrors[1] as { reachable: unknown }).reachable = 'yes';
    expect(() => healthRecordFromValue(bad, 'health/2026/11/x.json')).toThrow(
      expect.objectContaining({
        code: 'E_METRICS_HEALTH_RECORD',
        location: { file: 'health/2026/11/x.json', field: 'mirrors.1.reachable' },
        message: expect.stringContaining('health/2026/11/x.json is not a Potions health record: mirrors.1.reachable'),
      }),
    );
    expect(() => parseHealthRecord('{', 'h.json')).toThrow(expect.objectContaining({ code: 'E_METRICS_HEALTH_RECORD', message: expect.stringMatching(/^h\.json is not JSON/) }));
    expect(() => healthRecordFromValue({ ...healthRecord(), schemaVersion: 2 }, 'h.json')).toThrow(expect.objectContaining({ location: { file: 'h.json', field: 'schemaVersion' } }));
    const twice = healthRecord();
    twice.mirrors[1]!.mirror = 'r2';
    expect(() => healthRecordFromValue(twice, 'h.json')).toThrow(expect.objectContaining({ message: 'h.json: mirror "r2" appears twice in one health record' }));
  });

  it('keys records by time, sortable, next to the manifest', () => {
    expect(healthRecordKey({ time: '2026-11-30T06:00:00.123Z' })).toBe('health/2026/11/2026-11-30T060000Z.json');
    expect(healthRecordKey({ time: '2026-01-02T03:04:05+01:00' })).toBe('health/2026/01/2026-01-02T020405Z.json');
  });
});
