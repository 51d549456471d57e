/** Input and output names of action.yml, in one place. */
export const Inputs = {
  Recipe: 'recipe',
  Platform: 'platform',
  Version: 'version',
  SourceMirrors: 'source-mirrors',
  Cache: 'cache',
  OutputDir: 'output-dir',
  RecipesDir: 'recipes-dir',
  ResolveOnly: 'resolve-only',
  Sandbox: 'sandbox',
  Jobs: 'jobs',
} as const;

export const Outputs = {
  Artifact: 'artifact',
  Sha256: 'sha256',
  Version: 'version',
  Status: 'status',
  Metadata: 'metadata',
  Name: 'name',
  FailedStep: 'failed-step',
  Dependencies: 'dependencies',
  BuildEnvironment: 'build-environment',
} as const;
