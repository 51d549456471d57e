import type { Command } from 'commander';
import { ConsoleReporter, isUserError } from '@potions/core';
import { downloadFile } from '@potions/downloader';
import type { DownloadOptions } from '@potions/downloader';
import { positiveInt, positiveNumber, wholeNumber } from '../options';
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

export function registerDownloadCommand(program: Command): void {
  program
    .command('download')
    .description('Download one file from its mirrors (in priority order): retries, failover, resume, segments, verification')
    .argument('<url...>', 'mirror URLs of the same file, best first')
    .requiredOption('--out <file>', 'where the verified file goes (nothing is written there unless it verifies)')
    .option('--sha256 <hex>', 'pinned SHA-256 of the file')
    .option('--sha512 <hex>', 'pinned SHA-512 of the file')
    .option('--size <bytes>', 'pinned size of the file', wholeNumber('--size'))
    .option('--segments <n>', 'parallel range requests for large files (1 disables)', positiveInt('--segments'))
    .option('--timeout-connect <s>', 'seconds to connect', positiveNumber('--timeout-connect', 'seconds'))
    .option('--timeout-first-byte <s>', 'seconds from request to response headers', positiveNumber('--timeout-first-byte', 'seconds'))
    .option('--timeout-idle <s>', 'seconds without a byte mid-body before the body counts as stalled', positiveNumber('--timeout-idle', 'seconds'))
    .option('--deadline <s>', 'seconds for the whole download, retries included', positiveNumber('--deadline', 'seconds'))
    .option('--hedge-delay <s>', 'seconds before the next mirror is tried alongside a silent first one', positiveNumber('--hedge-delay', 'seconds'))
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
      } catch (err) {
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
