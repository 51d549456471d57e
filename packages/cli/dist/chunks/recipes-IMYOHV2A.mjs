import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  resolveVersion,
  versionDepsFromEnv
} from "./chunk-JPVXRUO3.mjs";
import "./chunk-QHOKOGRP.mjs";
import {
  RecipeErrorCode,
  checkGraph,
  loadRecipeDir,
  loadRecipeFile,
  loadRecipePaths,
  planBuild,
  printable,
  recipeEdges
} from "./chunk-Q5AYDNPM.mjs";
import "./chunk-34KJHGJW.mjs";
import "./chunk-55UCJZ7D.mjs";
import "./chunk-L5QZX5WR.mjs";
import "./chunk-EHDWN6R2.mjs";
import {
  PLATFORMS,
  assertPlatform
} from "./chunk-EE5EUXX6.mjs";
import {
  USAGE_ERROR
} from "./chunk-AFBQJMGN.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import {
  ConsoleReporter,
  ExitCode,
  UserError,
  formatTable,
  hasCode,
  isUserError,
  printJson,
  silentReporter,
  withHint
} from "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";

// packages/recipe/src/check.ts
import { promises as fs } from "node:fs";
import path from "node:path";

// packages/recipe/src/coverage.ts
function coverage(recipes) {
  const missingPlatforms = [];
  const withoutFallback = [];
  for (const r of [...recipes].sort((a, b) => a.name < b.name ? -1 : 1)) {
    const missing = PLATFORMS.filter((p) => !(p in r.download.platforms));
    if (missing.length > 0) missingPlatforms.push({ recipe: r.name, missing });
    if (r.officialBinary && !r.sourceBuild) withoutFallback.push(r.name);
  }
  return {
    total: recipes.length,
    allPlatforms: recipes.length - missingPlatforms.length,
    sourceFallback: recipes.length - withoutFallback.length,
    missingPlatforms,
    withoutFallback
  };
}
function percent(n, total) {
  return total === 0 ? "0.0%" : `${(100 * n / total).toFixed(1)}%`;
}
function formatCoverage(c) {
  if (c.total === 0) return ["coverage: no valid recipes (every recipe checked has errors)"];
  return [
    `all 4 platforms: ${c.allPlatforms}/${c.total} recipes (${percent(c.allPlatforms, c.total)})`,
    `source fallback: ${c.sourceFallback}/${c.total} recipes (${percent(c.sourceFallback, c.total)})`
  ];
}

// packages/recipe/src/check.ts
var toReport = (i) => ({ code: i.code, message: i.message, line: i.line, field: i.field });
var RECIPE_FILE = /\.ya?ml$/;
async function dependencyContext(files, loaded, reporter) {
  const known = new Set(loaded.map((l) => l.name).filter((n) => n !== void 0));
  const needed = /* @__PURE__ */ new Set();
  const need = (r) => {
    for (const d of r ? recipeEdges(r) : []) if (!known.has(d)) needed.add(d);
  };
  loaded.forEach((l) => need(l.recipe));
  if (needed.size === 0) return [];
  const seen = new Set(loaded.map((l) => path.resolve(l.file)));
  const candidates = [];
  for (const dir of [...new Set(files.map((f) => path.dirname(path.resolve(f))))]) {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.name.startsWith(".") || !RECIPE_FILE.test(e.name) || seen.has(full)) continue;
      if (e.isFile() || e.isSymbolicLink()) candidates.push(full);
    }
  }
  const context = [];
  const read = async (f) => {
    seen.add(f);
    try {
      const l = await loadRecipeFile(f);
      context.push(l);
      if (l.name) {
        known.add(l.name);
        needed.delete(l.name);
      }
      need(l.recipe);
    } catch (err2) {
      if (!isUserError(err2)) throw err2;
      reporter.debug(`not read for dependencies: ${err2.message}`);
    }
  };
  const unresolved = () => [...needed].filter((n) => !known.has(n));
  for (let progress = true; progress && unresolved().length > 0; ) {
    progress = false;
    for (const f of candidates) {
      if (seen.has(f) || !needed.has(path.basename(f).replace(RECIPE_FILE, ""))) continue;
      await read(f);
      progress = true;
    }
  }
  if (unresolved().length > 0) {
    for (const f of candidates) if (!seen.has(f)) await read(f);
  }
  return context;
}
async function checkRecipes(paths, options = {}) {
  const reporter = options.reporter ?? silentReporter;
  const loaded = await loadRecipePaths(paths);
  const single = [];
  for (const p of paths) if (!(await fs.stat(p)).isDirectory()) single.push(p);
  const context = single.length > 0 ? await dependencyContext(single, loaded, reporter) : [];
  const graph = checkGraph(loaded, context);
  const entries = loaded.map((l) => {
    const issues = [...l.issues, ...graph.filter((g) => g.file === l.file)];
    return {
      recipe: printable(l.name ?? path.basename(l.file).replace(/\.ya?ml$/, ""), 60),
      file: l.file,
      errors: issues.filter((i) => i.severity === "error").map(toReport),
      warnings: issues.filter((i) => i.severity === "warning").map(toReport)
    };
  });
  const ok = new Set(entries.filter((e) => e.errors.length === 0).map((e) => e.file));
  const recipes = loaded.filter((l) => l.recipe && ok.has(l.file)).map((l) => l.recipe);
  return { entries, coverage: coverage(recipes), recipes };
}

// packages/cli/src/commands/recipes.ts
var DEFAULT_RECIPES_DIR = "recipes";
function err(line) {
  process.stderr.write(`${line}
`);
}
function formatCheckTable(entries, showWarnings) {
  const rows = [];
  for (const e of entries) {
    const issues = [
      ...e.errors.map((i) => ({ ...i, level: "error" })),
      ...showWarnings ? e.warnings.map((i) => ({ ...i, level: "warning" })) : []
    ];
    for (const i of issues) {
      rows.push([e.recipe, i.level, `${e.file}${i.line !== void 0 ? `:${i.line}` : ""}`, i.field ?? "", i.message]);
    }
  }
  return rows.length === 0 ? "" : formatTable(["RECIPE", "LEVEL", "WHERE", "FIELD", "MESSAGE"], rows);
}
async function loadLibrary(dirs) {
  const byName = /* @__PURE__ */ new Map();
  for (const dir of dirs) {
    let loaded;
    try {
      loaded = await loadRecipeDir(dir);
    } catch (e) {
      const why = e.code ?? e.message;
      throw new UserError(RecipeErrorCode.Path, `cannot read the recipe folder ${dir}: ${why}`, { hint: "pass --recipes DIR (e.g. --recipes ../shared/potions-recipes)" });
    }
    for (const l of loaded) if (l.name && !byName.has(l.name)) byName.set(l.name, l);
  }
  return byName;
}
function requireRecipes(library, names, dirs) {
  for (const n of names) {
    const l = library.get(n);
    if (!l) throw new UserError(RecipeErrorCode.Unknown, `no recipe named "${n}" in ${dirs.join(", ")}`, { hint: "pass --recipes DIR" });
    const first = l.issues.find((i) => i.severity === "error");
    if (!l.recipe || first) {
      throw new UserError(RecipeErrorCode.Invalid, `recipe "${n}" has errors; first: ${first?.message ?? "unreadable"}`, {
        location: { file: l.file, line: first?.line, field: first?.field },
        hint: `run: potions recipes check ${l.file}`
      });
    }
  }
  return [...library.values()].map((l) => l.recipe).filter((r) => r !== void 0 && !library.get(r.name)?.issues.some((i) => i.severity === "error"));
}
var collect = (value, previous = []) => [...previous, value];
function planTargets(args, version) {
  const parsed = args.map((a) => {
    const at = a.indexOf("@");
    if (at < 0) return { name: a, version: void 0 };
    if (at === 0 || at === a.length - 1) {
      throw new UserError(USAGE_ERROR, `"${a}" is not NAME@VERSION`, { hint: "write e.g. zlib@1.3.1" });
    }
    return { name: a.slice(0, at), version: a.slice(at + 1) };
  });
  if (version !== void 0) {
    const only = parsed[0];
    if (parsed.length !== 1 || only === void 0 || only.version !== void 0) {
      throw new UserError(USAGE_ERROR, `--version ${version} is ambiguous with ${args.join(" ")}: it applies only to one recipe named without @VERSION`, {
        hint: `give each recipe its own version: ${parsed.map((p) => `${p.name}@${p.version ?? "VERSION"}`).join(" ")}`
      });
    }
    return [{ name: only.name, version }];
  }
  const missing = parsed.filter((p) => p.version === void 0).map((p) => p.name);
  if (missing.length > 0) {
    throw new UserError(USAGE_ERROR, `no version given for ${missing.map((m) => `"${m}"`).join(", ")}; plan works offline and needs every version`, {
      hint: `write NAME@VERSION (${missing.map((m) => `${m}@VERSION`).join(" ")}), or --version V for a single recipe; \`potions recipes versions ${missing.join(" ")}\` looks up the latest`
    });
  }
  return parsed;
}
function versionsHint(err2) {
  if (!isUserError(err2)) return err2;
  if (hasCode(err2, RecipeErrorCode.NoVersion)) return withHint(err2, "check version.extract_pattern, version.exclude_patterns and version.cleanup against what the source lists");
  if (hasCode(err2, RecipeErrorCode.VersionFetch)) return withHint(err2, "set GITHUB_TOKEN if GitHub rate-limits you; POTIONS_GITHUB_API_URL points at another GitHub API");
  return err2;
}
function registerRecipesCommand(program) {
  const recipes = program.command("recipes").description("Read, check and plan recipes");
  recipes.command("check").description("Validate recipes (files or folders, searched recursively for *.yml/*.yaml) and their dependency graph").argument("<paths...>", "recipe files or folders").option("--json", "print [{recipe, file, errors, warnings}] on stdout").option("--errors-only", "leave warnings out of the table").option("--verbose", "print debug lines (e.g. files skipped while resolving dependencies)").action(async (paths, opts) => {
    const report = await checkRecipes(paths, { reporter: new ConsoleReporter({ verbose: opts.verbose ?? false }) });
    const failed = report.entries.filter((e) => e.errors.length > 0);
    if (opts.json) {
      printJson(report.entries);
    } else {
      const table = formatCheckTable(report.entries, !opts.errorsOnly);
      if (table) err(table);
      const errors = report.entries.reduce((n, e) => n + e.errors.length, 0);
      const warnings = report.entries.reduce((n, e) => n + e.warnings.length, 0);
      err(`${report.entries.length} recipes: ${failed.length} with errors (${errors} errors), ${warnings} warnings`);
      for (const line of formatCoverage(report.coverage)) err(line);
    }
    process.exitCode = failed.length > 0 ? ExitCode.Failure : ExitCode.Ok;
  });
  recipes.command("plan").description("Show the download URLs in try order and the build order (offline: give each version)").argument("<names...>", "recipes as NAME@VERSION (or one NAME with --version)").requiredOption("--platform <platform>", `one of ${PLATFORMS.join(", ")}`).option("--version <version>", "the version, when exactly one NAME is given without @VERSION").option("--recipes <dir>", `recipe folder, repeatable (default: ${DEFAULT_RECIPES_DIR})`, collect).option("--json", "print the plan as JSON on stdout").action(async (names, opts) => {
    assertPlatform(opts.platform, "--platform");
    const targets = planTargets(names, opts.version);
    const dirs = opts.recipes ?? [DEFAULT_RECIPES_DIR];
    const library = await loadLibrary(dirs);
    const all = requireRecipes(
      library,
      targets.map((t) => t.name),
      dirs
    );
    const plans = targets.map((t) => planBuild(all, [t.name], opts.platform, t.version));
    if (opts.json) {
      printJson(plans.length === 1 ? plans[0] : plans);
      return;
    }
    for (const plan of plans) {
      for (const d of plan.downloads) {
        err(`${d.recipe} ${d.version} for ${d.platform}${d.officialBinary ? " (official binary)" : " (built from source)"}`);
        d.attempts.forEach((a, i) => {
          const tags = [a.fallback ? "fallback: source build" : a.artifact, a.field, a.ref ? `tag ${a.ref}` : ""].filter(Boolean).join(", ");
          err(`  ${i + 1}. ${a.url}  [${tags}]`);
          if (a.sha256) err(`     sha256 ${a.sha256}`);
          if (a.signature) err(`     signature ${a.signature.url}${a.signature.fingerprints.length ? ` (keys ${a.signature.fingerprints.join(", ")})` : ""}`);
        });
      }
      err(`build order: ${plan.buildOrder.join(" -> ")}`);
      if (plan.host.length > 0) err(`from the build host: ${plan.host.join(", ")}`);
    }
  });
  recipes.command("versions").description("Look up the latest version of recipes on the network (GitHub API, web pages)").argument("<names...>", "recipe names").option("--recipes <dir>", `recipe folder, repeatable (default: ${DEFAULT_RECIPES_DIR})`, collect).option("--json", "print [{recipe, version, candidates}] on stdout").action(async (names, opts) => {
    const dirs = opts.recipes ?? [DEFAULT_RECIPES_DIR];
    const all = requireRecipes(await loadLibrary(dirs), names, dirs);
    const reporter = new ConsoleReporter();
    const out = [];
    for (const name of names) {
      const recipe = all.find((r) => r.name === name);
      const resolved = await resolveVersion(recipe, { ...versionDepsFromEnv(), reporter }).catch((e) => {
        throw versionsHint(e);
      });
      out.push({ recipe: name, version: resolved.version, candidates: resolved.candidates.slice(0, 10) });
      if (!opts.json) err(`${name} ${resolved.version}`);
    }
    if (opts.json) printJson(out);
  });
}
export {
  formatCheckTable,
  planTargets,
  registerRecipesCommand
};
