/**
 * How packages talk to the person running them. Packages never import
 * `@actions/core`: the actions adapt this interface to it, the CLI to the
 * terminal, and tests to a recorder.
 */
export interface Progress {
  /** Total is optional: unknown sizes show a byte counter instead of a bar. */
  update(done: number, total?: number): void;
  done(message?: string): void;
}

export type ProgressUnit = 'bytes' | 'lines';

export interface Reporter {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string, where?: { file?: string; line?: number; title?: string }): void;
  error(message: string, where?: { file?: string; line?: number; title?: string }): void;
  /** Mark a value as secret so that no log shows it. */
  secret(value: string): void;
  /**
   * A long-running step: a bar on a TTY, a line every few seconds in CI logs.
   * `unit` says what `done` counts: bytes (shown with a rate) or output lines.
   */
  progress(label: string, total?: number, unit?: ProgressUnit): Progress;
}

const noProgress: Progress = { update() {}, done() {} };

export const silentReporter: Reporter = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  secret() {},
  progress: () => noProgress,
};

/** A reporter that keeps everything it is told, for tests and summaries. */
export class RecordingReporter implements Reporter {
  readonly lines: { level: 'debug' | 'info' | 'warn' | 'error'; message: string }[] = [];
  readonly secrets: string[] = [];
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  secret(value: string): void {
    this.secrets.push(value);
  }
  progress(): Progress {
    return noProgress;
  }
  text(): string {
    return this.lines.map((l) => `${l.level}: ${l.message}`).join('\n');
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
