import type { Command } from 'commander';
import { ConsoleReporter, UserError, hasCode, isUserError, withHint } from '@potions/core';
import { DOWNLOAD_LIMITS, DownloadErrorCode, downloadFile } from '@potions/downloader';
import type { DownloadOptions, MirrorReport, NumberRange } from '@potions/downloader';
import { USAGE_ERROR, positiveInt, positiveNumber, wholeNumber } from '../options';
import { jsonReported, printJson } from '../output';

interface DownloadCommandOptions {
  out: string;
  sha256?: string;
  sha512?: string;
  size?: number;
  segments?: number;
  /** Seconds, as given on the command line (the downloader takes milliseconds). */
  timeoutConnect?: number;
  timeoutFirstByte?: number;
  timeoutIdle?: number;
  deadline?: number;
  hedgeDelay?: number;
  keepPartial: boolean;
  json?: boolean;
}

/** Seconds from the command line as the downloader's milliseconds. */
const ms = (seconds: number | undefined): number | undefined => (seconds === undefined ? undefined : Math.round(seconds * 1000));

/** A parser that also refuses a well-formed value outside `range`, before anything is written. */
function within(parse: (value: string) => number, flag: string, range: NumberRange, unit = ''): (value: string) => number {
  return (value) => {
    const n = parse(value);
    if (n < range.min || n > range.max) {
      throw new UserError(USAGE_ERROR, `${flag} must be from ${range.min} to ${range.max}${unit}, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** Seconds, within the downloader's range for `limit` (in ms). */
function seconds(flag: string, limit: NumberRange): (value: string) => number {
  const inSeconds = { min: Math.max(limit.min, 1) / 1000, max: limit.max / 1000 };
  return within(positiveNumber(flag, 'seconds'), flag, inSeconds, ' seconds');
}

/** The library's hint, with the flags of this command that act on it. */
function commandHint(err: unknown): unknown {
  if (!isUserError(err)) return err;
  if (hasCode(err, DownloadErrorCode.Failed)) {
    const mirrors = (err as { mirrors?: MirrorReport[] }).mirrors ?? [];
    return mirrors.some((m) => m.errorClass === 'integrity')
      ? withHint(err, `${err.hint ?? ''} (--sha256, --sha512, --size)`.trim())
      : withHint(err, 'check the URLs; if the mirrors are only slow, allow more time with --deadline, --timeout-connect, --timeout-first-byte or --timeout-idle');
  }
  if ([DownloadErrorCode.DestIsDir, DownloadErrorCode.DestUnwritable, DownloadErrorCode.DestWrite].some((c) => hasCode(err, c))) {
    return withHint(err, `${err.hint ?? 'choose another destination'} (--out)`);
  }
  return err;
}

export function registerDownloadCommand(program: Command): void {
  program
    .command('download')
    .description('Download one file from its mirrors (in priority order): retries, failover, resume, segments, verification')
    .argument('<url...>', 'mirror URLs of the same file, best first')
    .requiredOption('--out <file>', 'where the verified file goes (nothing is written there unless it verifies)')
    .option('--sha256 <hex>', 'pinned SHA-256 of the file')
    .option('--sha512 <hex>', 'pinned SHA-512 of the file')
    .option('--size <bytes>', 'pinned size of the file', wholeNumber('--size'))
    .option('--segments <n>', `parallel range requests for large files (1 disables, at most ${DOWNLOAD_LIMITS.segments.max})`, within(positiveInt('--segments'), '--segments', DOWNLOAD_LIMITS.segments))
    .option('--timeout-connect <s>', `seconds to connect (at most ${DOWNLOAD_LIMITS.connectMs.max / 1000})`, seconds('--timeout-connect', DOWNLOAD_LIMITS.connectMs))
    .option('--timeout-first-byte <s>', `seconds from request to response headers (at most ${DOWNLOAD_LIMITS.firstByteMs.max / 1000})`, seconds('--timeout-first-byte', DOWNLOAD_LIMITS.firstByteMs))
    .option('--timeout-idle <s>', `seconds without a byte mid-body before the body counts as stalled (at most ${DOWNLOAD_LIMITS.idleMs.max / 1000})`, seconds('--timeout-idle', DOWNLOAD_LIMITS.idleMs))
    .option('--deadline <s>', `seconds for the whole download, retries included (at most ${DOWNLOAD_LIMITS.deadlineMs.max / 1000})`, seconds('--deadline', DOWNLOAD_LIMITS.deadlineMs))
    .option('--hedge-delay <s>', `seconds before the next mirror is tried alongside a silent first one (at most ${DOWNLOAD_LIMITS.hedgeDelayMs.max / 1000})`, seconds('--hedge-delay', DOWNLOAD_LIMITS.hedgeDelayMs))
    .option('--no-keep-partial', 'on failure, delete the partial data instead of keeping it (hidden, beside --out) for a resume')
    .option('--json', 'print { ok, file, sha256, bytes, mirror, attempts, seconds } on stdout')
    .action(async (urls: string[], opts: DownloadCommandOptions) => {
      const options: DownloadOptions = {
        urls,
        dest: opts.out,
        sha256: opts.sha256,
        digests: opts.sha512 ? { sha512: opts.sha512 } : undefined,
        size: opts.size,
        segments: opts.segments,
        timeouts: {
          connectMs: ms(opts.timeoutConnect),
          firstByteMs: ms(opts.timeoutFirstByte),
          idleMs: ms(opts.timeoutIdle),
          deadlineMs: ms(opts.deadline),
        },
        hedgeDelayMs: ms(opts.hedgeDelay),
        keepPartial: opts.keepPartial,
        reporter: new ConsoleReporter(),
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
          seconds: Math.round(r.durationMs) / 1000,
        };
        if (opts.json) printJson(summary);
        else process.stderr.write(`${r.file}: ${r.bytes} bytes, sha256 ${r.sha256}, from ${r.url}\n`);
      } catch (caught) {
        const err = commandHint(caught);
        const e = err as { message?: string; code?: unknown; hint?: unknown; mirrors?: unknown; partial?: unknown };
        const partial = typeof e.partial === 'string' ? e.partial : null;
        if (partial) {
          process.stderr.write(
            `partial data kept for resume: ${partial}; run the same command again to resume, or --no-keep-partial\n`,
          );
        }
        if (opts.json) {
          printJson({
            ok: false,
            error: e.message ?? String(err),
            code: typeof e.code === 'string' && isUserError(err) ? e.code : 'E_INTERNAL',
            hint: typeof e.hint === 'string' ? e.hint : undefined,
            mirrors: Array.isArray(e.mirrors) ? e.mirrors : [],
            partial,
          });
          jsonReported(err);
        }
        // main prints the message on stderr and picks the exit code (1 for a failed download).
        throw err;
      }
    });
}
