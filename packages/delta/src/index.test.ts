import * as api from './index';

describe('@potions/delta public surface', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual([
      'DEFAULT_APPLY_TIMEOUT_MS',
      'DEFAULT_MAKE_TIMEOUT_MS',
      'DEFAULT_MAX_DELTA_INPUT_BYTES',
      'DEFAULT_MAX_DELTA_SHARE',
      'DELTA_FORMATS',
      'DeltaErrorCode',
      'applyDelta',
      'assertDeltaPair',
      'availableDeltaFormats',
      'deltaFileName',
      'isDeltaError',
      'isDeltaFormat',
      'makeDelta',
      'pickDelta',
      'shouldPublishDelta',
      'zstdWindowLog',
    ]);
  });

  it('names every error code E_DELTA_*', () => {
    for (const code of Object.values(api.DeltaErrorCode)) expect(code).toMatch(/^E_DELTA_[A-Z_]+$/);
  });
});
