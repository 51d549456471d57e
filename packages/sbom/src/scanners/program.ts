/**
 * Running a scanner program (grype, trivy) through `@potions/core`'s `Exec`:
 * found on the PATH given, its JSON report written to a file of its own
 * (stdout and stderr come mixed through `Exec`), read back and removed.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError, captureOutput, errorMessage, type Exec } from '@potions/core';
import { SbomErrorCode } from '../errors';

/** The absolute path of an executable `name` on `env.PATH`, or undefined. */
export async function findProgram(name: string, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      const st = await fs.stat(candidate);
      if (!st.isFile()) continue;
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The version a program prints (`grype version`, `trivy --version`), or undefined. */
export async function programVersion(exec: Exec, argv: string[], env: Record<string, string>): Promise<string | undefined> {
  const out = await captureOutput(exec, argv, env, os.tmpdir());
  return out ? /(\d+\.\d+\.\d+[\w.-]*)/.exec(out)?.[1] : undefined;
}

export interface RunReportOptions {
  exec: Exec;
  env: Record<string, string>;
  /** The program and its arguments; `{report}` is replaced by the report file's path. */
  argv: string[];
  /** What to call it in messages. */
  what: string;
  /** How long it may take (a first run downloads its vulnerability database). */
  timeoutMs: number;
}

/** Run the program and return its JSON report; a failure names the program and ends with its last output. */
export async function runForJsonReport(options: RunReportOptions): Promise<unknown> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-scan-'));
  const report = path.join(dir, 'report.json');
  try {
    const argv = options.argv.map((a) => a.replace('{report}', report));
    let res;
    try {
      res = await options.exec({ argv, cwd: dir, env: options.env, timeoutMs: options.timeoutMs });
    } catch (err) {
      throw new UserError(SbomErrorCode.ScannerFailed, `${options.what} could not be started: ${errorMessage(err)}`, { hint: 'check that it is installed and runs on this machine' });
    }
    if (res.timedOut) throw new UserError(SbomErrorCode.ScannerFailed, `${options.what} did not finish within ${Math.round(options.timeoutMs / 1000)} s`);
    if (res.exitCode !== 0) {
      throw new UserError(SbomErrorCode.ScannerFailed, `${options.what} failed (exit ${res.exitCode ?? res.signal}):\n${res.tail.trim().split('\n').slice(-15).join('\n')}`, {
        hint: 'grype and trivy download their vulnerability database on first use: without network, use OSV records instead',
      });
    }
    const text = await fs.readFile(report, 'utf8').catch(() => undefined);
    if (text === undefined) throw new UserError(SbomErrorCode.ScannerFailed, `${options.what} exited 0 but wrote no report to ${report}`);
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new UserError(SbomErrorCode.ScannerFailed, `${options.what} wrote a report that is not JSON: ${errorMessage(err)}`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
