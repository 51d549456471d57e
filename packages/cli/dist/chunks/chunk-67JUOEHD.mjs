import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  runCommands,
  runnerFor
} from "./chunk-72MDNXWJ.mjs";
import {
  ByteView,
  InspectErrorCode,
  inspectError,
  isElfMagic,
  parseElf,
  readHead
} from "./chunk-2OL6CIZP.mjs";
import {
  PREFIX_PLACEHOLDER,
  relocateInstalled
} from "./chunk-XJIVFK5C.mjs";
import {
  extractArchive
} from "./chunk-FYQXNLY7.mjs";
import {
  spawnExec
} from "./chunk-XPDYRYHA.mjs";
import {
  PLATFORMS,
  hostPlatform
} from "./chunk-EE5EUXX6.mjs";
import {
  errorMessage,
  hasCode,
  isUserError,
  silentReporter
} from "./chunk-HUJ2RKNL.mjs";

// packages/inspect/src/smoke-test.ts
import { createHash } from "node:crypto";
import { createReadStream, promises as fs3 } from "node:fs";
import os from "node:os";
import path3 from "node:path";

// packages/inspect/src/allow-list.ts
import path from "node:path";
var GLIBC = [
  "libc.so.6",
  "libm.so.6",
  "libmvec.so.1",
  "libpthread.so.0",
  "libdl.so.2",
  "librt.so.1",
  "libutil.so.1",
  "libresolv.so.2",
  "libanl.so.1",
  "libBrokenLocale.so.1",
  "libnsl.so.1",
  "libthread_db.so.1",
  "libc_malloc_debug.so.0",
  "libmemusage.so",
  "libpcprofile.so",
  "libnss_files.so.2",
  "libnss_dns.so.2",
  "libnss_compat.so.2",
  "libnss_hesiod.so.2"
];
var GCC_RUNTIME = ["libgcc_s.so.1", "libstdc++.so.6"];
var LIBXCRYPT = ["libcrypt.so.1"];
var LINUX_LOADERS = {
  "linux-amd64": { paths: ["/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"], name: "ld-linux-x86-64.so.2" },
  "linux-arm64": { paths: ["/lib/ld-linux-aarch64.so.1", "/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"], name: "ld-linux-aarch64.so.1" }
};
var LINUX_SYSTEM_DIRS = ["/lib", "/usr/lib", "/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu"];
function linuxSystemLibrary(platform, name) {
  if (GLIBC.includes(name) || /^libnss_[a-z]+\.so\.2$/.test(name)) return "glibc";
  if (platform === "linux-amd64" || platform === "linux-arm64") {
    if (LINUX_LOADERS[platform].name === name) return "loader";
  }
  if (GCC_RUNTIME.includes(name)) return "gcc-runtime";
  if (LIBXCRYPT.includes(name)) return "libxcrypt";
  return void 0;
}
function isLinuxSystemDir(dir) {
  return LINUX_SYSTEM_DIRS.includes(path.posix.normalize(dir).replace(/\/+$/, ""));
}
function isDarwinSystemPath(raw) {
  const p = path.posix.normalize(raw);
  return p.startsWith("/usr/lib/") && (p.endsWith(".dylib") || p === "/usr/lib/dyld") || p.startsWith("/System/Library/");
}
function isDarwinSystemDir(dir) {
  const d = path.posix.normalize(dir).replace(/\/+$/, "");
  return d === "/usr/lib" || d.startsWith("/usr/lib/") || d.startsWith("/System/Library/");
}
var DEFAULT_BUILD_PREFIX = "/opt/potions";
function forbiddenPrefixes(buildPrefix = DEFAULT_BUILD_PREFIX) {
  return [
    { prefix: buildPrefix.replace(/\/+$/, ""), why: "the build prefix" },
    { prefix: "/opt/homebrew", why: "Homebrew's prefix" },
    { prefix: "/usr/local", why: "/usr/local (Homebrew on Intel Macs, software built by hand)" },
    { prefix: "/opt/hostedtoolcache", why: "the CI runner's tool cache" },
    { prefix: "/home", why: "a home folder" },
    { prefix: "/Users", why: "a home folder" },
    { prefix: "/root", why: "root's home folder" },
    { prefix: "/github", why: "a GitHub Actions container's work folder" },
    { prefix: "/__w", why: "a GitHub Actions container's work folder" },
    { prefix: "/tmp", why: "a temporary folder" },
    { prefix: "/var/tmp", why: "a temporary folder" },
    { prefix: "/private/tmp", why: "a temporary folder" },
    { prefix: "/var/folders", why: "a temporary folder" },
    { prefix: "/private/var/folders", why: "a temporary folder" },
    { prefix: "/dev/shm", why: "a temporary folder" }
  ];
}
function forbiddenPlace(raw, forbidden) {
  const p = path.posix.normalize(raw);
  return forbidden.find((f) => p === f.prefix || p.startsWith(`${f.prefix}/`));
}

// packages/inspect/src/identify.ts
import { promises as fs } from "node:fs";

// packages/inspect/src/ar.ts
var AR_MAGIC = "!<arch>\n";
var HEADER = 60;
function isArArchive(bytes) {
  return bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).toString("latin1") === AR_MAGIC;
}
function field(view, at, size) {
  return Buffer.from(view.bytes.subarray(at, at + size)).toString("latin1").trimEnd();
}
function arMembers(bytes, file, limit = 1e5) {
  const view = new ByteView(bytes, true, file, "ar archive");
  if (!isArArchive(bytes)) throw view.malformed('it does not start with "!<arch>"');
  const members = [];
  let longNames = "";
  let at = 8;
  while (at + HEADER <= bytes.length && members.length < limit) {
    const what = `the member header at offset ${at}`;
    view.check(at, HEADER, what);
    if (bytes[at + 58] !== 96 || bytes[at + 59] !== 10) throw view.malformed(`${what} does not end with "\`\\n"`);
    const rawName = field(view, at, 16);
    const sizeText = field(view, at + 48, 10);
    if (!/^\d+$/.test(sizeText)) throw view.malformed(`${what} has size ${JSON.stringify(sizeText)}`);
    let size = Number(sizeText);
    let offset = at + HEADER;
    view.check(offset, size, `member ${JSON.stringify(rawName)}`);
    const next = offset + size + (offset + size) % 2;
    let name = rawName;
    if (rawName === "//") {
      longNames = Buffer.from(bytes.subarray(offset, offset + size)).toString("latin1");
      at = next;
      continue;
    }
    if (rawName === "/" || rawName === "/SYM64/" || rawName.startsWith("__.SYMDEF")) {
      at = next;
      continue;
    }
    const bsd = /^#1\/(\d+)$/.exec(rawName);
    const gnuLong = /^\/(\d+)$/.exec(rawName);
    if (bsd) {
      const n = Number(bsd[1]);
      if (n > size) throw view.malformed(`member name length ${n} is longer than the member (${size} bytes)`);
      name = view.fixedString(offset, n, "a member name");
      offset += n;
      size -= n;
      if (name.startsWith("__.SYMDEF")) {
        at = next;
        continue;
      }
    } else if (gnuLong) {
      const start = Number(gnuLong[1]);
      const end = longNames.indexOf("/\n", start);
      name = end > start ? longNames.slice(start, end) : rawName;
    } else if (name.endsWith("/")) {
      name = name.slice(0, -1);
    }
    members.push({ name, offset, size });
    at = next;
  }
  return members;
}

// packages/inspect/src/macho.ts
var CPU_ARCH_ABI64 = 16777216;
var CPU_TYPE_X86 = 7;
var CPU_TYPE_X86_64 = CPU_TYPE_X86 | CPU_ARCH_ABI64;
var CPU_TYPE_ARM = 12;
var CPU_TYPE_ARM64 = CPU_TYPE_ARM | CPU_ARCH_ABI64;
var MH_MAGIC = 4277009102;
var MH_MAGIC_64 = 4277009103;
var FAT_MAGIC = 3405691582;
var FAT_MAGIC_64 = 3405691583;
var MAX_FAT_ARCHS = 30;
var LC_REQ_DYLD = 2147483648;
var LC = {
  LOAD_DYLIB: 12,
  ID_DYLIB: 13,
  LOAD_DYLINKER: 14,
  LOAD_WEAK_DYLIB: (24 | LC_REQ_DYLD) >>> 0,
  RPATH: (28 | LC_REQ_DYLD) >>> 0,
  REEXPORT_DYLIB: (31 | LC_REQ_DYLD) >>> 0,
  LAZY_LOAD_DYLIB: 32,
  LOAD_UPWARD_DYLIB: (35 | LC_REQ_DYLD) >>> 0,
  VERSION_MIN_MACOSX: 36,
  VERSION_MIN_IPHONEOS: 37,
  VERSION_MIN_TVOS: 47,
  VERSION_MIN_WATCHOS: 48,
  BUILD_VERSION: 50
};
var DYLIB_KINDS = /* @__PURE__ */ new Map([
  [LC.LOAD_DYLIB, "load"],
  [LC.LOAD_WEAK_DYLIB, "weak"],
  [LC.REEXPORT_DYLIB, "reexport"],
  [LC.LAZY_LOAD_DYLIB, "lazy"],
  [LC.LOAD_UPWARD_DYLIB, "upward"]
]);
var FILETYPES = {
  1: "object",
  2: "executable",
  6: "dylib",
  7: "dylinker",
  8: "bundle",
  10: "dsym",
  11: "kext"
};
var OS_PLATFORMS = {
  1: "macos",
  2: "ios",
  3: "tvos",
  4: "watchos",
  5: "bridgeos",
  6: "maccatalyst",
  7: "ios-simulator",
  8: "tvos-simulator",
  9: "watchos-simulator",
  10: "driverkit",
  11: "visionos",
  12: "visionos-simulator"
};
var VERSION_MIN_OS = /* @__PURE__ */ new Map([
  [LC.VERSION_MIN_MACOSX, "macos"],
  [LC.VERSION_MIN_IPHONEOS, "ios"],
  [LC.VERSION_MIN_TVOS, "tvos"],
  [LC.VERSION_MIN_WATCHOS, "watchos"]
]);
function machOMagic(bytes) {
  if (bytes.length < 8) return void 0;
  const be = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const magicBE = be.getUint32(0, false);
  const magicLE = be.getUint32(0, true);
  if (magicBE === MH_MAGIC || magicBE === MH_MAGIC_64 || magicLE === MH_MAGIC || magicLE === MH_MAGIC_64) return "thin";
  if (magicBE === FAT_MAGIC || magicBE === FAT_MAGIC_64) {
    const n = be.getUint32(4, false);
    return n >= 1 && n <= MAX_FAT_ARCHS ? "fat" : void 0;
  }
  return void 0;
}
function machOArch(cputype, cpusubtype) {
  const sub = cpusubtype & 16777215;
  switch (cputype) {
    case CPU_TYPE_X86_64:
      return sub === 8 ? "x86_64h" : "x86_64";
    case CPU_TYPE_ARM64:
      return sub === 2 ? "arm64e" : "arm64";
    case CPU_TYPE_ARM | 33554432:
      return "arm64_32";
    case CPU_TYPE_X86:
      return "i386";
    case CPU_TYPE_ARM:
      return "arm";
    case 18:
      return "ppc";
    case 18 | CPU_ARCH_ABI64:
      return "ppc64";
    default:
      return `cpu-${cputype}`;
  }
}
function versionString(v) {
  const major = v >>> 16;
  const minor = v >>> 8 & 255;
  const patch = v & 255;
  return patch ? `${major}.${minor}.${patch}` : `${major}.${minor}`;
}
function lcString(view, cmd, cmdsize, field2) {
  const offset = view.u32(cmd + 8, field2);
  if (offset < 12 || offset >= cmdsize) throw view.malformed(`${field2} string offset ${offset} is outside its load command (${cmdsize} bytes)`);
  return view.cstring(cmd + offset, cmd + cmdsize, field2);
}
function parseSlice(view, offset) {
  const magicLE = view.withEndian(true).u32(0, "the mach header magic");
  const le = magicLE === MH_MAGIC || magicLE === MH_MAGIC_64;
  const v = view.withEndian(le);
  const magic = v.u32(0, "the mach header magic");
  if (magic !== MH_MAGIC && magic !== MH_MAGIC_64) throw v.malformed(`slice at offset ${offset} does not start with a mach header`);
  const bits = magic === MH_MAGIC_64 ? 64 : 32;
  const cputype = v.u32(4, "cputype") | 0;
  const cpusubtype = v.u32(8, "cpusubtype") | 0;
  const filetype = v.u32(12, "filetype");
  const ncmds = v.u32(16, "ncmds");
  const sizeofcmds = v.u32(20, "sizeofcmds");
  const start = bits === 64 ? 32 : 28;
  v.check(start, sizeofcmds, "the load commands (sizeofcmds)");
  if (ncmds > sizeofcmds / 8) throw v.malformed(`ncmds is ${ncmds}, more than ${sizeofcmds} bytes of load commands can hold`);
  const slice = {
    cputype,
    cpusubtype,
    arch: machOArch(cputype, cpusubtype),
    bits,
    endian: le ? "little" : "big",
    filetype: FILETYPES[filetype] ?? "other",
    dylibs: [],
    rpaths: [],
    offset
  };
  const end = start + sizeofcmds;
  let at = start;
  for (let i = 0; i < ncmds; i++) {
    const what = `load command ${i}`;
    const cmd = v.u32(at, what);
    const cmdsize = v.u32(at + 4, what);
    if (cmdsize < 8 || at + cmdsize > end) throw v.malformed(`${what} has size ${cmdsize}, outside the load commands (${sizeofcmds} bytes)`);
    const kind = DYLIB_KINDS.get(cmd);
    if (kind) slice.dylibs.push({ name: lcString(v, at, cmdsize, `${what} (dylib name)`), kind });
    else if (cmd === LC.ID_DYLIB) slice.id = lcString(v, at, cmdsize, `${what} (LC_ID_DYLIB)`);
    else if (cmd === LC.RPATH) slice.rpaths.push(lcString(v, at, cmdsize, `${what} (LC_RPATH)`));
    else if (cmd === LC.LOAD_DYLINKER) slice.dylinker = lcString(v, at, cmdsize, `${what} (LC_LOAD_DYLINKER)`);
    else if (cmd === LC.BUILD_VERSION) {
      v.check(at, 24, `${what} (LC_BUILD_VERSION)`);
      const platform = v.u32(at + 8, "platform");
      slice.minOs = { os: OS_PLATFORMS[platform] ?? `platform-${platform}`, version: versionString(v.u32(at + 12, "minos")) };
    } else if (VERSION_MIN_OS.has(cmd) && !slice.minOs) {
      v.check(at, 16, `${what} (LC_VERSION_MIN)`);
      slice.minOs = { os: VERSION_MIN_OS.get(cmd), version: versionString(v.u32(at + 8, "version")) };
    }
    at += cmdsize;
  }
  return slice;
}
function archiveSlice(cputype, cpusubtype) {
  const bits = (cputype & CPU_ARCH_ABI64) !== 0 ? 64 : 32;
  const endian = cputype === 18 || cputype === (18 | CPU_ARCH_ABI64) ? "big" : "little";
  return { cputype, cpusubtype, arch: machOArch(cputype, cpusubtype), bits, endian, filetype: "archive", dylibs: [], rpaths: [] };
}
function parseMachO(bytes, file) {
  const view = new ByteView(bytes, false, file, "Mach-O");
  const kind = machOMagic(bytes);
  if (!kind) throw view.malformed("it does not start with a Mach-O or universal magic number");
  if (kind === "thin") return { fat: false, slices: [parseSlice(view, 0)] };
  const is64 = view.u32(0, "the fat magic") === FAT_MAGIC_64;
  const n = view.u32(4, "nfat_arch");
  const entry = is64 ? 32 : 20;
  view.check(8, n * entry, `the universal header (${n} slices)`);
  const slices = [];
  for (let i = 0; i < n; i++) {
    const at = 8 + i * entry;
    const what = `universal slice ${i}`;
    const offset = is64 ? view.u64(at + 8, what) : view.u32(at + 8, what);
    const size = is64 ? view.u64(at + 16, what) : view.u32(at + 12, what);
    const declared = view.u32(at, what) | 0;
    const bytesOf = view.slice(offset, size, what);
    if (isArArchive(bytesOf.bytes)) {
      const cpusubtype = view.u32(at + 4, what) | 0;
      slices.push({ ...archiveSlice(declared, cpusubtype), offset });
      continue;
    }
    const slice = parseSlice(bytesOf, offset);
    if (declared !== slice.cputype) {
      throw view.malformed(`${what} is declared as ${machOArch(declared, 0)} but holds ${slice.arch}`);
    }
    slices.push(slice);
  }
  return { fat: true, slices };
}

// packages/inspect/src/identify.ts
function elfPlatform(info) {
  if (info.bits !== 64 || info.endian !== "little") return void 0;
  if (info.arch === "x86_64") return "linux-amd64";
  if (info.arch === "aarch64") return "linux-arm64";
  return void 0;
}
function machOPlatform(slice) {
  if (slice.minOs && slice.minOs.os !== "macos") return void 0;
  if (slice.cputype === CPU_TYPE_X86_64) return "darwin-x86_64";
  if (slice.cputype === CPU_TYPE_ARM64) return "darwin-arm64";
  return void 0;
}
var ELF_TYPES = {
  executable: "executable",
  "shared-object": "shared library",
  relocatable: "relocatable object",
  core: "core dump",
  other: "file of unknown type"
};
function describeElf(info) {
  const type = info.pie ? "PIE executable" : ELF_TYPES[info.type];
  const linking = info.type === "executable" || info.pie ? info.interpreter ? "" : ", statically linked" : "";
  return `ELF ${info.bits}-bit ${info.endian === "little" ? "LSB" : "MSB"} ${info.arch} ${type}${linking}`;
}
function elfKind(info) {
  if (info.type === "executable" || info.pie) return "executable";
  if (info.type === "shared-object") return "library";
  if (info.type === "relocatable") return "object";
  return "other";
}
var MACHO_KINDS = {
  executable: "executable",
  dylib: "library",
  bundle: "library",
  object: "object",
  archive: "static-library",
  dylinker: "other",
  dsym: "other",
  kext: "other",
  other: "other"
};
var minOsText = (s) => s.minOs ? ` (${s.minOs.os === "macos" ? "macOS" : s.minOs.os} ${s.minOs.version}+)` : "";
function describeMachO(info) {
  const first = info.slices[0];
  if (!info.fat) return `Mach-O ${first.bits}-bit ${first.arch} ${first.filetype}${minOsText(first)}`;
  const types = [...new Set(info.slices.map((s) => s.filetype))].join("/");
  return `Mach-O universal (${info.slices.map((s) => `${s.arch}${minOsText(s)}`).join(", ")}) ${types}`;
}
function sliceFor(info, platform) {
  return info.slices.find((s) => machOPlatform(s) === platform);
}
function archiveIdentity(bytes, file) {
  const counts = /* @__PURE__ */ new Map();
  for (const m of arMembers(bytes, file)) {
    const data = bytes.subarray(m.offset, m.offset + m.size);
    let description2;
    let platforms;
    if (isElfMagic(data)) {
      const elf = parseElf(data, `${file}(${m.name})`);
      description2 = describeElf(elf);
      platforms = [elfPlatform(elf)].filter((p) => p !== void 0);
    } else if (machOMagic(data)) {
      const macho = parseMachO(data, `${file}(${m.name})`);
      description2 = describeMachO(macho);
      platforms = [...new Set(macho.slices.map(machOPlatform).filter((p) => p !== void 0))];
    } else {
      continue;
    }
    const seen = counts.get(description2);
    if (seen) seen.count += 1;
    else counts.set(description2, { description: description2, platforms, count: 1 });
  }
  const objects = [...counts.values()];
  const common = objects.length === 0 ? [] : objects.map((o) => o.platforms).reduce((a, b) => a.filter((p) => b.includes(p)));
  const description = objects.length === 0 ? "ar archive without machine-code objects" : `ar archive of ${objects.map((o) => `${o.count} \xD7 ${o.description}`).join(", ")}`;
  return { kind: "static-library", format: "ar", description, platforms: common, code: objects.length > 0, objects };
}
function parseShebang(head) {
  if (head[0] !== 35 || head[1] !== 33) return void 0;
  const end = head.indexOf(10);
  const line = Buffer.from(head.subarray(2, end < 0 ? head.length : end)).toString("utf8").trim();
  const m = /^(\S+)(?:\s+(.*))?$/.exec(line);
  if (!m) return void 0;
  return m[2] ? { interpreter: m[1], argument: m[2].trim() } : { interpreter: m[1] };
}
async function identifyFile(file, name = file) {
  const head = await readHead(file, 256);
  if (isElfMagic(head)) {
    const elf = parseElf(await fs.readFile(file), name);
    const platform = elfPlatform(elf);
    return { kind: elfKind(elf), format: "elf", description: describeElf(elf), platforms: platform ? [platform] : [], code: true, elf };
  }
  if (machOMagic(head)) {
    const macho = parseMachO(await fs.readFile(file), name);
    const first = macho.slices[0];
    const platforms = [...new Set(macho.slices.map(machOPlatform).filter((p) => p !== void 0))];
    return { kind: MACHO_KINDS[first.filetype], format: "mach-o", description: describeMachO(macho), platforms, code: true, macho };
  }
  if (isArArchive(head)) return archiveIdentity(await fs.readFile(file), name);
  const shebang = parseShebang(head);
  if (shebang) return { kind: "script", format: "script", description: `script (${shebang.interpreter}${shebang.argument ? ` ${shebang.argument}` : ""})`, platforms: [], code: false, shebang };
  return { kind: "other", format: "data", description: "data", platforms: [], code: false };
}

// packages/inspect/src/resolve.ts
import { promises as fs2 } from "node:fs";
import path2 from "node:path";
var inside = (p, dir) => p === dir || p.startsWith(`${dir}${path2.sep}`);
function placeOf(abs, ctx) {
  if (inside(abs, ctx.root)) return { where: "artifact", rel: path2.relative(ctx.root, abs).split(path2.sep).join("/") || "." };
  for (const s of ctx.siblings) {
    if (inside(abs, s.dir)) return { where: "dependency", rel: [s.name, ...path2.relative(s.dir, abs).split(path2.sep)].filter(Boolean).join("/") };
  }
  return { where: "outside" };
}
async function fileAt(abs, ctx) {
  let real;
  try {
    real = await fs2.realpath(abs);
    if (!(await fs2.stat(real)).isFile()) return void 0;
  } catch {
    return void 0;
  }
  const place = placeOf(real, ctx);
  return place.where === "outside" || placeOf(abs, ctx).where === "outside" ? void 0 : place;
}
async function isDir(abs) {
  return (await fs2.stat(abs).catch(() => void 0))?.isDirectory() ?? false;
}
var error = (dep) => ({ ...dep, severity: "error" });
var warning = (dep) => ({ ...dep, severity: "warning" });
function forbiddenDep(kind, name, place) {
  return error({ kind, name, resolution: "forbidden", detail: `points into ${place.why} (${place.prefix}), which users do not have` });
}
async function searchDir(kind, name, abs, ctx) {
  const place = placeOf(abs, ctx);
  if (place.where === "outside") {
    return {
      dep: warning({
        kind,
        name,
        resolution: "outside",
        detail: "leaves the artifact: only useful when a dependency is installed beside it, and none given is there"
      })
    };
  }
  const resolution = place.where;
  if (!await isDir(abs)) return { dep: warning({ kind, name, resolution, path: place.rel, detail: "the folder is not in the artifact" }) };
  return { dep: { kind, name, resolution, path: place.rel }, dir: abs };
}
async function absoluteSearchDir(kind, name, ctx, system) {
  const bad = forbiddenPlace(name, ctx.forbidden);
  if (bad) return { dep: forbiddenDep(kind, name, bad) };
  if (system(name)) return { dep: { kind, name, resolution: "system", path: name }, dir: name };
  return { dep: warning({ kind, name, resolution: "outside", detail: "an absolute folder outside the artifact, which users will not have" }) };
}
var ORIGIN = /\$(ORIGIN\b|\{ORIGIN\})/;
var ORIGIN_ALL = new RegExp(ORIGIN.source, "g");
async function elfSearchDir(kind, entry, origin, ctx, ignored) {
  let r;
  if (entry === "") {
    r = { dep: error({ kind, name: entry, resolution: "unsupported", detail: "an empty entry makes the loader search the working directory" }) };
  } else if (ORIGIN.test(entry)) {
    const abs = path2.resolve(entry.replace(ORIGIN_ALL, origin));
    r = await searchDir(kind, entry, abs, ctx);
  } else if (entry.includes("$")) {
    r = { dep: warning({ kind, name: entry, resolution: "unsupported", detail: "uses $LIB or $PLATFORM, which depend on the machine; not checked" }) };
  } else if (path2.posix.isAbsolute(entry)) {
    r = await absoluteSearchDir(kind, entry, ctx, isLinuxSystemDir);
  } else {
    r = { dep: error({ kind, name: entry, resolution: "unsupported", detail: "a relative folder is searched from the working directory, not from the file" }) };
  }
  if (ignored) {
    r.dep.detail = [r.dep.detail, "ignored by the loader: DT_RUNPATH takes precedence"].filter(Boolean).join("; ");
    return { dep: r.dep };
  }
  return r;
}
function elfInterpreter(interp, ctx) {
  const kind = "interpreter";
  const bad = forbiddenPlace(interp, ctx.forbidden);
  if (bad) return forbiddenDep(kind, interp, bad);
  const loaders = ctx.platform === "linux-amd64" || ctx.platform === "linux-arm64" ? LINUX_LOADERS[ctx.platform].paths : [];
  if (loaders.includes(interp)) return { kind, name: interp, resolution: "system", path: interp, group: "loader" };
  const musl = /ld-musl/.test(interp) ? " (a musl program: glibc systems do not have this loader)" : "";
  return error({ kind, name: interp, resolution: "outside", detail: `not the ${ctx.platform} glibc loader (${loaders.join(" or ")})${musl}` });
}
async function elfNeeded(name, dirs, searched, ctx) {
  const kind = "needed";
  if (name.includes("/")) {
    const bad = forbiddenPlace(name, ctx.forbidden);
    if (bad) return forbiddenDep(kind, name, bad);
    if (!name.startsWith("/")) return error({ kind, name, resolution: "unsupported", detail: "a relative path is opened from the working directory" });
    const loaders = ctx.platform === "linux-amd64" || ctx.platform === "linux-arm64" ? LINUX_LOADERS[ctx.platform].paths : [];
    if (loaders.includes(name)) return { kind, name, resolution: "system", path: name, group: "loader" };
    return error({ kind, name, resolution: "outside", detail: "an absolute path outside the artifact" });
  }
  for (const { entry, dir } of dirs) {
    const found = await fileAt(path2.join(dir, name), ctx);
    if (found) return { kind, name, resolution: found.where, path: found.rel, via: entry };
  }
  const group = linuxSystemLibrary(ctx.platform, name);
  if (group) return { kind, name, resolution: "system", path: name, group };
  return error({
    kind,
    name,
    resolution: "missing",
    detail: `not in the artifact (${searched.length ? `searched ${searched.join(", ")}` : "the file has no RUNPATH"}) and not a system library`
  });
}
async function resolveElf(rel, elf, ctx) {
  const origin = path2.dirname(path2.join(ctx.root, rel));
  const deps = [];
  if (elf.interpreter !== void 0) deps.push(elfInterpreter(elf.interpreter, ctx));
  const dirs = [];
  const searched = (elf.runpath ?? elf.rpath ?? []).filter((e) => e !== "");
  for (const [kind, entries] of [
    ["rpath", elf.rpath],
    ["runpath", elf.runpath]
  ]) {
    for (const entry of entries ?? []) {
      const r = await elfSearchDir(kind, entry, origin, ctx, kind === "rpath" && elf.runpath !== void 0);
      deps.push(r.dep);
      if (r.dir) dirs.push({ entry, dir: r.dir });
    }
  }
  if (elf.type === "shared-object" && !elf.pie) {
    for (const p of ctx.elfRpathPrograms) {
      const pOrigin = path2.dirname(path2.join(ctx.root, p.rel));
      for (const entry of p.rpath) {
        const r = await elfSearchDir("rpath", entry, pOrigin, ctx, false);
        if (!r.dir) continue;
        const inherited = `${entry} (RPATH of ${p.rel})`;
        dirs.push({ entry: inherited, dir: r.dir });
        searched.push(inherited);
      }
    }
  }
  for (const name of elf.needed) deps.push(await elfNeeded(name, dirs, searched, ctx));
  return deps;
}
var DYLIB_KINDS2 = {
  load: "dylib",
  weak: "weak-dylib",
  reexport: "reexport-dylib",
  lazy: "lazy-dylib",
  upward: "upward-dylib"
};
function expandAt(p, frame) {
  if (p.startsWith("@loader_path")) return [underFolder(frame.loader, p.slice("@loader_path".length))];
  if (p.startsWith("@executable_path")) return frame.executables.map((e) => underFolder(e, p.slice("@executable_path".length)));
  return void 0;
}
function underFolder(folder, rest) {
  return path2.normalize(folder + (rest === "" || rest.startsWith("/") ? rest : `/${rest}`));
}
async function machORpath(entry, frame, ctx) {
  const kind = "lc-rpath";
  const expanded = expandAt(entry, frame);
  if (expanded) {
    if (expanded.length === 0) {
      return { dep: warning({ kind, name: entry, resolution: "unsupported", detail: "the artifact has no program to take @executable_path from; not checked" }), dirs: [] };
    }
    const results = await Promise.all(expanded.map((abs) => searchDir(kind, entry, abs, ctx)));
    const usable = results.filter((r) => r.dir !== void 0);
    return { dep: (usable[0] ?? results[0]).dep, dirs: usable.map((r) => r.dir) };
  }
  if (entry.startsWith("/")) {
    const r = await absoluteSearchDir(kind, entry, ctx, isDarwinSystemDir);
    return { dep: r.dep, dirs: r.dir ? [r.dir] : [] };
  }
  return { dep: error({ kind, name: entry, resolution: "unsupported", detail: "a relative rpath is searched from the working directory" }), dirs: [] };
}
async function machODylib(dylib, rpaths, frame, ctx) {
  const kind = DYLIB_KINDS2[dylib.kind];
  const name = dylib.name;
  const weak = dylib.kind === "weak";
  const notFound = (detail) => weak ? warning({ kind, name, resolution: "missing", detail: `${detail} (a weak link: the program runs without it)` }) : error({ kind, name, resolution: "missing", detail });
  const bad = forbiddenPlace(name, ctx.forbidden);
  if (bad) return forbiddenDep(kind, name, bad);
  if (name.startsWith("@rpath/")) {
    const rest = name.slice("@rpath/".length);
    for (const { entry, dir } of rpaths) {
      const candidate = path2.join(dir, rest);
      if (isDarwinSystemDir(dir)) {
        if (isDarwinSystemPath(candidate)) return { kind, name, resolution: "system", path: candidate, via: entry, group: "macos" };
        continue;
      }
      const found = await fileAt(candidate, ctx);
      if (found) return { kind, name, resolution: found.where, path: found.rel, via: entry };
    }
    return notFound(`not found through any rpath (${rpaths.map((r) => r.entry).join(", ") || "the file and its programs have no LC_RPATH"})`);
  }
  const expanded = expandAt(name, frame);
  if (expanded) {
    for (const abs of expanded) {
      const found = await fileAt(abs, ctx);
      if (found) return { kind, name, resolution: found.where, path: found.rel };
    }
    return notFound(expanded.length ? "not in the artifact" : "the artifact has no program to take @executable_path from");
  }
  if (name.startsWith("/")) {
    if (isDarwinSystemPath(name)) return { kind, name, resolution: "system", path: name, group: "macos" };
    return notFound("not in /usr/lib or /System/Library, and an absolute path cannot point into the artifact");
  }
  return error({ kind, name, resolution: "unsupported", detail: "a bare name is looked up in DYLD_FALLBACK_LIBRARY_PATH (~/lib, /usr/local/lib): use @rpath/" });
}
function installName(id, rel, ctx) {
  const kind = "install-name";
  const bad = forbiddenPlace(id, ctx.forbidden);
  if (bad) return { ...forbiddenDep(kind, id, bad), detail: `points into ${bad.why} (${bad.prefix}): whatever links this library would look for it there` };
  if (/^@(rpath|loader_path|executable_path)\//.test(id)) return { kind, name: id, resolution: "artifact", path: rel };
  return warning({ kind, name: id, resolution: "outside", detail: "an absolute install name: whatever links this library looks for it there (use @rpath/<name>)" });
}
async function resolveMachO(rel, slice, ctx) {
  const loader = path2.dirname(path2.join(ctx.root, rel));
  const isProgram = slice.filetype === "executable";
  const frame = { loader, executables: isProgram ? [loader] : ctx.programs.map((p) => path2.dirname(path2.join(ctx.root, p.rel))) };
  const deps = [];
  if (slice.dylinker !== void 0) {
    deps.push(
      slice.dylinker === "/usr/lib/dyld" ? { kind: "dylinker", name: slice.dylinker, resolution: "system", path: slice.dylinker, group: "macos" } : error({ kind: "dylinker", name: slice.dylinker, resolution: "outside", detail: "not /usr/lib/dyld" })
    );
  }
  if (slice.id !== void 0) deps.push(installName(slice.id, rel, ctx));
  const rpaths = [];
  for (const entry of slice.rpaths) {
    const r = await machORpath(entry, frame, ctx);
    deps.push(r.dep);
    rpaths.push(...r.dirs.map((dir) => ({ entry, dir })));
  }
  if (!isProgram) {
    for (const p of ctx.programs) {
      const pFrame = { loader: path2.dirname(path2.join(ctx.root, p.rel)), executables: [path2.dirname(path2.join(ctx.root, p.rel))] };
      for (const entry of p.slice.rpaths) {
        for (const dir of (await machORpath(entry, pFrame, ctx)).dirs) rpaths.push({ entry: `${entry} (of ${p.rel})`, dir });
      }
    }
  }
  for (const d of slice.dylibs) deps.push(await machODylib(d, rpaths, frame, ctx));
  return deps;
}
var SYSTEM_INTERPRETER = /^\/(usr\/)?s?bin\/[^/]+$/;
async function resolveShebang(interpreter, executable, ctx) {
  const kind = "shebang";
  const problem = executable ? error : warning;
  const bad = forbiddenPlace(interpreter, ctx.forbidden);
  if (bad) return { ...forbiddenDep(kind, interpreter, bad), severity: executable ? "error" : "warning" };
  const place = placeOf(interpreter, ctx);
  if (place.where !== "outside") {
    const found = await fileAt(interpreter, ctx);
    return found ? { kind, name: interpreter, resolution: found.where, path: found.rel } : problem({ kind, name: interpreter, resolution: "missing", detail: "not in the artifact" });
  }
  if (SYSTEM_INTERPRETER.test(interpreter)) return { kind, name: interpreter, resolution: "system", path: interpreter };
  return problem({ kind, name: interpreter, resolution: "outside", detail: "not in /bin, /usr/bin or the artifact" });
}
function uncheckedElf(elf) {
  return [
    ...elf.interpreter ? [{ kind: "interpreter", name: elf.interpreter, resolution: "unchecked" }] : [],
    ...elf.needed.map((name) => ({ kind: "needed", name, resolution: "unchecked" }))
  ];
}
function uncheckedMachO(slice) {
  return slice.dylibs.map((d) => ({ kind: DYLIB_KINDS2[d.kind], name: d.name, resolution: "unchecked" }));
}

// packages/inspect/src/smoke-test.ts
var DEFAULT_TIMEOUT_MS = 6e4;
function artifactNameParts(file, platform, name) {
  const base = path3.basename(file).replace(/\.(tar\.(gz|zst|xz|bz2)|tgz|zip)$/, "");
  const suffix = [`-${platform}`, ...PLATFORMS.map((p) => `-${p}`)].find((s) => base.endsWith(s));
  if (!suffix) return void 0;
  const stem = base.slice(0, -suffix.length);
  if (name !== void 0) return stem.startsWith(`${name}-`) && stem.length > name.length + 1 ? { name, version: stem.slice(name.length + 1) } : void 0;
  const dash = stem.lastIndexOf("-");
  return dash > 0 && dash < stem.length - 1 ? { name: stem.slice(0, dash), version: stem.slice(dash + 1) } : void 0;
}
var escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
async function smokeCommands(root, recipe, name, version) {
  if (recipe && recipe.smokeTests.length > 0) return { tests: [...recipe.smokeTests] };
  if (!name) return { tests: [], reason: "no smoke_test commands, and no package name to find its main binary by" };
  if (!version) return { tests: [], reason: "no smoke_test commands, and no version for the default `--version` check" };
  const rel = recipe?.binaryRelpath;
  const relIsFile = rel !== void 0 && rel !== "." && (await fs3.stat(path3.join(root, rel)).catch(() => void 0))?.isFile();
  const main = relIsFile ? rel : `bin/${name}`;
  if (!(await fs3.stat(path3.join(root, main)).catch(() => void 0))?.isFile()) {
    return { tests: [], reason: `no smoke_test commands, and no main program ${main} to run with --version` };
  }
  return { tests: [{ argv: [main, "--version"], expect: escapeRegExp(version), exitCode: 0, default: true }] };
}
async function sha256File(file) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest("hex");
}
async function walk(root, rel = "") {
  const out = [];
  const entries = await fs3.readdir(path3.join(root, rel), { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...await walk(root, r));
    else if (e.isFile() || e.isSymbolicLink()) out.push({ rel: r, link: e.isSymbolicLink() });
  }
  return out;
}
async function install(artifact, dir) {
  await extractArchive(artifact, dir);
  await relocateInstalled(dir, PREFIX_PLACEHOLDER, dir);
}
var PLATFORM_WORDS = {
  "linux-amd64": "x86_64 ELF",
  "linux-arm64": "aarch64 ELF",
  "darwin-x86_64": "x86_64 Mach-O",
  "darwin-arm64": "arm64 Mach-O"
};
async function identifyAll(root) {
  const out = [];
  for (const { rel, link } of await walk(root)) {
    const abs = path3.join(root, rel);
    if (link) {
      const target = await fs3.readlink(abs);
      const st = await fs3.stat(abs).catch(() => void 0);
      out.push({ rel, abs, executable: false, link: { target, dangling: st === void 0 } });
      continue;
    }
    const executable = ((await fs3.stat(abs)).mode & 73) !== 0;
    try {
      out.push({ rel, abs, executable, identity: await identifyFile(abs, rel) });
    } catch (err) {
      if (!isUserError(err)) throw err;
      out.push({ rel, abs, executable, malformed: err.message });
    }
  }
  return out;
}
async function fileReport(f, ctx) {
  if (f.link) {
    return { path: f.rel, kind: "symlink", format: "symlink", description: `symbolic link to ${f.link.target}`, platforms: [], executable: false, dependencies: [] };
  }
  if (!f.identity) {
    return { path: f.rel, kind: "other", format: "data", description: `malformed: ${f.malformed ?? ""}`, platforms: [], matches: false, executable: f.executable, dependencies: [] };
  }
  const id = f.identity;
  const report = { path: f.rel, kind: id.kind, format: id.format, description: id.description, platforms: id.platforms, executable: f.executable, dependencies: [] };
  if (id.code) report.matches = id.platforms.includes(ctx.platform);
  let deps = [];
  if (id.elf) deps = report.matches ? await resolveElf(f.rel, id.elf, ctx) : uncheckedElf(id.elf);
  else if (id.macho) {
    const slice = sliceFor(id.macho, ctx.platform);
    if (slice) {
      if (slice.minOs) report.minOs = slice.minOs;
      deps = await resolveMachO(f.rel, slice, ctx);
    } else deps = uncheckedMachO(id.macho.slices[0]);
  } else if (id.shebang) deps = [await resolveShebang(id.shebang.interpreter, f.executable, ctx)];
  report.dependencies = deps;
  return report;
}
function problemsOf(files, identified, platform) {
  const problems = [];
  for (const [i, f] of files.entries()) {
    const src = identified[i];
    if (src.malformed) problems.push({ file: f.path, severity: "error", message: src.malformed });
    if (src.link?.dangling) problems.push({ file: f.path, severity: "warning", message: `${f.path} is a symbolic link to ${src.link.target}, which is not in the artifact` });
    if (f.matches === false && !src.malformed) {
      problems.push({ file: f.path, severity: "error", message: `${f.path} is ${f.description}, not ${platform} code (${PLATFORM_WORDS[platform]})` });
    }
    for (const d of f.dependencies) {
      if (d.severity) problems.push({ file: f.path, severity: d.severity, message: `${f.path}: ${d.kind} ${d.name}: ${d.detail ?? d.resolution}` });
    }
  }
  return problems;
}
function systemLibraries(files) {
  const uses = /* @__PURE__ */ new Map();
  for (const f of files) {
    for (const d of f.dependencies) {
      if (d.resolution !== "system" || !d.group || d.kind === "lc-rpath" || d.kind === "rpath" || d.kind === "runpath") continue;
      const key = d.path ?? d.name;
      const use = uses.get(key) ?? { name: key, group: d.group, files: [] };
      if (!use.files.includes(f.path)) use.files.push(f.path);
      uses.set(key, use);
    }
  }
  return [...uses.values()].sort((a, b) => a.name < b.name ? -1 : 1);
}
function machOPrograms(identified, platform) {
  const out = [];
  for (const f of identified) {
    const slice = f.identity?.macho ? sliceFor(f.identity.macho, platform) : void 0;
    if (slice?.filetype === "executable") out.push({ rel: f.rel, slice });
  }
  return out;
}
function elfRpathPrograms(identified, platform) {
  const out = [];
  for (const f of identified) {
    const elf = f.identity?.elf;
    if (!elf || f.identity?.kind !== "executable" || !f.identity.platforms.includes(platform)) continue;
    if (elf.rpath && !elf.runpath) out.push({ rel: f.rel, rpath: elf.rpath });
  }
  return out;
}
async function smokeTestArtifact(options) {
  const reporter = options.reporter ?? silentReporter;
  const host = "host" in options ? options.host : hostPlatform();
  const parts = artifactNameParts(options.artifact, options.platform, options.recipe?.name ?? options.name);
  const name = options.recipe?.name ?? options.name ?? parts?.name;
  const version = options.version ?? parts?.version;
  for (const file of [options.artifact, ...(options.dependencies ?? []).map((d) => d.artifact)]) {
    let why;
    try {
      if (!(await fs3.stat(file)).isFile()) why = "it is not a file";
    } catch (err) {
      why = hasCode(err, "ENOENT") ? "there is no such file" : errorMessage(err);
    }
    if (why) throw inspectError(InspectErrorCode.ArtifactUnreadable, `cannot smoke-test ${file}: ${why}`, file);
  }
  const sha256 = await sha256File(options.artifact);
  const work = await fs3.mkdtemp(path3.join(options.workDir ?? os.tmpdir(), "potions-smoke-"));
  try {
    const root = path3.join(work, "install", name ?? "artifact");
    reporter.info(`extracting ${path3.basename(options.artifact)} into a fresh folder`);
    await install(options.artifact, root);
    const siblings = [];
    for (const dep of options.dependencies ?? []) {
      const dir = path3.join(work, "install", dep.name);
      await install(dep.artifact, dir);
      siblings.push({ name: dep.name, dir: await fs3.realpath(dir) });
    }
    const realRoot = await fs3.realpath(root);
    const identified = await identifyAll(realRoot);
    const ctx = {
      root: realRoot,
      platform: options.platform,
      siblings,
      forbidden: forbiddenPrefixes(options.buildPrefix ?? DEFAULT_BUILD_PREFIX),
      programs: machOPrograms(identified, options.platform),
      elfRpathPrograms: elfRpathPrograms(identified, options.platform)
    };
    const files = [];
    for (const f of identified) files.push(await fileReport(f, ctx));
    const problems = problemsOf(files, identified, options.platform);
    const { tests, reason: noTests } = await smokeCommands(realRoot, options.recipe, name, version);
    const runner = noTests ? { kind: "none", reason: noTests } : await runnerFor(options.platform, host, { searchPath: options.searchPath ?? process.env.PATH ?? "" });
    let run;
    if (runner.kind === "none") {
      run = { ran: false, reason: `${runner.reason}: the commands were not run, only the static checks were made`, commands: tests.map((t) => ({ argv: [...t.argv], default: t.default === true, expectedExitCode: t.exitCode, ok: false, exitCode: null, timedOut: false, output: "", error: "not run", ...t.expect !== void 0 ? { expect: t.expect } : {} })) };
      problems.push({ severity: options.requireRun ? "error" : "warning", message: run.reason });
    } else {
      reporter.info(`running ${tests.length} command(s)${runner.kind === "native" ? "" : ` through ${runner.kind}`}`);
      run = await runCommands({
        root: realRoot,
        platform: options.platform,
        tests,
        runner,
        exec: options.exec ?? spawnExec,
        scratch: path3.join(work, "scratch"),
        timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS
      });
      for (const c of run.commands) if (!c.ok) problems.push({ severity: "error", message: `${c.argv.join(" ")}: ${c.error ?? "failed"}` });
    }
    const count = (s) => problems.filter((p) => p.severity === s).length;
    return {
      schemaVersion: 1,
      artifact: options.artifact,
      sha256,
      ...name ? { name } : {},
      ...version ? { version } : {},
      platform: options.platform,
      ...host ? { host } : {},
      ok: count("error") === 0,
      summary: {
        files: files.length,
        code: files.filter((f) => f.matches !== void 0).length,
        executables: files.filter((f) => f.kind === "executable").length,
        libraries: files.filter((f) => f.kind === "library" || f.kind === "static-library").length,
        errors: count("error"),
        warnings: count("warning")
      },
      systemLibraries: systemLibraries(files),
      files,
      problems,
      run
    };
  } finally {
    await fs3.rm(work, { recursive: true, force: true });
  }
}

export {
  smokeTestArtifact
};
