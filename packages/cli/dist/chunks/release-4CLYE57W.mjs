import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  PipelineErrorCode,
  runRelease
} from "./chunk-AKFC4FOL.mjs";
import "./chunk-F4HFO3XQ.mjs";
import "./chunk-YGORD7MQ.mjs";
import "./chunk-WZ5ZB2HY.mjs";
import {
  DEFAULT_LOCAL_PORTS,
  LocalMirrorsErrorCode,
  withOptionHint
} from "./chunk-GMYU5HAG.mjs";
import "./chunk-H25O6PGM.mjs";
import "./chunk-XJAPUB6H.mjs";
import "./chunk-5USGNDUQ.mjs";
import {
  SOURCE_MIRRORS_ENV,
  parseSourceMirrors,
  sourceMirrorsFromEnv
} from "./chunk-C7ZYM2MT.mjs";
import "./chunk-E2L7GNQR.mjs";
import "./chunk-2YVOABRQ.mjs";
import "./chunk-6NSQX3CC.mjs";
import "./chunk-QHOKOGRP.mjs";
import "./chunk-QCUBZTNB.mjs";
import "./chunk-55UCJZ7D.mjs";
import "./chunk-L5QZX5WR.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-DQAEFJAI.mjs";
import "./chunk-2OL6CIZP.mjs";
import "./chunk-T4C5SH2G.mjs";
import "./chunk-OYLNMHQH.mjs";
import "./chunk-H45SQJ23.mjs";
import "./chunk-34KJHGJW.mjs";
import {
  PLATFORMS,
  assertPlatform
} from "./chunk-EE5EUXX6.mjs";
import "./chunk-E4RGEVCT.mjs";
import {
  ports,
  positiveInt
} from "./chunk-AFBQJMGN.mjs";
import "./chunk-EHDWN6R2.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import {
  ConsoleReporter,
  ExitCode,
  formatBytes,
  formatTable,
  printJson
} from "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";

// packages/cli/src/commands/release.ts
import path from "node:path";
var collect = (value, previous = []) => [...previous, value];
function printSummary(s, workDir, ports2) {
  const out = [];
  out.push(
    formatTable(
      ["PACKAGE", "VERSION", "PLATFORM", "STATUS", "SIZE", "SHA256"],
      s.packages.map((p) => [
        p.name,
        p.version,
        p.platform,
        p.status === "failed" ? `FAILED${p.step ? ` (${p.step})` : ""}` : p.cached ? `${p.status} (cached)` : p.status,
        p.size !== void 0 ? formatBytes(p.size) : "",
        p.sha256 ?? p.error ?? ""
      ])
    )
  );
  out.push("");
  out.push(
    formatTable(
      ["MIRROR", "ENDPOINT", "UPLOADED", "PRESENT", "FAILED", "MANIFEST"],
      s.mirrors.map((m) => [m.name, m.endpoint, String(m.uploaded), String(m.present), String(m.failed), m.manifest ?? "-"])
    )
  );
  for (const p of s.packages.filter((x) => x.urls.length > 0)) {
    out.push("", `${p.file}:`);
    for (const u of p.urls) out.push(`  ${u}`);
  }
  out.push("");
  if (s.manifestUrls.length > 0) {
    out.push(`manifest version ${s.manifestVersion}${s.manifestChanged ? "" : " (unchanged)"}:`);
    for (const u of s.manifestUrls) out.push(`  ${u.url}`);
  } else out.push("manifest: not published");
  if (s.trustedKeyFile && s.manifestUrls.length > 0) out.push(`trusted key: ${path.relative(process.cwd(), s.trustedKeyFile) || s.trustedKeyFile}`);
  for (const c of s.checks) {
    const smoke = c.smoke.length > 0 ? `, smoke tests ${c.smoke.filter((t) => t.ok).length}/${c.smoke.length} passed` : "";
    out.push(c.ok ? `check: ${c.name} ${c.version} fetched back through the manifest from ${c.mirror}${smoke}` : `check FAILED: ${c.name} ${c.version}: ${c.error}`);
  }
  out.push(`stages: ${s.stages.map((st) => `${st.name} ${st.skipped ? "skipped" : `${st.seconds.toFixed(2)} s${st.ok ? "" : " FAILED"}`}`).join(", ")}`);
  if (s.mode === "local" && s.mirrorsStopped === true && s.manifestUrl) {
    const first = s.packages.find((p) => p.status !== "failed");
    const rel = (p) => path.relative(process.cwd(), p) || ".";
    const sameDir = path.resolve(workDir) === process.cwd();
    const serve = ["pnpm potions mirrors serve", ...sameDir ? [] : [`--dir ${rel(path.join(workDir, ".potions", "mirrors"))}`], ...ports2 ? [`--ports ${ports2.join(",")}`] : []];
    const fixedPorts = !ports2 || ports2.every((p) => p !== 0);
    const fetch = first ? [`pnpm potions fetch ${first.name}@${first.version}`, `--manifest ${s.manifestUrl}`, `--out /tmp/${first.name}`, ...sameDir || !s.trustedKeyFile ? [] : [`--trusted-key ${rel(s.trustedKeyFile)}`]] : [];
    if (fixedPorts) {
      out.push("", "the local mirrors ran for this release only and are stopped now; to serve the URLs above run", `  ${serve.join(" ")}`);
      if (first) out.push("then install it with", `  ${fetch.join(" ")}`);
    }
  }
  const nothingBuilt = s.stages.find((st) => st.name === "build" && st.error?.startsWith("nothing was built"));
  out.push(s.ok ? "release complete" : nothingBuilt ? `release FAILED: ${nothingBuilt.error}; nothing was published` : "release INCOMPLETE: see the warnings above");
  process.stderr.write(`${out.join("\n")}
`);
}
var RELEASE_HINTS = {
  [LocalMirrorsErrorCode.PortInUse]: "choose other ports with --local-ports (0 picks a free one)",
  [PipelineErrorCode.ForeignMirrors]: "stop that `potions mirrors serve`, or use --local-ports / --work-dir",
  [PipelineErrorCode.Options]: "`potions release --help` lists the options (--platform, --local-ports)"
};
function registerReleaseCommand(program, deps = {}) {
  program.command("release").description("Build recipes for this machine, sync them to every mirror, publish the signed manifest, fetch back as a check").argument("<recipes...>", "recipe files (.yml) or names looked up in --recipes; NAME@VERSION pins a version").option("--version <version>", "the version to build (recipes without @VERSION); without it the latest is looked up on the network").option("--recipes <dir>", "recipe folder for names and dependencies, repeatable (default: recipes)", collect).option("--config <file>", "mirrors configuration (YAML/JSON, docs/mirrors.md); signs with POTIONS_MANIFEST_KEY. Default: two local mirrors").option("--source-mirror <base>", `mirror of upstream files (BASE/<host>/<path>), repeatable; also ${SOURCE_MIRRORS_ENV}`, collect).option("--source-dir <dir>", "folder of upstream files served by file name as a source mirror (offline builds), repeatable", collect).option("--platform <platform>", `one of ${PLATFORMS.join(", ")} (default: this machine's)`).option("--work-dir <dir>", "where .potions/ (local mirrors, keys, cache, build output) lives (default: the current folder)").option("--local-ports <ports>", `ports of the two local mirrors (default ${DEFAULT_LOCAL_PORTS.join(",")}; 0 picks a free one)`, ports("--local-ports")).option("--min-mirrors <n>", "mirrors that must hold every file (default: the configuration, else 1)", positiveInt("--min-mirrors")).option("--no-cache", "build even when the build cache has the artifact").option("--no-check", "do not fetch the result back through the manifest").option("--jobs <n>", "parallel jobs (default: the number of CPUs)", positiveInt("--jobs")).option("--json", "print the summary as one JSON object (with manifestUrl) on stdout").action(async (recipes, opts) => {
    const reporter = new ConsoleReporter();
    const platform = opts.platform ? assertPlatform(opts.platform, "--platform") : void 0;
    const ports2 = opts.localPorts;
    const refs = recipes.map((r) => r.includes("/") || /\.ya?ml$/i.test(r) ? path.resolve(r) : r);
    const summary = await runRelease({
      ...deps.openMirrors ? { openMirrors: deps.openMirrors } : {},
      recipes: refs,
      ...opts.version !== void 0 ? { version: opts.version } : {},
      recipesDirs: (opts.recipes ?? ["recipes"]).map((d) => path.resolve(d)),
      ...opts.config !== void 0 ? { config: path.resolve(opts.config) } : {},
      sourceMirrors: [...parseSourceMirrors(opts.sourceMirror ?? [], "--source-mirror", reporter), ...sourceMirrorsFromEnv(process.env, reporter)],
      ...opts.sourceDir ? { sourceDirs: opts.sourceDir.map((d) => path.resolve(d)) } : {},
      ...platform ? { platform } : {},
      workDir: path.resolve(opts.workDir ?? process.cwd()),
      ...ports2 ? { localPorts: ports2 } : {},
      ...opts.minMirrors !== void 0 ? { minMirrors: opts.minMirrors } : {},
      cache: opts.cache,
      check: opts.check,
      ...opts.jobs !== void 0 ? { jobs: opts.jobs } : {},
      reporter
    }).catch((err) => {
      throw withOptionHint(err, RELEASE_HINTS);
    });
    if (opts.json) printJson(summary);
    else printSummary(summary, path.resolve(opts.workDir ?? process.cwd()), ports2);
    if (!summary.ok) process.exitCode = ExitCode.Failure;
  });
}
export {
  registerReleaseCommand
};
