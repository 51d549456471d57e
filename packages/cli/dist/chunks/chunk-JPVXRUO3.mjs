import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  redactUrl
} from "./chunk-QHOKOGRP.mjs";
import {
  RecipeErrorCode,
  applyCleanup
} from "./chunk-Q5AYDNPM.mjs";
import {
  isSafeVersion
} from "./chunk-34KJHGJW.mjs";
import {
  compareVersions
} from "./chunk-55UCJZ7D.mjs";
import {
  parseRetryAfter,
  retry
} from "./chunk-L5QZX5WR.mjs";
import {
  systemNow
} from "./chunk-L5AWN5ZP.mjs";
import {
  UserError,
  silentReporter
} from "./chunk-HUJ2RKNL.mjs";

// packages/recipe/src/versions.ts
var DEFAULT_GITHUB_API_URL = "https://api.github.com";
function versionDepsFromEnv(env = process.env) {
  return { githubApiUrl: env.POTIONS_GITHUB_API_URL || void 0, token: env.GITHUB_TOKEN || void 0 };
}
var HttpStatusError = class extends Error {
  constructor(status, url, afterMs) {
    super(`HTTP ${status} from ${redactUrl(url)}`);
    this.status = status;
    this.url = url;
    this.afterMs = afterMs;
  }
  status;
  url;
  afterMs;
};
var transient = (status) => status === 403 || status === 429 || status >= 500;
async function get(url, headers, deps) {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? systemNow;
  const maxAfter = deps.maxRetryAfterMs ?? 6e4;
  try {
    return await retry(
      async () => {
        const res = await doFetch(url, { headers, signal: AbortSignal.timeout(deps.timeoutMs ?? 3e4), redirect: "follow" });
        if (!res.ok) {
          let afterMs = parseRetryAfter(res.headers.get("retry-after"), now);
          const reset = res.headers.get("x-ratelimit-reset");
          if (afterMs === void 0 && res.headers.get("x-ratelimit-remaining") === "0" && reset && /^\d+$/.test(reset)) {
            afterMs = Math.max(0, Number(reset) * 1e3 - now().getTime());
          }
          await res.body?.cancel();
          throw new HttpStatusError(res.status, url, afterMs);
        }
        return { text: await res.text(), link: res.headers.get("link") };
      },
      {
        attempts: deps.attempts ?? 4,
        sleep: deps.sleep,
        shouldRetry: (err) => {
          if (err instanceof HttpStatusError) {
            if (!transient(err.status)) return false;
            if (err.afterMs !== void 0 && err.afterMs > maxAfter) return false;
            return { retry: true, afterMs: err.afterMs };
          }
          return true;
        },
        onRetry: ({ err, attempt, delayMs }) => (deps.reporter ?? silentReporter).debug(`${err.message}; retry ${attempt} in ${delayMs} ms`)
      }
    );
  } catch (err) {
    const what = err instanceof HttpStatusError ? `HTTP ${err.status}` : withCause(err);
    throw new UserError(RecipeErrorCode.VersionFetch, `cannot look up versions at ${redactUrl(url)}: ${what}`, {
      cause: err,
      hint: "give the version explicitly to skip the network; set GITHUB_TOKEN if GitHub rate-limits you"
    });
  }
}
function withCause(err) {
  const own = err?.message;
  const message = typeof own === "string" ? own : String(err);
  const cause = err?.cause;
  const detail = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : void 0;
  if (detail === void 0 || message.includes(detail)) return message;
  const extra = typeof cause?.code === "string" && typeof cause.message === "string" && !cause.message.includes(cause.code) ? ` ${cause.message}` : "";
  return `${message} (${detail}${extra ? `:${extra}` : ""})`;
}
function nextLink(link) {
  if (!link) return void 0;
  for (const part of link.split(",")) {
    const m = part.match(/<([^>]+)>\s*;\s*rel="?next"?/);
    if (m) return m[1];
  }
  return void 0;
}
async function githubList(repo, kind, deps) {
  const base = (deps.githubApiUrl ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, "");
  const headers = { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "user-agent": "potions" };
  if (deps.token) {
    deps.reporter?.secret(deps.token);
    headers.authorization = `Bearer ${deps.token}`;
  }
  const origin = new URL(base).origin;
  const names = [];
  let url = `${base}/repos/${repo}/${kind}?per_page=100`;
  for (let page = 0; url && page < (deps.maxPages ?? 5); page++) {
    const res = await get(url, headers, deps);
    let items;
    try {
      items = JSON.parse(res.text);
    } catch {
      throw new UserError(RecipeErrorCode.VersionFetch, `${redactUrl(url)} did not return JSON`);
    }
    if (!Array.isArray(items)) throw new UserError(RecipeErrorCode.VersionFetch, `${redactUrl(url)} did not return a list of ${kind}`);
    for (const item of items) {
      if (kind === "releases") {
        if (item.draft === true || item.prerelease === true) continue;
        if (typeof item.tag_name === "string") names.push(item.tag_name);
      } else if (typeof item.name === "string") names.push(item.name);
    }
    const next = nextLink(res.link);
    url = next && new URL(next, url).origin === origin ? new URL(next, url).toString() : void 0;
  }
  return names;
}
function selectVersions(raw, spec) {
  const exclude = spec.excludePatterns ? new RegExp(spec.excludePatterns) : void 0;
  const extract = spec.extractPattern ? new RegExp(spec.extractPattern) : void 0;
  const out = /* @__PURE__ */ new Set();
  for (const { text, match } of raw) {
    if (exclude?.test(text)) continue;
    let value = match;
    if (value === void 0) {
      if (extract) {
        const m = extract.exec(text);
        if (!m) continue;
        value = m[1] ? m[1] : m[0];
      } else value = text;
    }
    const cleaned = applyCleanup(value, spec.cleanup);
    if (isSafeVersion(cleaned)) out.add(cleaned);
  }
  return [...out].sort((a, b) => compareVersions(b, a));
}
function matchesInPage(body, pattern) {
  const re = new RegExp(pattern, "g");
  const out = [];
  for (const m of body.matchAll(re)) {
    if (m[0] === "") continue;
    out.push({ text: m[0], match: m[1] ? m[1] : m[0] });
  }
  return out;
}
async function resolveVersion(recipe, deps = {}) {
  const spec = recipe.version;
  const source = spec.source;
  let candidates;
  if (source.kind === "static") candidates = [source.version];
  else if (source.kind === "url") {
    const page = await get(source.url, { "user-agent": "potions", accept: "text/html, text/plain, */*" }, deps);
    candidates = selectVersions(matchesInPage(page.text, spec.extractPattern ?? "\\d+(\\.\\d+)+"), spec);
  } else {
    const names = await githubList(source.repo, source.kind === "github-release" ? "releases" : "tags", deps);
    candidates = selectVersions(names.map((text) => ({ text })), spec);
  }
  const version = candidates[0];
  if (version === void 0) {
    throw new UserError(RecipeErrorCode.NoVersion, `no version of "${recipe.name}" found at ${describeSource(spec)} after extract_pattern/exclude_patterns/cleanup`, {
      hint: "check version.extract_pattern and version.exclude_patterns, or give the version explicitly"
    });
  }
  return { version, candidates };
}
function describeSource(spec) {
  const s = spec.source;
  return s.kind === "url" ? s.url : s.kind === "static" ? "static" : `${s.kind}:${s.repo}`;
}

export {
  versionDepsFromEnv,
  resolveVersion
};
