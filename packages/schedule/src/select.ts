import path from 'node:path';
import picomatch from 'picomatch';
import { UserError } from '@potions/core';
import { buildOrder, recipeEdges, type Recipe } from '@potions/recipe';
import { ScheduleErrorCode } from './errors';

/**
 * Which recipes a run asks for. With neither field (or both empty), every
 * recipe. With both, the recipes either one names.
 */
export interface RecipeSelection {
  /** Recipe names (`jq`) or globs over names (`lib*`, `*-cli`, `{curl,wget}`). */
  patterns?: readonly string[];
  /**
   * Files changed since a ref (`git diff --name-only REF...HEAD`), relative to
   * the repository root: a recipe is selected when its file, or a key file it
   * names by a relative `gpg_keys_url`, changed.
   */
  changedFiles?: readonly string[];
  /** Also select every recipe that depends, directly or not, on a selected one (a library changed: rebuild what uses it). */
  withDependants?: boolean;
}

/** What the selection picked, and the changed files that select no recipe. */
export interface Selected {
  names: string[];
  /** Changed files that are neither a recipe nor a key file of one (reported, never an error). */
  ignoredChanges: string[];
}

/** A recipe known to the selection: its name and file, and the recipe when it loaded without errors. */
export interface Candidate {
  name: string;
  file: string;
  recipe?: Recipe;
}

const GLOB = /[*?[\]{}!]/;

/** A path as git prints it: forward slashes, no leading `./`. */
export function normalizeRepoPath(p: string): string {
  return path.posix.normalize(p.trim().replaceAll('\\', '/')).replace(/^(\.\/)+/, '');
}

/** The recipe file and its local key files, relative to `root` (or as loaded when there is no root). */
function ownFiles(c: Candidate, root: string | undefined): string[] {
  const file = root === undefined ? c.file : path.relative(root, path.resolve(root, c.file));
  const files = [normalizeRepoPath(file)];
  const sigs = [c.recipe?.download.signature, c.recipe?.sourceBuild?.signature];
  for (const s of sigs) {
    const keys = s?.keysUrl;
    if (keys && !/^[a-z][a-z0-9+.-]*:/i.test(keys)) files.push(normalizeRepoPath(path.posix.join(path.posix.dirname(files[0] as string), keys)));
  }
  return files;
}

/**
 * The names a selection picks among `candidates`. An exact name that no recipe
 * has, or a glob that matches none, is a UserError (a typo should not release
 * nothing in silence); changed files that select nothing are only reported.
 */
export function selectRecipes(candidates: readonly Candidate[], selection: RecipeSelection, root?: string): Selected {
  const names = [...new Set(candidates.map((c) => c.name))].sort();
  const patterns = (selection.patterns ?? []).map((p) => p.trim()).filter((p) => p !== '');
  const changed = (selection.changedFiles ?? []).map(normalizeRepoPath).filter((p) => p !== '' && p !== '.');
  const picked = new Set<string>();
  const ignoredChanges: string[] = [];
  if (patterns.length === 0 && selection.changedFiles === undefined) names.forEach((n) => picked.add(n));
  for (const p of patterns) {
    if (!GLOB.test(p)) {
      if (!names.includes(p)) {
        throw new UserError(ScheduleErrorCode.UnknownRecipe, `no recipe named "${p}"`, {
          hint: suggestion(candidates, p) ?? 'check the name against the recipe folder',
        });
      }
      picked.add(p);
      continue;
    }
    const match = picomatch(p);
    const hits = names.filter((n) => match(n));
    if (hits.length === 0) {
      throw new UserError(ScheduleErrorCode.NoMatch, `the pattern "${p}" matches no recipe name`, {
        hint: 'patterns match recipe names, not files: e.g. "lib*" or "{jq,yq}"',
      });
    }
    hits.forEach((n) => picked.add(n));
  }
  if (changed.length > 0) {
    const byFile = new Map<string, string[]>();
    for (const c of candidates) {
      for (const f of ownFiles(c, root)) byFile.set(f, [...(byFile.get(f) ?? []), c.name]);
    }
    for (const f of [...new Set(changed)].sort()) {
      const hit = byFile.get(f);
      if (hit) hit.forEach((n) => picked.add(n));
      else ignoredChanges.push(f);
    }
  }
  if (selection.withDependants) {
    for (const n of dependantsOf(candidates, [...picked])) picked.add(n);
  }
  return { names: [...picked].sort(), ignoredChanges };
}

/** Every recipe that depends on one of `names`, directly or through others. */
function dependantsOf(candidates: readonly Candidate[], names: readonly string[]): string[] {
  const users = new Map<string, string[]>();
  for (const c of candidates) {
    if (!c.recipe) continue;
    for (const dep of recipeEdges(c.recipe)) users.set(dep, [...(users.get(dep) ?? []), c.name]);
  }
  const seen = new Set(names);
  const queue = [...names];
  for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
    for (const u of users.get(n) ?? []) {
      if (!seen.has(u)) {
        seen.add(u);
        queue.push(u);
      }
    }
  }
  return [...seen].filter((n) => !names.includes(n));
}

/**
 * "did you mean ...?" for a name no recipe has, as `@potions/recipe` words it
 * (its suggestName is not exported: buildOrder carries it in its hint).
 */
function suggestion(candidates: readonly Candidate[], name: string): string | undefined {
  try {
    buildOrder(
      candidates.map((c) => c.recipe).filter((r): r is Recipe => r !== undefined),
      [name],
    );
  } catch (err) {
    const hint = (err as { hint?: unknown }).hint;
    if (typeof hint === 'string' && hint.startsWith('did you mean')) return hint;
  }
  return undefined;
}
