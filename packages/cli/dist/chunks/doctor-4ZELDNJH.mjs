import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  HOST_TOOLS,
  hostToolReport
} from "./chunk-S2GWYNR3.mjs";
import {
  runnerFor
} from "./chunk-72MDNXWJ.mjs";
import "./chunk-2OL6CIZP.mjs";
import {
  spawnExec
} from "./chunk-XPDYRYHA.mjs";
import {
  BUILD_TYPES
} from "./chunk-34KJHGJW.mjs";
import {
  Option
} from "./chunk-XJAPUB6H.mjs";
import {
  PLATFORMS,
  hostPlatform
} from "./chunk-EE5EUXX6.mjs";
import "./chunk-XJANFZUV.mjs";
import {
  CliErrorCode
} from "./chunk-FLLDZBEK.mjs";
import {
  UserError,
  jsonReported,
  printHuman,
  printJson
} from "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";

// packages/cli/src/commands/doctor.ts
import path from "node:path";
var uses = new Map(HOST_TOOLS.map((t) => [t.tool, t.uses]));
var usesOf = (tool) => uses.get(tool) ?? [];
function readiness(buildType, tools) {
  const required = [];
  const optional = [];
  for (const row of tools) {
    const u = usesOf(row.tool);
    if (u.some((x) => x.by === "build-type" && x.buildTypes.includes(buildType) || x.by === "pack")) required.push(row.tool);
    else if (u.some((x) => x.by === "recorded" && x.buildTypes.includes(buildType) || x.by === "no-configure" && buildType === "gnu_autotools")) optional.push(row.tool);
  }
  const found = new Set(tools.filter((r) => r.found).map((r) => r.tool));
  const missing = required.filter((t) => !found.has(t));
  return { buildType, ready: missing.length === 0, required, missing, optional };
}
async function probeSandbox(exec, env, installed) {
  if (!installed) return { bubblewrap: false, namespaces: false, reason: "bubblewrap is not installed" };
  const argv = ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"];
  try {
    const r = await exec({ argv, env, cwd: "/", timeoutMs: 2e4 });
    if (r.exitCode === 0) return { bubblewrap: true, namespaces: true };
    const why = r.timedOut ? "timed out" : r.tail.trim().split("\n").pop() || `exit status ${r.exitCode ?? r.signal}`;
    return { bubblewrap: true, namespaces: false, reason: `${argv.join(" ")}: ${why}` };
  } catch (err) {
    return { bubblewrap: true, namespaces: false, reason: `${argv.join(" ")}: ${err.message}` };
  }
}
async function doctorReport(deps = {}) {
  const exec = deps.exec ?? spawnExec;
  const env = deps.env ?? process.env;
  const host = deps.host ?? hostPlatform();
  const stringEnv = Object.fromEntries(Object.entries(env).filter((e) => e[1] !== void 0));
  const tools = await hostToolReport({ exec, env, host });
  const platforms = [];
  for (const platform of PLATFORMS) {
    const runner = await runnerFor(platform, host, { searchPath: stringEnv.PATH ?? "" });
    platforms.push({
      platform,
      sourceBuilds: platform === host,
      smokeTests: runner.kind === "none" ? { runner: "none", reason: runner.reason } : { runner: runner.kind, ...runner.command.length > 0 ? { command: runner.command } : {} }
    });
  }
  const bwrapInstalled = tools.some((t) => t.tool === "bubblewrap" && t.found);
  return {
    host: { platform: host ?? null, os: process.platform, arch: process.arch, node: process.version },
    tools,
    buildTypes: BUILD_TYPES.map((b) => readiness(b, tools)),
    platforms,
    sandbox: await probeSandbox(exec, stringEnv, bwrapInstalled)
  };
}
var mark = (ok) => ok ? "\u2713" : "\u2717";
function toolLine(row, width, note) {
  const applies = row.found || row.install !== void 0;
  const state = row.found ? row.version ?? "found" : applies ? `${row.optional ? "not installed (optional)" : "missing"}: ${row.install}` : "not on this kind of machine";
  return `    ${applies ? mark(row.found) : "-"} ${row.tool.padEnd(width)}  ${state}${note ? `  (${note})` : ""}`;
}
function optionalNote(tool, buildType) {
  if (usesOf(tool).some((u) => u.by === "no-configure") && buildType === "gnu_autotools") return "only for sources without a configure script";
  return "optional: recorded in the toolchain when present";
}
function buildTypeSection(b, rows, width) {
  const head = b.ready ? "ready" : `not ready: ${b.missing.join(", ")} missing`;
  const lines = [`  ${mark(b.ready)} ${b.buildType} builds: ${head}`];
  for (const t of b.required) lines.push(toolLine(rows.get(t), width));
  for (const t of b.optional) lines.push(toolLine(rows.get(t), width, optionalNote(t, b.buildType)));
  return lines;
}
function platformLine(p) {
  const builds = p.sourceBuilds ? "source builds and official binaries" : "official binaries";
  const s = p.smokeTests;
  const smoke = s.runner === "none" ? `smoke tests cannot run here (${s.reason})` : s.runner === "native" ? "smoke tests natively" : `smoke tests through ${s.runner === "qemu" ? path.basename(s.command?.[0] ?? "qemu") : "Rosetta 2"}`;
  return `  ${mark(s.runner !== "none")} ${p.platform.padEnd(13)}  ${builds}; ${smoke}`;
}
function mergeInstallCommands(commands) {
  const merged = /* @__PURE__ */ new Map();
  const others = [];
  for (const c of commands) {
    const m = /^(apt-get install|brew install) (.+)$/.exec(c);
    if (!m) {
      if (!others.includes(c)) others.push(c);
      continue;
    }
    const words = merged.get(m[1]) ?? [];
    for (const w of m[2].split(/\s+/)) if (!words.includes(w)) words.push(w);
    merged.set(m[1], words);
  }
  return [...[...merged].map(([cmd, words]) => `${cmd} ${words.join(" ")}`), ...others];
}
function formatDoctor(r) {
  const rows = new Map(r.tools.map((t) => [t.tool, t]));
  const width = Math.max(...r.tools.map((t) => t.tool.length));
  const inBuildTypes = new Set(r.buildTypes.flatMap((b) => [...b.required, ...b.optional]));
  const byUse = (...kinds) => r.tools.filter((t) => !inBuildTypes.has(t.tool) && usesOf(t.tool).some((u) => kinds.includes(u.by)));
  const described = (row) => toolLine(row, width, row.neededBy.join("; "));
  const host = r.host.platform ?? `${r.host.os}-${r.host.arch} (Potions builds for none of its platforms here)`;
  const lines = [`This machine: ${host}, Node ${r.host.node}`, "", "Build types (source builds):"];
  for (const b of r.buildTypes) lines.push(...buildTypeSection(b, rows, width));
  lines.push("", "Sources and binaries (as the recipe needs):", ...byUse("source-compression", "git-source").map(described));
  lines.push("", "Platforms (a source build runs on a machine of its platform; official binaries are packaged for any):");
  lines.push(...r.platforms.map(platformLine), ...byUse("foreign-arch-smoke-test", "macho-relocation").map(described));
  const sb = r.sandbox;
  lines.push("", "Build sandbox:", ...byUse("sandbox").map(described));
  if (sb.bubblewrap) lines.push(`    ${mark(sb.namespaces)} ${"namespaces".padEnd(width)}  ${sb.namespaces ? "bwrap --unshare-all works here" : `cannot be made here: ${sb.reason}`}`);
  lines.push("", "Relocation:", ...byUse("runpath-without-room").map(described));
  const missing = r.tools.filter((t) => !t.found && !t.optional && t.install);
  const installs = mergeInstallCommands(missing.map((t) => t.install));
  lines.push("", installs.length === 0 ? "Nothing required is missing." : `To install what is missing: ${installs.join("; ")}`);
  return lines.join("\n");
}
function requirementError(report, required) {
  const short = report.buildTypes.filter((b) => required.includes(b.buildType) && !b.ready);
  if (short.length === 0) return void 0;
  const rows = new Map(report.tools.map((t) => [t.tool, t]));
  const installs = mergeInstallCommands(short.flatMap((b) => b.missing.map((t) => rows.get(t)?.install).filter((c) => c !== void 0)));
  return new UserError(CliErrorCode.HostToolsMissing, `this machine cannot do ${short.map((b) => `${b.buildType} builds (missing ${b.missing.join(", ")})`).join(", ")}`, {
    hint: installs.length > 0 ? `install them: ${installs.join("; ")}` : "these programs are not available for this kind of machine"
  });
}
function registerDoctorCommand(program, deps = {}) {
  program.command("doctor").description("What this machine has and lacks for each build type and platform, with the command that installs each").addOption(new Option("--require <build-types...>", "exit 1 when a program one of these build types needs is missing").choices([...BUILD_TYPES])).option("--json", "print the report as one JSON document on stdout").action(async (opts) => {
    const report = await doctorReport(deps);
    const failure = requirementError(report, opts.require ?? []);
    if (opts.json) {
      printJson(failure ? { ok: false, error: failure.message, code: failure.code, hint: failure.hint, ...report } : { ok: true, ...report });
    } else {
      printHuman(formatDoctor(report));
    }
    if (failure) throw jsonReported(failure);
  });
}
export {
  doctorReport,
  formatDoctor,
  mergeInstallCommands,
  registerDoctorCommand
};
