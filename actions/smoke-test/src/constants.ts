/** Input and output names of action.yml, in one place. */
export const Inputs = {
  Artifact: 'artifact',
  Platform: 'platform',
  Recipe: 'recipe',
  Version: 'version',
  Dependencies: 'dependencies',
  RequireRun: 'require-run',
  RecipesDir: 'recipes-dir',
  ReportFile: 'report-file',
} as const;

export const Outputs = {
  Ok: 'ok',
  Report: 'report',
  Ran: 'ran',
} as const;

/** The report's name in the runner's temporary folder when `report-file` is not given. */
export const DEFAULT_REPORT_FILE = 'potions-smoke-test-report.json';
