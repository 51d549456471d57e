import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  BuilderErrorCode,
  captureOutput,
  formatFromName
} from "./chunk-OYLNMHQH.mjs";
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
      const line = await probeHostTool(tool, opts);
      if (line === void 0) missing.set(tool.tool, { tool, subjects: [need.subject] });
      else found.set(tool.tool, line);
    }
  }
  if (missing.size > 0) {
    const rows = [...missing.values()].map(({ tool, subjects }) => {
      const install = installCommand(tool, opts.host);
      return `  ${tool.tool} (needed by ${subjects.join(", ")}): ${install ?? "not available for this kind of machine"}`;
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
      return "a build sandbox (not used by the builder yet)";
    case "runpath-without-room":
      return "setting an ELF RUNPATH that does not fit in place (rare: the builder links with room for it)";
  }
}
var OPTIONAL_USES = /* @__PURE__ */ new Set(["recorded", "foreign-arch-smoke-test", "sandbox", "runpath-without-room"]);
async function hostToolReport(opts) {
  const host = opts.host ?? hostPlatform();
  const env = Object.fromEntries(Object.entries(opts.env).filter((e) => e[1] !== void 0));
  const rows = [];
  for (const tool of HOST_TOOLS) {
    const version = await probeHostTool(tool, { exec: opts.exec, env, cwd: opts.cwd ?? process.cwd(), host });
    const install = installCommand(tool, host);
    rows.push({
      tool: tool.tool,
      found: version !== void 0,
      ...version !== void 0 ? { version } : {},
      neededBy: tool.uses.map((u) => describeUse(u, host)),
      optional: tool.uses.every((u) => OPTIONAL_USES.has(u.by)),
      ...install ? { install } : {}
    });
  }
  return rows;
}

export {
  fileNameOfUrl,
  HOST_TOOLS,
  requiredHostTools,
  installCommand,
  assertHostTools,
  toolchainVersions,
  hostToolReport
};
