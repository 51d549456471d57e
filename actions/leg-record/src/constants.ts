/** Input and output names of action.yml, in one place. */
export const Inputs = {
  Leg: 'leg',
  JobStatus: 'job-status',
  Steps: 'steps',
  ArtifactName: 'artifact-name',
  RecordsDir: 'records-dir',
} as const;

export const Outputs = {
  Record: 'record',
  Status: 'status',
  Reason: 'reason',
} as const;
