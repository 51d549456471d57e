/**
 * git, run through `@potions/core`'s `Exec` with argument vectors only: a
 * version, a ref or a reason never reaches a shell. One `Git` per working
 * copy; commands that talk to the remote get `remoteEnv` added (credentials
 * given as `GIT_CONFIG_*` variables, so that they never land in `.git/config`).
 */
import { spawnExec, UserError, type Exec } from '@potions/core';
import { ReleaseErrorCode } from './errors';

export interface GitOptions {
  /** The working copy (or any folder inside it). */
  cwd: string;
  /** The environment of every git process; default the process's own. */
  env?: Record<string, string | undefined>;
  /** Added to the environment of the commands that reach the remote (fetch, ls-remote, push). */
  remoteEnv?: Record<string, string>;
  exec?: Exec;
}

export interface GitRun {
  exitCode: number;
  /**
   * Everything the command printed. `Exec` hands stdout and stderr over as one
   * stream, so callers only parse commands that print nothing on stderr when
   * they succeed (plumbing), and match the lines they parse by their shape.
   */
  output: string;
}

const LOCAL_TIMEOUT_MS = 2 * 60_000;
const REMOTE_TIMEOUT_MS = 10 * 60_000;

export class Git {
  readonly cwd: string;
  private readonly exec: Exec;
  private readonly env: Record<string, string>;
  private readonly remoteEnv: Record<string, string>;

  constructor(options: GitOptions) {
    this.cwd = options.cwd;
    this.exec = options.exec ?? spawnExec;
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env ?? process.env)) if (v !== undefined) base[k] = v;
    // Messages in English (they are matched and shown), never a prompt for a password in CI.
    this.env = { ...base, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat' };
    this.remoteEnv = options.remoteEnv ?? {};
  }

  /** Run `git ARGS`; never throws for a non-zero exit (the caller decides). */
  async run(args: readonly string[], options: { remote?: boolean; env?: Record<string, string> } = {}): Promise<GitRun> {
    const chunks: Buffer[] = [];
    const env = { ...this.env, ...(options.remote ? this.remoteEnv : {}), ...options.env };
    let res;
    try {
      res = await this.exec({
        argv: ['git', ...args],
        cwd: this.cwd,
        env,
        timeoutMs: options.remote ? REMOTE_TIMEOUT_MS : LOCAL_TIMEOUT_MS,
        onOutput: (c) => chunks.push(c),
      });
    } catch (err) {
      throw new UserError(ReleaseErrorCode.Git, `cannot run git in ${this.cwd}: ${(err as Error).message}`, {
        hint: 'install git (2.31 or newer) and run this from a clone of the repository',
        cause: err,
      });
    }
    const output = Buffer.concat(chunks).toString('utf8');
    if (res.timedOut) {
      throw new UserError(ReleaseErrorCode.Git, `git ${args[0]} did not finish in ${(options.remote ? REMOTE_TIMEOUT_MS : LOCAL_TIMEOUT_MS) / 1000} s`, {
        hint: options.remote ? 'check that the remote is reachable' : undefined,
      });
    }
    return { exitCode: res.exitCode ?? -1, output };
  }

  /** Run `git ARGS` and return its output; a failure is a `UserError` that says what was being done. */
  async read(args: readonly string[], what: string, options: { remote?: boolean; env?: Record<string, string> } = {}): Promise<string> {
    const res = await this.run(args, options);
    if (res.exitCode !== 0) {
      throw new UserError(ReleaseErrorCode.Git, `cannot ${what}: git ${args[0]} exited with ${res.exitCode}: ${lastLines(res.output)}`, {
        hint: options.remote ? 'check the remote name or URL and your credentials for it' : undefined,
      });
    }
    return res.output;
  }
}

/** The object id a plumbing command printed (its last line of hex; a signing program may have printed before it). */
export function objectIdIn(output: string): string {
  const id = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(l))
    .at(-1);
  if (!id) throw new Error(`git printed no object id: ${lastLines(output)}`);
  return id;
}

/** The last few lines of a command's output, on one line, for a message. */
export function lastLines(output: string, count = 4): string {
  return (
    output
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .slice(-count)
      .join(' | ') || '(no output)'
  );
}
