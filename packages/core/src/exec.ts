import { spawn } from 'node:child_process';

export interface ExecRequest {
  /** The program and its arguments: never a shell string. */
  argv: string[];
  cwd: string;
  /** The whole environment of the child (nothing is inherited implicitly). */
  env: Record<string, string>;
  /** Kill the process group after this long. */
  timeoutMs?: number;
  /** Receives stdout and stderr as they come. */
  onOutput?: (chunk: Buffer) => void;
}

export interface ExecResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The last few KiB of combined output, for error messages. */
  tail: string;
}

/** Runs one process; injectable so that tests and other hosts can replace it. */
export type Exec = (req: ExecRequest) => Promise<ExecResult>;

const TAIL_BYTES = 6000;

/**
 * The production `Exec`: spawn with an argument vector in its own process
 * group (so a timeout kills make and every compiler it started), stdin closed.
 */
export const spawnExec: Exec = (req) =>
  new Promise((resolve, reject) => {
    const [file, ...args] = req.argv;
    if (!file) {
      reject(new Error('exec: empty argv'));
      return;
    }
    const child = spawn(file, args, {
      cwd: req.cwd,
      env: req.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    let tail = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      req.onOutput?.(chunk);
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > TAIL_BYTES * 2) tail = tail.subarray(tail.length - TAIL_BYTES);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let timedOut = false;
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer =
      req.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            killGroup();
          }, req.timeoutMs)
        : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on('close', (exitCode, signal) => {
      if (timer) clearTimeout(timer);
      const text = tail.subarray(Math.max(0, tail.length - TAIL_BYTES)).toString('utf8');
      resolve({ exitCode, signal, timedOut, tail: text });
    });
  });

/** Run a program and return its stdout, or undefined when it cannot run or fails. */
export async function captureOutput(exec: Exec, argv: string[], env: Record<string, string>, cwd: string): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  try {
    const res = await exec({ argv, cwd, env, timeoutMs: 20_000, onOutput: (c) => chunks.push(c) });
    return res.exitCode === 0 ? Buffer.concat(chunks).toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}
