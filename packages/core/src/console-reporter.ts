import { monotonicClock, type MonotonicClock } from './monotonic-clock';
import type { Progress, ProgressUnit, Reporter } from './reporter';
import { formatBytes } from './reporter';

export interface ConsoleReporterOptions {
  /** Where human output goes; stderr by default so that `--json` keeps stdout clean. */
  stream?: NodeJS.WriteStream;
  verbose?: boolean;
  /** Seconds between progress lines when the stream is not a TTY. */
  lineInterval?: number;
  /** Elapsed time, for rates and the line interval; default `monotonicClock`. */
  clock?: MonotonicClock;
}

/**
 * Control characters that would act on a terminal rather than show: C0 but
 * newline and tab (a carriage return can overwrite a line, ESC starts a
 * sequence that recolours, moves the cursor, sets the title or writes the
 * clipboard), DEL and C1 (U+009B is a one-character CSI), and the Unicode
 * controls that reorder or break lines (bidi overrides and isolates, U+2028/9).
 */
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from outside (file names, server messages, a sync-result file) made
 * safe for a terminal: every control character but newline and tab written
 * as a visible `\uXXXX` escape, so a crafted name cannot drive the terminal.
 */
export function escapeControlChars(text: string): string {
  return text.replace(TERMINAL_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The terminal: a redrawn bar on a TTY, a line every few seconds elsewhere.
 * Everything it is given is escaped (`escapeControlChars`) and masked; only
 * the bar's own carriage return and erase-line sequence reach the terminal raw.
 */
export class ConsoleReporter implements Reporter {
  private readonly stream: NodeJS.WriteStream;
  private readonly verbose: boolean;
  private readonly lineInterval: number;
  private readonly clock: MonotonicClock;
  private readonly secrets = new Set<string>();

  constructor(options: ConsoleReporterOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.verbose = options.verbose ?? false;
    this.lineInterval = (options.lineInterval ?? 5) * 1000;
    this.clock = options.clock ?? monotonicClock;
  }

  private mask(message: string): string {
    let out = message;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  /** Masked first (a secret is matched as it was given), then escaped. */
  private safe(text: string): string {
    return escapeControlChars(this.mask(text));
  }

  private write(line: string): void {
    this.stream.write(`${this.safe(line)}\n`);
  }

  debug(message: string): void {
    if (this.verbose) this.write(`debug: ${message}`);
  }
  info(message: string): void {
    this.write(message);
  }
  warn(message: string, where?: { file?: string; line?: number }): void {
    const loc = where?.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
    this.write(`warning: ${loc}${message}`);
  }
  error(message: string, where?: { file?: string; line?: number }): void {
    const loc = where?.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
    this.write(`error: ${loc}${message}`);
  }
  secret(value: string): void {
    if (value) this.secrets.add(value);
  }

  progress(label: string, total?: number, unit: ProgressUnit = 'bytes'): Progress {
    const tty = this.stream.isTTY === true;
    const started = this.clock();
    let last = 0;
    // In a log, the first line comes one interval after the start, then one per interval.
    let lastLine = started;
    let finished = false;
    const render = (done: number, t?: number): string => {
      if (unit === 'lines') return `${label}: ${done} lines of output`;
      const elapsed = Math.max((this.clock() - started) / 1000, 0.001);
      const rate = `${formatBytes(done / elapsed)}/s`;
      if (t && t > 0) {
        const pct = Math.min(100, (done / t) * 100);
        const width = 24;
        const filled = Math.round((pct / 100) * width);
        const bar = tty ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
        return `${label} ${bar}${pct.toFixed(0)}% ${formatBytes(done)}/${formatBytes(t)} ${rate}`;
      }
      return `${label} ${formatBytes(done)} ${rate}`;
    };
    return {
      update: (done, t = total) => {
        if (finished) return;
        const now = this.clock();
        if (tty) {
          if (now - last < 100) return;
          last = now;
          this.stream.write(`\r${this.safe(render(done, t))}\x1b[K`);
        } else if (now - lastLine >= this.lineInterval) {
          lastLine = now;
          this.write(render(done, t));
        }
      },
      done: (message) => {
        if (finished) return;
        finished = true;
        if (tty) this.stream.write('\r\x1b[K');
        if (message) this.write(`${label} ${message}`);
      },
    };
  }
}
