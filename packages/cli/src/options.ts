/**
 * Parsers for command-line options, shared by every command so that the same
 * mistake gets the same message and the same error code (`E_USAGE`, exit 2).
 * Each returns a commander argument parser: `.option('--jobs <n>', '...', positiveInt('--jobs'))`.
 */
import { UserError } from '@potions/core';
import { CliErrorCode } from './errors';

export const USAGE_ERROR = CliErrorCode.Usage;

/** For a repeatable option: `--recipes A --recipes B` gives `['A', 'B']`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** C0 controls (newline, tab, ESC, NUL...), DEL and C1: never part of a path a person means. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function checkPath(flag: string, value: string): string {
  if (value === '') throw new UserError(USAGE_ERROR, `${flag} must be a path, got an empty string`);
  const bad = CONTROL.exec(value);
  if (bad) {
    const code = `\\u${bad[0].charCodeAt(0).toString(16).padStart(4, '0')}`;
    throw new UserError(USAGE_ERROR, `${flag} must be a path without control characters, got ${JSON.stringify(value)} (${code} at position ${bad.index + 1})`, {
      hint: 'a newline or an escape sequence in a path would end up in files and logs written from it (a pkg-config file, a manifest, a terminal)',
    });
  }
  return value;
}

/**
 * A file or folder path: not empty, no control characters. A path holding a
 * newline would become a line of its own in the files written from it (a
 * pkg-config `.pc`, a log), an ESC sequence would reach a terminal.
 * `.option('--out <dir>', '...', pathOption('--out'))`; for an argument,
 * `new Argument('<dir>').argParser(pathOption('DIR'))`.
 */
export function pathOption(flag: string): (value: string) => string {
  return (value) => checkPath(flag, value);
}

/** `pathOption` for a repeatable option or a variadic argument (`<paths...>`): collects the paths into a list. */
export function pathList(flag: string): (value: string, previous?: string[]) => string[] {
  return (value, previous = []) => [...previous, checkPath(flag, value)];
}

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
