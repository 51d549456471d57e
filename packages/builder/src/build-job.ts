import type { BuildMethod, Platform } from '@potions/core';
import type { BuildType } from '@potions/recipe';

/** The build systems the builder knows (`@potions/recipe`'s); `custom` runs the recipe's own scripts. */
export type { BuildType };
/** How an artifact was obtained, as written in its metadata (`@potions/core`). */
export type { BuildMethod };

/** A detached OpenPGP signature to check before anything is extracted. */
export interface SignatureCheck {
  /** Where the signature is, in the order to try. */
  urls: string[];
  /** Where the public keys are: local file paths or http(s) URLs. */
  keys: string[];
  /** Pinned key fingerprints (40 hex digits, any case): only these keys may sign. */
  fingerprints: string[];
}

/** Where the bytes come from. */
export type SourceRef =
  | {
      kind: 'http';
      /** Recipe URL, then its mirror, then its mirror list: the try order. */
      urls: string[];
      /** Pinned lower-case SHA-256 of the file, when the recipe has one. */
      sha256?: string;
      signature?: SignatureCheck;
    }
  | {
      kind: 'git';
      url: string;
      /** Tag (or branch) to clone, e.g. `v1.2.3`. */
      ref: string;
    };

/**
 * One build: everything the builder needs to build one recipe for one
 * platform and version, with every recipe value already resolved (templates
 * rendered, words split). `buildJobFromRecipe()` makes one from a
 * `@potions/recipe` recipe; tests make them directly. (Not the recipe's
 * `build:` section, which `@potions/recipe` calls `BuildSpec`.)
 */
export interface BuildJob {
  name: string;
  version: string;
  platform: Platform;
  /** `official-binary` for a vendor's prebuilt program, `source` otherwise. */
  method: 'official-binary' | 'source';
  buildType: BuildType;
  source: SourceRef;
  configure: {
    /** Replaces the configure step of the build type. */
    script?: string;
    /** Run in the source tree before configuring. */
    prepareScript?: string;
    /** Arguments for configure / meson setup / cargo build / go build. */
    flags: string[];
    /** Arguments for cmake (added after `flags`). */
    cmakeFlags: string[];
    /** Sub-directory of the source tree that holds the top-level build file. */
    sourceDir?: string;
  };
  build: {
    outOfTree: boolean;
    makeArgs: string[];
    customBuild?: string;
    customInstall?: string;
    timeoutMinutes: number;
  };
  /** Recipes built before this one, whose prefixes are on the search paths. */
  dependencies: string[];
  /** Digest of the recipe file: part of the cache key and the metadata. */
  recipeDigest: string;
  /** The recipe file, for messages and annotations. */
  recipeFile?: string;
  /**
   * For an official binary: the recipe's `binary_relpath`, the path of the
   * program inside the download (relative to its single top folder; `.` for a
   * download that is the program itself), installed as `bin/<name>`.
   */
  binaryRelpath?: string;
  /** For an official binary: the source build used when no mirror has the binary. */
  fallback?: BuildJob;
}

/** The file name a URL names (its last path segment, decoded), or a default. */
export function fileNameOfUrl(url: string, fallback = 'download'): string {
  try {
    const segment = new URL(url).pathname.split('/').filter(Boolean).pop();
    const name = segment ? decodeURIComponent(segment) : '';
    return name && !name.includes('/') && name !== '.' && name !== '..' ? name : fallback;
  } catch {
    return fallback;
  }
}
