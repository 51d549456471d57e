/** Input, output and environment names of action.yml, in one place. */
export const Inputs = {
  Artifacts: 'artifacts',
  SyncResult: 'sync-result',
  Mirrors: 'mirrors',
  Credentials: 'credentials',
  Platforms: 'platforms',
  Failures: 'failures',
  Checks: 'checks',
  ArtifactTrust: 'artifact-trust',
  NewRevision: 'new-revision',
  ExpiresDays: 'expires-days',
  DryRun: 'dry-run',
} as const;

export const Outputs = {
  ManifestUrl: 'manifest-url',
  Version: 'version',
  Changed: 'changed',
} as const;
