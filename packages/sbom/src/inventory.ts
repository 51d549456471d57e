/**
 * What an SBOM says about an artifact, gathered once and written in either
 * format: the package and its identity, licence, source, every file with its
 * digests, the dependency recipes and the system libraries its binaries need.
 * The artifact is extracted with `@potions/archive` into a fresh temporary
 * folder, as a user would install it, and the folder is removed afterwards.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractArchive } from '@potions/archive';
import { UserError, errorMessage, silentReporter, type Reporter } from '@potions/core';
import type { Recipe } from '@potions/recipe';
import { SbomErrorCode } from './errors';
import { checkRecipeLicense, identifyLicenseText, isLicenseFilePath, type LicenseIdentification } from './license';
import type { ArtifactMetadata } from '@potions/core';
import { githubRepoOf, packagePurl, repositoryOf } from './purl';

export const SBOM_TOOL = { name: 'potions', version: '0.1.0' } as const;

/** A shared library the binaries load from the system, as the platform check found it (e.g. `libc.so.6` on linux-amd64). */
export interface SystemLibrary {
  name: string;
  platform: string;
}

export interface InventoryFile {
  /** Path inside the artifact, `/`-separated, no leading `./`. */
  path: string;
  sha256: string;
  /** SPDX requires SHA-1 for files and the package verification code. */
  sha1: string;
  size: number;
  executable: boolean;
}

export interface LicenseFile extends LicenseIdentification {
  path: string;
}

export interface ArtifactInventory {
  name: string;
  version: string;
  platform: string;
  /** `pkg:github/OWNER/REPO@VERSION` or `pkg:generic/NAME@VERSION`. */
  purl: string;
  /** Clone URL of the source repository, when known. */
  repository?: string;
  description?: string;
  homepage?: string;
  /** The licence the package declares: the recipe's `license`, else the one its licence files agree on. */
  license?: { expression: string; source: 'recipe' | 'license-file'; files?: string[] };
  licenseFiles: LicenseFile[];
  /** The archive described (`.tar.gz` or `.tar.zst`). */
  artifact: { file: string; sha256: string; size: number };
  /** The upstream source (the recipe's URL, not a mirror) and its digest. */
  source?: { url: string; sha256?: string; git?: { ref?: string; commit: string } };
  files: InventoryFile[];
  symlinks: { path: string; target: string }[];
  /** Recipes built before this one and shipped with it (the metadata's `dependencies`). */
  dependencies: { name: string; version: string; sha256?: string; purl: string }[];
  systemLibraries: SystemLibrary[];
  build: { method?: string; status?: string; recipeDigest?: string; recipeFile?: string; builder?: string };
  /** ISO time of the SBOM: the build's source date (the same for two builds of the same inputs). */
  timestamp: string;
  tool: { name: string; version: string };
}

export interface InventoryOptions {
  artifact: string;
  metadata: ArtifactMetadata;
  /** For messages: where the metadata was read from. */
  metadataFile?: string;
  recipe?: Recipe;
  /** The recipe file: in messages, and recorded in the SBOM (`potions:recipe-file`, where code-scanning alerts point) when relative. */
  recipeFile?: string;
  /** From the platform check (`@potions/inspect`): the libraries the binaries load from the system. */
  systemLibraries?: readonly SystemLibrary[];
  /** Where the temporary extraction folder goes (default: the system's). */
  tempDir?: string;
  reporter?: Reporter;
}

/** Extract the artifact, hash every file and gather what the SBOM says about it. */
export async function inventoryArtifact(options: InventoryOptions): Promise<ArtifactInventory> {
  const { metadata, recipe } = options;
  const reporter = options.reporter ?? silentReporter;
  const artifact = await artifactFacts(options.artifact);
  checkConsistency(options, artifact.sha256);
  const license = recipe?.license !== undefined ? checkRecipeLicense(recipe.license, options.recipeFile) : undefined;

  const work = await fs.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'potions-sbom-'));
  try {
    const root = path.join(work, 'artifact');
    // Archive refusals (corrupt, unsafe entries, a missing zstd) are the archive package's own user errors.
    await extractArchive(options.artifact, root, { reporter });
    const { files, symlinks } = await walk(root);
    reporter.debug(`inventoried ${files.length} files of ${options.artifact}`);
    const licenseFiles: LicenseFile[] = [];
    for (const f of files.filter((x) => isLicenseFilePath(x.path, metadata.name))) {
      licenseFiles.push({ path: f.path, ...(await identifyLicenseText(await fs.readFile(path.join(root, f.path), 'utf8'))) });
    }
    const githubRepo = githubRepoOf(recipe, metadata);
    const repository = repositoryOf(recipe, metadata);
    return {
      name: metadata.name,
      version: metadata.version,
      platform: metadata.platform,
      purl: packagePurl(metadata.name, metadata.version, githubRepo),
      ...(repository ? { repository } : {}),
      ...(recipe?.description ? { description: recipe.description } : {}),
      ...(recipe?.homepage ? { homepage: recipe.homepage } : {}),
      ...declaredLicense(license, licenseFiles),
      licenseFiles,
      artifact,
      ...(metadata.source
        ? { source: { url: metadata.source.url, ...(metadata.source.sha256 ? { sha256: metadata.source.sha256 } : {}), ...(metadata.source.git ? { git: metadata.source.git } : {}) } }
        : {}),
      files,
      symlinks,
      dependencies: [...metadata.dependencies]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((d) => ({ name: d.name, version: d.version, ...(d.sha256 ? { sha256: d.sha256 } : {}), purl: packagePurl(d.name, d.version) })),
      systemLibraries: uniqueLibraries(options.systemLibraries ?? []),
      build: {
        ...(metadata.method ? { method: metadata.method } : {}),
        ...(metadata.status ? { status: metadata.status } : {}),
        ...(metadata.recipe?.digest ? { recipeDigest: metadata.recipe.digest } : {}),
        ...(recipeFileOf(options) ? { recipeFile: recipeFileOf(options) } : {}),
        ...(metadata.builder ? { builder: `${metadata.builder.name} ${metadata.builder.version}` } : {}),
      },
      timestamp: metadata.buildDate,
      tool: { ...SBOM_TOOL },
    };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function artifactFacts(file: string): Promise<ArtifactInventory['artifact']> {
  try {
    const { sha256, size } = await digestFile(file);
    return { file: path.basename(file), sha256, size };
  } catch (err) {
    throw new UserError(SbomErrorCode.Artifact, `cannot read the artifact ${file}: ${errorMessage(err)}`, { location: { file } });
  }
}

/** The metadata must describe this artifact, and the recipe the same package. */
function checkConsistency(options: InventoryOptions, sha256: string): void {
  const { metadata, recipe } = options;
  const where = options.metadataFile ?? 'the build metadata';
  const known = [metadata.artifact.tarGz, metadata.artifact.tarZst].filter((f) => f !== undefined);
  if (!known.some((f) => f.sha256 === sha256)) {
    throw new UserError(SbomErrorCode.Metadata, `${where} describes another artifact: ${path.basename(options.artifact)} has sha256 ${sha256}, the metadata lists ${known.map((f) => `${f.file} (${f.sha256})`).join(' and ')}`, {
      location: { file: options.metadataFile, field: 'artifact' },
      hint: 'give the metadata file the builder wrote with this artifact',
    });
  }
  if (recipe && recipe.name !== metadata.name) {
    throw new UserError(SbomErrorCode.Metadata, `the recipe is for "${recipe.name}" but the artifact is "${metadata.name}" (${where})`, {
      location: { file: options.recipeFile, field: 'name' },
      hint: 'give the recipe the artifact was built from',
    });
  }
}

/** The recipe's path as the repository knows it (relative, `/`-separated) when given so, else the metadata's file name. */
function recipeFileOf(options: InventoryOptions): string | undefined {
  const given = options.recipeFile;
  if (given && !path.isAbsolute(given)) return given.split(path.sep).join('/');
  return options.metadata.recipe?.file;
}

function declaredLicense(recipeLicense: string | undefined, files: LicenseFile[]): Pick<ArtifactInventory, 'license'> {
  if (recipeLicense) return { license: { expression: recipeLicense, source: 'recipe' } };
  // Only when every licence file was identified and they all say the same: two
  // files (LICENSE-MIT, UNLICENSE) may mean "OR" or "AND", which a file never says.
  const found = new Set(files.map((f) => f.expression));
  if (files.length === 0 || found.size !== 1 || found.has(undefined)) return {};
  return { license: { expression: [...found][0]!, source: 'license-file', files: files.map((f) => f.path) } };
}

function uniqueLibraries(libs: readonly SystemLibrary[]): SystemLibrary[] {
  const seen = new Map<string, SystemLibrary>();
  for (const l of libs) seen.set(`${l.platform}\0${l.name}`, { name: l.name, platform: l.platform });
  return [...seen.values()].sort((a, b) => cmp(a.platform, b.platform) || cmp(a.name, b.name));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function walk(root: string): Promise<{ files: InventoryFile[]; symlinks: { path: string; target: string }[] }> {
  const files: InventoryFile[] = [];
  const symlinks: { path: string; target: string }[] = [];
  const visit = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await visit(abs, relPath);
      else if (entry.isSymbolicLink()) symlinks.push({ path: relPath, target: await fs.readlink(abs) });
      else if (entry.isFile()) {
        const st = await fs.stat(abs);
        const { sha256, sha1 } = await digestFile(abs);
        files.push({ path: relPath, sha256, sha1, size: st.size, executable: (st.mode & 0o111) !== 0 });
      }
    }
  };
  await visit(root, '');
  const byPath = (a: { path: string }, b: { path: string }): number => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));
  return { files: files.sort(byPath), symlinks: symlinks.sort(byPath) };
}

async function digestFile(file: string): Promise<{ sha256: string; sha1: string; size: number }> {
  const h256 = createHash('sha256');
  const h1 = createHash('sha1');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    h256.update(chunk as Buffer);
    h1.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h256.digest('hex'), sha1: h1.digest('hex'), size };
}
