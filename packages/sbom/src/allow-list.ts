/**
 * The allow-list: vulnerabilities a person looked at and accepted for a while.
 *
 * ```yaml
 * - id: CVE-2023-45853          # the advisory id or any of its aliases
 *   reason: MiniZip is not built or shipped by this recipe
 *   expires: 2027-03-31         # through this day (UTC); from the next day it no longer allows
 *   package: zlib               # optional: only in this package
 * ```
 *
 * Every field but `package` is required: an entry without a reason or an
 * expiry date is a mistake, not a silent forever.
 */
import { promises as fs } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { UserError, errorMessage } from '@potions/core';
import { SbomErrorCode } from './errors';
import type { Finding } from './finding';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const EntrySchema = z.strictObject({
  id: z.string().trim().min(1, 'the advisory id is required'),
  reason: z.string().trim().min(1, 'say why it is accepted'),
  expires: z
    .string()
    .regex(DATE, 'a date YYYY-MM-DD')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'a real date YYYY-MM-DD'),
  package: z.string().trim().min(1).optional(),
});

export interface AllowEntry {
  id: string;
  reason: string;
  /** `YYYY-MM-DD`: allows through this day (UTC). */
  expires: string;
  package?: string;
  /** Where it is written, for messages. */
  file?: string;
  line?: number;
}

/** Read and check an allow-list file; a mistake names the file, line and field. */
export async function readAllowList(file: string): Promise<AllowEntry[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(SbomErrorCode.AllowList, `cannot read the allow-list ${file}: ${errorMessage(err)}`, { location: { file } });
  }
  return parseAllowList(text, file);
}

export function parseAllowList(text: string, file?: string): AllowEntry[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, schema: 'core' });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new UserError(SbomErrorCode.AllowList, `the allow-list is not valid YAML: ${e.message.split('\n')[0]}`, { location: { file, line: e.linePos?.[0]?.line } });
  }
  const data: unknown = doc.toJS() ?? [];
  const lineOf = (p: (string | number)[]): number | undefined => {
    const node = doc.getIn(p, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
  if (!Array.isArray(data)) {
    throw new UserError(SbomErrorCode.AllowList, 'the allow-list must be a list of entries (- id: ..., reason: ..., expires: YYYY-MM-DD)', { location: { file, line: 1 } });
  }
  return data.map((raw, i) => {
    const parsed = EntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? String(issue.path[0]) : undefined;
      throw new UserError(SbomErrorCode.AllowList, `allow-list entry ${i + 1}${field ? ` field "${field}"` : ''}: ${issue.message}`, {
        location: { file, line: lineOf(field ? [i, field] : [i]) ?? lineOf([i]), field: field ? `[${i}].${field}` : `[${i}]` },
        hint: 'each entry needs id, reason and expires (YYYY-MM-DD); package is optional',
      });
    }
    const line = lineOf([i]);
    return { ...parsed.data, ...(file ? { file } : {}), ...(line !== undefined ? { line } : {}) };
  });
}

/** Whether an entry still allows on `now` (through its expiry day, UTC). */
export function isExpired(entry: AllowEntry, now: Date): boolean {
  return now.toISOString().slice(0, 10) > entry.expires;
}

/** The entry that speaks of `finding` (its id or an alias, and its package when the entry names one), active ones first. */
export function entryFor(entries: readonly AllowEntry[], finding: Finding, now: Date): AllowEntry | undefined {
  const ids = new Set([finding.id, ...finding.aliases].map((x) => x.toUpperCase()));
  const matching = entries.filter((e) => ids.has(e.id.toUpperCase()) && (!e.package || e.package.toLowerCase() === finding.package.name.toLowerCase()));
  return matching.find((e) => !isExpired(e, now)) ?? matching[0];
}
