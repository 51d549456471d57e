import type { Recipe } from '../model';
import { quote, TEMPLATE_QUOTE_MAX } from '../quote';
import type { RawRecipe } from '../schema';
import { normalizeSteps } from './build';
import { normalizeDependencies } from './dependencies';
import { normalizeDownload, normalizeOfficialBinary } from './download';
import { relativePathProblem } from './fields';
import { CountingSink, type IssueSink } from './issues';
import { normalizePlatforms } from './platforms';
import { checkSecurity } from './security';
import { normalizeSmokeTests } from './smoke-test';
import { normalizeSourceBuild } from './source-build';
import { UrlTemplateChecker } from './url-templates';
import { normalizeVersion } from './version';

function checkFileName(raw: RawRecipe, fileBase: string | undefined, issues: IssueSink): void {
  if (fileBase !== undefined && fileBase !== raw.name) {
    issues.warn('W_FILE_NAME', `the file is named ${quote(fileBase)} but the recipe is ${quote(raw.name)}; plan looks recipes up by name`, ['name']);
  }
}

function checkInstall(raw: RawRecipe, build: Recipe['build'], issues: IssueSink): void {
  if (raw.build_type === 'custom' && !build.customInstall && !build.customBuild && !raw.binary_relpath) {
    issues.warn('W_NO_INSTALL', 'build_type custom with no build.custom_build, build.custom_install or binary_relpath: nothing is built or installed', ['build_type']);
  }
  if (raw.binary_relpath !== undefined) {
    const problem = relativePathProblem(raw.binary_relpath);
    if (problem) issues.error('E_PATH', problem, ['binary_relpath']);
  }
}

function checkHomepage(homepage: string | undefined, issues: IssueSink): void {
  if (homepage === undefined) return;
  try {
    new URL(homepage);
  } catch {
    issues.warn('W_URL', `homepage ${quote(homepage, TEMPLATE_QUOTE_MAX)} is not a URL`, ['homepage']);
  }
}

/**
 * A recipe that passed the schema, checked section by section into the typed
 * model. Every problem goes to `sink` with its field path; the result is
 * undefined when any of them is an error. `fileBase` is the file's name
 * without extension, which should match the recipe's name.
 */
export function normalizeRecipe(raw: RawRecipe, sink: IssueSink, fileBase?: string): Recipe | undefined {
  const issues = new CountingSink(sink);
  checkFileName(raw, fileBase, issues);
  const version = normalizeVersion(raw.version, issues);
  const officialBinary = normalizeOfficialBinary(raw, issues);
  const platforms = normalizePlatforms(raw.download.platforms, issues);
  const urls = new UrlTemplateChecker(platforms, issues);
  const download = normalizeDownload(raw, { officialBinary, versionSource: version.source, platforms, urls }, issues);
  checkSecurity(raw.security, issues);
  const { configure, build } = normalizeSteps(raw, raw.build_type, [], issues);
  checkInstall(raw, build, issues);
  checkHomepage(raw.homepage, issues);
  const dependencies = normalizeDependencies(raw.dependencies, raw.name, ['dependencies'], issues);
  const buildDependencies = normalizeDependencies(raw.build_dependencies, raw.name, ['build_dependencies'], issues);
  const requires = normalizeDependencies(raw.requires, raw.name, ['requires'], issues);
  const smokeTests = normalizeSmokeTests(raw.smoke_test, issues);
  const sourceBuild = normalizeSourceBuild(raw.source_build, { name: raw.name, officialBinary, urls }, issues);
  if (issues.errors > 0) return undefined;
  return {
    name: raw.name,
    description: raw.description,
    homepage: raw.homepage,
    license: raw.license,
    version,
    buildType: raw.build_type,
    officialBinary,
    binaryRelpath: raw.binary_relpath,
    download,
    scanVulnerabilities: raw.security?.scan_vulnerabilities ?? true,
    configure,
    build,
    dependencies,
    buildDependencies,
    requires,
    smokeTests,
    sourceBuild,
  };
}
