import { createHash } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { PLATFORMS, UserError, docUrl, hasCode, isUserError } from '@potions/core';
import { RecipeErrorCode, type RecipeIssueCode } from './errors';
import type { LoadedRecipe, Recipe, RecipeIssue } from './model';
import { SAFE_TOKEN_HINT } from './names';
import type { IssueSink, Path } from './normalize/issues';
import { normalizeRecipe } from './normalize/recipe';
import { printable, quote } from './quote';
import { salvageRecipe } from './salvage';
import { BUILD_TYPES, recipeSchema, unknownKeys } from './schema';
import { parseYamlSource, type YamlSource } from './yaml-source';

const RECIPE_EXTENSIONS = ['.yml', '.yaml'];

/** The largest recipe file read (1 MiB). Recipes are a few KiB; anything bigger is a mistake, never parsed. */
export const MAX_RECIPE_BYTES = 1024 * 1024;

const DEP_LISTS = new Set(['dependencies', 'build_dependencies', 'requires']);

/** The dotted field path; keys come from the file, so they are escaped like quoted values. */
function fieldOf(p: Path): string | undefined {
  return p.length === 0 ? undefined : p.map((seg) => printable(String(seg), 60)).join('.');
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
  if (typeof v === 'string') return quote(v);
  return `${typeof v} ${quote(String(v)).slice(1, -1)}`;
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
function schemaIssues(issue: ZodIssueLike, value: unknown): { code: RecipeIssueCode; message: string; path: Path; key?: boolean }[] {
  const p = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  const found = valueAt(value, p);
  const last = p[p.length - 1];
  if (issue.code === 'unrecognized_keys') {
    // Only records with enum keys strict-check keys: the platform map.
    return (issue.keys ?? []).map((k) => ({
      code: 'E_PLATFORM',
      message: `${quote(k)} is not a platform; use one of: ${PLATFORMS.join(', ')}`,
      path: [...p, k],
      key: true,
    }));
  }
  if (issue.code === 'invalid_type' && found === undefined) {
    return [{ code: 'E_MISSING', message: `missing required field ${quote(String(last ?? ''))}`, path: p }];
  }
  if (issue.code === 'invalid_value' && last === 'build_type') {
    return [{ code: 'E_BUILD_TYPE', message: `unknown build_type ${describe(found)}; use one of: ${BUILD_TYPES.join(', ')}`, path: p }];
  }
  if (issue.code === 'invalid_value') {
    return [{ code: 'E_SCHEMA', message: `${describe(found)} is not one of: ${(issue.values ?? []).map(String).join(', ')}`, path: p }];
  }
  const inDepList = p.some((s) => typeof s === 'string' && DEP_LISTS.has(s));
  if ((issue.code === 'invalid_format' || issue.code === 'too_big') && (p.length === 1 && last === 'name' || inDepList)) {
    return [{ code: 'E_NAME', message: `${describe(found)} is not a valid name: use ${SAFE_TOKEN_HINT}`, path: p }];
  }
  if (issue.code === 'invalid_format' && p.includes('gpg_fingerprints')) {
    return [{ code: 'E_FINGERPRINT', message: `${describe(found)}: ${issue.message}`, path: p }];
  }
  if (issue.code === 'invalid_format') return [{ code: 'E_SCHEMA', message: `${describe(found)}: ${issue.message}`, path: p }];
  if (issue.code === 'invalid_type') {
    return [{ code: 'E_SCHEMA', message: `expected ${issue.expected ?? 'another type'}, found ${describe(found)}`, path: p }];
  }
  if (issue.code === 'invalid_union') {
    return [{ code: 'E_SCHEMA', message: `${describe(found)} does not fit here: ${unionHint(p)}`, path: p }];
  }
  // zod's own wording starts with a category ("Too small: ..."): keep what follows.
  return [{ code: 'E_SCHEMA', message: `${describe(found)}: ${issue.message.replace(/^(Too small|Too big|Invalid input|Invalid string): /, '')}`, path: p }];
}

function unionHint(p: Path): string {
  const last = String(p[p.length - 1] ?? '');
  if (['flags', 'cmake_flags', 'make_args'].includes(last)) return 'expected a string or a list of strings';
  if (last === 'sha256') return 'expected 64 hexadecimal digits or a map version -> digest';
  if (p[0] === 'smoke_test') return 'expected a command string, a list of words, or {command, expect, exit_code}';
  if (p.includes('platforms')) return 'a platform value must be a string';
  return `see ${docUrl('recipe-format.md')}`;
}

/**
 * Read one recipe from text. Never throws for a bad recipe: every problem is
 * an issue with file, line and field; `recipe` is set only when there is no error.
 */
export function parseRecipe(text: string, file: string): LoadedRecipe {
  const issues: RecipeIssue[] = [];
  const src: YamlSource = parseYamlSource(text);
  const add = (severity: RecipeIssue['severity'], code: RecipeIssueCode, message: string, p: Path, which: 'key' | 'value' = 'value'): void => {
    issues.push({ severity, code, message, file, line: src.lineOf(p, which), field: fieldOf(p) });
  };
  if (src.errors.length > 0) {
    for (const e of src.errors) issues.push({ severity: 'error', code: 'E_YAML', message: e.message, file, line: e.line, field: e.field });
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
    add('warning', 'W_UNKNOWN_KEY', `unknown key ${quote(String(p[p.length - 1]))} is ignored`, p, 'key');
  }
  const parsed = recipeSchema.safeParse(value);
  if (!parsed.success) {
    const flagged: Path[] = [];
    for (const issue of parsed.error.issues as ZodIssueLike[]) {
      for (const i of schemaIssues(issue, value)) {
        add('error', i.code, i.message, i.path, i.key ? 'key' : 'value');
        flagged.push(i.path);
      }
    }
    checkSalvaged(value, flagged, (code, message, p) => add('error', code, message, p));
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

/**
 * Errors normalize reports on their own field only, whatever the rest of the
 * recipe holds: these are still worth showing when the schema failed, so an
 * author sees every problem at once.
 */
const LOCAL_CHECKS = new Set<RecipeIssueCode>([
  'E_PLACEHOLDER',
  'E_URL',
  'E_PLATFORM_KEY',
  'E_PLATFORM_VALUE',
  'E_VERSION',
  'E_REGEX',
  'E_CLEANUP',
  'E_WORDS',
  'E_PATH',
  'E_FINGERPRINT',
  'E_SMOKE_TEST',
]);

const related = (a: Path, b: Path): boolean => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
};

/** Run the checks after the schema on what passed it (best effort, see salvage.ts). */
function checkSalvaged(value: unknown, flagged: readonly Path[], error: (code: RecipeIssueCode, message: string, p: Path) => void): void {
  const raw = salvageRecipe(value);
  if (!raw) return;
  const seen = new Set<string>();
  const sink: IssueSink = {
    error: (code, message, p) => {
      if (!LOCAL_CHECKS.has(code) || flagged.some((f) => related(f, p))) return;
      // A version source that failed the schema stands in as static:0: checks of the version stay out.
      if (code === 'E_VERSION' && flagged.some((f) => f[0] === 'version')) return;
      const key = `${code}\0${message}\0${p.join('.')}`;
      if (seen.has(key)) return;
      seen.add(key);
      error(code, message, p);
    },
    warn: () => undefined,
  };
  try {
    normalizeRecipe(raw, sink);
  } catch {
    // best effort: the schema errors are already reported
  }
}

function sortIssues(issues: RecipeIssue[]): RecipeIssue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.i - b.i)
    .map((x) => x.issue);
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${bytes} bytes`;
}

function tooLarge(file: string, bytes: number): UserError {
  return new UserError(RecipeErrorCode.TooLarge, `recipe ${file} is ${sizeText(bytes)}; a recipe may be at most 1 MiB (${MAX_RECIPE_BYTES} bytes)`, {
    location: { file },
    hint: 'recipes are a few KiB of YAML: is this the right file?',
  });
}

/**
 * Read one recipe file. A missing, unreadable, non-regular (FIFO, device) or
 * too large (over MAX_RECIPE_BYTES) file is a UserError; a bad recipe is issues.
 * The file is opened without blocking and checked through its handle, so a
 * FIFO is never waited on and a file swapped after a check is still caught.
 */
export async function loadRecipeFile(file: string): Promise<LoadedRecipe> {
  const cannot = (err: unknown): UserError =>
    new UserError(RecipeErrorCode.File, `cannot read recipe ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      location: { file },
      hint: 'give a recipe file (.yml/.yaml) or a folder of them',
    });
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw cannot(err);
  }
  let text: string;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new UserError(RecipeErrorCode.File, `${file} is a folder, not a recipe file`, { location: { file } });
    if (!stat.isFile()) {
      throw new UserError(RecipeErrorCode.File, `${file} is not a regular file (a FIFO, socket or device); a recipe is a .yml file`, {
        location: { file },
      });
    }
    if (stat.size > MAX_RECIPE_BYTES) throw tooLarge(file, stat.size);
    // Read in chunks and stop one byte past the cap: a file that grows after the check is still refused.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, MAX_RECIPE_BYTES + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > MAX_RECIPE_BYTES) throw tooLarge(file, Math.max(total, (await handle.stat()).size));
    }
    text = Buffer.concat(chunks, total).toString('utf8');
  } catch (err) {
    if (hasCode(err, RecipeErrorCode.TooLarge) || hasCode(err, RecipeErrorCode.File)) throw err;
    throw cannot(err);
  } finally {
    await handle.close();
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

/**
 * Every recipe below `dir`. A file found there that cannot be read (too large,
 * not a regular file, no permission) becomes an error issue of that file, so
 * one bad file does not hide the others.
 */
export async function loadRecipeDir(dir: string): Promise<LoadedRecipe[]> {
  return Promise.all(
    (await findRecipeFiles(dir)).map(async (f): Promise<LoadedRecipe> => {
      try {
        return await loadRecipeFile(f);
      } catch (err) {
        if (!isUserError(err)) throw err;
        return { file: f, issues: [{ severity: 'error', code: err.code as RecipeErrorCode, message: err.message, file: f }] };
      }
    }),
  );
}

/** Files and folders as given on a command line: folders are searched recursively. */
export async function loadRecipePaths(paths: readonly string[]): Promise<LoadedRecipe[]> {
  const out: LoadedRecipe[] = [];
  for (const p of paths) {
    let stat;
    try {
      stat = await fs.stat(p);
    } catch {
      throw new UserError(RecipeErrorCode.Path, `${p} does not exist`, { hint: 'give a recipe file (.yml/.yaml) or a folder of them' });
    }
    if (stat.isDirectory()) {
      const found = await loadRecipeDir(p);
      if (found.length === 0) throw new UserError(RecipeErrorCode.Path, `${p} holds no *.yml or *.yaml recipe`);
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
