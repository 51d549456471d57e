import type { Command } from 'commander';
import { ConsoleReporter, UserError, isUserError } from '@potions/core';
import { downloadFile } from '@potions/downloader';
import type { DownloadOptions } from '@potions/downloader';
import { jsonReported, printJson } from '../output';

interface DownloadCommandOptions {
  out: string;
  sha256?: string;
  sha512?: string;
  size?: string;
  segments?: string;
  timeoutConnect?: string;
  timeoutFirstByte?: string;
  timeoutIdle?: string;
  deadline?: string;
  hedgeDelay?: string;
  keepPartial: boolean;
  json?: boolean;
}

function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0)) {
    throw new UserError('E_USAGE', `${flag} must be a positive number of seconds, got "${value}"`);
  }
  return Math.round(n * 1000);
}

function whole(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new UserError('E_USAGE', `${flag} must be a whole number of at least ${min}, got "${value}"`);
  }
  return Number(value);
}

export function registerDownloadCommand(program: Command): void {
  program
    .command('download')
    .description('Download one file from its mirrors (in priority order): retries, failover, resume, segments, verification')
    .argument('<url...>', 'mirror URLs of the same file, best first')
    .requiredOption('--out <file>', 'where the verified file goes (nothing is written there unless it verifies)')
    .option('--sha256 <hex>', 'pinned SHA-256 of the file')
    .option('--sha512 <hex>', 'pinned SHA-512 of the file')
    .option('--size <bytes>', 'pinned size of the file')
    .option('--segments <n>', 'parallel range requests for large files (1 disables)')
    .option('--timeout-connect <s>', 'seconds to connect')
    .option('--timeout-first-byte <s>', 'seconds from request to response headers')
    .option('--timeout-idle <s>', 'seconds without a byte mid-body before the body counts as stalled')
    .option('--deadline <s>', 'seconds for the whole download, retries included')
    .option('--hedge-delay <s>', 'seconds before the next mirror is tried alongside a silent first one')
    .option('--no-keep-partial', 'on failure, delete the partial data instead of keeping it (hidden, beside --out) for a resume')
    .option('--json', 'print { ok, file, sha256, bytes, mirror, attempts, seconds } on stdout')
    .action(async (urls: string[], opts: DownloadCommandOptions) => {
      const options: DownloadOptions = {
        urls,
        dest: opts.out,
        sha256: opts.sha256,
        digests: opts.sha512 ? { sha512: opts.sha512 } : undefined,
        size: whole('--size', opts.size, 0),
        segments: whole('--segments', opts.segments, 1),
        timeouts: {
          connectMs: seconds('--timeout-connect', opts.timeoutConnect),
          firstByteMs: seconds('--timeout-first-byte', opts.timeoutFirstByte),
          idleMs: seconds('--timeout-idle', opts.timeoutIdle),
          deadlineMs: seconds('--deadline', opts.deadline),
        },
        hedgeDelayMs: seconds('--hedge-delay', opts.hedgeDelay),
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
