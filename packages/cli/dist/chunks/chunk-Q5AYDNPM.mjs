import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  BUILD_TYPES,
  SAFE_TOKEN_HINT,
  defOf,
  isSafeVersion,
  recipeSchema,
  unknownKeys
} from "./chunk-34KJHGJW.mjs";
import {
  require_dist
} from "./chunk-EHDWN6R2.mjs";
import {
  PLATFORMS,
  assertPlatform,
  platformOs
} from "./chunk-EE5EUXX6.mjs";
import {
  UserError,
  hasCode,
  isUserError
} from "./chunk-HUJ2RKNL.mjs";
import {
  __toESM
} from "./chunk-B3VT5A5J.mjs";

// packages/recipe/src/errors.ts
var RecipeErrorCode = {
  /** A recipe file over 1 MiB (never read). */
  TooLarge: "E_RECIPE_TOO_LARGE",
  /** A recipe file that cannot be read: missing, a folder, a FIFO, no permission. */
  File: "E_RECIPE_FILE",
  /** A path given to read recipes from does not exist, or holds no recipe. */
  Path: "E_RECIPE_PATH",
  /** A recipe that has errors, used where a valid one is needed. */
  Invalid: "E_RECIPE_INVALID",
  /** No recipe of that name among those read. */
  Unknown: "E_RECIPE_UNKNOWN",
  /** Recipes that depend on each other in a circle. */
  Cycle: "E_RECIPE_CYCLE",
  /** A version given for a plan that cannot be one (it becomes a file name). */
  Version: "E_RECIPE_VERSION",
  /** The recipe does not list the platform asked for. */
  Platform: "E_RECIPE_PLATFORM",
  /** The recipe lists the platform but has nothing to download for it. */
  NoDownload: "E_RECIPE_NO_DOWNLOAD",
  /** Looking up versions failed (network, HTTP status, not the JSON expected). */
  VersionFetch: "E_RECIPE_VERSION_FETCH",
  /** The version source answered, but nothing was left after extract_pattern, exclude_patterns and cleanup. */
  NoVersion: "E_RECIPE_NO_VERSION"
};

// packages/recipe/src/load.ts
import { createHash } from "node:crypto";
import { constants as fsConstants, promises as fs } from "node:fs";
import path from "node:path";

// packages/core/src/doc-url.ts
var DOCS_BASE_URL = "https://github.com/potions/actions/blob/main/docs/";
function docUrl(page, anchor) {
  if (!/^[a-z0-9][a-z0-9.-]*\.(md|json)$/.test(page)) throw new Error(`docUrl: not a docs page name: ${page}`);
  return `${DOCS_BASE_URL}${page}${anchor ? `#${anchor.replace(/^#/, "")}` : ""}`;
}

// packages/recipe/src/quote.ts
var NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\uFFFD]/u;
var QUOTE_MAX = 60;
var TEMPLATE_QUOTE_MAX = 200;
function escapeChar(ch, quotes) {
  if (!quotes && (ch === '"' || ch === "\\")) return ch;
  switch (ch) {
    case '"':
      return '\\"';
    case "\\":
      return "\\\\";
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "	":
      return "\\t";
    case "\b":
      return "\\b";
    case "\f":
      return "\\f";
    default:
      break;
  }
  if (!NON_PRINTABLE.test(ch)) return ch;
  let out = "";
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`;
  return out;
}
function printable(text, max = Number.POSITIVE_INFINITY, quotes = true) {
  let out = "";
  for (const ch of text) {
    const e = escapeChar(ch, quotes);
    if (out.length + e.length > max) return `${out}\u2026`;
    out += e;
  }
  return out;
}
function sanitize(text, max = 300) {
  return printable(text, max, false);
}
function quote(text, max = QUOTE_MAX) {
  return `"${printable(text, max)}"`;
}

// packages/recipe/src/words.ts
var WordSplitError = class extends Error {
};
function splitWords(input) {
  const words = [];
  let current = "";
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch === " " || ch === "	" || ch === "\n" || ch === "\r") {
      if (inWord) {
        words.push(current);
        current = "";
        inWord = false;
      }
      i++;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new WordSplitError(`unterminated single quote at character ${i + 1}`);
      current += input.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const c = input[i];
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === "\\" && (input[i + 1] === '"' || input[i + 1] === "\\")) {
          current += input[i + 1];
          i += 2;
          continue;
        }
        current += c;
        i++;
      }
      if (!closed) throw new WordSplitError("unterminated double quote");
      continue;
    }
    if (ch === "\\") {
      if (i + 1 >= input.length) throw new WordSplitError("trailing backslash");
      const next = input[i + 1];
      if (next !== "\n") current += next;
      i += 2;
      continue;
    }
    current += ch;
    i++;
  }
  if (inWord) words.push(current);
  return words;
}
function toWords(value) {
  if (value === void 0 || value === null) return [];
  return typeof value === "string" ? splitWords(value) : [...value];
}
var BUILD_VARIABLES = ["PREFIX", "JOBS"];
var LEGACY_NPROC = /\$\(nproc\)/g;
var VAR_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
function normalizeBuildWord(word) {
  const unknown = [];
  const replaced = word.replace(LEGACY_NPROC, "${JOBS}").replace(VAR_REF, (m, a, b) => {
    const name = a ?? b;
    if (BUILD_VARIABLES.includes(name)) return `\${${name}}`;
    unknown.push(name);
    return m;
  });
  if (/\$\(/.test(replaced) || /`/.test(replaced)) unknown.push(replaced.match(/\$\([^)]*\)?|`[^`]*`?/)?.[0] ?? "$(");
  return { word: replaced, unknown };
}

// packages/recipe/src/normalize/fields.ts
function pinOf(raw) {
  if (raw === void 0) return void 0;
  if (typeof raw === "string") return raw.toLowerCase();
  return Object.fromEntries(Object.entries(raw).map(([v, d]) => [v, d.toLowerCase()]));
}
function relativePathProblem(p) {
  if (p === "") return "the path is empty";
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) return `${quote(p)} must be a relative path`;
  if (p.split(/[\\/]/).includes("..")) return `${quote(p)} must not contain ".."`;
  if (/[\0\n\r]/.test(p)) return `${quote(p)} contains a control character`;
  return void 0;
}
function nonEmpty(s) {
  return s === void 0 || s.trim() === "" ? void 0 : s;
}

// packages/recipe/src/normalize/build.ts
var DEFAULT_TIMEOUT_MINUTES = 60;
function wordsOf(value, path2, issues) {
  let words;
  try {
    words = toWords(value);
  } catch (err) {
    if (!(err instanceof WordSplitError)) throw err;
    issues.error("E_WORDS", `cannot split ${typeof value === "string" ? quote(value) : quote(JSON.stringify(value))} into words: ${err.message}`, path2);
    return [];
  }
  return words.map((w, i) => {
    const { word, unknown } = normalizeBuildWord(w);
    if (unknown.length > 0) {
      issues.warn(
        "W_VARIABLE",
        `${quote(w)} refers to ${unknown.map((u) => u.startsWith("$") || u.startsWith("`") ? u : `$${u}`).join(", ")}; only $PREFIX and $JOBS are expanded (no shell runs), the rest is passed literally`,
        typeof value === "string" ? path2 : [...path2, i]
      );
    }
    return word;
  });
}
function normalizeConfigure(raw, base, issues) {
  const c = raw ?? {};
  const flags = wordsOf(c.flags, [...base, "flags"], issues);
  const cmakeFlags = wordsOf(c.cmake_flags, [...base, "cmake_flags"], issues);
  if (c.source_dir !== void 0) {
    const problem = relativePathProblem(c.source_dir);
    if (problem) issues.error("E_PATH", problem, [...base, "source_dir"]);
  }
  return {
    script: nonEmpty(c.script),
    flags,
    cmakeFlags,
    sourceDir: c.source_dir,
    prepareScript: nonEmpty(c.prepare_script)
  };
}
function normalizeBuild(raw, buildType, base, issues) {
  const b = raw ?? {};
  if (b.custom_build !== void 0 && b.script !== void 0) {
    issues.error("E_CONFLICT", "build.script and build.custom_build are the same step; keep one", [...base, "script"]);
  }
  const makeArgs = wordsOf(b.make_args, [...base, "make_args"], issues);
  if (b.out_of_tree === true && buildType === "make") {
    issues.warn("W_NO_EFFECT", "out_of_tree does not suit build_type make: a plain Makefile builds in its own folder", [...base, "out_of_tree"]);
  } else if (b.out_of_tree === true && ["custom", "cargo", "go"].includes(buildType)) {
    issues.warn("W_NO_EFFECT", `out_of_tree has no effect with build_type ${buildType}`, [...base, "out_of_tree"]);
  }
  return {
    timeoutMinutes: b.timeout_minutes ?? DEFAULT_TIMEOUT_MINUTES,
    outOfTree: b.out_of_tree ?? (buildType === "cmake" || buildType === "meson"),
    makeArgs,
    customBuild: nonEmpty(b.custom_build ?? b.script),
    customInstall: nonEmpty(b.custom_install)
  };
}
function unusedFlagsReason(configure, build, buildType) {
  if (buildType === "make") return "build_type make runs no configure step (pass make variables with build.make_args)";
  if (buildType === "custom") return "build_type custom runs no configure step (use configure.script)";
  if (["gnu_autotools", "cmake", "meson"].includes(buildType) && configure.script !== void 0) {
    return `configure.script replaces the configure step of build_type ${buildType} that takes them`;
  }
  if (buildType === "cargo" && build.customBuild && build.customInstall) {
    return "build.custom_build and build.custom_install replace the cargo build and cargo install of build_type cargo that take them";
  }
  if (buildType === "go" && build.customBuild) return "build.custom_build replaces the go build of build_type go that takes them";
  return void 0;
}
function checkNoEffect(configure, build, buildType, cBase, bBase, issues) {
  if (configure.flags.length > 0) {
    const why = unusedFlagsReason(configure, build, buildType);
    if (why) issues.warn("W_NO_EFFECT", `configure.flags have no effect: ${why}`, [...cBase, "flags"]);
  }
  if (configure.cmakeFlags.length > 0) {
    if (buildType !== "cmake") issues.warn("W_NO_EFFECT", `configure.cmake_flags are passed to cmake only, and build_type is ${buildType}`, [...cBase, "cmake_flags"]);
    else if (configure.script !== void 0) issues.warn("W_NO_EFFECT", "configure.cmake_flags have no effect: configure.script replaces the cmake step", [...cBase, "cmake_flags"]);
  }
  if (build.makeArgs.length > 0) {
    if (["gnu_autotools", "make"].includes(buildType)) {
      if (build.customBuild && build.customInstall) {
        issues.warn("W_NO_EFFECT", "build.make_args have no effect: build.custom_build and build.custom_install replace both make steps", [...bBase, "make_args"]);
      }
    } else if (buildType !== "cmake") {
      issues.warn("W_NO_EFFECT", `build.make_args are passed to make, which build_type ${buildType} does not run`, [...bBase, "make_args"]);
    }
  }
}
function normalizeSteps(raw, buildType, base, issues) {
  const cBase = [...base, "configure"];
  const bBase = [...base, "build"];
  const configure = normalizeConfigure(raw.configure, cBase, issues);
  const build = normalizeBuild(raw.build, buildType, bBase, issues);
  checkNoEffect(configure, build, buildType, cBase, bBase, issues);
  return { configure, build };
}

// packages/recipe/src/normalize/dependencies.ts
function normalizeDependencies(list, self, path2, issues) {
  const out = [];
  (list ?? []).forEach((d, i) => {
    if (d === self) issues.error("E_DEPENDENCY", `${quote(self)} depends on itself`, [...path2, i]);
    else if (out.includes(d)) issues.warn("W_DUPLICATE", `${quote(d)} is listed twice`, [...path2, i]);
    else out.push(d);
  });
  return out;
}

// packages/recipe/src/normalize/artifact.ts
function checkGit(a, base, urls, issues) {
  if (!a.git_url) issues.error("E_DOWNLOAD", "method: git needs git_url", [...base, "method"]);
  else urls.checkUrl(a.git_url, [...base, "git_url"]);
  for (const k of ["download_url", "mirror", "mirrors"]) {
    if (a[k] !== void 0) issues.error("E_CONFLICT", `${k} cannot be used with method: git (the source is cloned from git_url)`, [...base, k]);
  }
  if (a.git_url && /\{/.test(a.git_url)) issues.error("E_PLACEHOLDER", "git_url takes no placeholders; the tag is git_tag_prefix + version", [...base, "git_url"]);
}
function httpUrls(a, ctx, urls, issues) {
  const base = ctx.base;
  if (a.git_url !== void 0 || a.git_tag_prefix !== void 0) {
    issues.warn("W_NO_EFFECT", "git_url and git_tag_prefix are used only with method: git", [...base, a.git_url !== void 0 ? "git_url" : "git_tag_prefix"]);
  }
  if (a.download_url === void 0 && ctx.downloadOptional) {
    issues.warn("W_NO_DOWNLOAD", "no download_url: there is no source to fetch and verify, so plan and build refuse this recipe; custom steps that fetch what they need cannot be verified", base);
  } else if (a.download_url === void 0) {
    issues.error("E_DOWNLOAD", "download_url is required (or method: git with git_url)", base);
  }
  const out = [];
  const add = (template, field) => {
    if (template === void 0) return;
    urls.checkTemplate(template, field, ctx.perPlatform);
    out.push({ field: field.join("."), template });
  };
  add(a.download_url, [...base, "download_url"]);
  add(a.mirror, [...base, "mirror"]);
  (a.mirrors ?? []).forEach((m, i) => add(m, [...base, "mirrors", i]));
  return out;
}
function fingerprintsOf(sec, secBase, issues) {
  const fingerprints = [];
  (sec?.gpg_fingerprints ?? []).forEach((f, i) => {
    const fp = f.replace(/^0x/, "").replace(/ /g, "").toUpperCase();
    if (!/^[0-9A-F]{40}$/.test(fp)) issues.error("E_FINGERPRINT", `${quote(f)} is not a 40-hex-digit fingerprint`, [...secBase, "gpg_fingerprints", i]);
    else fingerprints.push(fp);
  });
  return fingerprints;
}
function checkKeysUrl(keysUrl, secBase, urls, issues) {
  const path2 = [...secBase, "gpg_keys_url"];
  if (/\{/.test(keysUrl)) issues.error("E_PLACEHOLDER", "gpg_keys_url takes no placeholders", path2);
  else if (/^[a-z][a-z0-9+.-]*:/i.test(keysUrl)) urls.checkUrl(keysUrl, path2);
  else if (keysUrl.startsWith("/") || keysUrl.split(/[\\/]/).includes("..")) {
    issues.error("E_URL", `${quote(keysUrl, TEMPLATE_QUOTE_MAX)} must be a URL or a path inside the recipe's folder`, path2);
  }
}
function normalizeSignature(sec, ctx, urls, issues) {
  const secBase = ctx.securityBase;
  const fingerprints = fingerprintsOf(sec, secBase, issues);
  const signature = {
    verify: sec?.verify_signature ?? false,
    signatureUrl: sec?.signature_url,
    keysUrl: sec?.gpg_keys_url,
    fingerprints
  };
  if (sec?.signature_url !== void 0) urls.checkTemplate(sec.signature_url, [...secBase, "signature_url"], ctx.perPlatform);
  if (sec?.gpg_keys_url !== void 0) checkKeysUrl(sec.gpg_keys_url, secBase, urls, issues);
  if (signature.verify) {
    if (!signature.signatureUrl) issues.error("E_SIGNATURE", "verify_signature: true needs signature_url", [...secBase, "verify_signature"]);
    if (fingerprints.length === 0 && !signature.keysUrl) {
      issues.error("E_SIGNATURE", "verify_signature: true needs gpg_fingerprints (or gpg_keys_url)", [...secBase, "verify_signature"]);
    } else if (fingerprints.length === 0) {
      issues.warn("W_SIGNATURE", "keys from gpg_keys_url are trusted on first use; pin them with gpg_fingerprints", [...secBase, "gpg_keys_url"]);
    }
  } else if (signature.signatureUrl !== void 0 || fingerprints.length > 0) {
    issues.warn("W_SIGNATURE", "signature settings are present but verify_signature is not true: no signature is checked", [...secBase, "verify_signature"]);
  }
  return signature;
}
function normalizeArtifact(a, sec, ctx, urls, issues) {
  const method = a.method ?? "http";
  let templates = [];
  if (method === "git") checkGit(a, ctx.base, urls, issues);
  else templates = httpUrls(a, ctx, urls, issues);
  const signature = normalizeSignature(sec, ctx, urls, issues);
  return { method, urls: templates, gitUrl: a.git_url, gitTagPrefix: a.git_tag_prefix ?? "", sha256: pinOf(a.sha256), signature };
}

// packages/recipe/src/normalize/download.ts
function normalizeOfficialBinary(raw, issues) {
  const top = raw.official_binary;
  const inDownload = raw.download.official_binary;
  if (top !== void 0 && inDownload !== void 0 && top !== inDownload) {
    issues.error("E_CONFLICT", `official_binary is ${top} here but download.official_binary is ${inDownload}`, ["official_binary"]);
  }
  return inDownload ?? top ?? false;
}
function checkFixedUrl(raw, download, ctx, issues) {
  const url = raw.download.download_url;
  if (ctx.versionSource.kind === "static" || download.method !== "http" || !url || url.includes("{version}")) return;
  const inSuffix = ctx.platforms.declared.some((p) => (ctx.platforms.specs[p]?.values.suffix ?? "").includes("{version}"));
  if (!inSuffix) issues.warn("W_FIXED_URL", "download_url has no {version}: every version would download the same file", ["download", "download_url"]);
}
function checkPins(download, ctx, issues) {
  const { declared, specs } = ctx.platforms;
  const pins = [
    [download.sha256, ["download", "sha256"]],
    ...declared.map((p) => [specs[p]?.sha256, ["download", "platforms", p, "sha256"]])
  ];
  for (const [pin, path2] of pins) {
    if (typeof pin === "string" && ctx.versionSource.kind !== "static") {
      issues.warn("W_SHA256", "a single sha256 pins one file, but the version changes with each release; use a map {version: sha256}", path2);
    }
  }
}
function checkInsecure(download, ctx, issues) {
  const { declared, specs } = ctx.platforms;
  const insecure = download.urls.find((u) => u.template.startsWith("http:"));
  if (insecure && !download.signature.verify && !download.sha256 && !declared.every((p) => specs[p]?.sha256)) {
    issues.warn("W_HTTP", `${quote(insecure.template, TEMPLATE_QUOTE_MAX)} is plain http with no pinned sha256 or signature: the download can be tampered with`, insecure.field.split("."));
  }
}
function normalizeDownload(raw, ctx, issues) {
  const download = normalizeArtifact(
    raw.download,
    raw.security,
    {
      base: ["download"],
      securityBase: ["security"],
      perPlatform: true,
      downloadOptional: raw.build_type === "custom" && !ctx.officialBinary
    },
    ctx.urls,
    issues
  );
  if (download.method === "git" && ctx.officialBinary) {
    issues.error("E_CONFLICT", "an official binary cannot be cloned with method: git", ["download", "method"]);
  }
  for (const key of ctx.platforms.customKeys) {
    if (!ctx.urls.usedKeys.has(key)) issues.warn("W_UNUSED", `platform key ${quote(key)} is not used by any URL template`, ["download", "platforms"]);
  }
  checkFixedUrl(raw, download, ctx, issues);
  checkPins(download, ctx, issues);
  checkInsecure(download, ctx, issues);
  return { ...download, platforms: ctx.platforms.specs };
}

// packages/recipe/src/normalize/issues.ts
var CountingSink = class {
  constructor(inner) {
    this.inner = inner;
  }
  inner;
  errors = 0;
  error(code, message, path2) {
    this.errors++;
    this.inner.error(code, message, path2);
  }
  warn(code, message, path2) {
    this.inner.warn(code, message, path2);
  }
};

// packages/recipe/src/template.ts
var BUILTIN_PLACEHOLDERS = ["version", "os", "arch", "suffix"];
var PLACEHOLDER = /\{([^{}]*)\}/g;
var PLACEHOLDER_NAME = /^[a-z_][a-z0-9_]*$/;
var TemplateError = class extends Error {
  constructor(message, placeholder) {
    super(message);
    this.placeholder = placeholder;
  }
  placeholder;
};
function templatePlaceholders(template) {
  const names = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1];
    if (!PLACEHOLDER_NAME.test(name)) {
      throw new TemplateError(`"{${name}}" is not a placeholder name (lower-case letters, digits, _)`, name);
    }
    if (!names.includes(name)) names.push(name);
  }
  const stripped = template.replace(PLACEHOLDER, "");
  if (/[{}]/.test(stripped)) throw new TemplateError('unbalanced "{" or "}"');
  return names;
}
function renderTemplate(template, values) {
  templatePlaceholders(template);
  return template.replace(PLACEHOLDER, (_m, name) => {
    const value = values[name];
    if (value === void 0) throw new TemplateError(`unknown placeholder {${name}}`, name);
    return value;
  });
}
function defaultPlatformValues(platform) {
  return { os: platformOs(platform), arch: platform.slice(platform.indexOf("-") + 1), suffix: "" };
}
function renderPlatformTemplate(template, platform, spec, version) {
  const values = { ...defaultPlatformValues(platform) };
  for (const [k, v] of Object.entries(spec?.values ?? {})) values[k] = renderTemplate(v, { version });
  values.version = encodeURIComponent(version);
  return renderTemplate(template, values);
}

// packages/recipe/src/normalize/platforms.ts
var PLATFORM_VALUE = /^[A-Za-z0-9._~/:+@=-]*$/;
var CUSTOM_KEY = /^[a-z_][a-z0-9_]*$/;
function platformSpec(p, entry, customKeys, issues) {
  const values = {};
  for (const [key, v] of Object.entries(entry)) {
    if (key === "sha256") continue;
    const path2 = ["download", "platforms", p, key];
    if (key === "version") {
      issues.error("E_PLATFORM_KEY", '"version" is not a per-platform value; it comes from version.source', path2);
      continue;
    }
    if (!CUSTOM_KEY.test(key)) {
      issues.error("E_PLATFORM_KEY", `${quote(key)} cannot be a placeholder name (lower-case letters, digits and _ only)`, path2);
      continue;
    }
    const text = String(v);
    if (!PLATFORM_VALUE.test(text.replace(/\{version\}/g, ""))) {
      issues.error("E_PLATFORM_VALUE", `${quote(text)} may only hold URL characters (letters, digits, . _ ~ / : + @ = -) and {version}`, path2);
      continue;
    }
    values[key] = text;
    if (!BUILTIN_PLACEHOLDERS.includes(key)) customKeys.add(key);
  }
  return { values, sha256: pinOf(entry.sha256) };
}
function normalizePlatforms(raw, issues) {
  const specs = {};
  const customKeys = /* @__PURE__ */ new Set();
  const declared = PLATFORMS.filter((p) => p in raw);
  if (declared.length === 0) issues.error("E_PLATFORMS", `no platform listed; use any of: ${PLATFORMS.join(", ")}`, ["download", "platforms"]);
  for (const p of declared) specs[p] = platformSpec(p, raw[p] ?? {}, customKeys, issues);
  return { declared, specs, customKeys };
}

// packages/recipe/src/normalize/security.ts
function checkSecurity(raw, issues) {
  if (raw?.scan_vulnerabilities === true) {
    issues.warn(
      "W_NO_EFFECT",
      "scan_vulnerabilities has no effect yet: Potions runs no vulnerability scanner on artifacts so far (the setting is kept for when it does)",
      ["security", "scan_vulnerabilities"]
    );
  }
}

// packages/recipe/src/normalize/smoke-test.ts
function smokeTestOf(t, i, issues) {
  const path2 = ["smoke_test", i];
  const detailed = typeof t === "object" && !Array.isArray(t) ? t : void 0;
  const command = detailed ? detailed.command : t;
  let argv;
  try {
    argv = typeof command === "string" ? splitWords(command) : [...command];
  } catch (err) {
    issues.error("E_WORDS", `cannot split ${quote(String(command))}: ${err.message}`, path2);
    return void 0;
  }
  if (argv.length === 0 || argv[0] === "") {
    issues.error("E_SMOKE_TEST", "the command is empty", path2);
    return void 0;
  }
  const expect = detailed?.expect;
  if (expect !== void 0) {
    try {
      new RegExp(expect);
    } catch (err) {
      issues.error("E_REGEX", `expect ${quote(expect)} is not a valid regular expression: ${sanitize(err.message, 120)}`, [...path2, "expect"]);
    }
  }
  return { argv, expect, exitCode: detailed?.exit_code ?? 0 };
}
function normalizeSmokeTests(raw, issues) {
  const out = [];
  (raw ?? []).forEach((t, i) => {
    const test = smokeTestOf(t, i, issues);
    if (test) out.push(test);
  });
  return out;
}

// packages/recipe/src/normalize/source-build.ts
function normalizeSourceBuild(sb, ctx, issues) {
  if (!sb) return void 0;
  if (!ctx.officialBinary) {
    issues.warn("W_NO_EFFECT", "source_build is the fallback for official binaries; this recipe already builds from source", ["source_build"]);
  }
  const artifact = normalizeArtifact(
    sb,
    sb.security,
    { base: ["source_build"], securityBase: ["source_build", "security"], perPlatform: false, downloadOptional: false },
    ctx.urls,
    issues
  );
  const { configure, build } = normalizeSteps(sb, sb.build_type, ["source_build"], issues);
  return {
    ...artifact,
    buildType: sb.build_type,
    configure,
    build,
    dependencies: normalizeDependencies(sb.dependencies, ctx.name, ["source_build", "dependencies"], issues),
    buildDependencies: normalizeDependencies(sb.build_dependencies, ctx.name, ["source_build", "build_dependencies"], issues)
  };
}

// packages/recipe/src/normalize/url-templates.ts
var SAMPLE_VERSION = "1.2.3";
var UrlTemplateChecker = class {
  constructor(platforms, issues) {
    this.platforms = platforms;
    this.issues = issues;
    this.allowed = /* @__PURE__ */ new Set([...BUILTIN_PLACEHOLDERS, ...platforms.customKeys]);
  }
  platforms;
  issues;
  usedKeys = /* @__PURE__ */ new Set();
  allowed;
  /**
   * Check one template at `path`. `perPlatform`: rendered for every platform
   * listed (download URLs); otherwise only `{version}` is known (source_build).
   */
  checkTemplate(template, path2, perPlatform) {
    if (template === void 0) return;
    const names = this.placeholders(template, path2);
    if (!names) return;
    if (perPlatform) {
      for (const p of this.platforms.declared) if (!this.checkPlatform(template, names, path2, p)) return;
      return;
    }
    try {
      this.checkUrl(renderTemplate(template, { version: SAMPLE_VERSION }), path2, template);
    } catch (err) {
      this.issues.error("E_PLACEHOLDER", `${quote(template, TEMPLATE_QUOTE_MAX)}: ${err.message}; only {version} is known here`, path2);
    }
  }
  /** Check a URL; messages show the template as written (and the rendered example when it differs). */
  checkUrl(url, path2, template = url) {
    const shown = `${quote(template, TEMPLATE_QUOTE_MAX)}${template !== url ? ` (rendered for version ${SAMPLE_VERSION}: ${quote(url, TEMPLATE_QUOTE_MAX)})` : ""}`;
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      this.issues.error("E_URL", `${shown} is not a URL`, path2);
      return false;
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      this.issues.error("E_URL", `${shown}: only https: and http: URLs can be downloaded`, path2);
      return false;
    }
    return true;
  }
  /** The placeholder names of a template, or undefined (and an error) when it is malformed or uses an unknown one. */
  placeholders(template, path2) {
    let names;
    try {
      names = templatePlaceholders(template);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      this.issues.error("E_PLACEHOLDER", `${quote(template, TEMPLATE_QUOTE_MAX)}: ${err.message}`, path2);
      return void 0;
    }
    for (const n of names) this.usedKeys.add(n);
    const unknown = names.filter((n) => !this.allowed.has(n));
    if (unknown.length > 0) {
      this.issues.error(
        "E_PLACEHOLDER",
        `${quote(template, TEMPLATE_QUOTE_MAX)} uses unknown placeholder ${unknown.map((u) => `{${u}}`).join(", ")}; known: ${[...this.allowed].map((a) => `{${a}}`).join(", ")}`,
        path2
      );
      return void 0;
    }
    return names;
  }
  /** Render for one platform; false when the rendered URL is bad (the other platforms would only repeat it). */
  checkPlatform(template, names, path2, p) {
    const spec = this.platforms.specs[p];
    if (!spec) return true;
    const missing = names.filter((n) => this.platforms.customKeys.has(n) && spec.values[n] === void 0);
    if (missing.length > 0) {
      this.issues.error("E_PLACEHOLDER", `${path2.join(".")} uses ${missing.map((m) => `{${m}}`).join(", ")} but this platform does not set ${missing.join(", ")}`, ["download", "platforms", p]);
      return true;
    }
    let url;
    try {
      url = renderPlatformTemplate(template, p, spec, SAMPLE_VERSION);
    } catch (err) {
      this.issues.error("E_PLACEHOLDER", err.message, ["download", "platforms", p]);
      return true;
    }
    return this.checkUrl(url, path2, template);
  }
};

// packages/recipe/src/cleanup.ts
var CleanupError = class extends Error {
};
var EXTENSION = /^\.[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;
function splitRules(text) {
  const rules = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === "s" && text.length > i + 1 && !/[A-Za-z0-9\s\\:]/.test(text[i + 1])) {
      const sep = text[i + 1];
      let j = i + 2;
      let seps = 0;
      while (j < text.length && seps < 2) {
        if (text[j] === "\\") j += 2;
        else {
          if (text[j] === sep) seps++;
          j++;
        }
      }
      if (seps < 2) throw new CleanupError(`sed expression ${quote(text.slice(i))} needs three ${quote(sep)} separators`);
      while (j < text.length && /[gI0-9]/.test(text[j])) j++;
      rules.push(text.slice(i, j));
      if (j < text.length && text[j] !== ";") {
        throw new CleanupError(`unexpected ${quote(text.slice(j))} after sed expression ${quote(text.slice(i, j))}`);
      }
      i = j + 1;
    } else {
      const end = text.indexOf(";", i);
      const stop = end < 0 ? text.length : end;
      rules.push(text.slice(i, stop));
      i = stop + 1;
    }
  }
  return rules.filter((r) => r.trim() !== "");
}
function parseSed(text) {
  const sep = text[1];
  const parts = [];
  let cur = "";
  for (let i = 2; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length) {
      const n = text[i + 1];
      cur += n === sep ? n : `\\${n}`;
      i++;
    } else if (c === sep && parts.length < 2) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  if (parts.length < 2) throw new CleanupError(`sed expression ${quote(text)} needs three ${quote(sep)} separators`);
  const flags = cur;
  const [pattern = "", replacement = ""] = parts;
  try {
    new RegExp(pattern);
  } catch (err) {
    throw new CleanupError(`invalid regular expression ${quote(pattern)} in ${quote(text)}: ${sanitize(err.message, 120)}`);
  }
  if (/[^gI0-9]/.test(flags)) throw new CleanupError(`unknown sed flags ${quote(flags)} in ${quote(text)}`);
  const jsReplacement = replacement.replace(/\$/g, "$$$$").replace(/\\([1-9])/g, "$$$1").replace(/(^|[^\\])&/g, "$1$$&").replace(/\\&/g, "&");
  return { kind: "sed", pattern, replacement: jsReplacement, global: flags.includes("g"), text };
}
function parseCleanup(text) {
  if (!text) return [];
  return splitRules(text).map((rule) => {
    if (/^s[^A-Za-z0-9\s\\:]/.test(rule)) return parseSed(rule);
    const colon = rule.indexOf(":");
    if (colon < 0) {
      throw new CleanupError(`${quote(rule)} is neither "find:replace" nor a sed expression "s/pattern/replacement/"`);
    }
    const find = rule.slice(0, colon);
    const replace = rule.slice(colon + 1);
    if (find === "") throw new CleanupError(`${quote(rule)} has nothing to find before ":"`);
    if (EXTENSION.test(replace)) return { kind: "remove", strings: [find, replace], text: rule };
    return { kind: "replace", find, replace, text: rule };
  });
}
function applyCleanup(value, rules) {
  let out = value;
  for (const rule of rules) {
    if (rule.kind === "replace") out = out.split(rule.find).join(rule.replace);
    else if (rule.kind === "remove") for (const s of rule.strings) out = out.split(s).join("");
    else out = out.replace(new RegExp(rule.pattern, rule.global ? "g" : ""), rule.replacement);
  }
  return out.trim();
}

// packages/recipe/src/normalize/version.ts
function parseSource(source) {
  const colon = source.indexOf(":");
  const kind = source.slice(0, colon);
  const rest = source.slice(colon + 1);
  if (kind === "github-release" || kind === "github-tag") return { kind, repo: rest };
  if (kind === "url") return { kind, url: rest };
  return { kind: "static", version: rest };
}
function checkSource(source, issues) {
  if (source.kind === "static" && !isSafeVersion(source.version)) {
    issues.error("E_VERSION", `static version ${quote(source.version)} is not a valid version: use ${SAFE_TOKEN_HINT}`, ["version", "source"]);
  }
  if (source.kind === "url") {
    try {
      new URL(source.url);
    } catch {
      issues.error("E_URL", `${quote(source.url, TEMPLATE_QUOTE_MAX)} is not a URL`, ["version", "source"]);
    }
  }
}
function regexOf(pattern, field, issues) {
  if (pattern === void 0 || pattern === "") return void 0;
  try {
    new RegExp(pattern);
    return pattern;
  } catch (err) {
    issues.error("E_REGEX", `${quote(pattern)} is not a valid regular expression: ${sanitize(err.message, 120)}`, ["version", field]);
    return void 0;
  }
}
function cleanupOf(text, issues) {
  let cleanup = [];
  try {
    cleanup = parseCleanup(text);
  } catch (err) {
    if (!(err instanceof CleanupError)) throw err;
    issues.error("E_CLEANUP", err.message, ["version", "cleanup"]);
  }
  for (const rule of cleanup) {
    if (rule.kind === "remove") {
      issues.warn(
        "W_CLEANUP_LEGACY",
        `${quote(rule.text)} is read as: remove ${quote(rule.strings[0] ?? "")} and remove ${quote(rule.strings[1] ?? "")} (replacing one with the other cannot give a version); write "s/${rule.strings[0]}//;s/${rule.strings[1]?.replace(/\./g, "\\.")}$//" to say so`,
        ["version", "cleanup"]
      );
    }
    if (rule.kind === "replace" && rule.replace !== "" && !/^[A-Za-z0-9._+-]*$/.test(rule.replace)) {
      issues.error(
        "E_CLEANUP",
        `${quote(rule.text)} would put ${quote(rule.replace)} into the version, which becomes a file name (${SAFE_TOKEN_HINT}); URL templates percent-encode the version themselves, so drop this rule`,
        ["version", "cleanup"]
      );
    }
  }
  return cleanup;
}
function normalizeVersion(raw, issues) {
  const source = parseSource(raw.source);
  checkSource(source, issues);
  const extractPattern = regexOf(raw.extract_pattern, "extract_pattern", issues);
  const excludePatterns = regexOf(raw.exclude_patterns, "exclude_patterns", issues);
  const cleanup = cleanupOf(raw.cleanup, issues);
  if (source.kind === "url" && !extractPattern) {
    issues.error("E_VERSION", "a url: version source needs extract_pattern to find versions in the page", ["version"]);
  }
  if (source.kind === "static" && (extractPattern || cleanup.length > 0)) {
    issues.warn("W_NO_EFFECT", "extract_pattern and cleanup have no effect on a static: version", ["version"]);
  }
  return { source, extractPattern, excludePatterns, cleanup };
}

// packages/recipe/src/normalize/recipe.ts
function checkFileName(raw, fileBase, issues) {
  if (fileBase !== void 0 && fileBase !== raw.name) {
    issues.warn("W_FILE_NAME", `the file is named ${quote(fileBase)} but the recipe is ${quote(raw.name)}; plan looks recipes up by name`, ["name"]);
  }
}
function checkInstall(raw, build, issues) {
  if (raw.build_type === "custom" && !build.customInstall && !build.customBuild && !raw.binary_relpath) {
    issues.warn("W_NO_INSTALL", "build_type custom with no build.custom_build, build.custom_install or binary_relpath: nothing is built or installed", ["build_type"]);
  }
  if (raw.binary_relpath !== void 0) {
    const problem = relativePathProblem(raw.binary_relpath);
    if (problem) issues.error("E_PATH", problem, ["binary_relpath"]);
  }
}
function checkHomepage(homepage, issues) {
  if (homepage === void 0) return;
  try {
    new URL(homepage);
  } catch {
    issues.warn("W_URL", `homepage ${quote(homepage, TEMPLATE_QUOTE_MAX)} is not a URL`, ["homepage"]);
  }
}
function normalizeRecipe(raw, sink, fileBase) {
  const issues = new CountingSink(sink);
  checkFileName(raw, fileBase, issues);
  const version = normalizeVersion(raw.version, issues);
  const officialBinary = normalizeOfficialBinary(raw, issues);
  const platforms = normalizePlatforms(raw.download.platforms, issues);
  const urls = new UrlTemplateChecker(platforms, issues);
  const download = normalizeDownload(raw, { officialBinary, versionSource: version.source, platforms, urls }, issues);
  checkSecurity(raw.security, issues);
  const { configure, build } = normalizeSteps(raw, raw.build_type, [], issues);
  checkInstall(raw, build, issues);
  checkHomepage(raw.homepage, issues);
  const dependencies = normalizeDependencies(raw.dependencies, raw.name, ["dependencies"], issues);
  const buildDependencies = normalizeDependencies(raw.build_dependencies, raw.name, ["build_dependencies"], issues);
  const requires = normalizeDependencies(raw.requires, raw.name, ["requires"], issues);
  const smokeTests = normalizeSmokeTests(raw.smoke_test, issues);
  const sourceBuild = normalizeSourceBuild(raw.source_build, { name: raw.name, officialBinary, urls }, issues);
  if (issues.errors > 0) return void 0;
  return {
    name: raw.name,
    description: raw.description,
    homepage: raw.homepage,
    license: raw.license,
    version,
    buildType: raw.build_type,
    officialBinary,
    binaryRelpath: raw.binary_relpath,
    download,
    scanVulnerabilities: raw.security?.scan_vulnerabilities ?? true,
    configure,
    build,
    dependencies,
    buildDependencies,
    requires,
    smokeTests,
    sourceBuild
  };
}

// packages/recipe/src/salvage.ts
function salvageRecipe(value) {
  try {
    const kept = salvage(value, recipeSchema);
    if (!kept.ok || !isObject(kept.value)) return void 0;
    const r = kept.value;
    if (typeof r.name !== "string") r.name = "recipe";
    if (!isObject(r.version)) r.version = {};
    if (typeof r.version.source !== "string") r.version.source = "static:0";
    if (typeof r.build_type !== "string") r.build_type = "custom";
    if (!isObject(r.download)) r.download = {};
    if (!isObject(r.download.platforms)) r.download.platforms = {};
    if (isObject(r.source_build) && typeof r.source_build.build_type !== "string") r.source_build.build_type = "custom";
    const parsed = recipeSchema.safeParse(r);
    return parsed.success ? parsed.data : void 0;
  } catch {
    return void 0;
  }
}
function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function salvage(value, schema) {
  const whole = schema.safeParse(value);
  if (whole.success) return { ok: true, value: whole.data };
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable": {
      const inner = salvage(value, def.innerType);
      return inner.ok ? inner : { ok: true, value: void 0 };
    }
    case "object": {
      if (!isObject(value)) return { ok: false };
      const out = {};
      const shape = def.shape ?? {};
      for (const [k, v] of Object.entries(value)) {
        const field = k in shape ? shape[k] : def.catchall;
        if (field === void 0) continue;
        const kept = salvage(v, field);
        if (kept.ok && kept.value !== void 0) out[k] = kept.value;
      }
      return { ok: true, value: out };
    }
    case "record": {
      if (!isObject(value)) return { ok: false };
      const out = {};
      for (const [k, v] of Object.entries(value)) {
        if (def.keyType && !def.keyType.safeParse(k).success) continue;
        const kept = salvage(v, def.valueType);
        if (kept.ok) out[k] = kept.value === void 0 ? null : kept.value;
      }
      return { ok: true, value: out };
    }
    default:
      return { ok: false };
  }
}

// packages/recipe/src/yaml-source.ts
var import_yaml = __toESM(require_dist(), 1);
function duplicateKeys(doc, lineAt) {
  const out = [];
  const walk = (node, path2) => {
    if ((0, import_yaml.isMap)(node)) {
      const seen = /* @__PURE__ */ new Map();
      for (const pair of node.items) {
        if (!(0, import_yaml.isPair)(pair)) continue;
        const key = (0, import_yaml.isScalar)(pair.key) ? String(pair.key.value) : void 0;
        if (key !== void 0) {
          const line = lineAt(pair.key.range?.[0]);
          if (seen.has(key)) {
            const first = seen.get(key);
            out.push({
              message: `the key ${quote(key)} appears twice (lines ${first ?? "?"} and ${line ?? "?"}); keys of a mapping must be unique, keep one`,
              line,
              field: [...path2, key].map((k) => printable(k, 60)).join(".")
            });
          } else seen.set(key, line);
        }
        walk(pair.value, key === void 0 ? path2 : [...path2, key]);
      }
    } else if ((0, import_yaml.isSeq)(node)) node.items.forEach((n, i) => walk(n, [...path2, String(i)]));
  };
  walk(doc.contents, []);
  return out;
}
function parseYamlSource(text) {
  const lineCounter = new import_yaml.LineCounter();
  const doc = (0, import_yaml.parseDocument)(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineAt = (offset) => offset === void 0 ? void 0 : lineCounter.linePos(offset).line;
  const duplicates = doc.errors.some((e) => e.code === "DUPLICATE_KEY") ? duplicateKeys(doc, lineAt) : [];
  const errors = doc.errors.filter((e) => !(e.code === "DUPLICATE_KEY" && duplicates.length > 0)).map((e) => ({
    message: `invalid YAML: ${e.code === "DUPLICATE_KEY" ? "duplicated key: " : ""}${firstLine(e.message)}`,
    line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line
  }));
  errors.push(...duplicates);
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const lineOf = (path2, which = "value") => {
    let node = doc.contents;
    let line = lineAt(node?.range?.[0]);
    for (const [i, seg] of path2.entries()) {
      const last = i === path2.length - 1;
      if ((0, import_yaml.isMap)(node)) {
        const pair = node.items.find((p) => (0, import_yaml.isPair)(p) && (0, import_yaml.isScalar)(p.key) && String(p.key.value) === String(seg));
        if (!pair) return line;
        const keyLine = lineAt(pair.key.range?.[0]);
        if (last && which === "key") return keyLine;
        node = pair.value;
        line = lineAt(node?.range?.[0]) ?? keyLine;
        if (node && (0, import_yaml.isScalar)(node) && node.value === null) line = keyLine;
      } else if ((0, import_yaml.isSeq)(node) && typeof seg === "number") {
        node = node.items[seg];
        if (node === void 0) return line;
        line = lineAt(node.range?.[0]) ?? line;
      } else return line;
    }
    return line;
  };
  let value = void 0;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      errors.push({ message: `invalid YAML: ${firstLine(err.message)}` });
    }
  }
  return { value, lineOf, errors };
}
function firstLine(message) {
  return sanitize((message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, ""));
}

// packages/recipe/src/load.ts
var RECIPE_EXTENSIONS = [".yml", ".yaml"];
var MAX_RECIPE_BYTES = 1024 * 1024;
var DEP_LISTS = /* @__PURE__ */ new Set(["dependencies", "build_dependencies", "requires"]);
function fieldOf(p) {
  return p.length === 0 ? void 0 : p.map((seg) => printable(String(seg), 60)).join(".");
}
function valueAt(root, p) {
  let v = root;
  for (const seg of p) {
    if (v === null || typeof v !== "object") return void 0;
    v = v[seg];
  }
  return v;
}
function describe(v) {
  if (v === null) return "nothing (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return quote(v);
  return `${typeof v} ${quote(String(v)).slice(1, -1)}`;
}
function schemaIssues(issue, value) {
  const p = issue.path.filter((s) => typeof s !== "symbol");
  const found = valueAt(value, p);
  const last = p[p.length - 1];
  if (issue.code === "unrecognized_keys") {
    return (issue.keys ?? []).map((k) => ({
      code: "E_PLATFORM",
      message: `${quote(k)} is not a platform; use one of: ${PLATFORMS.join(", ")}`,
      path: [...p, k],
      key: true
    }));
  }
  if (issue.code === "invalid_type" && found === void 0) {
    return [{ code: "E_MISSING", message: `missing required field ${quote(String(last ?? ""))}`, path: p }];
  }
  if (issue.code === "invalid_value" && last === "build_type") {
    return [{ code: "E_BUILD_TYPE", message: `unknown build_type ${describe(found)}; use one of: ${BUILD_TYPES.join(", ")}`, path: p }];
  }
  if (issue.code === "invalid_value") {
    return [{ code: "E_SCHEMA", message: `${describe(found)} is not one of: ${(issue.values ?? []).map(String).join(", ")}`, path: p }];
  }
  const inDepList = p.some((s) => typeof s === "string" && DEP_LISTS.has(s));
  if ((issue.code === "invalid_format" || issue.code === "too_big") && (p.length === 1 && last === "name" || inDepList)) {
    return [{ code: "E_NAME", message: `${describe(found)} is not a valid name: use ${SAFE_TOKEN_HINT}`, path: p }];
  }
  if (issue.code === "invalid_format" && p.includes("gpg_fingerprints")) {
    return [{ code: "E_FINGERPRINT", message: `${describe(found)}: ${issue.message}`, path: p }];
  }
  if (issue.code === "invalid_format") return [{ code: "E_SCHEMA", message: `${describe(found)}: ${issue.message}`, path: p }];
  if (issue.code === "invalid_type") {
    return [{ code: "E_SCHEMA", message: `expected ${issue.expected ?? "another type"}, found ${describe(found)}`, path: p }];
  }
  if (issue.code === "invalid_union") {
    return [{ code: "E_SCHEMA", message: `${describe(found)} does not fit here: ${unionHint(p)}`, path: p }];
  }
  return [{ code: "E_SCHEMA", message: `${describe(found)}: ${issue.message.replace(/^(Too small|Too big|Invalid input|Invalid string): /, "")}`, path: p }];
}
function unionHint(p) {
  const last = String(p[p.length - 1] ?? "");
  if (["flags", "cmake_flags", "make_args"].includes(last)) return "expected a string or a list of strings";
  if (last === "sha256") return "expected 64 hexadecimal digits or a map version -> digest";
  if (p[0] === "smoke_test") return "expected a command string, a list of words, or {command, expect, exit_code}";
  if (p.includes("platforms")) return "a platform value must be a string";
  return `see ${docUrl("recipe-format.md")}`;
}
function parseRecipe(text, file) {
  const issues = [];
  const src = parseYamlSource(text);
  const add = (severity, code, message, p, which = "value") => {
    issues.push({ severity, code, message, file, line: src.lineOf(p, which), field: fieldOf(p) });
  };
  if (src.errors.length > 0) {
    for (const e of src.errors) issues.push({ severity: "error", code: "E_YAML", message: e.message, file, line: e.line, field: e.field });
    return { file, issues };
  }
  const value = src.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.push({ severity: "error", code: "E_YAML", message: `a recipe is a YAML mapping (name: ..., version: ...), found ${describe(value)}`, file, line: 1 });
    return { file, issues };
  }
  const rawName = value.name;
  const name = typeof rawName === "string" ? rawName : void 0;
  for (const p of unknownKeys(value)) {
    add("warning", "W_UNKNOWN_KEY", `unknown key ${quote(String(p[p.length - 1]))} is ignored`, p, "key");
  }
  const parsed = recipeSchema.safeParse(value);
  if (!parsed.success) {
    const flagged = [];
    for (const issue of parsed.error.issues) {
      for (const i of schemaIssues(issue, value)) {
        add("error", i.code, i.message, i.path, i.key ? "key" : "value");
        flagged.push(i.path);
      }
    }
    checkSalvaged(value, flagged, (code, message, p) => add("error", code, message, p));
    return { file, name, issues: sortIssues(issues), lineOf: (p) => src.lineOf(p) };
  }
  const base = path.basename(file).replace(/\.ya?ml$/, "");
  const recipe = normalizeRecipe(
    parsed.data,
    {
      error: (code, message, p) => add("error", code, message, p),
      warn: (code, message, p) => add("warning", code, message, p)
    },
    base
  );
  return { file, name, recipe, issues: sortIssues(issues), lineOf: (p) => src.lineOf(p) };
}
var LOCAL_CHECKS = /* @__PURE__ */ new Set([
  "E_PLACEHOLDER",
  "E_URL",
  "E_PLATFORM_KEY",
  "E_PLATFORM_VALUE",
  "E_VERSION",
  "E_REGEX",
  "E_CLEANUP",
  "E_WORDS",
  "E_PATH",
  "E_FINGERPRINT",
  "E_SMOKE_TEST"
]);
var related = (a, b) => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
};
function checkSalvaged(value, flagged, error) {
  const raw = salvageRecipe(value);
  if (!raw) return;
  const seen = /* @__PURE__ */ new Set();
  const sink = {
    error: (code, message, p) => {
      if (!LOCAL_CHECKS.has(code) || flagged.some((f) => related(f, p))) return;
      if (code === "E_VERSION" && flagged.some((f) => f[0] === "version")) return;
      const key = `${code}\0${message}\0${p.join(".")}`;
      if (seen.has(key)) return;
      seen.add(key);
      error(code, message, p);
    },
    warn: () => void 0
  };
  try {
    normalizeRecipe(raw, sink);
  } catch {
  }
}
function sortIssues(issues) {
  return issues.map((issue, i) => ({ issue, i })).sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.i - b.i).map((x) => x.issue);
}
function sizeText(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${bytes} bytes`;
}
function tooLarge(file, bytes) {
  return new UserError(RecipeErrorCode.TooLarge, `recipe ${file} is ${sizeText(bytes)}; a recipe may be at most 1 MiB (${MAX_RECIPE_BYTES} bytes)`, {
    location: { file },
    hint: "recipes are a few KiB of YAML: is this the right file?"
  });
}
async function loadRecipeFile(file) {
  const cannot = (err) => new UserError(RecipeErrorCode.File, `cannot read recipe ${file}: ${err.code ?? String(err)}`, {
    location: { file },
    hint: "give a recipe file (.yml/.yaml) or a folder of them"
  });
  let handle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    throw cannot(err);
  }
  let text;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new UserError(RecipeErrorCode.File, `${file} is a folder, not a recipe file`, { location: { file } });
    if (!stat.isFile()) {
      throw new UserError(RecipeErrorCode.File, `${file} is not a regular file (a FIFO, socket or device); a recipe is a .yml file`, {
        location: { file }
      });
    }
    if (stat.size > MAX_RECIPE_BYTES) throw tooLarge(file, stat.size);
    const chunks = [];
    let total = 0;
    for (; ; ) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, MAX_RECIPE_BYTES + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > MAX_RECIPE_BYTES) throw tooLarge(file, Math.max(total, (await handle.stat()).size));
    }
    text = Buffer.concat(chunks, total).toString("utf8");
  } catch (err) {
    if (hasCode(err, RecipeErrorCode.TooLarge) || hasCode(err, RecipeErrorCode.File)) throw err;
    throw cannot(err);
  } finally {
    await handle.close();
  }
  return parseRecipe(text, file);
}
async function findRecipeFiles(dir) {
  const out = [];
  const walk = async (d) => {
    const entries = await fs.readdir(d, { withFileTypes: true });
    entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const e of entries) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && RECIPE_EXTENSIONS.includes(path.extname(e.name))) out.push(full);
    }
  };
  await walk(dir);
  return out;
}
async function loadRecipeDir(dir) {
  return Promise.all(
    (await findRecipeFiles(dir)).map(async (f) => {
      try {
        return await loadRecipeFile(f);
      } catch (err) {
        if (!isUserError(err)) throw err;
        return { file: f, issues: [{ severity: "error", code: err.code, message: err.message, file: f }] };
      }
    })
  );
}
async function loadRecipePaths(paths) {
  const out = [];
  for (const p of paths) {
    let stat;
    try {
      stat = await fs.stat(p);
    } catch {
      throw new UserError(RecipeErrorCode.Path, `${p} does not exist`, { hint: "give a recipe file (.yml/.yaml) or a folder of them" });
    }
    if (stat.isDirectory()) {
      const found = await loadRecipeDir(p);
      if (found.length === 0) throw new UserError(RecipeErrorCode.Path, `${p} holds no *.yml or *.yaml recipe`);
      out.push(...found);
    } else out.push(await loadRecipeFile(p));
  }
  return out;
}
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().filter((k) => value[k] !== void 0).map((k) => [k, canonical(value[k])])
    );
  }
  return value;
}
function recipeDigest(recipe) {
  return createHash("sha256").update(JSON.stringify(canonical(recipe))).digest("hex");
}

// packages/recipe/src/graph.ts
function recipeEdges(recipe) {
  const all = [
    ...recipe.dependencies,
    ...recipe.buildDependencies,
    ...recipe.sourceBuild?.dependencies ?? [],
    ...recipe.sourceBuild?.buildDependencies ?? []
  ];
  return [...new Set(all)];
}
function suggestName(missing, names) {
  const forms = [`lib${missing}`, `${missing}lang`, `${missing}js`, missing.replace(/^lib/, ""), `${missing}-cli`];
  const hit = forms.find((f) => f !== missing && names.includes(f));
  if (hit) return hit;
  if (missing.length >= 6) return names.find((n) => levenshtein(n, missing) === 1);
  return void 0;
}
function levenshtein(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
function findCycles(recipes) {
  const byName = new Map(recipes.map((r) => [r.name, r]));
  const state = /* @__PURE__ */ new Map();
  const stack = [];
  const cycles = [];
  const seen = /* @__PURE__ */ new Set();
  const visit = (name) => {
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of recipeEdges(byName.get(name))) {
      if (!byName.has(dep)) continue;
      const s = state.get(dep);
      if (s === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...cycle.slice(0, -1)].sort().join(" ");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === void 0) visit(dep);
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const name of [...byName.keys()].sort()) if (!state.has(name)) visit(name);
  return cycles;
}
function checkGraph(loaded, context = []) {
  const issues = [];
  const all = [...loaded, ...context];
  const names = [...new Set(all.map((l) => l.name).filter((n) => n !== void 0))].sort();
  const firstFile = /* @__PURE__ */ new Map();
  for (const l of all) {
    if (!l.name) continue;
    const prev = firstFile.get(l.name);
    if (prev === void 0) firstFile.set(l.name, l.file);
    else if (loaded.includes(l)) {
      issues.push({ severity: "error", code: "E_DUPLICATE_NAME", message: `recipe ${quote(l.name)} is also defined in ${prev}`, file: l.file, line: l.lineOf?.(["name"]), field: "name" });
    }
  }
  const recipes = all.map((l) => l.recipe).filter((r) => r !== void 0);
  const known = new Set(names);
  const fileOf = new Map(loaded.map((l) => [l.recipe?.name, l]));
  for (const l of loaded) {
    const r = l.recipe;
    if (!r) continue;
    const lists = [
      ["dependencies", r.dependencies],
      ["build_dependencies", r.buildDependencies],
      ["source_build.dependencies", r.sourceBuild?.dependencies ?? []],
      ["source_build.build_dependencies", r.sourceBuild?.buildDependencies ?? []]
    ];
    for (const [field, list] of lists) {
      list.forEach((dep, i) => {
        if (known.has(dep)) return;
        const hint = suggestName(dep, names);
        issues.push({
          severity: "warning",
          code: "W_DANGLING",
          message: `dependency "${dep}" has no recipe here${hint ? ` (did you mean "${hint}"?)` : ""}; the build host must provide it`,
          file: l.file,
          line: l.lineOf?.([...field.split("."), i]),
          field: `${field}.${i}`
        });
      });
    }
  }
  for (const cycle of findCycles(recipes)) {
    for (const name of cycle.slice(0, -1)) {
      const l = fileOf.get(name);
      if (!l) continue;
      issues.push({
        severity: "error",
        code: "E_CYCLE",
        message: `dependency cycle: ${cycle.join(" -> ")}`,
        file: l.file,
        line: l.lineOf?.(["dependencies"]),
        field: "dependencies"
      });
    }
  }
  return issues;
}
function buildOrder(recipes, names) {
  const byName = new Map(recipes.map((r) => [r.name, r]));
  const order = [];
  const host = /* @__PURE__ */ new Set();
  const state = /* @__PURE__ */ new Map();
  const visit = (name, trail) => {
    const s = state.get(name);
    if (s === "done") return;
    if (s === "visiting") {
      throw new UserError(RecipeErrorCode.Cycle, `dependency cycle: ${[...trail.slice(trail.indexOf(name)), name].join(" -> ")}`);
    }
    const r = byName.get(name);
    if (!r) {
      host.add(name);
      return;
    }
    state.set(name, "visiting");
    for (const dep of recipeEdges(r)) visit(dep, [...trail, name]);
    state.set(name, "done");
    order.push(name);
  };
  for (const n of names) {
    if (!byName.has(n)) {
      const close = suggestName(n, [...byName.keys()]);
      throw new UserError(RecipeErrorCode.Unknown, `no recipe named "${n}"`, {
        hint: close ? `did you mean "${close}"?` : "check the name, and that its recipe is in the folders read"
      });
    }
    visit(n, []);
  }
  return { order, host: [...host].sort() };
}

// packages/recipe/src/plan.ts
function pinFor(pin, version) {
  if (pin === void 0) return void 0;
  return typeof pin === "string" ? pin : pin[version];
}
function attemptsOf(a, render, opts) {
  const signature = a.signature.verify && a.signature.signatureUrl ? { url: render(a.signature.signatureUrl), keysUrl: a.signature.keysUrl, fingerprints: a.signature.fingerprints } : void 0;
  const common = { artifact: opts.artifact, fallback: opts.fallback, sha256: opts.sha256, signature };
  if (a.method === "git") {
    return [{ kind: "git", url: a.gitUrl, ref: `${a.gitTagPrefix}${opts.version}`, field: "download.git_url", ...common }];
  }
  return a.urls.map((u) => ({ kind: "http", url: render(u.template), field: u.field, ...common }));
}
function planDownloads(recipe, platformName, version) {
  const platform = assertPlatform(platformName);
  if (!isSafeVersion(version)) {
    throw new UserError(RecipeErrorCode.Version, `"${version}" is not a valid version`, { hint: `use ${SAFE_TOKEN_HINT}` });
  }
  const spec = recipe.download.platforms[platform];
  const declared = platform in recipe.download.platforms;
  const attempts = [];
  if (declared) {
    attempts.push(
      ...attemptsOf(recipe.download, (t) => renderPlatformTemplate(t, platform, spec, version), {
        artifact: recipe.officialBinary ? "binary" : "source",
        fallback: false,
        sha256: pinFor(spec?.sha256, version) ?? pinFor(recipe.download.sha256, version),
        version
      })
    );
  }
  if (recipe.officialBinary && recipe.sourceBuild) {
    const sb = recipe.sourceBuild;
    attempts.push(
      ...attemptsOf(sb, (t) => renderTemplate(t, { version: encodeURIComponent(version) }), {
        artifact: "source",
        fallback: true,
        sha256: pinFor(sb.sha256, version),
        version
      })
    );
  }
  if (attempts.length === 0) throw nothingToDownload(recipe, platform, declared);
  return { recipe: recipe.name, platform, version, officialBinary: recipe.officialBinary, attempts };
}
function nothingToDownload(recipe, platform, declared) {
  if (declared) {
    return new UserError(
      RecipeErrorCode.NoDownload,
      `recipe "${recipe.name}" has nothing to download for ${platform}: it sets no download.download_url (nor method: git with git_url)`,
      { hint: "add download.download_url with the upstream source: a build fetches and verifies its source before any step runs, and cannot check what a step fetches itself" }
    );
  }
  const have = PLATFORMS.filter((p) => p in recipe.download.platforms);
  return new UserError(RecipeErrorCode.Platform, `recipe "${recipe.name}" does not build for ${platform}`, {
    hint: `it lists: ${have.join(", ") || "no platform"}${recipe.officialBinary ? "; a source_build section would give it a fallback" : ""}`
  });
}
function planBuild(recipes, names, platform, version) {
  const order = buildOrder(recipes, names);
  const byName = new Map(recipes.map((r) => [r.name, r]));
  const downloads = names.map((n) => planDownloads(byName.get(n), platform, version));
  return { platform: assertPlatform(platform), version, downloads, buildOrder: order.order, host: order.host };
}

export {
  RecipeErrorCode,
  printable,
  recipeEdges,
  checkGraph,
  buildOrder,
  applyCleanup,
  loadRecipeFile,
  findRecipeFiles,
  loadRecipeDir,
  loadRecipePaths,
  recipeDigest,
  planDownloads,
  planBuild
};
