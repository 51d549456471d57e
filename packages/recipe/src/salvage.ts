import type { z } from 'zod';
import { BUILD_TYPES, defOf, recipeSchema, type RawRecipe } from './schema';

/**
 * When a recipe fails the schema, the checks that run after it (placeholders,
 * platform keys and values, regular expressions, words) would be hidden until
 * the schema error is fixed. `salvageRecipe` keeps every part of the value
 * that passes its own part of the schema, drops the rest, and fills the
 * required fields that are missing with neutral stand-ins, so those checks can
 * still run on what the author wrote. Best effort: it never throws, and the
 * caller keeps only the errors that do not depend on the stand-ins.
 */
export function salvageRecipe(value: unknown): RawRecipe | undefined {
  try {
    const kept = salvage(value, recipeSchema);
    if (!kept.ok || !isObject(kept.value)) return undefined;
    const r = kept.value;
    if (typeof r.name !== 'string') r.name = 'recipe';
    if (!isObject(r.version)) r.version = {};
    if (typeof r.version.source !== 'string') r.version.source = 'static:0';
    if (typeof r.build_type !== 'string') r.build_type = 'custom' satisfies (typeof BUILD_TYPES)[number];
    if (!isObject(r.download)) r.download = {};
    if (!isObject(r.download.platforms)) r.download.platforms = {};
    if (isObject(r.source_build) && typeof r.source_build.build_type !== 'string') r.source_build.build_type = 'custom';
    const parsed = recipeSchema.safeParse(r);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

type Kept = { ok: true; value: unknown } | { ok: false };

function isObject(v: unknown): v is Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- raw YAML, read field by field
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function salvage(value: unknown, schema: unknown): Kept {
  const whole = (schema as z.ZodType).safeParse(value);
  if (whole.success) return { ok: true, value: whole.data };
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable': {
      const inner = salvage(value, def.innerType);
      return inner.ok ? inner : { ok: true, value: undefined };
    }
    case 'object': {
      if (!isObject(value)) return { ok: false };
      const out: Record<string, unknown> = {};
      const shape = def.shape ?? {};
      for (const [k, v] of Object.entries(value)) {
        const field = k in shape ? shape[k] : def.catchall;
        if (field === undefined) continue;
        const kept = salvage(v, field);
        if (kept.ok && kept.value !== undefined) out[k] = kept.value;
      }
      return { ok: true, value: out };
    }
    case 'record': {
      if (!isObject(value)) return { ok: false };
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (def.keyType && !(def.keyType as z.ZodType).safeParse(k).success) continue;
        const kept = salvage(v, def.valueType);
        // A platform entry may be empty (null): keep the key so the platform counts as listed.
        if (kept.ok) out[k] = kept.value === undefined ? null : kept.value;
      }
      return { ok: true, value: out };
    }
    default:
      // Lists, unions and scalars are kept whole or not at all (dropping one
      // item of a list would shift the positions later messages name).
      return { ok: false };
  }
}
