import { UserError } from '@potions/core';

/**
 * An input as a trimmed string, or undefined when empty. Read from `env`
 * (`INPUT_<NAME>`, as the runner sets it and `@actions/core` reads it), so that
 * an action's `main` can be given its environment.
 */
export function optionalInput(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
  return value === '' ? undefined : value;
}

export function requiredInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = optionalInput(name, env);
  if (value === undefined) {
    throw new UserError('E_INPUT', `the input "${name}" is required but was empty`, {
      hint: `set it under "with:" in the step that uses this action`,
    });
  }
  return value;
}

export function booleanInput(name: string, fallback: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = optionalInput(name, env);
  if (value === undefined) return fallback;
  if (/^(true|yes|1|on)$/i.test(value)) return true;
  if (/^(false|no|0|off)$/i.test(value)) return false;
  throw new UserError('E_INPUT', `the input "${name}" must be true or false, got "${value}"`);
}

/** A list input: one item per line or comma-separated. */
export function listInput(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const value = optionalInput(name, env);
  if (value === undefined) return [];
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
