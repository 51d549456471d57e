#!/usr/bin/env node
import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  Command,
  Help
} from "./chunks/chunk-XJAPUB6H.mjs";
import {
  CliErrorCode
} from "./chunks/chunk-FLLDZBEK.mjs";
import {
  ExitCode,
  UserError,
  describeError,
  errorMessage,
  escapeControlChars,
  formatLocation,
  isJsonReported,
  isUserError,
  printJson
} from "./chunks/chunk-HUJ2RKNL.mjs";
import "./chunks/chunk-B3VT5A5J.mjs";

// packages/cli/src/commands/index.ts
var COMMAND_GROUPS = [
  {
    name: "recipes",
    args: "",
    description: "Read, check and plan recipes",
    load: async () => (await import("./chunks/recipes-IMYOHV2A.mjs")).registerRecipesCommand
  },
  {
    name: "mirrors",
    args: "",
    description: "Sync artifacts to S3-compatible mirrors, serve local ones, check health",
    load: async () => (await import("./chunks/mirrors-65WFBMO5.mjs")).registerMirrorsCommand
  },
  {
    name: "manifest",
    args: "",
    description: "Publish, withdraw, recover, verify and key the signed manifest",
    load: async () => (await import("./chunks/manifest-KGISFLZ3.mjs")).registerManifestCommand
  },
  {
    name: "build",
    args: "[options] <recipe>",
    description: "Build a recipe for a platform into a deterministic artifact (.tar.gz, .tar.zst, .json)",
    load: async () => (await import("./chunks/build-FGCSLLI7.mjs")).registerBuildCommand
  },
  {
    name: "smoke-test",
    args: "[options] <artifact>",
    description: "Check an artifact as a user would get it: every file for the platform, every library found, the recipe's commands run",
    load: async () => (await import("./chunks/smoke-test-CY7ZKD76.mjs")).registerSmokeTestCommand
  },
  {
    name: "download",
    args: "[options] <url...>",
    description: "Download one file from its mirrors (in priority order): retries, failover, resume, segments, verification",
    load: async () => (await import("./chunks/download-XBHJBXV4.mjs")).registerDownloadCommand
  },
  {
    name: "release",
    args: "[options] <recipes...>",
    description: "Build recipes for this machine, smoke-test, inventory (SBOM), scan and sign them, sync to every mirror, publish the signed manifest, fetch back as a check",
    load: async () => (await import("./chunks/release-P7B5G53C.mjs")).registerReleaseCommand
  },
  {
    name: "fetch",
    args: "[options] <package>",
    description: "Install a package from a signed manifest: verify the manifest, download from the mirrors, verify, extract, relocate",
    load: async () => (await import("./chunks/fetch-CGCR32JK.mjs")).registerFetchCommand
  },
  {
    name: "plan",
    args: "[options]",
    description: "Plan a release of a recipe folder: waves by dependency level, matrices of legs, the critical path (offline)",
    load: async () => (await import("./chunks/plan-ENEZLURL.mjs")).registerPlanCommand
  },
  {
    name: "sign",
    args: "[options] [files...]",
    description: "Sign files into <file>.sigstore.json (Sigstore bundles): keyless with an OIDC token, else with a key",
    load: async () => (await import("./chunks/sign-F5PFT5Y3.mjs")).registerSignCommand
  },
  {
    name: "verify",
    args: "[options] <file>",
    description: "Verify a file against its Sigstore bundle: a trusted key, or a pinned keyless identity and issuer",
    load: async () => (await import("./chunks/sign-F5PFT5Y3.mjs")).registerSignCommand
  },
  {
    name: "sbom",
    args: "[options] <artifact>",
    description: "Write the SBOM of an artifact: every file with its sha256, the package's purl, licence and source, its dependency recipes and system libraries",
    load: async () => (await import("./chunks/sbom-6YIFO3MA.mjs")).registerSbomCommand
  },
  {
    name: "scan",
    args: "[options] <sbom...>",
    description: "Scan SBOMs for known vulnerabilities (grype or trivy when installed, else a folder of OSV records); exit 1 when a finding is at or above --fail-on and not allowed",
    load: async () => (await import("./chunks/sbom-6YIFO3MA.mjs")).registerSbomCommand
  },
  {
    name: "doctor",
    args: "[options]",
    description: "What this machine has and lacks for each build type and platform, with the command that installs each",
    load: async () => (await import("./chunks/doctor-4ZELDNJH.mjs")).registerDoctorCommand
  }
];
function groupOf(argv) {
  const words = argv.filter((a) => !a.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  return COMMAND_GROUPS.find((g) => g.name === name);
}
async function registerCommands(program, argv) {
  const group = groupOf(argv);
  if (group) {
    (await group.load())(program);
    return;
  }
  registerStubs(program);
}
var stubArgs = /* @__PURE__ */ new WeakMap();
function registerStubs(program) {
  for (const group of COMMAND_GROUPS) {
    const stub = new Command(group.name).description(group.description);
    stubArgs.set(stub, group.args);
    program.addCommand(stub);
  }
  const standard = new Help();
  program.configureHelp({
    subcommandTerm: (cmd) => {
      const args = stubArgs.get(cmd);
      return args === void 0 ? standard.subcommandTerm(cmd) : [cmd.name(), args].filter(Boolean).join(" ");
    }
  });
}

// packages/cli/src/fs-errors.ts
var MEANING = {
  ENOENT: { found: "does not exist", hint: "check the path" },
  ENOTDIR: { found: "a part of it is a file, not a folder", hint: "give a folder (or a path inside one), not a file" },
  EISDIR: { found: "is a folder, not a file", hint: "give a file path, not a folder" },
  EACCES: { found: "permission denied", hint: "choose a path this user may read and write, or change its permissions" },
  EPERM: { found: "operation not permitted", hint: "choose a path this user may read and write, or change its permissions" },
  EEXIST: { found: "already exists", hint: "choose a path that does not exist yet, or remove it first" },
  ENOTEMPTY: { found: "is a folder that is not empty", hint: "choose an empty or new folder" },
  EROFS: { found: "is on a read-only file system", hint: "choose a path on a writable file system" },
  ENOSPC: { found: "no space left on the device", hint: "free some space or choose a path on another device" },
  EDQUOT: { found: "the disk quota is exceeded", hint: "free some space or choose a path on another device" },
  ENAMETOOLONG: { found: "a name in it is too long for the file system", hint: "choose a shorter path" },
  ELOOP: { found: "has too many levels of symbolic links", hint: "check the symbolic links along the path" }
};
var FILE_IN_THE_WAY = { found: "is a file, not a folder", hint: "give a folder (or a path inside one), not a file" };
var ENVIRONMENT_CODES = /* @__PURE__ */ new Set(["ENOTDIR", "EISDIR", "EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "ENAMETOOLONG", "ELOOP"]);
function meaning(err) {
  return err.code === "EEXIST" && err.syscall === "mkdir" ? FILE_IN_THE_WAY : MEANING[err.code];
}
function isFsError(err) {
  if (typeof err !== "object" || err === null) return false;
  const e = err;
  return typeof e.code === "string" && e.code in MEANING && typeof e.path === "string";
}
function describe(err, withPath) {
  const target = withPath ? ` ${err.path}${err.dest ? ` -> ${err.dest}` : ""}` : "";
  const what = err.syscall ? `${err.code} from ${err.syscall}${target}` : err.code;
  return `${meaning(err)?.found ?? err.message} (${what})`;
}
function environmentPathError(err) {
  if (!isFsError(err) || !(ENVIRONMENT_CODES.has(err.code) || meaning(err) === FILE_IN_THE_WAY)) return void 0;
  return new UserError(CliErrorCode.Path, `${err.path}: ${describe(err, false)}`, {
    cause: err,
    hint: `${meaning(err)?.hint}; if Potions chose this path itself, please report it`
  });
}

// packages/cli/src/main.ts
async function createProgram(argv, options = {}) {
  const program = new Command("potions").description("Build, verify, sign and distribute pre-compiled developer tools").showHelpAfterError().configureOutput({ outputError: (text, write) => write(escapeControlChars(text)) }).exitOverride();
  if (options.register) options.register(program);
  else await registerCommands(program, argv);
  return program;
}
function isCommanderError(err) {
  const e = err;
  return typeof e === "object" && e !== null && typeof e.code === "string" && e.code.startsWith("commander.") && typeof e.exitCode === "number";
}
async function run(argv, options = {}) {
  process.exitCode = void 0;
  const json = argv.includes("--json");
  try {
    const program = await createProgram(argv, options);
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (isCommanderError(err)) {
      if (err.exitCode === 0) return ExitCode.Ok;
      if (json) printJson({ ok: false, error: err.message.replace(/^error: /, ""), code: CliErrorCode.Usage });
      return ExitCode.Usage;
    }
    const failure = isUserError(err) ? err : environmentPathError(err) ?? err;
    if (json && !isJsonReported(err)) printJson(failureJson(failure));
    process.stderr.write(`error: ${escapeControlChars(describeError(failure))}
`);
    if (!isUserError(failure)) return ExitCode.Internal;
    return failure.code === CliErrorCode.Usage ? ExitCode.Usage : ExitCode.Failure;
  }
}
function failureJson(err) {
  if (!isUserError(err)) return { ok: false, error: errorMessage(err), code: "E_INTERNAL" };
  const e = err;
  return { ok: false, error: e.message, code: e.code, where: formatLocation(e.location) || void 0, hint: e.hint };
}

// packages/cli/src/bin.ts
process.exitCode = await run(process.argv.slice(2));
