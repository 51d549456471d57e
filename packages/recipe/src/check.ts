import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isUserError, silentReporter, type Reporter } from '@potions/core';
import { coverage, type Coverage } from './coverage';
import { checkGraph, recipeEdges } from './graph';
import { loadRecipeFile, loadRecipePaths } from './load';
import type { LoadedRecipe, Recipe, RecipeIssue } from './model';
import { printable } from './quote';

/** An issue as the JSON report shows it (file is on the entry). */
export interface ReportIssue {
  code: RecipeIssue['code'];
  message: string;
  line?: number;
  field?: string;
}

/** One entry of `potions recipes check --json`. */
export interface CheckEntry {
  recipe: string;
  file: string;
  errors: ReportIssue[];
  warnings: ReportIssue[];
}

export interface CheckReport {
  entries: CheckEntry[];
  coverage: Coverage;
  /** The recipes that loaded without error. */
  recipes: Recipe[];
}

const toReport = (i: RecipeIssue): ReportIssue => ({ code: i.code, message: i.message, line: i.line, field: i.field });

export interface CheckOptions {
  /** Debug lines: context files that were skipped, and why. */
  reporter?: Reporter;
}

const RECIPE_FILE = /\.ya?ml$/;

/**
 * The recipes a single checked file needs so that its dependencies resolve:
 * looked up in the file's own folder only (not below it), by file name first
 * (`zlib` -> `zlib.yml`), then, for names still missing, among the folder's
 * other recipe files. Files that cannot be read (too large, not regular) are
 * skipped with a debug line. Nothing is read when nothing is needed.
 */
async function dependencyContext(files: readonly string[], loaded: readonly LoadedRecipe[], reporter: Reporter): Promise<LoadedRecipe[]> {
  const known = new Set(loaded.map((l) => l.name).filter((n): n is string => n !== undefined));
  const needed = new Set<string>();
  const need = (r: Recipe | undefined): void => {
    for (const d of r ? recipeEdges(r) : []) if (!known.has(d)) needed.add(d);
  };
  loaded.forEach((l) => need(l.recipe));
  if (needed.size === 0) return [];
  const seen = new Set(loaded.map((l) => path.resolve(l.file)));
  const candidates: string[] = [];
  for (const dir of [...new Set(files.map((f) => path.dirname(path.resolve(f))))]) {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.name.startsWith('.') || !RECIPE_FILE.test(e.name) || seen.has(full)) continue;
      if (e.isFile() || e.isSymbolicLink()) candidates.push(full);
    }
  }
  const context: LoadedRecipe[] = [];
  const read = async (f: string): Promise<void> => {
    seen.add(f);
    try {
      const l = await loadRecipeFile(f);
      context.push(l);
      if (l.name) {
        known.add(l.name);
        needed.delete(l.name);
      }
      need(l.recipe);
    } catch (err) {
      if (!isUserError(err)) throw err;
      reporter.debug(`not read for dependencies: ${err.message}`);
    }
  };
  const unresolved = (): string[] => [...needed].filter((n) => !known.has(n));
  // By file name, following the dependencies of what was found.
  for (let progress = true; progress && unresolved().length > 0; ) {
    progress = false;
    for (const f of candidates) {
      if (seen.has(f) || !needed.has(path.basename(f).replace(RECIPE_FILE, ''))) continue;
      await read(f);
      progress = true;
    }
  }
  // A recipe whose name differs from its file name: read the rest of the folder once.
  if (unresolved().length > 0) for (const f of candidates) if (!seen.has(f)) await read(f);
  return context;
}

/**
 * Check recipes given as files or folders: each file's own issues, then the
 * dependency graph. For a file given alone, the recipes its dependencies name
 * are read from the same folder as context so that they resolve (they are not
 * reported); see dependencyContext.
 */
export async function checkRecipes(paths: readonly string[], options: CheckOptions = {}): Promise<CheckReport> {
  const reporter = options.reporter ?? silentReporter;
  const loaded = await loadRecipePaths(paths);
  const single: string[] = [];
  for (const p of paths) if (!(await fs.stat(p)).isDirectory()) single.push(p);
  const context = single.length > 0 ? await dependencyContext(single, loaded, reporter) : [];
  const graph = checkGraph(loaded, context);
  const entries = loaded.map((l): CheckEntry => {
    const issues = [...l.issues, ...graph.filter((g) => g.file === l.file)];
    return {
      recipe: printable(l.name ?? path.basename(l.file).replace(/\.ya?ml$/, ''), 60),
      file: l.file,
      errors: issues.filter((i) => i.severity === 'error').map(toReport),
      warnings: issues.filter((i) => i.severity === 'warning').map(toReport),
    };
  });
  const ok = new Set(entries.filter((e) => e.errors.length === 0).map((e) => e.file));
  const recipes = loaded.filter((l) => l.recipe && ok.has(l.file)).map((l) => l.recipe as Recipe);
  return { entries, coverage: coverage(recipes), recipes };
}
