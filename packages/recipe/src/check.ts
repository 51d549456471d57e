import { promises as fs } from 'node:fs';
import path from 'node:path';
import { coverage, type Coverage } from './coverage';
import { checkGraph } from './graph';
import { findRecipeFiles, loadRecipeFile, loadRecipePaths } from './load';
import type { LoadedRecipe, Recipe, RecipeIssue } from './model';

/** An issue as the JSON report shows it (file is on the entry). */
export interface ReportIssue {
  code: string;
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

/**
 * Check recipes given as files or folders: each file's own issues, then the
 * dependency graph. For a single file, the other recipes of its folder are
 * read as context so that its dependencies resolve (they are not reported).
 */
export async function checkRecipes(paths: readonly string[]): Promise<CheckReport> {
  const loaded = await loadRecipePaths(paths);
  const seen = new Set(loaded.map((l) => path.resolve(l.file)));
  const context: LoadedRecipe[] = [];
  for (const p of paths) {
    if ((await fs.stat(p)).isDirectory()) continue;
    for (const f of await findRecipeFiles(path.dirname(p))) {
      if (seen.has(path.resolve(f))) continue;
      seen.add(path.resolve(f));
      context.push(await loadRecipeFile(f));
    }
  }
  const graph = checkGraph(loaded, context);
  const entries = loaded.map((l): CheckEntry => {
    const issues = [...l.issues, ...graph.filter((g) => g.file === l.file)];
    return {
      recipe: l.name ?? path.basename(l.file).replace(/\.ya?ml$/, ''),
      file: l.file,
      errors: issues.filter((i) => i.severity === 'error').map(toReport),
      warnings: issues.filter((i) => i.severity === 'warning').map(toReport),
    };
  });
  const ok = new Set(entries.filter((e) => e.errors.length === 0).map((e) => e.file));
  const recipes = loaded.filter((l) => l.recipe && ok.has(l.file)).map((l) => l.recipe as Recipe);
  return { entries, coverage: coverage(recipes), recipes };
}
