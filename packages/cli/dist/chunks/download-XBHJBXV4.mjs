import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  DOWNLOAD_LIMITS,
  DownloadErrorCode,
  downloadFile
} from "./chunk-2WPBWRMN.mjs";
import "./chunk-QHOKOGRP.mjs";
import "./chunk-L5QZX5WR.mjs";
import "./chunk-DWDGEZWY.mjs";
import {
  USAGE_ERROR,
  positiveInt,
  positiveNumber,
  wholeNumber
} from "./chunk-AFBQJMGN.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-FLLDZBEK.mjs";
import {
  ConsoleReporter,
  UserError,
  hasCode,
  isUserError,
  jsonReported,
  printJson,
  withHint
} from "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";

// packages/cli/src/commands/download.ts
var ms = (seconds2) => seconds2 === void 0 ? void 0 : Math.round(seconds2 * 1e3);
function within(parse, flag, range, unit = "") {
  return (value) => {
    const n = parse(value);
    if (n < range.min || n > range.max) {
      throw new UserError(USAGE_ERROR, `${flag} must be from ${range.min} to ${range.max}${unit}, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}
function seconds(flag, limit) {
  const inSeconds = { min: Math.max(limit.min, 1) / 1e3, max: limit.max / 1e3 };
  return within(positiveNumber(flag, "seconds"), flag, inSeconds, " seconds");
}
function commandHint(err) {
  if (!isUserError(err)) return err;
  if (hasCode(err, DownloadErrorCode.Failed)) {
    const mirrors = err.mirrors ?? [];
    return mirrors.some((m) => m.errorClass === "integrity") ? withHint(err, `${err.hint ?? ""} (--sha256, --sha512, --size)`.trim()) : withHint(err, "check the URLs; if the mirrors are only slow, allow more time with --deadline, --timeout-connect, --timeout-first-byte or --timeout-idle");
  }
  if ([DownloadErrorCode.DestIsDir, DownloadErrorCode.DestUnwritable, DownloadErrorCode.DestWrite].some((c) => hasCode(err, c))) {
    return withHint(err, `${err.hint ?? "choose another destination"} (--out)`);
  }
  return err;
}
function registerDownloadCommand(program) {
  program.command("download").description("Download one file from its mirrors (in priority order): retries, failover, resume, segments, verification").argument("<url...>", "mirror URLs of the same file, best first").requiredOption("--out <file>", "where the verified file goes (nothing is written there unless it verifies)").option("--sha256 <hex>", "pinned SHA-256 of the file").option("--sha512 <hex>", "pinned SHA-512 of the file").option("--size <bytes>", "pinned size of the file", wholeNumber("--size")).option("--segments <n>", `parallel range requests for large files (1 disables, at most ${DOWNLOAD_LIMITS.segments.max})`, within(positiveInt("--segments"), "--segments", DOWNLOAD_LIMITS.segments)).option("--timeout-connect <s>", `seconds to connect (at most ${DOWNLOAD_LIMITS.connectMs.max / 1e3})`, seconds("--timeout-connect", DOWNLOAD_LIMITS.connectMs)).option("--timeout-first-byte <s>", `seconds from request to response headers (at most ${DOWNLOAD_LIMITS.firstByteMs.max / 1e3})`, seconds("--timeout-first-byte", DOWNLOAD_LIMITS.firstByteMs)).option("--timeout-idle <s>", `seconds without a byte mid-body before the body counts as stalled (at most ${DOWNLOAD_LIMITS.idleMs.max / 1e3})`, seconds("--timeout-idle", DOWNLOAD_LIMITS.idleMs)).option("--deadline <s>", `seconds for the whole download, retries included (at most ${DOWNLOAD_LIMITS.deadlineMs.max / 1e3})`, seconds("--deadline", DOWNLOAD_LIMITS.deadlineMs)).option("--hedge-delay <s>", `seconds before the next mirror is tried alongside a silent first one (at most ${DOWNLOAD_LIMITS.hedgeDelayMs.max / 1e3})`, seconds("--hedge-delay", DOWNLOAD_LIMITS.hedgeDelayMs)).option("--no-keep-partial", "on failure, delete the partial data instead of keeping it (hidden, beside --out) for a resume").option("--json", "print { ok, file, sha256, bytes, mirror, attempts, seconds } on stdout").action(async (urls, opts) => {
    const options = {
      urls,
      dest: opts.out,
      sha256: opts.sha256,
      digests: opts.sha512 ? { sha512: opts.sha512 } : void 0,
      size: opts.size,
      segments: opts.segments,
      timeouts: {
        connectMs: ms(opts.timeoutConnect),
        firstByteMs: ms(opts.timeoutFirstByte),
        idleMs: ms(opts.timeoutIdle),
        deadlineMs: ms(opts.deadline)
      },
      hedgeDelayMs: ms(opts.hedgeDelay),
      keepPartial: opts.keepPartial,
      reporter: new ConsoleReporter()
    };
    try {
      const r = await downloadFile(options);
      const summary = {
        ok: true,
        file: r.file,
        sha256: r.sha256,
        bytes: r.bytes,
        mirror: r.url,
        attempts: r.attempts,
        seconds: Math.round(r.durationMs) / 1e3
      };
      if (opts.json) printJson(summary);
      else process.stderr.write(`${r.file}: ${r.bytes} bytes, sha256 ${r.sha256}, from ${r.url}
`);
    } catch (caught) {
      const err = commandHint(caught);
      const e = err;
      const partial = typeof e.partial === "string" ? e.partial : null;
      if (partial) {
        process.stderr.write(
          `partial data kept for resume: ${partial}; run the same command again to resume, or --no-keep-partial
`
        );
      }
      if (opts.json) {
        printJson({
          ok: false,
          error: e.message ?? String(err),
          code: typeof e.code === "string" && isUserError(err) ? e.code : "E_INTERNAL",
          hint: typeof e.hint === "string" ? e.hint : void 0,
          mirrors: Array.isArray(e.mirrors) ? e.mirrors : [],
          partial
        });
        jsonReported(err);
      }
      throw err;
    }
  });
}
export {
  registerDownloadCommand
};
