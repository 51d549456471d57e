import type { Platform } from '@potions/core';
import type { BuildMethod, BuildType } from './build-spec';
import type { RunpathChange } from './runpath';

export const METADATA_SCHEMA_VERSION = 1;
export const BUILDER_NAME = '@potions/builder';
export const BUILDER_VERSION = '0.1.0';

export interface ArtifactFileInfo {
  file: string;
  sha256: string;
  size: number;
}

/**
 * `<artifact>.json`: how an artifact was made. Everything in it but `builtAt`
 * and `durationMs` is the same for two builds of the same inputs.
 */
export interface ArtifactMetadata {
  schema: number;
  name: string;
  version: string;
  platform: Platform;
  /** How it was obtained. */
  method: BuildMethod;
  /** `fallback` when the official binary could not be had and source_build was used. */
  status: 'built' | 'fallback';
  /** Why the official binary was not used (for `fallback`). */
  fallbackReason?: string;
  artifact: { tarGz: ArtifactFileInfo; tarZst: ArtifactFileInfo };
  recipe: { digest: string; file?: string };
  source: {
    /** The recipe's URL of the source (upstream), whichever location answered. */
    url: string;
    /** The source mirror URL that answered instead, credentials redacted; absent when the recipe's URL did. */
    mirror?: string;
    sha256?: string;
    /** True when the recipe pins the digest (otherwise it is what was downloaded). */
    pinned?: boolean;
    /** `url` is the recipe's signature URL; `mirror` as for the source. */
    signature?: { url: string; mirror?: string; fingerprint: string; signer?: string };
    git?: { ref: string; commit: string };
  };
  buildType: BuildType;
  /** The fixed prefix the programs were configured for. */
  prefix: string;
  /** What replaced `prefix` in text files; installing writes the real location back. */
  placeholder: string;
  /** Text files (artifact paths) that hold the placeholder. */
  relocatedFiles: string[];
  /** Binary files that hold the fixed prefix (compiled-in paths): they work fully only when installed there. */
  binaryFilesWithPrefix: string[];
  /** ELF RUNPATHs / Mach-O rpaths the builder set. */
  runpaths: RunpathChange[];
  /** Files that still name the build folder (should be empty). */
  leaks: string[];
  dependencies: { name: string; version: string; sha256: string }[];
  /** First line of `--version` of each tool of the build type. */
  toolchain: Record<string, string>;
  builder: { name: string; version: string; node: string };
  /** The timestamp of every archive entry (seconds). */
  sourceDateEpoch: number;
  /** `sourceDateEpoch` as an ISO date. */
  buildDate: string;
  /** When the build finished (differs between runs). */
  builtAt: string;
  durationMs: number;
  cacheKey: string;
}
