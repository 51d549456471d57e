/** Input and output names of action.yml, in one place. */
export const Inputs = {
  Path: 'path',
  Mirrors: 'mirrors',
  Credentials: 'credentials',
  MinMirrors: 'min-mirrors',
  DryRun: 'dry-run',
  ResultFile: 'result-file',
} as const;

export const Outputs = {
  Result: 'result',
  Uploaded: 'uploaded',
  Skipped: 'skipped',
  Failed: 'failed',
  PolicyMet: 'policy-met',
} as const;

/** The result file's name in the runner's temporary folder when `result-file` is not given. */
export const DEFAULT_RESULT_FILE = 'potions-mirror-sync-result.json';
