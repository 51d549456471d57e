export { RecipeErrorCode, RecipeIssueCode } from './errors';
export { parseRecipe, loadRecipeFile, loadRecipeDir, loadRecipePaths, findRecipeFiles, recipeDigest, MAX_RECIPE_BYTES } from './load';
export type {
  Recipe,
  RecipeIssue,
  LoadedRecipe,
  VersionSpec,
  VersionSource,
  ArtifactSpec,
  PlatformSpec,
  SignatureSpec,
  ConfigureSpec,
  BuildSpec,
  SmokeTest,
  SourceBuildSpec,
  UrlTemplate,
  Sha256Pin,
} from './model';
export { BUILD_TYPES, recipeSchema, recipeJsonSchema } from './schema';
export type { BuildType } from './schema';
export { renderTemplate, renderPlatformTemplate, defaultPlatformValues, templatePlaceholders, TemplateError, BUILTIN_PLACEHOLDERS } from './template';
export { parseCleanup, applyCleanup } from './cleanup';
export type { CleanupRule } from './cleanup';
export { splitWords, expandBuildVars, BUILD_VARIABLES } from './words';
export type { BuildVariable } from './words';
export { isSafeName, isSafeVersion } from './names';
export { buildOrder, checkGraph, findCycles, recipeEdges } from './graph';
export type { BuildOrder } from './graph';
export { planDownloads, planBuild } from './plan';
export type { DownloadPlan, PlannedAttempt, BuildPlan } from './plan';
export { coverage, formatCoverage } from './coverage';
export type { Coverage } from './coverage';
export { checkRecipes } from './check';
export type { CheckEntry, CheckOptions, CheckReport, ReportIssue } from './check';
export { resolveVersion, selectVersions, matchesInPage, versionDepsFromEnv, DEFAULT_GITHUB_API_URL } from './versions';
export type { VersionDeps, ResolvedVersion } from './versions';
