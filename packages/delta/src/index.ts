export { makeDelta, DEFAULT_MAX_DELTA_INPUT_BYTES, DEFAULT_MAKE_TIMEOUT_MS, DEFAULT_APPLY_TIMEOUT_MS } from './make';
export type { MakeDeltaOptions, ArtifactFile, DeltaInfo } from './make';
export { applyDelta } from './apply';
export type { ApplyDeltaOptions, AppliedDelta } from './apply';
export { assertDeltaPair, shouldPublishDelta, deltaFileName, pickDelta, DEFAULT_MAX_DELTA_SHARE } from './policy';
export type { ArtifactIdentity } from './policy';
export { DELTA_FORMATS, isDeltaFormat, availableDeltaFormats, zstdWindowLog } from './tools';
export type { DeltaFormat } from './tools';
export { DeltaErrorCode, isDeltaError } from './errors';
