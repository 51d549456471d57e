/**
 * Run a recipe's smoke tests against an installed artifact: each command from
 * the artifact's `bin/` folder (argument vector, no shell), its exit status
 * and combined output checked. The `inspect` package will own smoke tests
 * (roadmap); until then this is the release's check that the fetched program runs.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SmokeTest } from '@potions/recipe';

export interface SmokeResult {
  argv: string[];
  ok: boolean;
  exitCode: number | null;
  /** The first lines of the output (for the summary). */
  output: string;
  error?: string;
}

const OUTPUT_MAX = 2000;

export async function runSmokeTests(dir: string, tests: readonly SmokeTest[], timeoutMs = 60_000): Promise<SmokeResult[]> {
  const bin = path.join(dir, 'bin');
  const cwd = (await fs.stat(bin).catch(() => undefined))?.isDirectory() ? bin : dir;
  const results: SmokeResult[] = [];
  for (const t of tests) {
    const [cmd, ...args] = t.argv;
    if (!cmd) continue;
    const local = path.join(bin, cmd);
    const program = !cmd.includes('/') && (await fs.stat(local).catch(() => undefined))?.isFile() ? local : cmd;
    const r = await new Promise<{ code: number | null; out: string; err?: string }>((resolve) => {
      execFile(
        program,
        args,
        {
          cwd,
          timeout: timeoutMs,
          maxBuffer: 4 * 1024 * 1024,
          env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, LANG: 'C', LC_ALL: 'C' },
        },
        (error, stdout, stderr) => {
          const out = `${stdout}${stderr}`;
          if (error && typeof (error as { code?: unknown }).code !== 'number') resolve({ code: null, out, err: error.message });
          else resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out });
        },
      );
    });
    let ok = r.err === undefined && r.code === t.exitCode;
    let error = r.err ?? (r.code !== t.exitCode ? `exit status ${r.code}, expected ${t.exitCode}` : undefined);
    if (ok && t.expect !== undefined && !new RegExp(t.expect).test(r.out)) {
      ok = false;
      error = `output does not match /${t.expect}/`;
    }
    results.push({ argv: [...t.argv], ok, exitCode: r.code, output: r.out.slice(0, OUTPUT_MAX), ...(error ? { error } : {}) });
  }
  return results;
}
