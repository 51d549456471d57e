/**
 * Parsers for numeric command-line options, shared by every command so that
 * the same mistake gets the same message and the same error code (`E_USAGE`).
 * Each returns a commander argument parser: `.option('--jobs <n>', '...', positiveInt('--jobs'))`.
 */
import { UserError } from '@potions/core';

export const USAGE_ERROR = 'E_USAGE';

/** Digits only: `Number()` alone would accept "", " ", "1e3", "0x10" and "1.0". */
const DIGITS = /^\d+$/;

/** A whole number of at least `min` (default 0). */
export function wholeNumber(flag: string, min = 0): (value: string) => number {
  return (value) => {
    const v = value.trim();
    if (!DIGITS.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
      throw new UserError(USAGE_ERROR, `${flag} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`);
    }
    return Number(v);
  };
}

/** A whole number of at least 1. */
export function positiveInt(flag: string): (value: string) => number {
  return wholeNumber(flag, 1);
}

/** Comma-separated TCP ports (0 picks a free one), at least one. */
export function ports(flag: string): (value: string) => number[] {
  return (value) => {
    const parts = value.split(',').map((p) => p.trim());
    if (parts.some((p) => !DIGITS.test(p) || Number(p) > 65535)) {
      throw new UserError(USAGE_ERROR, `${flag} must be comma-separated port numbers from 0 to 65535 (0 picks a free one), got ${JSON.stringify(value)}`);
    }
    return parts.map(Number);
  };
}

/** A number greater than 0, fractions allowed; `unit` ("seconds") goes into the message when the flag does not say it. */
export function positiveNumber(flag: string, unit?: string): (value: string) => number {
  const what = unit ? `a number of ${unit}` : 'a number';
  return (value) => {
    const v = value.trim();
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) {
      throw new UserError(USAGE_ERROR, `${flag} must be ${what} greater than 0, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}
