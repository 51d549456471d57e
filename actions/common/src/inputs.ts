import * as core from '@actions/core';
import { UserError } from '@potions/core';

/** An input as a trimmed string, or undefined when empty. */
export function optionalInput(name: string): string | undefined {
  const value = core.getInput(name).trim();
  return value === '' ? undefined : value;
}

export function requiredInput(name: string): string {
  const value = optionalInput(name);
  if (value === undefined) {
    throw new UserError('E_INPUT', `the input "${name}" is required but was empty`, {
      hint: `set it under "with:" in the step that uses this action`,
    });
  }
  return value;
}

export function booleanInput(name: string, fallback: boolean): boolean {
  const value = optionalInput(name);
  if (value === undefined) return fallback;
  if (/^(true|yes|1|on)$/i.test(value)) return true;
  if (/^(false|no|0|off)$/i.test(value)) return false;
  throw new UserError('E_INPUT', `the input "${name}" must be true or false, got "${value}"`);
}

/** A list input: one item per line or comma-separated. */
export function listInput(name: string): string[] {
  const value = optionalInput(name);
  if (value === undefined) return [];
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
