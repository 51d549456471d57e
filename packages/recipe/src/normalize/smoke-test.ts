import type { SmokeTest } from '../model';
import { quote, sanitize } from '../quote';
import type { RawRecipe } from '../schema';
import { splitWords } from '../words';
import type { IssueSink } from './issues';

type RawSmokeTest = NonNullable<RawRecipe['smoke_test']>[number];

function smokeTestOf(t: RawSmokeTest, i: number, issues: IssueSink): SmokeTest | undefined {
  const path = ['smoke_test', i];
  const detailed = typeof t === 'object' && !Array.isArray(t) ? t : undefined;
  const command: string | string[] = detailed ? detailed.command : (t as string | string[]);
  let argv: string[];
  try {
    argv = typeof command === 'string' ? splitWords(command) : [...command];
  } catch (err) {
    issues.error('E_WORDS', `cannot split ${quote(String(command))}: ${(err as Error).message}`, path);
    return undefined;
  }
  if (argv.length === 0 || argv[0] === '') {
    issues.error('E_SMOKE_TEST', 'the command is empty', path);
    return undefined;
  }
  const expect = detailed?.expect;
  if (expect !== undefined) {
    try {
      new RegExp(expect);
    } catch (err) {
      issues.error('E_REGEX', `expect ${quote(expect)} is not a valid regular expression: ${sanitize((err as Error).message, 120)}`, [...path, 'expect']);
    }
  }
  return { argv, expect, exitCode: detailed?.exit_code ?? 0 };
}

/** `smoke_test`: each command as an argument vector (split without a shell), with its expected output and exit code. */
export function normalizeSmokeTests(raw: RawRecipe['smoke_test'], issues: IssueSink): SmokeTest[] {
  const out: SmokeTest[] = [];
  (raw ?? []).forEach((t, i) => {
    const test = smokeTestOf(t, i, issues);
    if (test) out.push(test);
  });
  return out;
}
