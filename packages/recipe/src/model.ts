import type { Platform } from '@potions/core';
import type { CleanupRule } from './cleanup';
import type { RecipeErrorCode, RecipeIssueCode } from './errors';
import type { BuildType } from './schema';

/** One problem in a recipe file. `field` is a dotted path such as `download.platforms.linux-amd64.suffix`. */
export interface RecipeIssue {
  severity: 'error' | 'warning';
  /** Stable code, e.g. `E_SCHEMA`, `E_PLACEHOLDER`, `W_UNKNOWN_KEY`; a file that cannot be read has its `RecipeErrorCode`. */
  code: RecipeIssueCode | RecipeErrorCode;
  message: string;
  file: string;
  line?: number;
  field?: string;
}

/** A pinned SHA-256 (lower-case hex): one digest for any version, or per version. */
export type Sha256Pin = string | Readonly<Record<string, string>>;

export type VersionSource =
  | { kind: 'github-release'; repo: string }
  | { kind: 'github-tag'; repo: string }
  | { kind: 'url'; url: string }
  | { kind: 'static'; version: string };

export interface VersionSpec {
  source: VersionSource;
  extractPattern?: string;
  excludePatterns?: string;
  cleanup: CleanupRule[];
}

/** A URL template and the recipe field it came from, in the order downloads are tried. */
export interface UrlTemplate {
  field: string;
  template: string;
}

export interface SignatureSpec {
  verify: boolean;
  /** Template of the detached signature URL. */
  signatureUrl?: string;
  keysUrl?: string;
  /** Upper-case 40-hex-digit fingerprints. */
  fingerprints: string[];
}

export interface ArtifactSpec {
  method: 'http' | 'git';
  /** download_url, mirror, then mirrors[]: the try order. Empty for git. */
  urls: UrlTemplate[];
  gitUrl?: string;
  gitTagPrefix: string;
  /** A digest for the artifact whatever the platform (a source tarball). */
  sha256?: Sha256Pin;
  signature: SignatureSpec;
}

export interface PlatformSpec {
  /** Values for placeholders: os, arch, suffix and custom keys, as written. */
  values: Readonly<Record<string, string>>;
  sha256?: Sha256Pin;
}

export interface ConfigureSpec {
  script?: string;
  /** Words, split without a shell; `${PREFIX}`/`${JOBS}` expanded by the builder. */
  flags: string[];
  cmakeFlags: string[];
  sourceDir?: string;
  prepareScript?: string;
}

export interface BuildSpec {
  timeoutMinutes: number;
  outOfTree: boolean;
  makeArgs: string[];
  customBuild?: string;
  customInstall?: string;
}

export interface SmokeTest {
  argv: string[];
  /** Regular expression (JavaScript syntax) the combined output must match. */
  expect?: string;
  exitCode: number;
}

export interface SourceBuildSpec extends ArtifactSpec {
  buildType: BuildType;
  configure: ConfigureSpec;
  build: BuildSpec;
  dependencies: string[];
  buildDependencies: string[];
}

/** A recipe after validation: every field typed, defaults applied, nothing left as raw YAML. */
export interface Recipe {
  name: string;
  description?: string;
  homepage?: string;
  license?: string;
  version: VersionSpec;
  buildType: BuildType;
  officialBinary: boolean;
  binaryRelpath?: string;
  download: ArtifactSpec & { platforms: Partial<Record<Platform, PlatformSpec>> };
  /** `security.scan_vulnerabilities` (default true): no effect yet, no scanner reads it (check warns W_NO_EFFECT). */
  scanVulnerabilities: boolean;
  configure: ConfigureSpec;
  build: BuildSpec;
  /** Built by Potions before this recipe, available at build and run time. */
  dependencies: string[];
  /** Built by Potions before this recipe, needed only to build it. */
  buildDependencies: string[];
  /** Runtime requirements the user installs; informational, never built. */
  requires: string[];
  smokeTests: SmokeTest[];
  sourceBuild?: SourceBuildSpec;
}

/** The result of reading one file: the recipe when it has no error, and every issue. */
export interface LoadedRecipe {
  file: string;
  /** The name as written, even when the recipe has errors (undefined when unreadable). */
  name?: string;
  recipe?: Recipe;
  issues: RecipeIssue[];
  /** Line of a field path in the file, for checks made after loading (graph problems). */
  lineOf?: (path: readonly (string | number)[]) => number | undefined;
}
