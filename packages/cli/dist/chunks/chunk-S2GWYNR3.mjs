import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  BuilderErrorCode,
  captureOutput,
  formatFromName
} from "./chunk-XPDYRYHA.mjs";
import {
  hostPlatform,
  platformOs
} from "./chunk-EE5EUXX6.mjs";
import {
  UserError
} from "./chunk-HUJ2RKNL.mjs";

// packages/builder/src/build-job.ts
function fileNameOfUrl(url, fallback = "download") {
  try {
    const segment = new URL(url).pathname.split("/").filter(Boolean).pop();
    const name = segment ? decodeURIComponent(segment) : "";
    return name && !name.includes("/") && name !== "." && name !== ".." ? name : fallback;
  } catch {
    return fallback;
  }
}

// packages/builder/src/sandbox.ts
import { existsSync, lstatSync, readlinkSync } from "node:fs";
import path from "node:path";
var SANDBOX_SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
var SANDBOX_ETC_FILES = [
  "alternatives",
  // cc, c++, ld, awk… are symbolic links through here on Debian
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "passwd",
  // user and group names (id, whoami, tar); no password is in them
  "group",
  "nsswitch.conf",
  "host.conf",
  "hosts",
  // localhost, for test suites that talk to themselves
  "protocols",
  "services",
  "os-release",
  "debian_version",
  "localtime",
  "timezone",
  "shells",
  "perl",
  // Debian's perl configuration
  "python3",
  "mime.types",
  "magic",
  // file(1)
  "magic.mime",
  "xml",
  // catalogs of documentation builds
  "sgml",
  "terminfo",
  "locale.alias"
];
var SANDBOX_HOSTNAME = "potions-build";
function systemMounts() {
  const args = [];
  for (const dir of SANDBOX_SYSTEM_DIRS) {
    let st;
    try {
      st = lstatSync(dir);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push("--symlink", readlinkSync(dir), dir);
    else if (st.isDirectory()) args.push("--ro-bind", dir, dir);
  }
  for (const name of SANDBOX_ETC_FILES) {
    const p = path.join("/etc", name);
    if (existsSync(p)) args.push("--ro-bind", p, p);
  }
  args.push("--symlink", "../proc/self/mounts", "/etc/mtab");
  return args;
}
function bubblewrapArgv(bwrap, spec, req) {
  const args = [bwrap, "--unshare-all"];
  if (spec.network) args.push("--share-net");
  args.push("--die-with-parent", "--new-session", "--clearenv", "--cap-drop", "ALL", "--hostname", SANDBOX_HOSTNAME);
  args.push(...systemMounts(), "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp");
  for (const dir of spec.writable) args.push("--bind", dir, dir);
  for (const dir of spec.readOnly) args.push("--ro-bind-try", dir, dir);
  for (const [key, value] of Object.entries(req.env)) args.push("--setenv", key, value);
  args.push("--chdir", req.cwd, "--", ...req.argv);
  return args;
}
function bubblewrapExec(base, bwrap, spec) {
  return (req) => base({ ...req, argv: bubblewrapArgv(bwrap, spec, req), env: {} });
}
function findProgram(name, pathVar) {
  for (const dir of (pathVar ?? "/usr/local/bin:/usr/bin:/bin").split(":")) {
    if (!dir || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return void 0;
}
async function probeSandbox(opts) {
  if (opts.platformOs !== "linux") return { ok: false, reason: "there is no bubblewrap on macOS" };
  const bwrap = findProgram("bwrap", opts.env.PATH);
  if (!bwrap) return { ok: false, reason: "bubblewrap (bwrap) is not installed" };
  const version = (await captureOutput(opts.exec, [bwrap, "--version"], {}, "/"))?.trim() ?? "bubblewrap";
  const spec = { writable: [], readOnly: [], network: false };
  const chunks = [];
  try {
    const res = await opts.exec({ argv: bubblewrapArgv(bwrap, spec, { argv: ["true"], cwd: "/", env: { PATH: "/usr/bin:/bin" } }), cwd: "/", env: {}, timeoutMs: 2e4, onOutput: (c) => chunks.push(c) });
    if (res.exitCode === 0) return { ok: true, bwrap, version };
    const said = Buffer.concat(chunks).toString("utf8").trim().split("\n").pop() ?? "";
    return { ok: false, reason: `bubblewrap cannot make its namespaces here${said ? ` (${said})` : ""}` };
  } catch (err) {
    return { ok: false, reason: `bubblewrap cannot run: ${err.message}` };
  }
}

// packages/builder/src/host-tools.ts
var C_TYPES = ["gnu_autotools", "make", "cmake", "meson", "cargo"];
var XCODE = "xcode-select --install";
var HOST_TOOLS = [
  { tool: "cc", version: ["cc", "--version"], install: { debian: "apt-get install build-essential", macos: XCODE }, uses: [{ by: "build-type", buildTypes: C_TYPES }, { by: "recorded", buildTypes: ["custom"] }] },
  { tool: "c++", version: ["c++", "--version"], install: { debian: "apt-get install build-essential", macos: XCODE }, uses: [{ by: "build-type", buildTypes: ["cmake", "meson"] }] },
  { tool: "make", version: ["make", "--version"], install: { debian: "apt-get install build-essential", macos: XCODE }, uses: [{ by: "build-type", buildTypes: ["gnu_autotools", "make", "cmake"] }, { by: "recorded", buildTypes: ["custom"] }] },
  { tool: "cmake", version: ["cmake", "--version"], install: { debian: "apt-get install cmake", macos: "brew install cmake" }, uses: [{ by: "build-type", buildTypes: ["cmake"] }] },
  { tool: "meson", version: ["meson", "--version"], install: { debian: "apt-get install meson", macos: "brew install meson" }, uses: [{ by: "build-type", buildTypes: ["meson"] }] },
  { tool: "ninja", version: ["ninja", "--version"], install: { debian: "apt-get install ninja-build", macos: "brew install ninja" }, uses: [{ by: "build-type", buildTypes: ["meson"] }] },
  { tool: "cargo", version: ["cargo", "--version"], install: { debian: "apt-get install cargo", macos: "brew install rust" }, uses: [{ by: "build-type", buildTypes: ["cargo"] }] },
  { tool: "rustc", version: ["rustc", "--version"], install: { debian: "apt-get install rustc", macos: "brew install rust" }, uses: [{ by: "build-type", buildTypes: ["cargo"] }] },
  { tool: "go", version: ["go", "version"], install: { debian: "apt-get install golang-go", macos: "brew install go" }, uses: [{ by: "build-type", buildTypes: ["go"] }] },
  { tool: "autoreconf", version: ["autoreconf", "--version"], install: { debian: "apt-get install autoconf automake libtool", macos: "brew install autoconf automake libtool" }, uses: [{ by: "no-configure" }] },
  { tool: "xz", version: ["xz", "--version"], install: { debian: "apt-get install xz-utils", macos: "brew install xz" }, uses: [{ by: "source-compression", compression: "xz" }] },
  { tool: "bzip2", version: ["bzip2", "--version"], install: { debian: "apt-get install bzip2", macos: "brew install bzip2" }, uses: [{ by: "source-compression", compression: "bzip2" }] },
  { tool: "zstd", version: ["zstd", "--version"], install: { debian: "apt-get install zstd", macos: "brew install zstd" }, uses: [{ by: "pack" }, { by: "source-compression", compression: "zstd" }] },
  { tool: "git", version: ["git", "--version"], install: { debian: "apt-get install git", macos: XCODE }, uses: [{ by: "git-source" }] },
  { tool: "install_name_tool", version: ["xcrun", "--find", "install_name_tool"], install: { macos: XCODE }, uses: [{ by: "macho-relocation" }] },
  {
    tool: "qemu-user",
    version: ["qemu-aarch64-static", "--version"],
    byHost: { "linux-amd64": ["qemu-aarch64-static", "--version"], "linux-arm64": ["qemu-x86_64-static", "--version"] },
    install: { debian: "apt-get install qemu-user-static" },
    uses: [{ by: "foreign-arch-smoke-test" }]
  },
  { tool: "bubblewrap", version: ["bwrap", "--version"], install: { debian: "apt-get install bubblewrap" }, uses: [{ by: "sandbox" }] },
  { tool: "podman", version: ["podman", "--version"], install: { debian: "apt-get install podman", macos: "brew install podman" }, uses: [{ by: "container" }] },
  { tool: "patchelf", version: ["patchelf", "--version"], install: { debian: "apt-get install patchelf", macos: "brew install patchelf" }, uses: [{ by: "runpath-without-room" }] }
];
function compressionOf(job) {
  if (job.source.kind !== "http") return void 0;
  const format = formatFromName(fileNameOfUrl(job.source.urls[0] ?? ""));
  if (format === "tar.xz" || format === "xz") return "xz";
  if (format === "tar.bz2" || format === "bz2") return "bzip2";
  if (format === "tar.zst" || format === "zst") return "zstd";
  return void 0;
}
function requires(use, facts) {
  const { job } = facts;
  const compiles = job.method === "source";
  switch (use.by) {
    case "build-type":
      return compiles && use.buildTypes.includes(job.buildType);
    case "no-configure":
      return compiles && job.buildType === "gnu_autotools" && !job.configure.script?.trim() && facts.hasConfigure === false;
    case "source-compression":
      return compressionOf(job) === use.compression;
    case "git-source":
      return job.source.kind === "git";
    case "pack":
      return true;
    case "macho-relocation":
      return compiles && platformOs(job.platform) === "darwin" && facts.host !== void 0 && platformOs(facts.host) === "darwin";
    default:
      return false;
  }
}
function requiredHostTools(facts) {
  return HOST_TOOLS.filter((t) => t.uses.some((u) => requires(u, facts)));
}
function versionArgv(tool, host) {
  return (host && tool.byHost?.[host]) ?? tool.version;
}
async function probeHostTool(tool, opts) {
  const text = await captureOutput(opts.exec, [...versionArgv(tool, opts.host)], opts.env, opts.cwd);
  if (text === void 0) return void 0;
  return text.split("\n").find((l) => l.trim() !== "")?.trim() ?? tool.tool;
}
function installCommand(tool, host) {
  return host && platformOs(host) === "darwin" ? tool.install.macos : tool.install.debian;
}
function runByBuildSteps(tool) {
  return tool.uses.some((u) => u.by === "build-type" || u.by === "recorded" || u.by === "no-configure");
}
async function assertHostTools(needs, opts) {
  const found = /* @__PURE__ */ new Map();
  const missing = /* @__PURE__ */ new Map();
  for (const need of needs) {
    for (const tool of need.tools) {
      const known = missing.get(tool.tool);
      if (known) {
        if (!known.subjects.includes(need.subject)) known.subjects.push(need.subject);
        continue;
      }
      if (found.has(tool.tool)) continue;
      const line = await probeHostTool(tool, opts.steps && runByBuildSteps(tool) ? { ...opts.steps, host: opts.host } : opts);
      if (line === void 0) missing.set(tool.tool, { tool, subjects: [need.subject] });
      else found.set(tool.tool, line);
    }
  }
  if (missing.size > 0) {
    const rows = [...missing.values()].map(({ tool, subjects }) => {
      const install = installCommand(tool, opts.host);
      const where = opts.steps?.where && runByBuildSteps(tool) ? ` ${opts.steps.where}` : "";
      return `  ${tool.tool}${where} (needed by ${subjects.join(", ")}): ${install ?? "not available for this kind of machine"}`;
    });
    throw new UserError(
      BuilderErrorCode.HostToolsMissing,
      `${missing.size === 1 ? "a program this build needs is" : `${missing.size} programs this build needs are`} not installed on this machine:
${rows.join("\n")}`,
      { hint: "install them (the commands above) and build again" }
    );
  }
  return found;
}
async function toolchainVersions(job, opts) {
  const out = {};
  if (job.method !== "source") return out;
  for (const tool of HOST_TOOLS) {
    const recorded = tool.uses.some((u) => (u.by === "build-type" || u.by === "recorded") && u.buildTypes.includes(job.buildType));
    if (!recorded) continue;
    out[tool.tool] = opts.known?.get(tool.tool) ?? await probeHostTool(tool, opts) ?? "missing";
  }
  return out;
}
function describeUse(use, host) {
  switch (use.by) {
    case "build-type":
      return `${use.buildTypes.join(", ")} builds`;
    case "recorded":
      return `${use.buildTypes.join(", ")} builds (recorded in the toolchain, not required)`;
    case "no-configure":
      return "gnu_autotools sources without a configure script";
    case "source-compression":
      return `.tar.${use.compression === "bzip2" ? "bz2" : use.compression} sources and binaries`;
    case "git-source":
      return "git sources";
    case "pack":
      return "every artifact (the .tar.zst)";
    case "macho-relocation":
      return "source builds for darwin-x86_64 and darwin-arm64, on macOS";
    case "foreign-arch-smoke-test": {
      const other = host === "linux-amd64" ? "linux-arm64" : host === "linux-arm64" ? "linux-amd64" : "the other architecture";
      return `smoke tests of ${other} artifacts on this machine`;
    }
    case "sandbox":
      return "the build sandbox (Linux): build steps isolated from the secrets of Potions and its callers";
    case "container":
      return "builds in a container image (the container option)";
    case "runpath-without-room":
      return "setting an ELF RUNPATH that does not fit in place (rare: the builder links with room for it)";
  }
}
var OPTIONAL_USES = /* @__PURE__ */ new Set(["recorded", "foreign-arch-smoke-test", "sandbox", "container", "runpath-without-room"]);
async function hostToolReport(opts) {
  const host = opts.host ?? hostPlatform();
  const env = Object.fromEntries(Object.entries(opts.env).filter((e) => e[1] !== void 0));
  const rows = [];
  for (const tool of HOST_TOOLS) {
    const version = await probeHostTool(tool, { exec: opts.exec, env, cwd: opts.cwd ?? process.cwd(), host });
    const install = installCommand(tool, host);
    const sandbox = tool.tool === "bubblewrap" && version !== void 0 ? await probeSandbox({ exec: opts.exec, env: opts.env, platformOs: host ? platformOs(host) : "linux" }) : void 0;
    rows.push({
      tool: tool.tool,
      found: version !== void 0,
      ...version !== void 0 ? { version } : {},
      neededBy: tool.uses.map((u) => describeUse(u, host)),
      optional: tool.uses.every((u) => OPTIONAL_USES.has(u.by)),
      ...install ? { install } : {},
      ...sandbox ? { usable: sandbox.ok, ...sandbox.ok ? {} : { note: sandbox.reason } } : {}
    });
  }
  return rows;
}

export {
  SANDBOX_SYSTEM_DIRS,
  SANDBOX_HOSTNAME,
  bubblewrapExec,
  findProgram,
  probeSandbox,
  fileNameOfUrl,
  HOST_TOOLS,
  requiredHostTools,
  installCommand,
  assertHostTools,
  toolchainVersions,
  hostToolReport
};
