/**
 * The identity of a package in an SBOM: its package URL (purl) and the
 * repository its source comes from. `pkg:github/OWNER/REPO@VERSION` when the
 * recipe's source is on GitHub (its version source, the URL the source was
 * downloaded from, or its git URL), `pkg:generic/NAME@VERSION` otherwise.
 */
import { PackageURL } from 'packageurl-js';
import type { Recipe } from '@potions/recipe';
import type { ArtifactMetadata } from '@potions/core';

/** `owner/repo` when `url` is a github.com repository URL or a URL inside one (releases, archives, raw files). */
export function githubRepoOfUrl(url: string): string | undefined {
  const m = /^(?:https?:\/\/|git@|ssh:\/\/git@|git:\/\/)(?:www\.)?github\.com[/:]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?(?:[/?#]|$)/i.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** The GitHub repository of the recipe's source, from the most to the least telling place; undefined when it is not on GitHub. */
export function githubRepoOf(recipe: Recipe | undefined, metadata: ArtifactMetadata | undefined): string | undefined {
  const source = recipe?.version.source;
  if (source && (source.kind === 'github-release' || source.kind === 'github-tag')) return source.repo;
  const candidates = [
    metadata?.source?.url,
    ...(recipe?.download.urls.map((u) => u.template) ?? []),
    recipe?.download.gitUrl,
    ...(recipe?.sourceBuild?.urls.map((u) => u.template) ?? []),
    recipe?.sourceBuild?.gitUrl,
  ];
  for (const c of candidates) {
    // A template's owner and repo must be literal: `{owner}` says nothing.
    const repo = c && !/[{}]/.test(c.split('/').slice(0, 5).join('/')) ? githubRepoOfUrl(c) : undefined;
    if (repo) return repo;
  }
  return undefined;
}

/** The purl of a package built by Potions. */
export function packagePurl(name: string, version: string, githubRepo?: string): string {
  if (githubRepo) {
    const [owner, repo] = githubRepo.split('/');
    return new PackageURL('github', owner, repo!, version, undefined, undefined).toString();
  }
  return new PackageURL('generic', undefined, name, version, undefined, undefined).toString();
}

/** A forge URL with exactly an owner and a repository: `https://host/owner/repo`. */
const FORGE_REPO = /^https?:\/\/(github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/i;

/**
 * The source repository as a clone URL (`https://host/owner/repo`): the GitHub
 * repository of the source, else the recipe's git URL, else its homepage when
 * the homepage is a repository on a code forge. Used as the SBOM's VCS
 * reference and to match OSV records that name a repository (GIT ranges).
 */
export function repositoryOf(recipe: Recipe | undefined, metadata: ArtifactMetadata | undefined): string | undefined {
  const gh = githubRepoOf(recipe, metadata);
  if (gh) return `https://github.com/${gh}`;
  const git = recipe?.download.gitUrl ?? recipe?.sourceBuild?.gitUrl;
  if (git && /^https?:\/\//.test(git)) return normalizeRepoUrl(git);
  const home = recipe?.homepage && FORGE_REPO.exec(recipe.homepage.trim());
  return home ? `https://${home[1]!.toLowerCase()}/${home[2]}/${home[3]}` : undefined;
}

/** A repository URL in the one spelling comparisons use: lower-case, https, no `.git`, no trailing slash. */
export function normalizeRepoUrl(url: string): string {
  return url
    .trim()
    .replace(/^git\+/, '')
    .replace(/^(git|ssh|http):\/\//i, 'https://')
    .replace(/^git@([^:]+):/i, 'https://$1/')
    .replace(/^https:\/\/[^@/]+@/i, 'https://')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .toLowerCase();
}
