/**
 * `pnpm bench:startup`: how long the `potions` CLI takes to start, against
 * `node -e 0` measured in the same run.
 *
 * - the built CLI through the workspace's bin (`node_modules/.bin/potions`,
 *   pnpm's shell shim over packages/cli/dist/potions.mjs) and through
 *   `pnpm potions`; `--help` loads no command group, `recipes --help` and
 *   `release --help` load one (release: the AWS SDK, s3rver, openpgp...);
 * - goals (issue 8): `potions --help` at most 4× `node -e 0`, `pnpm potions
 *   --help` at most 8× (`pnpm --version` is printed: pnpm's own start-up);
 * - hyperfine when installed (`--warmup 3`, no intermediate shell), else
 *   RUNS spawns of each command after 3 warm-ups; medians with min-max;
 *   `POTIONS_BENCH_RUNS` (default 20). `node -e 0` runs first and last, and
 *   the ratios are taken against the faster of its two medians (a busy
 *   machine slows one of them: the goals are then judged the strict way).
 *   Exits 1 when a goal is missed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Math.max(3, Number(process.env.POTIONS_BENCH_RUNS ?? 20));
const BIN = 'node_modules/.bin/potions';

interface Case {
  label: string;
  argv: string[];
  /** At most this many times `node -e 0`. */
  goal?: number;
}

const CASES: Case[] = [
  { label: 'node -e 0', argv: ['node', '-e', '0'] },
  { label: 'potions --help', argv: [BIN, '--help'], goal: 4 },
  { label: 'pnpm potions --help', argv: ['pnpm', 'potions', '--help'], goal: 8 },
  { label: 'potions recipes --help', argv: [BIN, 'recipes', '--help'] },
  { label: 'potions release --help', argv: [BIN, 'release', '--help'] },
  { label: 'pnpm --version', argv: ['pnpm', '--version'] },
  { label: 'node -e 0 (again)', argv: ['node', '-e', '0'] },
];

interface Timing {
  median: number;
  min: number;
  max: number;
  /** Mean user + system CPU seconds (hyperfine only): steadier than wall time on a busy machine. */
  cpu?: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const hasHyperfine = (): boolean => spawnSync('hyperfine', ['--version']).status === 0;

/** Every case through one hyperfine run: seconds per case. */
function withHyperfine(cases: Case[]): Timing[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'potions-bench-startup-'));
  try {
    const out = path.join(dir, 'results.json');
    const commands = cases.map((c) => c.argv.map((a) => (/^[\w./=-]+$/.test(a) ? a : JSON.stringify(a))).join(' '));
    execFileSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(RUNS), '--style', 'none', '--export-json', out, ...commands], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const results = JSON.parse(readFileSync(out, 'utf8')) as { results: { times: number[]; user: number; system: number }[] };
    return results.results.map((r) => ({ median: median(r.times), min: Math.min(...r.times), max: Math.max(...r.times), cpu: r.user + r.system }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Without hyperfine: spawn each command RUNS times (after 3 warm-ups), wall time of each spawn. */
function withSpawn(cases: Case[]): Timing[] {
  return cases.map((c) => {
    const once = (): number => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(c.argv[0]!, c.argv.slice(1), { cwd: root, stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${c.label} exited with ${r.status}`);
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    for (let i = 0; i < 3; i++) once();
    const times = Array.from({ length: RUNS }, once);
    return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
  });
}

function main(): void {
  if (!existsSync(path.join(root, BIN))) throw new Error(`${BIN} is missing: run pnpm install first`);
  const tool = hasHyperfine() ? 'hyperfine' : 'spawn';
  console.log(`start-up of the potions CLI, ${RUNS} runs each (${tool}), ${os.cpus().length} CPUs, Node ${process.version}\n`);
  const timings = tool === 'hyperfine' ? withHyperfine(CASES) : withSpawn(CASES);
  const base = Math.min(timings[0]!.median, timings[timings.length - 1]!.median);
  const ms = (s: number): string => `${(s * 1000).toFixed(0)} ms`;
  const rows = CASES.map((c, i) => {
    const t = timings[i]!;
    const ratio = t.median / base;
    const verdict = c.goal === undefined ? '' : ratio <= c.goal ? `goal ≤${c.goal}×: met` : `goal ≤${c.goal}×: MISSED`;
    return [c.label, ms(t.median), `${ms(t.min)}-${ms(t.max)}`, t.cpu === undefined ? '-' : ms(t.cpu), `${ratio.toFixed(1)}×`, verdict];
  });
  const headers = ['command', 'median', 'min-max', 'cpu', 'vs node -e 0', ''];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [headers, ...rows]) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  const missed = CASES.filter((c, i) => c.goal !== undefined && timings[i]!.median / base > c.goal);
  if (missed.length > 0) {
    console.log(`\nmissed: ${missed.map((c) => c.label).join(', ')}`);
    process.exitCode = 1;
  }
}

main();
