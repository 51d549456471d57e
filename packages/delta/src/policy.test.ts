import { DeltaErrorCode } from './errors';
import { assertDeltaPair, DEFAULT_MAX_DELTA_SHARE, deltaFileName, pickDelta, shouldPublishDelta } from './policy';
import { zstdWindowLog } from './tools';

const jq = (version: string, platform: 'linux-amd64' | 'darwin-arm64' = 'linux-amd64') => ({ name: 'jq', version, platform }) as const;

describe('shouldPublishDelta', () => {
  it('keeps a delta up to half of the full artifact by default, and not past it', () => {
    expect(DEFAULT_MAX_DELTA_SHARE).toBe(0.5);
    expect(shouldPublishDelta(500, 1000)).toBe(true);
    expect(shouldPublishDelta(501, 1000)).toBe(false);
    expect(shouldPublishDelta(250, 1000, 0.25)).toBe(true);
    expect(shouldPublishDelta(251, 1000, 0.25)).toBe(false);
  });

  it('publishes nothing against an empty or unknown full size, and refuses a share outside (0, 1]', () => {
    expect(shouldPublishDelta(0, 0)).toBe(false);
    expect(shouldPublishDelta(10, Number.NaN)).toBe(false);
    expect(() => shouldPublishDelta(1, 10, 0)).toThrow(RangeError);
    expect(() => shouldPublishDelta(1, 10, 1.5)).toThrow(RangeError);
  });
});

describe('assertDeltaPair', () => {
  it('accepts an older and a newer version of one package on one platform', () => {
    expect(() => assertDeltaPair(jq('1.7'), jq('1.7.1'))).not.toThrow();
    expect(() => assertDeltaPair(jq('1.10-rc1'), jq('1.10'))).not.toThrow();
  });

  it('refuses another package or another platform', () => {
    expect(() => assertDeltaPair(jq('1.7'), { ...jq('1.7.1'), name: 'yq' })).toThrow(expect.objectContaining({ code: DeltaErrorCode.NotSamePackage }));
    expect(() => assertDeltaPair(jq('1.7'), jq('1.7.1', 'darwin-arm64'))).toThrow(expect.objectContaining({ code: DeltaErrorCode.NotSamePackage }));
  });

  it('refuses the same version, and a target older than its base (by the one version order)', () => {
    expect(() => assertDeltaPair(jq('1.7.1'), jq('1.7.1'))).toThrow(expect.objectContaining({ code: DeltaErrorCode.VersionOrder }));
    expect(() => assertDeltaPair(jq('1.10'), jq('1.9'))).toThrow(expect.objectContaining({ code: DeltaErrorCode.VersionOrder }));
  });
});

describe('deltaFileName', () => {
  it('sits beside the target artifact and names the base version and the format', () => {
    expect(deltaFileName(jq('1.7'), jq('1.7.1'), 'bsdiff')).toBe('jq-1.7.1-linux-amd64.from-1.7.bsdiff');
    expect(deltaFileName(jq('1.7'), jq('1.7.1'), 'zstd')).toBe('jq-1.7.1-linux-amd64.from-1.7.zstpatch');
    expect(() => deltaFileName(jq('1.7.1'), jq('1.7'), 'bsdiff')).toThrow(expect.objectContaining({ code: DeltaErrorCode.VersionOrder }));
  });
});

describe('pickDelta', () => {
  const deltas = [
    { format: 'zstd', size: 900, id: 'z' },
    { format: 'bsdiff', size: 500, id: 'b' },
    { format: 'future-format', size: 10, id: 'f' },
  ];
  it('takes the smallest delta this machine can apply', () => {
    expect(pickDelta(deltas, ['bsdiff', 'zstd'])?.id).toBe('b');
    expect(pickDelta(deltas, ['zstd'])?.id).toBe('z');
  });
  it('gives nothing when no format applies: the full download', () => {
    expect(pickDelta(deltas, [])).toBeUndefined();
    expect(pickDelta([], ['bsdiff'])).toBeUndefined();
  });
});

describe('zstdWindowLog', () => {
  it('is the smallest N with 2^N >= the size, at least 10', () => {
    expect(zstdWindowLog(0)).toBe(10);
    expect(zstdWindowLog(1024)).toBe(10);
    expect(zstdWindowLog(1025)).toBe(11);
    expect(zstdWindowLog(11_432_448)).toBe(24);
    expect(zstdWindowLog(2 ** 27)).toBe(27);
  });
});
