/**
 * The mirror health record: what one run of the mirror health check found,
 * the input of the availability and latency statistics and of the dashboard.
 * The health checker (`potions mirrors check`) writes exactly this, one JSON
 * document per run, kept on the mirrors next to the manifest under
 * `healthRecordKey(record)`.
 *
 *   {
 *     "schemaVersion": 1,
 *     "time": "2026-11-30T06:00:00.000Z",      // when the run started
 *     "objects": 1840,                         // objects the manifest names (expected on every mirror)
 *     "mirrors": [{
 *       "mirror": "r2",                        // the mirror's name in the mirrors configuration
 *       "provider": "r2",                      // optional
 *       "endpoint": "https://…",               // optional: the URL checked
 *       "reachable": true,
 *       "latencyMs": 42,                       // one small request's round trip; absent when unreachable
 *       "ttfbMs": 88,                          // time to the first byte of an object GET; absent when none was read
 *       "objects": { "checked": 1840, "missing": ["artifacts/sha256/…/jq-….tar.gz"], "corrupt": [] },
 *       "error": "…"                           // optional: why it was unreachable
 *     }]
 *   }
 *
 * `missing` and `corrupt` are object keys relative to the mirror's prefix
 * (so the same object has the same key on every mirror); their counts are
 * the lists' lengths. An unreachable mirror checks nothing (`checked: 0`).
 * Readers ignore fields they do not know.
 */
import { z } from 'zod';
import { UserError } from '@potions/core';
import { MetricsErrorCode } from './errors';

export const HEALTH_RECORD_VERSION = 1;
/** Where health records live on a mirror, next to the manifest. */
export const HEALTH_RECORDS_PREFIX = 'health/';

export interface MirrorHealthObjects {
  checked: number;
  missing: string[];
  corrupt: string[];
}

export interface MirrorHealthSample {
  mirror: string;
  provider?: string;
  endpoint?: string;
  reachable: boolean;
  latencyMs?: number;
  ttfbMs?: number;
  objects: MirrorHealthObjects;
  error?: string;
}

export interface HealthRecord {
  schemaVersion: 1;
  time: string;
  objects: number;
  mirrors: MirrorHealthSample[];
}

const ms = z.number().nonnegative();
const keys = z.array(z.string().min(1).max(1024));

const SampleSchema = z.object({
  mirror: z.string().min(1).max(128),
  provider: z.string().min(1).max(64).optional(),
  endpoint: z.string().min(1).max(2048).optional(),
  reachable: z.boolean(),
  latencyMs: ms.optional(),
  ttfbMs: ms.optional(),
  objects: z.object({ checked: z.number().int().nonnegative(), missing: keys, corrupt: keys }),
  error: z.string().max(4000).optional(),
});

export const HealthRecordSchema = z.object({
  schemaVersion: z.literal(HEALTH_RECORD_VERSION),
  time: z.iso.datetime({ offset: true }),
  objects: z.number().int().nonnegative(),
  mirrors: z.array(SampleSchema),
});

/** Check a parsed health record; a defect is a `UserError` naming the source and the field. */
export function healthRecordFromValue(value: unknown, source: string): HealthRecord {
  const parsed = HealthRecordSchema.safeParse(value);
  if (parsed.success) {
    const names = parsed.data.mirrors.map((m) => m.mirror);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) {
      throw new UserError(MetricsErrorCode.HealthRecord, `${source}: mirror ${JSON.stringify(twice)} appears twice in one health record`, {
        location: { file: source, field: 'mirrors' },
      });
    }
    return parsed.data as HealthRecord;
  }
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(record)';
  throw new UserError(MetricsErrorCode.HealthRecord, `${source} is not a Potions health record: ${field}: ${issue.message}`, {
    location: { file: source, field },
    hint: 'a health record is written by the mirror health check (schemaVersion 1); see docs/metrics.md',
  });
}

/** Parse the JSON text of a health record. */
export function parseHealthRecord(text: string, source: string): HealthRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(MetricsErrorCode.HealthRecord, `${source} is not JSON: ${(err as Error).message}`, { location: { file: source } });
  }
  return healthRecordFromValue(value, source);
}

/** The key of a record on a mirror: `health/2026/11/2026-11-30T060000Z.json`, sortable by time. */
export function healthRecordKey(record: Pick<HealthRecord, 'time'>): string {
  const iso = new Date(record.time).toISOString();
  const stamp = iso.replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${HEALTH_RECORDS_PREFIX}${iso.slice(0, 4)}/${iso.slice(5, 7)}/${stamp}.json`;
}
