/**
 * What alerting takes: plain data, one record per thing that can fail (a
 * recipe on a platform, a mirror), with a stable key. `failing` opens or
 * updates that key's issue; `ok` closes it.
 */
import { UserError } from '@potions/core';
import { z } from 'zod';
import { AlertsErrorCode } from './errors';

export interface Alert {
  /** Stable identity, e.g. `build/jq/linux-arm64` or `mirror/wasabi` (`buildAlertKey`, `mirrorAlertKey`). */
  key: string;
  /** The issue title, e.g. "jq 1.7.1 fails to build on linux-arm64". */
  title: string;
  status: 'failing' | 'ok';
  /**
   * Markdown written by the caller. Anything in it that comes from outside
   * (an error message, a log line, a file name) must go through
   * `markdownText` or `markdownCodeBlock`; or pass it as `log`.
   */
  details?: string;
  /** Raw text (an error message, the end of a log): shown in a fenced block, never rendered. */
  log?: string;
  /** The run that saw it (a workflow run URL). */
  runUrl?: string;
  /** Labels besides the alert label, e.g. `build` or `mirror`. */
  labels?: string[];
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._+@/-]{0,199}$/;

export const AlertSchema = z.strictObject({
  key: z.string().regex(KEY, 'letters, digits and . _ + @ / -, starting with a letter or digit, at most 200 characters'),
  title: z.string().trim().min(1, 'a title').max(1000),
  status: z.enum(['failing', 'ok'], { error: 'failing or ok' }),
  details: z.string().max(60_000).optional(),
  log: z.string().optional(),
  runUrl: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional(),
  labels: z.array(z.string().regex(/^[^,]{1,50}$/, 'a label name (no commas, at most 50 characters)')).max(10).optional(),
});

/**
 * Check alerts given as data (a JSON file, an action input). Every key once;
 * `source` names the input in messages.
 */
export function alertsFromValue(value: unknown, source = 'alerts'): Alert[] {
  const parsed = z.array(AlertSchema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(AlertsErrorCode.Input, issue.message, {
      location: { file: source, field: issue.path.map(String).join('.') || '(top level)' },
      hint: 'a list of { key, title, status: failing | ok, details?, log?, runUrl?, labels? }; see docs/alerting.md',
    });
  }
  const seen = new Map<string, number>();
  parsed.data.forEach((a, i) => {
    const first = seen.get(a.key);
    if (first !== undefined) {
      throw new UserError(AlertsErrorCode.Input, `key ${JSON.stringify(a.key)} is given twice (items ${first} and ${i})`, {
        location: { file: source, field: `${i}.key` },
        hint: 'one alert per key: merge the two',
      });
    }
    seen.set(a.key, i);
  });
  return parsed.data;
}

/** The key of a recipe's build on one platform: `build/<recipe>/<platform>`. */
export function buildAlertKey(recipe: string, platform: string): string {
  return `build/${recipe}/${platform}`;
}

/** The key of a mirror's health: `mirror/<name>`. */
export function mirrorAlertKey(mirror: string): string {
  return `mirror/${mirror}`;
}
