/** Input and output names of action.yml, in one place. */
export const Inputs = {
  Package: 'package',
  Reason: 'reason',
  Platform: 'platform',
  Revision: 'revision',
  Mirrors: 'mirrors',
  Credentials: 'credentials',
  ExpiresDays: 'expires-days',
  DryRun: 'dry-run',
} as const;

export const Outputs = {
  Version: 'version',
  Changed: 'changed',
  Withdrawn: 'withdrawn',
  PurgeUrls: 'purge-urls',
} as const;
