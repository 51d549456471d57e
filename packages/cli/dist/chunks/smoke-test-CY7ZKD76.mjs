import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  smokeTestArtifact
} from "./chunk-67JUOEHD.mjs";
import "./chunk-72MDNXWJ.mjs";
import "./chunk-2OL6CIZP.mjs";
import "./chunk-XJIVFK5C.mjs";
import {
  loadRecipeOrThrow
} from "./chunk-FYQXNLY7.mjs";
import "./chunk-XPDYRYHA.mjs";
import "./chunk-Q5AYDNPM.mjs";
import "./chunk-34KJHGJW.mjs";
import "./chunk-EHDWN6R2.mjs";
import {
  PLATFORMS,
  assertPlatform
} from "./chunk-EE5EUXX6.mjs";
import "./chunk-DWDGEZWY.mjs";
import {
  USAGE_ERROR,
  positiveNumber
} from "./chunk-AFBQJMGN.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import {
  ConsoleReporter,
  ExitCode,
  UserError,
  formatTable,
  printJson
} from "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";

// packages/cli/src/commands/smoke-test.ts
import path from "node:path";

// packages/inspect/src/report.ts
var dependencyWhere = (d) => [d.path ?? "", d.via ? `via ${d.via}` : "", d.group ? `(${d.group})` : ""].filter(Boolean).join(" ");
var verdict = (d) => d.severity ? `${d.severity.toUpperCase()}: ${d.detail ?? d.resolution}` : d.detail ? `ok (${d.detail})` : "ok";
function reportTables(report) {
  const shown = report.files.filter((f) => f.format !== "data" || f.matches !== void 0);
  const tables = [
    {
      title: `${report.files.length} file(s), ${shown.length} of them code, scripts or links, checked for ${report.platform}`,
      headers: ["FILE", "KIND", "WHAT IT IS", "PLATFORM"],
      rows: shown.map((f) => [f.path, f.kind, f.description, f.matches === void 0 ? "" : f.matches ? "ok" : `NOT ${report.platform}`])
    }
  ];
  for (const f of shown) {
    if (f.dependencies.length === 0) continue;
    tables.push({
      title: f.path,
      headers: ["DEPENDENCY", "KIND", "RESOLVED", "WHERE", "RESULT"],
      rows: f.dependencies.map((d) => [d.name, d.kind, d.resolution, dependencyWhere(d), verdict(d)])
    });
  }
  tables.push({
    title: report.run.ran ? `commands (${report.run.runner?.kind ?? "native"}${report.run.runner?.kind === "qemu" ? `: ${report.run.runner.command.join(" ")}` : ""})` : `commands NOT RUN: ${report.run.reason ?? "no reason given"}`,
    headers: ["COMMAND", "EXIT", "RESULT", "OUTPUT"],
    rows: report.run.commands.map((c) => [
      c.argv.join(" "),
      c.timedOut ? "timeout" : c.signal ? c.signal : String(c.exitCode),
      c.ok ? "ok" : `FAILED: ${c.error ?? ""}`,
      (c.output.split("\n").find((l) => l.trim() !== "") ?? "").slice(0, 80)
    ])
  });
  return tables;
}

// packages/cli/src/commands/smoke-test.ts
var collect = (value, previous = []) => [...previous, value];
function parseDependencies(values) {
  return values.map((v) => {
    const m = /^([^=\s/]+)=(.+)$/.exec(v);
    if (!m) throw new UserError(USAGE_ERROR, `--dependency "${v}": expected NAME=ARTIFACT, such as zlib=zlib-1.3.1-linux-amd64.tar.gz`);
    return { name: m[1], artifact: path.resolve(m[2]) };
  });
}
function verdictLine(r) {
  const what = `${path.basename(r.artifact)} for ${r.platform}`;
  const counts = `${r.summary.errors} error(s), ${r.summary.warnings} warning(s)`;
  const run = r.run.ran ? `${r.run.commands.filter((c) => c.ok).length} of ${r.run.commands.length} command(s) passed` : "commands NOT RUN (see above)";
  return `${r.ok ? "smoke test passed" : "smoke test FAILED"}: ${what}: ${counts}; ${run}`;
}
function registerSmokeTestCommand(program) {
  program.command("smoke-test").description("Check an artifact as a user would get it: every file for the platform, every library found, the recipe's commands run").argument("<artifact>", "the artifact file (.tar.gz or .tar.zst)").requiredOption("--platform <platform>", `the platform it claims to be for: ${PLATFORMS.join(", ")}`).option("--recipe <file>", "the recipe: its name, main binary and smoke_test commands (default: NAME and VERSION from the artifact's file name, and `bin/NAME --version`)").option("--version <version>", "the version `--version` must print (default: from the artifact's file name)").option("--dependency <name=artifact>", "a dependency's artifact, installed beside this one as users do (repeatable)", collect).option("--timeout <seconds>", "time limit for each command (default 60)", positiveNumber("--timeout", "seconds")).option("--require-run", "fail when this machine cannot run the commands (by default the static checks alone decide)").option("--json", "print the report (one JSON document: ok, files, dependencies, problems, commands) on stdout").action(async (artifact, opts) => {
    const platform = assertPlatform(opts.platform, "--platform");
    const recipe = opts.recipe ? (await loadRecipeOrThrow(path.resolve(opts.recipe))).recipe : void 0;
    const report = await smokeTestArtifact({
      artifact: path.resolve(artifact),
      platform,
      recipe,
      version: opts.version,
      dependencies: parseDependencies(opts.dependency ?? []),
      timeoutMs: opts.timeout === void 0 ? void 0 : Math.round(opts.timeout * 1e3),
      requireRun: opts.requireRun,
      reporter: new ConsoleReporter()
    });
    if (opts.json) printJson(report);
    else {
      for (const t of reportTables(report)) process.stderr.write(`
${t.title}
${formatTable(t.headers, t.rows)}
`);
      for (const p of report.problems) process.stderr.write(`${p.severity}: ${p.message}
`);
      process.stderr.write(`${verdictLine(report)}
`);
    }
    if (!report.ok) process.exitCode = ExitCode.Failure;
  });
}
export {
  registerSmokeTestCommand
};
