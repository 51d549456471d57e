import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  redactUrl,
  urlSecrets
} from "./chunk-QHOKOGRP.mjs";
import {
  backoffDelay,
  parseRetryAfter,
  retry,
  sleep
} from "./chunk-L5QZX5WR.mjs";
import {
  makeDirectory,
  writeFileAtomic
} from "./chunk-DWDGEZWY.mjs";
import {
  systemNow
} from "./chunk-L5AWN5ZP.mjs";
import {
  PotionsError,
  UserError,
  formatBytes,
  monotonicClock,
  silentReporter
} from "./chunk-HUJ2RKNL.mjs";

// packages/downloader/src/errors.ts
var DownloadErrorCode = {
  /** Every mirror was tried and none gave the verified file (`DownloadError`). */
  Failed: "E_DOWNLOAD_FAILED",
  /** The options are wrong: no URL, a bad pin, a number out of range. */
  Options: "E_DOWNLOAD_OPTIONS",
  /** The destination is a folder. */
  DestIsDir: "E_DOWNLOAD_DEST_IS_DIR",
  /** The destination's folder cannot be created or written. */
  DestUnwritable: "E_DOWNLOAD_DEST_UNWRITABLE",
  /** Writing the data failed midway (a full disk, an I/O error). */
  DestWrite: "E_DOWNLOAD_DEST_WRITE",
  /** Internal: one classified request failure (`DownloadFault`). */
  Fault: "E_DOWNLOAD_FAULT",
  /** Internal: no mirror is left to try. */
  NoMirror: "E_DOWNLOAD_NO_MIRROR"
};
var FAILOVER = /* @__PURE__ */ new Set([
  "http-permanent",
  "dns",
  "tls",
  "integrity",
  "redirect",
  "unsupported"
]);
var DownloadFault = class extends PotionsError {
  errorClass;
  status;
  /** The server's Retry-After, in ms. */
  retryAfterMs;
  /** The data on disk can no longer be trusted: discard it and start the artifact over. */
  restart;
  constructor(errorClass, message, options = {}) {
    super(DownloadErrorCode.Fault, message, { cause: options.cause });
    this.errorClass = errorClass;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.restart = options.restart ?? false;
  }
  /** True when retrying on the same mirror is pointless. */
  get failover() {
    return FAILOVER.has(this.errorClass);
  }
};
function isDownloadFault(err) {
  return typeof err === "object" && err !== null && err.code === DownloadErrorCode.Fault && typeof err.errorClass === "string";
}
var TLS_CODES = /* @__PURE__ */ new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "HOSTNAME_MISMATCH",
  "EPROTO"
]);
function classifyError(err) {
  if (isDownloadFault(err)) return err;
  const e = err;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : String(err);
  const opts = { cause: err };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_FAIL" || code === "EAI_NONAME") {
    return new DownloadFault("dns", `DNS lookup failed (${code})`, opts);
  }
  if (TLS_CODES.has(code) || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") || code.startsWith("ERR_OSSL")) {
    return new DownloadFault("tls", `TLS error: ${message} (${code})`, opts);
  }
  if (code === "ABORT_ERR" || e?.name === "AbortError") {
    return new DownloadFault("aborted", "cancelled", opts);
  }
  if (code.startsWith("HPE_")) {
    return new DownloadFault("protocol", `malformed HTTP response: ${message} (${code})`, opts);
  }
  if (code === "ECONNRESET" && message === "aborted") {
    return new DownloadFault("connection", "connection closed before the body was complete", opts);
  }
  if (code) return new DownloadFault("connection", `${message} (${code})`, opts);
  return new DownloadFault("connection", message, opts);
}
function statusFault(status, statusText, retryAfterMs) {
  const text = `HTTP ${status}${statusText ? ` ${statusText}` : ""}`;
  if (status === 408 || status === 429 || status >= 500) {
    return new DownloadFault("http-retryable", text, { status, retryAfterMs });
  }
  return new DownloadFault("http-permanent", text, { status });
}
var DownloadError = class extends UserError {
  mirrors;
  attempts;
  elapsedMs;
  /** The hidden partial data kept for a resume by the next run (absent when nothing was kept). */
  partial;
  constructor(message, details) {
    super(DownloadErrorCode.Failed, message, { hint: details.hint, cause: details.cause });
    this.mirrors = details.mirrors;
    this.attempts = details.attempts;
    this.elapsedMs = details.elapsedMs;
  }
};
var OS_REASONS = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EIO: "input/output error",
  EISDIR: "is a folder",
  ENOTDIR: "a part of the path is not a folder",
  EEXIST: "exists and is not a folder",
  ENOENT: "no folder can be created there",
  ENAMETOOLONG: "the name is too long",
  EMFILE: "too many open files"
};
var DestinationError = class extends UserError {
  /** The path that could not be written. */
  path;
  /** The operating system's code (ENOSPC, EACCES, ...), when there is one. */
  osCode;
  /** The hidden partial data kept for a resume by the next run (absent when nothing was kept). */
  partial;
  constructor(code, message, details) {
    super(code, message, { hint: details.hint, cause: details.cause });
    this.path = details.path;
    this.osCode = details.osCode;
  }
};
var DESTINATION_CODES = [DownloadErrorCode.DestIsDir, DownloadErrorCode.DestUnwritable, DownloadErrorCode.DestWrite];
function isDestinationError(err) {
  const code = err?.code;
  return DESTINATION_CODES.includes(code) && err.userError === true;
}
function osCodeOf(err) {
  const e = err;
  return typeof e?.code === "string" && typeof e.syscall === "string" ? e.code : void 0;
}
function destinationError(code, file, what, err) {
  const osCode = osCodeOf(err);
  const reason = osCode ? `${OS_REASONS[osCode] ?? err.message} (${osCode})` : String(err?.message ?? err);
  const hint = code === DownloadErrorCode.DestWrite ? "free some space or choose a destination on another disk, then run the same download again" : "choose a destination file in a folder you can write to";
  return new DestinationError(code, `${what}: ${reason}`, { path: file, osCode, hint, cause: err });
}

// packages/downloader/src/options.ts
var DIGEST_ALGORITHMS = ["sha256", "sha384", "sha512"];
var HEX_LENGTH = { sha256: 64, sha384: 96, sha512: 128 };
var DEFAULT_TIMEOUTS = {
  connectMs: 1e4,
  firstByteMs: 3e4,
  idleMs: 3e4,
  deadlineMs: 15 * 6e4
};
var DEFAULT_RETRY = {
  attemptsPerMirror: 4,
  baseMs: 250,
  maxMs: 8e3,
  maxRetryAfterMs: 3e4
};
var DEFAULT_LOW_SPEED = { bytesPerSecond: 1024, periodMs: 2e4 };
var DEFAULT_HEDGE_DELAY_MS = 1500;
var DEFAULT_MAX_REDIRECTS = 10;
var HOUR_MS = 36e5;
var DOWNLOAD_LIMITS = {
  segments: { min: 1, max: 64 },
  connectMs: { min: 1, max: HOUR_MS },
  firstByteMs: { min: 1, max: HOUR_MS },
  idleMs: { min: 1, max: HOUR_MS },
  deadlineMs: { min: 1, max: 24 * HOUR_MS },
  /** 0 turns hedging off. */
  hedgeDelayMs: { min: 0, max: HOUR_MS },
  maxRedirects: { min: 0, max: 50 },
  attemptsPerMirror: { min: 1, max: 100 },
  /** 0 turns the low-speed rule off. */
  lowSpeedBytesPerSecond: { min: 0, max: 1024 ** 3 },
  lowSpeedPeriodMs: { min: 1, max: HOUR_MS }
};
function rangeProblem(name, value, range, options = {}) {
  const ok = typeof value === "number" && Number.isFinite(value) && value >= range.min && value <= range.max && (!options.whole || Number.isInteger(value));
  if (ok) return void 0;
  const unit = options.unit ? ` ${options.unit}` : "";
  return `${name} must be ${options.whole ? "a whole number " : ""}from ${range.min} to ${range.max}${unit}, got ${String(value)}`;
}
function fail(field, message) {
  throw new UserError(DownloadErrorCode.Options, message, { location: { field } });
}
function checkTransferOptions(o) {
  if (!Array.isArray(o.urls) || o.urls.length === 0) fail("urls", "no URL to download from: give at least one mirror URL");
  const urls = o.urls.map((u, i) => {
    let parsed;
    try {
      parsed = new URL(u);
    } catch {
      return fail(`urls[${i}]`, `not a URL: "${redactUrl(u)}" (expected http:// or https://)`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      fail(`urls[${i}]`, `unsupported URL scheme in "${redactUrl(u)}" (expected http:// or https://)`);
    }
    return parsed.toString();
  });
  const digests = /* @__PURE__ */ new Map();
  const pins = [["sha256", o.sha256], ...Object.entries(o.digests ?? {})];
  for (const [alg, value] of pins) {
    if (value === void 0) continue;
    if (!DIGEST_ALGORITHMS.includes(alg)) {
      fail(`digests.${alg}`, `unsupported digest "${alg}" (expected one of ${DIGEST_ALGORITHMS.join(", ")})`);
    }
    const a = alg;
    const hex = value.trim().toLowerCase();
    if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[a]}}$`).test(hex)) {
      fail(alg, `${alg} must be ${HEX_LENGTH[a]} hex digits, got "${value}"`);
    }
    const previous = digests.get(a);
    if (previous !== void 0 && previous !== hex) fail(alg, `two different ${alg} values pinned`);
    digests.set(a, hex);
  }
  if (o.size !== void 0 && (!Number.isSafeInteger(o.size) || o.size < 0)) {
    fail("size", `size must be a whole number of bytes, got ${o.size}`);
  }
  const timeouts = { ...DEFAULT_TIMEOUTS, ...definedOnly(o.timeouts) };
  for (const k of Object.keys(DEFAULT_TIMEOUTS)) {
    checkNumber(`timeouts.${k}`, k, timeouts[k], DOWNLOAD_LIMITS[k], { unit: "ms" });
  }
  const retry2 = { ...DEFAULT_RETRY, ...definedOnly(o.retry) };
  checkNumber("retry.attemptsPerMirror", "attemptsPerMirror", retry2.attemptsPerMirror, DOWNLOAD_LIMITS.attemptsPerMirror, { whole: true });
  const lowSpeed = { ...DEFAULT_LOW_SPEED, ...definedOnly(o.lowSpeed) };
  checkNumber("lowSpeed.bytesPerSecond", "lowSpeed.bytesPerSecond", lowSpeed.bytesPerSecond, DOWNLOAD_LIMITS.lowSpeedBytesPerSecond, { unit: "bytes per second" });
  checkNumber("lowSpeed.periodMs", "lowSpeed.periodMs", lowSpeed.periodMs, DOWNLOAD_LIMITS.lowSpeedPeriodMs, { unit: "ms" });
  const hedgeDelayMs = o.hedgeDelayMs ?? DEFAULT_HEDGE_DELAY_MS;
  checkNumber("hedgeDelayMs", "hedgeDelayMs", hedgeDelayMs, DOWNLOAD_LIMITS.hedgeDelayMs, { unit: "ms" });
  const maxRedirects = o.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  checkNumber("maxRedirects", "maxRedirects", maxRedirects, DOWNLOAD_LIMITS.maxRedirects, { whole: true });
  return { urls, digests, timeouts, retry: retry2, lowSpeed, hedgeDelayMs, maxRedirects };
}
function checkNumber(field, name, value, range, options) {
  const problem = rangeProblem(name, value, range, options);
  if (problem) fail(field, problem);
}
function definedOnly(o) {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== void 0));
}

// packages/downloader/src/download-file.ts
import { promises as fs3 } from "node:fs";
import path3 from "node:path";

// packages/downloader/src/destination.ts
import { promises as fs } from "node:fs";
import path from "node:path";
async function prepareDestination(dest) {
  let notDir;
  const st = await fs.stat(dest).catch((err) => {
    const code = osCodeOf(err);
    if (code === "ENOTDIR") notDir = err;
    if (code === "ENOENT" || code === "ENOTDIR") return void 0;
    throw destinationError(DownloadErrorCode.DestUnwritable, dest, `cannot write to ${dest}`, err);
  });
  if (st?.isDirectory()) {
    throw new DestinationError(DownloadErrorCode.DestIsDir, `cannot download to ${dest}: ${dest} is a folder`, {
      path: dest,
      hint: `give the file's path, e.g. ${path.join(dest, "NAME")}`
    });
  }
  const parent = path.dirname(dest);
  try {
    return await makeDirectory(parent);
  } catch (err) {
    const file = osCodeOf(err) === "ENOTDIR" ? err.path : void 0;
    if (file !== void 0) {
      throw new DestinationError(DownloadErrorCode.DestUnwritable, `cannot write to ${dest}: ${file} is not a folder`, {
        path: dest,
        osCode: "ENOTDIR",
        hint: "choose a destination file in a folder you can write to",
        cause: notDir ?? err
      });
    }
    throw destinationError(DownloadErrorCode.DestUnwritable, parent, `cannot create the folder ${parent} for ${dest}`, err);
  }
}
async function removeFolders(created) {
  for (const d of [...created].reverse()) {
    try {
      await fs.rmdir(d);
    } catch {
      return;
    }
  }
}
async function openPartial(file, flags) {
  try {
    return await fs.open(file, flags);
  } catch (err) {
    throw destinationError(DownloadErrorCode.DestUnwritable, file, `cannot write to ${file}`, err);
  }
}

// packages/downloader/src/http.ts
import http from "node:http";
import https from "node:https";
var agents = {
  http: new http.Agent({ keepAlive: true, scheduling: "lifo" }),
  https: new https.Agent({ keepAlive: true, scheduling: "lifo" })
};
var REDIRECTS = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
async function openUrl(req) {
  const seen = /* @__PURE__ */ new Set();
  let url = req.url;
  const headers = { ...req.headers };
  for (let hops = 0; ; hops++) {
    seen.add(url);
    const res = await requestOnce(url, headers, req);
    const status = res.statusCode ?? 0;
    if (!REDIRECTS.has(status)) {
      return { url, status, statusText: res.statusMessage ?? "", headers: res.headers, body: res };
    }
    res.resume();
    const location = res.headers.location;
    if (!location) throw new DownloadFault("redirect", `HTTP ${status} redirect without a Location header`);
    let next;
    try {
      next = new URL(location, url).toString();
    } catch {
      throw new DownloadFault("redirect", `HTTP ${status} redirect to an invalid Location: ${redactUrl(location)}`);
    }
    if (seen.has(next)) throw new DownloadFault("redirect", `redirect loop: ${redactUrl(next)} was already visited`);
    if (hops + 1 > req.maxRedirects) {
      throw new DownloadFault("redirect", `more than ${req.maxRedirects} redirects (last to ${redactUrl(next)})`);
    }
    if (new URL(next).origin !== new URL(url).origin) delete headers.authorization;
    url = next;
  }
}
function requestOnce(url, headers, opts) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === "https:" ? https : u.protocol === "http:" ? http : void 0;
    if (!mod) {
      reject(new DownloadFault("unsupported", `unsupported URL scheme ${u.protocol} (only http and https)`));
      return;
    }
    let settled = false;
    let connectTimer;
    const request = mod.request(u, {
      method: "GET",
      headers: { "user-agent": "potions-downloader", ...headers },
      agent: u.protocol === "https:" ? agents.https : agents.http,
      signal: opts.signal
    });
    const done = () => {
      settled = true;
      clearTimeout(firstByteTimer);
      clearTimeout(connectTimer);
    };
    const fail2 = (err) => {
      if (settled) return;
      done();
      request.destroy();
      reject(classifyError(opts.signal.aborted && !isFaultLike(err) ? opts.signal.reason ?? err : err));
    };
    const firstByteTimer = setTimeout(
      () => fail2(new DownloadFault("first-byte-timeout", `no response within ${opts.firstByteMs / 1e3} s`)),
      opts.firstByteMs
    );
    request.on("socket", (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(
        () => fail2(new DownloadFault("connect-timeout", `could not connect within ${opts.connectMs / 1e3} s`)),
        opts.connectMs
      );
      socket.once("connect", () => clearTimeout(connectTimer));
    });
    request.on("response", (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      done();
      resolve(res);
    });
    request.on("error", fail2);
    request.end();
  });
}
function isFaultLike(err) {
  return typeof err === "object" && err !== null && err.code === DownloadErrorCode.Fault;
}
async function readBody(body, idleMs, signal, onChunk, lowSpeed) {
  const idle = setTimeout(
    () => body.destroy(new DownloadFault("idle-timeout", `no data for ${idleMs / 1e3} s mid-body`)),
    idleMs
  );
  let inPeriod = 0;
  const floor = lowSpeed && lowSpeed.bytesPerSecond > 0 ? lowSpeed.bytesPerSecond * lowSpeed.periodMs / 1e3 : void 0;
  const slow = floor === void 0 ? void 0 : setInterval(() => {
    if (inPeriod < floor) {
      const seconds = lowSpeed.periodMs / 1e3;
      body.destroy(
        new DownloadFault("too-slow", `slower than ${lowSpeed.bytesPerSecond} bytes/s: ${inPeriod} bytes in the last ${seconds} s`)
      );
    }
    inPeriod = 0;
  }, lowSpeed.periodMs);
  const onAbort = () => {
    body.destroy(isFaultLike(signal.reason) ? signal.reason : new DownloadFault("aborted", "cancelled"));
  };
  if (signal.aborted) onAbort();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const chunk of body) {
      idle.refresh();
      inPeriod += chunk.length;
      if (await onChunk(chunk)) {
        body.destroy();
        return;
      }
      idle.refresh();
    }
  } catch (err) {
    throw isDestinationError(err) ? err : classifyError(err);
  } finally {
    clearTimeout(idle);
    clearInterval(slow);
    signal.removeEventListener("abort", onAbort);
  }
}

// packages/downloader/src/ordered-hasher.ts
import { createHash } from "node:crypto";
var READ_CHUNK = 1 << 20;
var OrderedHasher = class {
  constructor(algorithms, fh, segments) {
    this.algorithms = algorithms;
    this.fh = fh;
    this.segments = segments;
    this.reset();
  }
  algorithms;
  fh;
  segments;
  hashes = /* @__PURE__ */ new Map();
  frontier = 0;
  generation = 0;
  catching;
  failure;
  /** Forget everything hashed (the data restarts from byte 0). */
  reset() {
    this.generation++;
    this.frontier = 0;
    this.hashes = new Map(this.algorithms.map((a) => [a, createHash(a)]));
  }
  /** Call after `buf` has been written at `pos` and its segment's `written` updated. */
  written(pos, buf) {
    if (!this.catching && pos === this.frontier) {
      for (const h of this.hashes.values()) h.update(buf);
      this.frontier += buf.length;
    }
    this.kick();
  }
  /** How far the file is contiguous from the frontier. */
  available() {
    const f = this.frontier;
    for (const s of this.segments()) {
      if (s.start <= f && f < s.end) return s.start + s.written;
    }
    return f;
  }
  kick() {
    if (this.catching || this.available() <= this.frontier) return;
    this.catching = this.catchUp().catch((err) => {
      this.failure = err;
    }).finally(() => {
      this.catching = void 0;
    });
  }
  async catchUp() {
    const generation = this.generation;
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (; ; ) {
      const avail = this.available();
      if (avail <= this.frontier) return;
      const want = Math.min(buf.length, avail - this.frontier);
      const { bytesRead } = await this.fh.read(buf, 0, want, this.frontier);
      if (generation !== this.generation) return;
      if (bytesRead === 0) throw new Error(`hashing: the partial file ends at ${this.frontier}, expected ${avail}`);
      const chunk = buf.subarray(0, bytesRead);
      for (const h of this.hashes.values()) h.update(chunk);
      this.frontier += bytesRead;
    }
  }
  /** Wait until `total` bytes are hashed; returns hex digests. */
  async finish(total) {
    while (this.frontier < total) {
      if (this.failure) throw this.failure;
      if (this.catching) {
        await this.catching;
        continue;
      }
      if (this.available() <= this.frontier) {
        throw new Error(`hashing: bytes ${this.frontier}..${total} were never written`);
      }
      this.kick();
    }
    if (this.failure) throw this.failure;
    return new Map([...this.hashes].map(([a, h]) => [a, h.digest("hex")]));
  }
};

// packages/downloader/src/partial-state.ts
import { promises as fs2 } from "node:fs";
import path2 from "node:path";
function partialPaths(dest) {
  const data = path2.join(path2.dirname(dest), `.${path2.basename(dest)}.potions-partial`);
  return { data, state: `${data}.json` };
}
async function removePartial(paths) {
  await fs2.rm(paths.data, { force: true });
  await fs2.rm(paths.state, { force: true });
  const dir = path2.dirname(paths.state);
  const prefix = `.${path2.basename(paths.state)}.`;
  const names = await fs2.readdir(dir).catch(() => []);
  await Promise.all(
    names.filter((n) => n.startsWith(prefix)).map((n) => fs2.rm(path2.join(dir, n), { force: true }))
  );
}
async function loadState(paths, digests, size) {
  let raw;
  try {
    raw = await fs2.readFile(paths.state, "utf8");
    await fs2.stat(paths.data);
  } catch {
    return void 0;
  }
  let s;
  try {
    s = JSON.parse(raw);
  } catch {
    return void 0;
  }
  if (s?.version !== 1 || typeof s.url !== "string" || !Array.isArray(s.segments) || s.segments.length === 0) {
    return void 0;
  }
  for (const [alg, value] of Object.entries(s.digests ?? {})) {
    const now = digests.get(alg);
    if (now !== void 0 && now !== value) return void 0;
  }
  if (size !== void 0 && s.total !== void 0 && s.total !== size) return void 0;
  if (!s.etag && !s.lastModified && digests.size === 0) return void 0;
  const segments = [];
  let expectStart = 0;
  for (const seg of s.segments) {
    const end = seg.end === null ? Infinity : seg.end;
    if (!Number.isSafeInteger(seg.start) || seg.start !== expectStart || !(end > seg.start) || !Number.isSafeInteger(seg.written) || seg.written < 0 || seg.written > end - seg.start) {
      return void 0;
    }
    segments.push({ start: seg.start, end, written: seg.written });
    expectStart = end;
  }
  return { ...s, segments };
}
var StateWriter = class {
  constructor(file, build, clock, intervalMs = 500) {
    this.file = file;
    this.build = build;
    this.clock = clock;
    this.intervalMs = intervalMs;
  }
  file;
  build;
  clock;
  intervalMs;
  last = 0;
  inflight;
  stopped = false;
  touch() {
    if (this.stopped || this.inflight || this.clock() - this.last < this.intervalMs) return;
    this.start();
  }
  start() {
    if (this.stopped) return;
    const state = this.build();
    this.last = this.clock();
    if (!state) return;
    this.inflight = writeFileAtomic(this.file, `${JSON.stringify(state)}
`, {
      // The note is rewritten every half second and only ever describes bytes already
      // written; the final sha256 check catches anything a power failure could undo.
      fsync: false
    }).catch(() => {
    }).finally(() => {
      this.inflight = void 0;
    });
  }
  /** Write the current state now (after any write in flight). */
  async flush() {
    while (this.inflight) await this.inflight;
    this.start();
    while (this.inflight) await this.inflight;
  }
  /** Write nothing more; wait for a write in flight. */
  async settle() {
    this.stopped = true;
    while (this.inflight) await this.inflight;
  }
};

// packages/downloader/src/breaker.ts
var CircuitBreaker = class {
  threshold;
  cooldownMs;
  clock;
  origins = /* @__PURE__ */ new Map();
  constructor(options = {}) {
    this.threshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 6e4;
    this.clock = options.clock ?? monotonicClock;
  }
  state(url) {
    const origin = originOf(url);
    let s = this.origins.get(origin);
    if (!s) {
      s = { failures: 0, openUntil: 0 };
      this.origins.set(origin, s);
    }
    return s;
  }
  success(url) {
    const s = this.state(url);
    s.failures = 0;
    s.openUntil = 0;
  }
  failure(url) {
    const s = this.state(url);
    s.failures++;
    if (s.failures >= this.threshold) s.openUntil = this.clock() + this.cooldownMs;
  }
  /** True while the mirror is cooling off. */
  isOpen(url) {
    const s = this.origins.get(originOf(url));
    return s !== void 0 && s.openUntil > this.clock();
  }
  /** The URLs in priority order, cooling-off mirrors moved last (each group keeps its order). */
  order(urls) {
    return [...urls.filter((u) => !this.isOpen(u)), ...urls.filter((u) => this.isOpen(u))];
  }
};
var defaultBreaker = new CircuitBreaker();
function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

// packages/downloader/src/transfer.ts
var NO_MIRROR = DownloadErrorCode.NoMirror;
var Transfer = class {
  urls;
  digests;
  timeouts;
  retryPolicy;
  lowSpeed;
  hedgeDelayMs;
  maxRedirects;
  headers;
  size;
  mirrors;
  started;
  deadlineAt;
  signal;
  /** Wall-clock time, for Retry-After dates. */
  now;
  /** Elapsed time, for durations and the deadline. */
  clock;
  label;
  attempts = 0;
  bytesDone = 0;
  breaker;
  controller = new AbortController();
  deadlineTimer;
  sleep;
  random;
  onEvent;
  progressBar;
  userSignal;
  onUserAbort = () => this.controller.abort(new DownloadFault("aborted", "cancelled by the caller"));
  constructor(options, label) {
    const checked = checkTransferOptions(options);
    this.urls = checked.urls;
    this.digests = checked.digests;
    this.timeouts = checked.timeouts;
    this.retryPolicy = checked.retry;
    this.lowSpeed = checked.lowSpeed;
    this.hedgeDelayMs = checked.hedgeDelayMs;
    this.maxRedirects = checked.maxRedirects;
    this.headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    this.size = options.size;
    this.breaker = options.breaker ?? defaultBreaker;
    this.now = options.now ?? systemNow;
    this.clock = options.clock ?? monotonicClock;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
    this.onEvent = options.onEvent;
    this.label = label;
    this.started = this.clock();
    this.deadlineAt = this.started + this.timeouts.deadlineMs;
    this.mirrors = this.breaker.order(this.urls).map((url) => ({
      url,
      display: redactUrl(url),
      origin: originOf(url),
      requests: 0,
      retryableFailures: 0,
      bad: false,
      exhausted: false,
      slow: false,
      demoted: false
    }));
    this.signal = this.controller.signal;
    this.deadlineTimer = setTimeout(
      () => this.controller.abort(
        new DownloadFault("deadline", `the deadline of ${this.timeouts.deadlineMs / 1e3} s passed`)
      ),
      this.timeouts.deadlineMs
    );
    this.userSignal = options.signal;
    if (this.userSignal?.aborted) this.onUserAbort();
    this.userSignal?.addEventListener("abort", this.onUserAbort, { once: true });
    const reporter = options.reporter ?? silentReporter;
    for (const url of this.urls) for (const secret of urlSecrets(url)) reporter.secret(secret);
    if (this.headers.authorization) reporter.secret(this.headers.authorization);
    this.progressBar = reporter.progress(label, options.size);
  }
  closed = false;
  /** Spread segments over one mirror only (set after a digest mismatch with several sources). */
  noSpread = false;
  close(message) {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.deadlineTimer);
    this.userSignal?.removeEventListener("abort", this.onUserAbort);
    this.progressBar.done(message);
  }
  emit(event) {
    this.onEvent?.(event);
  }
  progressed(bytes, total) {
    this.bytesDone += bytes;
    this.progressBar.update(this.bytesDone, total ?? this.size);
  }
  /** Bytes counted for progress that turned out to be thrown away (a restart). */
  unprogressed(bytes) {
    this.bytesDone = Math.max(0, this.bytesDone - bytes);
  }
  usable(m) {
    return !m.bad && !m.exhausted;
  }
  /**
   * The first usable mirror in priority order, `prefer` (a redacted URL) first
   * when it is usable; a mirror that was too slow only when no other is left.
   */
  pick(prefer) {
    const preferred = prefer === void 0 ? void 0 : this.mirrors.find((m) => m.display === prefer);
    if (preferred && this.usable(preferred) && !preferred.demoted) return preferred;
    return this.mirrors.find((m) => this.usable(m) && !m.demoted) ?? this.mirrors.find((m) => this.usable(m));
  }
  noMirrorLeft() {
    return new PotionsError(NO_MIRROR, "no usable mirror left");
  }
  begin(mirror, segment, rangeStart, signal) {
    const controller = new AbortController();
    const attempt = {
      mirror,
      number: ++this.attempts,
      segment,
      rangeStart,
      started: this.clock(),
      bytes: 0,
      signal: AbortSignal.any([signal ?? this.signal, controller.signal]),
      cancelled: false,
      ended: false,
      cancel: () => {
        attempt.cancelled = true;
        controller.abort(new DownloadFault("aborted", "cancelled: another request won"));
      }
    };
    mirror.requests++;
    return attempt;
  }
  attemptEvent(a, outcome, fault) {
    a.ended = true;
    this.emit({
      type: "attempt",
      url: a.mirror.display,
      mirror: a.mirror.origin,
      attempt: a.number,
      segment: a.segment,
      rangeStart: a.rangeStart,
      status: a.status ?? fault?.status,
      bytes: a.bytes,
      durationMs: this.clock() - a.started,
      outcome,
      errorClass: fault?.errorClass,
      error: fault?.message
    });
  }
  succeed(a) {
    if (a.ended) return;
    a.mirror.retryableFailures = 0;
    this.breaker.success(a.mirror.url);
    this.attemptEvent(a, "ok");
  }
  /** The request lost a hedge race or is no longer needed. */
  cancelled(a, lostRace) {
    if (a.ended) return;
    if (lostRace) {
      a.mirror.slow = true;
      this.breaker.failure(a.mirror.url);
    }
    this.attemptEvent(a, "cancelled", new DownloadFault("aborted", "cancelled: another mirror answered first"));
  }
  /**
   * Account a failed request against its mirror; returns the classified fault
   * to throw. A failed write to the destination is returned as is: it is not
   * the mirror's fault, and no other mirror would do better.
   */
  fail(a, err) {
    if (isDestinationError(err)) {
      if (!a.ended) this.attemptEvent(a, "error", new DownloadFault("local", err.message));
      return err;
    }
    const fault = classifyError(err);
    if (a.ended) return fault;
    if (a.cancelled) {
      this.cancelled(a, true);
      return fault;
    }
    this.attemptEvent(a, "error", fault);
    if (fault.errorClass === "deadline" || fault.errorClass === "aborted") return fault;
    this.markFailed(a.mirror, fault);
    return fault;
  }
  markFailed(m, fault) {
    m.lastFault = fault;
    this.breaker.failure(m.url);
    if (fault.errorClass === "too-slow") m.demoted = true;
    if (fault.failover) {
      m.bad = true;
      return;
    }
    m.retryableFailures++;
    if (m.retryableFailures >= this.retryPolicy.attemptsPerMirror) m.exhausted = true;
    const wait = fault.retryAfterMs;
    if (wait !== void 0 && (wait > this.retryPolicy.maxRetryAfterMs || this.clock() + wait >= this.deadlineAt)) {
      m.exhausted = true;
    }
  }
  /**
   * Run `attempt` until it succeeds: errors that may get better are retried
   * on the same mirror with backoff (full jitter, Retry-After honoured), the
   * rest move to the next mirror at once. Stops at the deadline or when no
   * mirror is left.
   */
  async retryLoop(pick, attempt, signal = this.signal) {
    let current;
    return retry(
      async () => {
        current = pick();
        if (!current) throw this.noMirrorLeft();
        return attempt(current);
      },
      {
        attempts: Number.MAX_SAFE_INTEGER,
        deadline: this.deadlineAt,
        clock: this.clock,
        sleep: this.sleep,
        signal,
        shouldRetry: (err) => {
          if (!isDownloadFault(err)) return false;
          if (err.errorClass === "deadline" || err.errorClass === "aborted" || err.restart) return false;
          const next = pick();
          if (!next) return false;
          if (next !== current || !current) return { retry: true, afterMs: 0 };
          const backoff = backoffDelay(Math.max(0, current.retryableFailures - 1), {
            baseMs: this.retryPolicy.baseMs,
            maxMs: this.retryPolicy.maxMs,
            random: this.random
          });
          return { retry: true, afterMs: Math.max(backoff, err.retryAfterMs ?? 0) };
        },
        onRetry: ({ err, delayMs }) => {
          const next = pick();
          if (next && isDownloadFault(err)) {
            this.emit({ type: "retry", url: next.display, delayMs, errorClass: err.errorClass });
          }
        }
      }
    );
  }
  /**
   * Start `open` on `primary`; if it has not resolved within the hedge delay,
   * start it on the next usable mirror too. The first to resolve wins and the
   * other is cancelled; it rejects only when every started request failed.
   * `open` must account its own failures (via `fail`).
   */
  hedge(primary, begin, open) {
    return new Promise((resolve, reject) => {
      const running = [];
      let pending = 0;
      let winner = false;
      let firstError;
      let timer;
      const launch = (m) => {
        pending++;
        const a = begin(m);
        running.push(a);
        open(a).then(
          (value) => {
            pending--;
            if (winner) {
              this.cancelled(value.attempt, false);
              value.discard();
              return;
            }
            winner = true;
            clearTimeout(timer);
            for (const other of running) if (other !== a) other.cancel();
            resolve(value);
          },
          (err) => {
            pending--;
            firstError ??= err;
            if (!winner && pending === 0) {
              clearTimeout(timer);
              reject(firstError);
            }
          }
        );
      };
      const hedgeTo = this.hedgeDelayMs > 0 ? this.mirrors.find((m) => m !== primary && this.usable(m)) : void 0;
      launch(primary);
      if (hedgeTo) {
        timer = setTimeout(() => {
          if (winner || pending === 0 || !this.usable(hedgeTo)) return;
          this.emit({ type: "hedge", from: primary.display, to: hedgeTo.display });
          launch(hedgeTo);
        }, this.hedgeDelayMs);
      }
    });
  }
  report() {
    return this.urls.map((url) => {
      const m = this.mirrors.find((x) => x.url === url);
      const report = { url: redactUrl(url), attempts: m?.requests ?? 0 };
      if (m?.lastFault) {
        report.error = m.lastFault.message;
        report.errorClass = m.lastFault.errorClass;
        if (m.lastFault.status !== void 0) report.status = m.lastFault.status;
      } else if (m && m.requests > 0 && m.slow) {
        report.error = "slower than another mirror (cancelled)";
        report.errorClass = "aborted";
      }
      return report;
    });
  }
  /** The readable error a failed download throws. */
  toError(err) {
    const elapsedMs = this.clock() - this.started;
    const mirrors = this.report();
    if (typeof err === "object" && err !== null && err.userError === true) {
      if (err.code !== DownloadErrorCode.Failed) {
        this.emit({ type: "failed", attempts: this.attempts, durationMs: elapsedMs, mirrors });
        return err;
      }
    }
    const fault = isDownloadFault(err) ? err : void 0;
    let why;
    if (fault?.errorClass === "deadline" || this.clock() >= this.deadlineAt) {
      why = `the deadline of ${fmtSeconds(this.timeouts.deadlineMs)} passed`;
    } else if (fault?.errorClass === "aborted") {
      why = "it was cancelled";
    } else if (typeof err === "object" && err !== null && err.code === NO_MIRROR) {
      why = "every mirror failed";
    } else if (this.mirrors.some((m) => this.usable(m))) {
      why = "the next retry would pass the deadline";
    } else {
      why = "every mirror failed";
    }
    const lines = mirrors.map(
      (r) => r.attempts === 0 ? `  ${r.url}: not tried` : `  ${r.url}: ${r.error ?? "no error recorded"} (${r.attempts} request${r.attempts === 1 ? "" : "s"})`
    );
    const message = `could not download ${this.label}: ${why} after ${this.attempts} request${this.attempts === 1 ? "" : "s"} in ${fmtSeconds(elapsedMs)}; mirrors tried:
${lines.join("\n")}`;
    const integrity = mirrors.some((r) => r.errorClass === "integrity");
    const hint = integrity ? "a mirror served different bytes than the pinned size or checksum: check the pin, then the mirror" : "check the URLs; if the mirrors are only slow, allow more time (the deadline, the timeouts)";
    this.emit({ type: "failed", attempts: this.attempts, durationMs: elapsedMs, mirrors });
    return new DownloadError(message, { mirrors, attempts: this.attempts, elapsedMs, hint, cause: err });
  }
};
function fmtSeconds(ms) {
  return `${(ms / 1e3).toFixed(ms < 1e4 ? 1 : 0)} s`;
}
function isNoMirrorLeft(err) {
  return typeof err === "object" && err !== null && err.code === NO_MIRROR;
}

// packages/downloader/src/download-file.ts
var DEFAULT_SEGMENTS = 4;
var DEFAULT_MIN_SEGMENT_BYTES = 8 * 1024 * 1024;
async function downloadFile(options) {
  if (typeof options.dest !== "string" || options.dest === "") {
    throw new UserError(DownloadErrorCode.Options, "no destination file given", { location: { field: "dest" } });
  }
  const segments = options.segments ?? DEFAULT_SEGMENTS;
  const segmentsProblem = rangeProblem("segments", segments, DOWNLOAD_LIMITS.segments, { whole: true });
  if (segmentsProblem) throw new UserError(DownloadErrorCode.Options, segmentsProblem, { location: { field: "segments" } });
  const dest = path3.resolve(options.dest);
  const t = new Transfer(options, options.label ?? path3.basename(dest));
  const paths = partialPaths(dest);
  const settings = {
    dest,
    paths,
    segments,
    minSegmentBytes: Math.max(1, options.minSegmentBytes ?? DEFAULT_MIN_SEGMENT_BYTES),
    fsync: options.fsync ?? true
  };
  let created;
  try {
    created = await prepareDestination(dest);
  } catch (err) {
    t.close();
    throw err;
  }
  try {
    for (let round = 1; ; round++) {
      const saved = options.resume === false ? void 0 : await loadState(paths, t.digests, t.size);
      if (!saved) await removePartial(paths);
      const fh = await openPartial(paths.data, saved ? "r+" : "w+");
      const r = new FileRound(t, settings, fh, saved);
      try {
        const result = await r.run();
        t.emit({
          type: "done",
          url: result.url,
          bytes: result.bytes,
          resumedBytes: result.resumedBytes,
          attempts: result.attempts,
          segments: result.segments,
          durationMs: result.durationMs
        });
        t.close(`${formatBytes(result.bytes)} in ${fmtSeconds(result.durationMs)}`);
        return result;
      } catch (err) {
        await r.dispose();
        if (isDownloadFault(err) && err.restart && round <= t.urls.length && t.pick() && !t.signal.aborted) {
          await removePartial(paths);
          t.unprogressed(t.bytesDone);
          continue;
        }
        throw err;
      }
    }
  } catch (caught) {
    const err = osCodeOf(caught) ? destinationError(DownloadErrorCode.DestWrite, paths.data, `writing ${paths.data} failed`, caught) : caught;
    const restart = isDownloadFault(err) && err.restart;
    const saved = options.keepPartial !== false && !restart ? await loadState(paths, t.digests, t.size) : void 0;
    const resumable = saved !== void 0 && saved.segments.some((x) => x.written > 0);
    if (!resumable) {
      await removePartial(paths).catch(() => {
      });
      await removeFolders(created);
    }
    t.close();
    const out = t.toError(err);
    if (resumable && typeof out === "object" && out !== null) out.partial = paths.data;
    throw out;
  }
}
function incomplete(s) {
  return s.start + s.written < s.end;
}
var FileRound = class {
  constructor(t, s, fh, saved) {
    this.t = t;
    this.s = s;
    this.fh = fh;
    const pinnedEnd = t.size ?? Infinity;
    this.plan = saved ? { total: saved.total, segments: saved.segments } : { total: t.size, segments: [{ start: 0, end: pinnedEnd, written: 0 }] };
    this.fresh = !saved || saved.segments.every((x) => x.written === 0);
    this.resumedBytes = saved ? saved.segments.reduce((n, x) => n + x.written, 0) : 0;
    if (saved) {
      this.savedUrl = redactUrl(saved.url);
      const m = t.mirrors.find((x) => x.display === this.savedUrl);
      if (m && (saved.etag || saved.lastModified)) m.validator = { etag: saved.etag, lastModified: saved.lastModified };
      if (this.resumedBytes > 0) this.contributors.add(this.savedUrl);
    }
    const algorithms = [.../* @__PURE__ */ new Set(["sha256", ...t.digests.keys()])];
    this.hasher = new OrderedHasher(algorithms, fh, () => this.plan.segments);
    this.writer = new StateWriter(s.paths.state, () => this.snapshot(), t.clock);
    this.roundSignal = t.signal;
    if (this.resumedBytes > 0) t.progressed(this.resumedBytes, this.plan.total);
  }
  t;
  s;
  fh;
  plan;
  hasher;
  writer;
  contributors = /* @__PURE__ */ new Set();
  resumedBytes;
  savedUrl;
  fresh;
  primary;
  roundSignal;
  closed = false;
  /** Parallel connections used. */
  connections = 1;
  snapshot() {
    const m = this.primary ?? this.t.mirrors.find((x) => x.display === this.savedUrl);
    if (!m) return void 0;
    return {
      version: 1,
      // Redacted: credentials are not written to disk; the next run matches its mirrors by the same form.
      url: m.display,
      etag: m.validator?.etag,
      lastModified: m.validator?.lastModified,
      total: this.plan.total,
      digests: Object.fromEntries(this.t.digests),
      segments: this.plan.segments.map((x) => ({
        start: x.start,
        end: x.end === Infinity ? null : x.end,
        written: x.written
      }))
    };
  }
  /** After a failure: record how far each segment got (for the next run), then let go of the file. */
  async dispose() {
    await this.writer.flush();
    await this.writer.settle();
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => {
      });
    }
  }
  async run() {
    const t = this.t;
    const firstIdx = this.plan.segments.findIndex(incomplete);
    if (firstIdx >= 0) {
      const seg = this.plan.segments[firstIdx];
      const opened = await t.retryLoop(
        () => t.pick(this.savedUrl),
        async (m) => {
          const o = await t.hedge(
            m,
            (mm) => t.begin(mm, firstIdx, 0),
            (a) => this.open(a, seg)
          );
          this.apply(o, seg);
          return o;
        }
      );
      this.maybeSplit(opened);
      await this.writer.flush();
      await this.runSegments(firstIdx, opened);
    }
    return this.finish();
  }
  /**
   * `connections` workers take the incomplete segments in file order, so that
   * the contiguous prefix (and with it the hashing) advances at the combined
   * rate rather than one connection's.
   */
  async runSegments(firstIdx, opened) {
    const controller = new AbortController();
    this.roundSignal = AbortSignal.any([this.t.signal, controller.signal]);
    const queue = this.plan.segments.map((seg, idx) => ({ seg, idx })).filter((x) => incomplete(x.seg));
    const first = queue.findIndex((x) => x.idx === firstIdx);
    const [head] = first >= 0 ? queue.splice(first, 1) : [];
    this.connections = Math.max(1, Math.min(this.s.segments, queue.length + (head ? 1 : 0)));
    let firstError;
    const worker = async (w) => {
      let job = w === 0 && head ? { ...head, pre: opened } : void 0;
      if (w === 0 && !head) opened.discard();
      for (; ; ) {
        job ??= queue.length > 0 && !this.roundSignal.aborted ? { ...queue.shift(), pre: void 0 } : void 0;
        if (!job) return;
        await this.segment(job.seg, job.idx, w, job.pre);
        job = void 0;
      }
    };
    await Promise.allSettled(
      Array.from(
        { length: this.connections },
        (_, w) => worker(w).catch((err) => {
          if (firstError === void 0) {
            firstError = err;
            controller.abort(new DownloadFault("aborted", "another segment failed"));
          }
        })
      )
    );
    this.roundSignal = this.t.signal;
    if (firstError !== void 0) throw firstError;
  }
  async segment(seg, idx, worker, pre) {
    let preOpened = pre;
    if (!incomplete(seg)) {
      pre?.discard();
      return;
    }
    try {
      await this.t.retryLoop(
        () => {
          if (this.roundSignal.aborted) return void 0;
          return preOpened ? preOpened.attempt.mirror : this.pickFor(worker);
        },
        async (m) => {
          let o = preOpened;
          preOpened = void 0;
          if (!o) {
            o = await this.open(this.t.begin(m, idx, 0, this.roundSignal), seg);
            this.apply(o, seg);
          }
          await this.stream(o, seg);
        },
        this.roundSignal
      );
    } catch (err) {
      preOpened?.discard();
      if (isNoMirrorLeft(err) && this.plan.segments.length > 1 && this.t.pick() && !this.roundSignal.aborted) {
        throw new DownloadFault("protocol", "no mirror left that can serve the remaining segments", { restart: true });
      }
      throw err;
    }
  }
  /** Mirrors for connection `idx`: spread over the usable ones only when a pinned digest guards the stitching. */
  pickFor(idx) {
    const t = this.t;
    const usable = t.mirrors.filter((m) => t.usable(m));
    const single = this.plan.segments.length === 1;
    const spread = single || t.digests.size > 0 && !t.noSpread;
    const safe = spread ? usable : usable.filter((m) => m === this.primary);
    let candidates = safe.filter((m) => !m.slow);
    if (candidates.length === 0) candidates = safe;
    if (this.primary && candidates.includes(this.primary)) {
      candidates = [this.primary, ...candidates.filter((m) => m !== this.primary)];
    }
    return candidates[idx % Math.max(1, candidates.length)];
  }
  /** The request for the rest of `seg` on `m`: a Range, guarded by If-Range when resuming. */
  requestFor(m, seg) {
    const headers = { ...this.t.headers };
    let pos = seg.start + seg.written;
    if (pos > 0) {
      const v = m.validator;
      const ifRange = v?.etag ?? v?.lastModified;
      if (ifRange) headers["if-range"] = ifRange;
      else if (this.t.digests.size === 0 && this.plan.segments.length === 1) pos = 0;
    }
    if (pos > 0 || seg.end !== Infinity || this.plan.segments.length === 1) {
      headers.range = `bytes=${pos}-${seg.end === Infinity ? "" : seg.end - 1}`;
    }
    return { pos, headers };
  }
  async open(a, seg) {
    const t = this.t;
    const { pos, headers } = this.requestFor(a.mirror, seg);
    a.rangeStart = pos;
    try {
      const res = await openUrl({
        url: a.mirror.url,
        headers,
        connectMs: t.timeouts.connectMs,
        firstByteMs: t.timeouts.firstByteMs,
        maxRedirects: t.maxRedirects,
        signal: a.signal
      });
      a.status = res.status;
      try {
        const info = this.interpret(a, res, pos);
        return { attempt: a, res, info, discard: () => res.body.destroy() };
      } catch (err) {
        res.body.destroy();
        throw err;
      }
    } catch (err) {
      throw t.fail(a, err);
    }
  }
  /** Check a response's status, range and size before a byte of it is written. */
  interpret(a, res, pos) {
    const t = this.t;
    let start;
    let total;
    if (res.status === 206) {
      const raw = String(res.headers["content-range"] ?? "");
      const cr = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(raw.trim());
      if (!cr) throw new DownloadFault("protocol", `206 with an invalid Content-Range "${raw}"`, { status: 206 });
      start = Number(cr[1]);
      total = cr[3] === "*" ? void 0 : Number(cr[3]);
      if (start !== pos || Number(cr[2]) < start) {
        throw new DownloadFault("protocol", `asked for bytes from ${pos}, got Content-Range "${raw}"`, {
          status: 206
        });
      }
    } else if (res.status === 200) {
      if (pos > 0 && this.plan.segments.length > 1) {
        throw new DownloadFault("protocol", "the server ignored the Range request (200 instead of 206)", {
          status: 200
        });
      }
      start = 0;
      const cl = res.headers["content-length"];
      total = cl !== void 0 && /^\d+$/.test(cl) ? Number(cl) : void 0;
    } else {
      throw statusFault(res.status, res.statusText, parseRetryAfter(res.headers["retry-after"], t.now));
    }
    if (t.size !== void 0 && total !== void 0 && total !== t.size) {
      throw new DownloadFault("integrity", `the mirror has ${total} bytes, the pinned size is ${t.size}`, {
        status: res.status
      });
    }
    const etag = res.headers.etag && !res.headers.etag.startsWith("W/") ? res.headers.etag : void 0;
    const lastModified = res.headers["last-modified"];
    const known = a.mirror.validator?.etag;
    if (res.status === 206 && pos > 0 && known && etag && etag !== known) {
      throw new DownloadFault("protocol", `the file changed on the mirror (ETag ${known} became ${etag})`, {
        status: 206,
        restart: true
      });
    }
    return { status: res.status, start, total, validator: etag || lastModified ? { etag, lastModified } : void 0 };
  }
  /** Take a checked response into the plan (after it won any hedge race). */
  apply(o, seg) {
    const { info, attempt: a } = o;
    try {
      const single = this.plan.segments.length === 1;
      if (info.start !== seg.start + seg.written) {
        if (!(single && info.start === 0)) {
          throw new DownloadFault("protocol", `the answer starts at byte ${info.start}, not where the data ends`);
        }
        this.t.unprogressed(seg.written);
        seg.written = 0;
        this.hasher.reset();
        this.contributors.clear();
        if (info.total !== void 0) this.plan.total = info.total;
      }
      if (info.total !== void 0) {
        if (this.plan.total === void 0) this.plan.total = info.total;
        else if (this.plan.total !== info.total) {
          throw new DownloadFault(
            "protocol",
            `the mirror reports ${info.total} bytes, earlier answers said ${this.plan.total}`,
            { restart: true }
          );
        }
      }
      const last = this.plan.segments[this.plan.segments.length - 1];
      if (this.plan.total !== void 0 && last.end === Infinity) last.end = this.plan.total;
      if (info.validator) a.mirror.validator = info.validator;
      this.primary ??= a.mirror;
    } catch (err) {
      o.discard();
      throw this.t.fail(a, err);
    }
  }
  /** A fresh download from a mirror that answers ranges becomes parallel segments. */
  maybeSplit(o) {
    const total = this.plan.total;
    const segs = this.plan.segments;
    if (!this.fresh || segs.length !== 1 || o.info.status !== 206 || total === void 0) return;
    if (segs[0].written !== 0) return;
    if (!o.attempt.mirror.validator && this.t.digests.size === 0) return;
    const n = Math.min(this.s.segments, Math.floor(total / this.s.minSegmentBytes));
    if (n < 2) return;
    const size = Math.ceil(total / (n * 4));
    const next = [];
    for (let start = 0; start < total; start += size) {
      next.push({ start, end: Math.min(total, start + size), written: 0 });
    }
    this.plan.segments = next;
  }
  /** Write the body into `seg` at its offset, hashing on the way. */
  async stream(o, seg) {
    const { attempt: a, res } = o;
    const t = this.t;
    try {
      await readBody(res.body, t.timeouts.idleMs, a.signal, async (chunk) => {
        const pos = seg.start + seg.written;
        const room = seg.end - pos;
        let buf = chunk;
        if (buf.length > room) {
          if (seg.end === this.plan.total || seg.end === t.size) {
            throw new DownloadFault("integrity", `the mirror sent more than the expected ${seg.end} bytes`, {
              restart: true
            });
          }
          buf = buf.subarray(0, room);
        }
        try {
          await this.fh.write(buf, 0, buf.length, pos);
        } catch (err) {
          throw destinationError(DownloadErrorCode.DestWrite, this.s.paths.data, `writing ${this.s.paths.data} failed`, err);
        }
        seg.written += buf.length;
        a.bytes += buf.length;
        this.contributors.add(a.mirror.display);
        this.hasher.written(pos, buf);
        t.progressed(buf.length, this.plan.total);
        this.writer.touch();
        return !incomplete(seg);
      }, t.lowSpeed);
      if (incomplete(seg)) {
        if (seg.end === Infinity) {
          seg.end = seg.start + seg.written;
          this.plan.total = seg.end;
        } else {
          throw new DownloadFault(
            "connection",
            `the body ended at byte ${seg.start + seg.written}, expected ${seg.end}`
          );
        }
      }
      t.succeed(a);
    } catch (err) {
      this.writer.touch();
      throw t.fail(a, err);
    }
  }
  async finish() {
    const t = this.t;
    const last = this.plan.segments[this.plan.segments.length - 1];
    const total = this.plan.total ?? last.start + last.written;
    const digests = await this.hasher.finish(total);
    if (t.size !== void 0 && total !== t.size) {
      throw this.mismatch(new DownloadFault("integrity", `got ${total} bytes, the pinned size is ${t.size}`, { restart: true }));
    }
    for (const [alg, want] of t.digests) {
      const got = digests.get(alg);
      if (got !== want) {
        throw this.mismatch(
          new DownloadFault("integrity", `${alg} mismatch: expected ${want}, got ${got}`, { restart: true })
        );
      }
    }
    await this.writer.settle();
    await this.fh.truncate(total);
    if (this.s.fsync) await this.fh.datasync();
    this.closed = true;
    await this.fh.close();
    try {
      await fs3.rename(this.s.paths.data, this.s.dest);
    } catch (err) {
      throw destinationError(DownloadErrorCode.DestWrite, this.s.dest, `moving the verified file to ${this.s.dest} failed`, err);
    }
    await fs3.rm(this.s.paths.state, { force: true });
    const sha256 = digests.get("sha256");
    return {
      file: this.s.dest,
      bytes: total,
      sha256,
      digests: Object.fromEntries(digests),
      url: this.primary?.display ?? this.savedUrl ?? redactUrl(t.urls[0]),
      sources: [...this.contributors],
      attempts: t.attempts,
      durationMs: t.clock() - t.started,
      resumedBytes: this.resumedBytes,
      segments: this.connections
    };
  }
  /** A verified mismatch: the one mirror that supplied the bytes is bad for this artifact. */
  mismatch(fault) {
    const sources = this.t.mirrors.filter((m) => this.contributors.has(m.display));
    if (sources.length === 1) this.t.markFailed(sources[0], fault);
    else {
      this.t.noSpread = true;
      for (const m of sources) m.lastFault = fault;
    }
    return fault;
  }
};

export {
  DownloadErrorCode,
  DownloadFault,
  statusFault,
  DownloadError,
  openUrl,
  readBody,
  DOWNLOAD_LIMITS,
  Transfer,
  downloadFile
};
