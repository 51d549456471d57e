import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  isElfMagic,
  readHead
} from "./chunk-2OL6CIZP.mjs";

// packages/inspect/src/run.ts
import { constants as fsConstants, promises as fs } from "node:fs";
import path from "node:path";
var QEMU = {
  "linux-amd64": { "linux-arm64": { program: "qemu-aarch64-static", sysroot: "/usr/aarch64-linux-gnu", loader: "lib/ld-linux-aarch64.so.1" } },
  "linux-arm64": { "linux-amd64": { program: "qemu-x86_64-static", sysroot: "/usr/x86_64-linux-gnu", loader: "lib/ld-linux-x86-64.so.2" } }
};
var defaultExists = async (p) => fs.access(p, fsConstants.F_OK).then(() => true, () => false);
async function onPath(program, searchPath, exists) {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, program);
    if (await exists(candidate)) return candidate;
  }
  return void 0;
}
async function runnerFor(platform, host, probe) {
  const exists = probe.exists ?? defaultExists;
  if (host === platform) return { kind: "native", command: [] };
  if (host === "darwin-arm64" && platform === "darwin-x86_64") return { kind: "rosetta", command: [] };
  const q = host ? QEMU[host]?.[platform] : void 0;
  if (q) {
    const program = await onPath(q.program, probe.searchPath, exists);
    if (!program) {
      return { kind: "none", reason: `${platform} programs need ${q.program} on this ${host} machine, and it is not installed (Debian: qemu-user-static)` };
    }
    if (!await exists(path.join(q.sysroot, q.loader))) {
      return { kind: "none", reason: `${q.program} needs the ${platform} C library in ${q.sysroot}, which is not installed (Debian: libc6-${platform === "linux-arm64" ? "arm64" : "amd64"}-cross)` };
    }
    return { kind: "qemu", command: [program, "-L", q.sysroot] };
  }
  return { kind: "none", reason: `${platform} programs cannot run on this ${host ?? `${process.platform}/${process.arch}`} machine` };
}
var OUTPUT_KEEP = 1024 * 1024;
var OUTPUT_REPORT = 4e3;
var HOST_PATH = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];
async function isExecutableFile(p) {
  try {
    const st = await fs.stat(p);
    return st.isFile() && (st.mode & 73) !== 0;
  } catch {
    return false;
  }
}
async function findProgram(cmd, root) {
  if (cmd.includes("/")) {
    const abs = path.isAbsolute(cmd) ? cmd : path.resolve(root, cmd);
    const inArtifact = abs.startsWith(`${root}${path.sep}`);
    return await isExecutableFile(abs) ? { abs, inArtifact } : void 0;
  }
  const dirs = [[path.join(root, "bin"), true], ...HOST_PATH.map((d) => [d, false])];
  for (const [dir, inArtifact] of dirs) {
    const abs = path.join(dir, cmd);
    if (await isExecutableFile(abs)) return { abs, inArtifact };
  }
  return void 0;
}
async function needsEmulator(abs) {
  return isElfMagic(await readHead(abs, 4));
}
async function runOne(test, opts, env) {
  const base = { argv: [...test.argv], default: test.default === true, expectedExitCode: test.exitCode, ...test.expect !== void 0 ? { expect: test.expect } : {} };
  const fail = (error) => ({ ...base, ok: false, exitCode: null, timedOut: false, output: "", error });
  const [cmd, ...args] = test.argv;
  if (!cmd) return fail("the command is empty");
  const program = await findProgram(cmd, opts.root);
  if (!program) return fail(`${cmd} is not an executable file in the artifact${cmd.includes("/") ? "" : `'s bin or in ${HOST_PATH.join(", ")}`}`);
  const emulate = opts.runner.kind === "qemu" && program.inArtifact && await needsEmulator(program.abs);
  const argv = emulate ? [...opts.runner.command, program.abs, ...args] : [program.abs, ...args];
  const kept = [];
  let keptBytes = 0;
  const res = await opts.exec({
    argv,
    cwd: opts.root,
    env,
    timeoutMs: opts.timeoutMs,
    onOutput: (chunk) => {
      if (keptBytes >= OUTPUT_KEEP) return;
      kept.push(chunk);
      keptBytes += chunk.length;
    }
  });
  const output = Buffer.concat(kept).toString("utf8");
  const report = {
    ...base,
    program: program.inArtifact ? path.relative(opts.root, program.abs).split(path.sep).join("/") : program.abs,
    runner: emulate ? "qemu" : opts.runner.kind === "rosetta" ? "rosetta" : "native",
    ok: false,
    exitCode: res.exitCode,
    timedOut: res.timedOut,
    output: output.length > OUTPUT_REPORT ? `${output.slice(0, OUTPUT_REPORT)}
[... ${output.length - OUTPUT_REPORT} more characters]` : output,
    ...res.signal ? { signal: res.signal } : {}
  };
  if (res.timedOut) return { ...report, error: `timed out after ${opts.timeoutMs / 1e3} s` };
  if (res.signal) return { ...report, error: `killed by ${res.signal}` };
  if (res.exitCode !== test.exitCode) return { ...report, error: `exit status ${res.exitCode}, expected ${test.exitCode}` };
  if (test.expect !== void 0 && !new RegExp(test.expect).test(output.replace(/\n+$/, ""))) {
    return { ...report, error: `the output does not match /${test.expect}/` };
  }
  return { ...report, ok: true };
}
async function runCommands(opts) {
  const home = path.join(opts.scratch, "home");
  const tmp = path.join(opts.scratch, "tmp");
  await fs.mkdir(home, { recursive: true });
  await fs.mkdir(tmp, { recursive: true });
  const env = { PATH: [path.join(opts.root, "bin"), ...HOST_PATH].join(path.delimiter), HOME: home, TMPDIR: tmp, LANG: "C", LC_ALL: "C", TERM: "dumb" };
  const commands = [];
  for (const test of opts.tests) {
    try {
      commands.push(await runOne(test, opts, env));
    } catch (err) {
      commands.push({
        argv: [...test.argv],
        default: test.default === true,
        expectedExitCode: test.exitCode,
        ok: false,
        exitCode: null,
        timedOut: false,
        output: "",
        error: `could not start: ${err.message}`
      });
    }
  }
  return { ran: true, runner: { kind: opts.runner.kind, command: opts.runner.command }, commands };
}

export {
  runnerFor,
  runCommands
};
