/** Input and output names of action.yml, in one place. */
export const Inputs = {
  Plan: 'plan',
  Records: 'records',
  MinPlatforms: 'min-platforms',
} as const;

export const Outputs = {
  Summary: 'summary',
  Platforms: 'platforms',
  ArtifactIds: 'artifact-ids',
  Failures: 'failures',
  Publish: 'publish',
  Built: 'built',
  Failed: 'failed',
  HeldBack: 'held-back',
} as const;
