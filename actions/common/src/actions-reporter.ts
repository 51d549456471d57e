import * as core from '@actions/core';
import type { Progress, ProgressUnit, Reporter } from '@potions/core';
import { formatBytes } from '@potions/core';

/**
 * The `Reporter` of every action: log lines through @actions/core, warnings and
 * errors as annotations, secrets masked with `setSecret`, and progress as a line
 * every few seconds (Actions logs are not a TTY).
 */
export class ActionsReporter implements Reporter {
  constructor(private readonly lineIntervalMs = 5000, private readonly now: () => number = Date.now) {}

  debug(message: string): void {
    core.debug(message);
  }
  info(message: string): void {
    core.info(message);
  }
  warn(message: string, where?: { file?: string; line?: number; title?: string }): void {
    core.warning(message, { file: where?.file, startLine: where?.line, title: where?.title });
  }
  error(message: string, where?: { file?: string; line?: number; title?: string }): void {
    core.error(message, { file: where?.file, startLine: where?.line, title: where?.title });
  }
  secret(value: string): void {
    if (value) core.setSecret(value);
  }
  progress(label: string, total?: number, unit: ProgressUnit = 'bytes'): Progress {
    let last = this.now();
    let finished = false;
    return {
      update: (done, t = total) => {
        const now = this.now();
        if (finished || now - last < this.lineIntervalMs) return;
        last = now;
        if (unit === 'lines') core.info(`${label}: ${done} lines of output`);
        else core.info(t ? `${label}: ${formatBytes(done)} of ${formatBytes(t)} (${Math.floor((done / t) * 100)}%)` : `${label}: ${formatBytes(done)}`);
      },
      done: (message) => {
        if (finished) return;
        finished = true;
        if (message) core.info(`${label}: ${message}`);
      },
    };
  }
}
