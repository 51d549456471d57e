import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PLATFORMS, UserError } from '@potions/core';
import type { LoadedRecipe, Recipe, RecipeIssue } from './model';
import { SAFE_TOKEN_HINT } from './names';
import { normalizeRecipe, type Path } from './normalize';
import { BUILD_TYPES, recipeSchema, unknownKeys } from './schema';
import { parseYamlSource, type YamlSource } from './yaml-source';

const RECIPE_EXTENSIONS = ['.yml', '.yaml'];

function fieldOf(p: Path): string | undefined {
  return p.length === 0 ? undefined : p.map(String).join('.');
}

function valueAt(root: unknown, p: Path): unknown {
  let v: unknown = root;
  for (const seg of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v}"`;
  return `${typeof v} ${String(v)}`;
}

interface ZodIssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  keys?: string[];
  values?: unknown[];
  format?: string;
}

/** Turn one schema issue into messages a recipe author can act on. */
function schemaIssues(issue: ZodIssueLike, value: unknown): { code: string; message: string; path: Path; key?: boolean }[] {
  const p = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  const found = valueAt(value, p);
  const last = p[p.length - 1];
  if (issue.code === 'unrecognized_keys') {
    // Only records with enum keys strict-check keys: the platform map.
    return (issue.keys ?? []).map((k) => ({
      code: 'E_PLATFORM',
      message: `"${k}" is not a platform; use one of: ${PLATFORMS.join(', ')}`,
      path: [...p, k],
      key: true,
    }));
  }
  if (issue.code === 'invalid_type' && found === undefined) {
    return [{ code: 'E_MISSING', message: `missing required field "${String(last ?? '')}"`, path: p }];
  }
  if (issue.code === 'invalid_value' && last === 'build_type') {
    return [{ code: 'E_BUILD_TYPE', message: `unknown build_type ${describe(found)}; use one of: ${BUILD_TYPES.join(', ')}`, path: p }];
  }
  if (issue.code === 'invalid_value') {
    return [{ code: 'E_SCHEMA', message: `${describe(found)} is not one of: ${(issue.values ?? []).map(String).join(', ')}`, path: p }];
  }
  if (issue.code === 'invalid_format' && (last === 'name' || typeof last === 'number' || p[0] === 'dependencies')) {
    return [{ code: 'E_NAME', message: `${describe(found)} is not a valid name: use ${SAFE_TOKEN_HINT}`, path: p }];
  }
  if (issue.code === 'invalid_format') return [{ code: 'E_SCHEMA', message: `${describe(found)}: ${issue.message}`, path: p }];
  if (issue.code === 'invalid_type') {
    return [{ code: 'E_SCHEMA', message: `expected ${issue.expected ?? 'another type'}, found ${describe(found)}`, path: p }];
  }
  if (issue.code === 'invalid_union') {
    return [{ code: 'E_SCHEMA', message: `${describe(found)} does not fit here: ${unionHint(p)}`, path: p }];
  }
  return [{ code: 'E_SCHEMA', message: `${describe(found)}: ${issue.message}`, path: p }];
}

function unionHint(p: Path): string {
  const last = String(p[p.length - 1] ?? '');
  if (['flags', 'cmake_flags', 'make_args'].includes(last)) return 'expected a string or a list of strings';
  if (last === 'sha256') return 'expected 64 hexadecimal digits or a map version -> digest';
  if (p[0] === 'smoke_test') return 'expected a command string, a list of words, or {command, expect, exit_code}';
  if (p.includes('platforms')) return 'a platform value must be a string';
  return 'see docs/recipe-format.md';
}

/**
 * Read one recipe from text. Never throws for a bad recipe: every problem is
 * an issue with file, line and field; `recipe` is set only when there is no error.
 */
export function parseRecipe(text: string, file: string): LoadedRecipe {
  const issues: RecipeIssue[] = [];
  const src: YamlSource = parseYamlSource(text);
  const add = (severity: RecipeIssue['severity'], code: string, message: string, p: Path, which: 'key' | 'value' = 'value'): void => {
    issues.push({ severity, code, message, file, line: src.lineOf(p, which), field: fieldOf(p) });
  };
  if (src.errors.length > 0) {
    for (const e of src.errors) issues.push({ severity: 'error', code: 'E_YAML', message: `invalid YAML: ${e.message}`, file, line: e.line });
    return { file, issues };
  }
  const value = src.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ severity: 'error', code: 'E_YAML', message: `a recipe is a YAML mapping (name: ..., version: ...), found ${describe(value)}`, file, line: 1 });
    return { file, issues };
  }
  const rawName = (value as { name?: unknown }).name;
  const name = typeof rawName === 'string' ? rawName : undefined;
  for (const p of unknownKeys(value)) {
    add('warning', 'W_UNKNOWN_KEY', `unknown key "${String(p[p.length - 1])}" is ignored`, p, 'key');
  }
  const parsed = recipeSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues as ZodIssueLike[]) {
      for (const i of schemaIssues(issue, value)) add('error', i.code, i.message, i.path, i.key ? 'key' : 'value');
    }
    return { file, name, issues: sortIssues(issues), lineOf: (p) => src.lineOf(p) };
  }
  const base = path.basename(file).replace(/\.ya?ml$/, '');
  const recipe = normalizeRecipe(
    parsed.data,
    {
      error: (code, message, p) => add('error', code, message, p),
      warn: (code, message, p) => add('warning', code, message, p),
    },
    base,
  );
  return { file, name, recipe, issues: sortIssues(issues), lineOf: (p) => src.lineOf(p) };
}

function sortIssues(issues: RecipeIssue[]): RecipeIssue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.i - b.i)
    .map((x) => x.issue);
}

/** Read one recipe file. A missing or unreadable file is a UserError; a bad recipe is issues. */
export async function loadRecipeFile(file: string): Promise<LoadedRecipe> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError('E_RECIPE_FILE', `cannot read recipe ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      location: { file },
      hint: 'give a recipe file (.yml/.yaml) or a folder of them',
    });
  }
  return parseRecipe(text, file);
}

/** Every *.yml / *.yaml below `dir`, recursively, in a stable order (hidden folders and node_modules skipped). */
export async function findRecipeFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await fs.readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && RECIPE_EXTENSIONS.includes(path.extname(e.name))) out.push(full);
    }
  };
  await walk(dir);
  return out;
}

export async function loadRecipeDir(dir: string): Promise<LoadedRecipe[]> {
  return Promise.all((await findRecipeFiles(dir)).map((f) => loadRecipeFile(f)));
}

/** Files and folders as given on a command line: folders are searched recursively. */
export async function loadRecipePaths(paths: readonly string[]): Promise<LoadedRecipe[]> {
  const out: LoadedRecipe[] = [];
  for (const p of paths) {
    let stat;
    try {
      stat = await fs.stat(p);
    } catch {
      throw new UserError('E_RECIPE_PATH', `${p} does not exist`, { hint: 'give a recipe file (.yml/.yaml) or a folder of them' });
    }
    if (stat.isDirectory()) {
      const found = await loadRecipeDir(p);
      if (found.length === 0) throw new UserError('E_RECIPE_PATH', `${p} holds no *.yml or *.yaml recipe`);
      out.push(...found);
    } else out.push(await loadRecipeFile(p));
  }
  return out;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** SHA-256 (hex) of the canonical JSON of the normalized recipe: a cache key that ignores comments and layout. */
export function recipeDigest(recipe: Recipe): string {
  return createHash('sha256').update(JSON.stringify(canonical(recipe))).digest('hex');
}
