import { z } from 'zod';
import { PLATFORMS } from '@potions/core';
import { SAFE_TOKEN } from './names';

/**
 * The recipe format as written in YAML: the ONE source of truth. The JSON
 * Schema in docs/recipe.schema.json is generated from it
 * (scripts/gen-recipe-schema.ts), and `normalize.ts` turns a value that
 * passed it into the typed `Recipe` model, with the checks a schema cannot
 * express (placeholders, regular expressions, cross-field rules).
 *
 * Objects strip unknown keys when parsing; `unknownKeys()` walks the same
 * schema first and reports each one as a warning, so nothing is dropped
 * silently.
 */
export const BUILD_TYPES = ['gnu_autotools', 'cmake', 'make', 'custom', 'meson', 'cargo', 'go'] as const;
export type BuildType = (typeof BUILD_TYPES)[number];

/** `static:` takes anything here: normalize checks the version itself, with a message naming the allowed characters. */
export const VERSION_SOURCE = /^(github-release|github-tag):[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$|^url:https?:\/\/\S+$|^static:[\s\S]*$/;

const name = z
  .string()
  .regex(SAFE_TOKEN, { message: 'not a valid name' })
  .max(128)
  .meta({ description: 'Recipe or package name: letters, digits, . _ + - (becomes a file name).' });

const urlTemplate = z.string().min(1).meta({
  description: 'URL template: {version}, {os}, {arch}, {suffix} and custom platform keys.',
});

const script = z.string().meta({ description: 'Shell script run by the builder with PREFIX and JOBS in its environment.' });

const words = z
  .union([z.string(), z.array(z.string())])
  .meta({ description: 'A string split into words like a shell would (without running one), or a list of words.' });

const sha256Hex = z.string().regex(/^[0-9a-fA-F]{64}$/, { message: 'expected 64 hexadecimal digits' });
const sha256Pin = z
  .union([sha256Hex, z.record(z.string(), sha256Hex)])
  .meta({ description: 'Pinned SHA-256: one digest (for a static version) or a map version -> digest.' });

const fingerprint = z
  .string()
  .regex(/^(0x)?[0-9A-Fa-f ]{40,50}$/, { message: 'expected a 40-hex-digit OpenPGP fingerprint' })
  .meta({ description: 'OpenPGP key fingerprint (40 hex digits, spaces allowed).' });

const depList = z
  .array(name)
  .nullable()
  .meta({ description: 'Recipe names.' });

export const platformEntrySchema = z
  .object({
    os: z.string().optional().meta({ description: 'Value of {os}; defaults to darwin or linux.' }),
    arch: z.string().optional().meta({ description: 'Value of {arch}; defaults to the platform key arch.' }),
    suffix: z.string().optional().meta({ description: 'Value of {suffix}; may contain {version}; defaults to "".' }),
    sha256: sha256Pin.optional(),
  })
  .catchall(z.union([z.string(), z.number()]).meta({ description: 'Custom placeholder value, e.g. target.' }))
  .nullable();

const artifactFields = {
  download_url: urlTemplate.optional(),
  mirror: urlTemplate.optional().meta({ description: 'Second URL template, tried after download_url.' }),
  mirrors: z.array(urlTemplate).optional().meta({ description: 'More URL templates, tried in order after mirror.' }),
  sha256: sha256Pin.optional(),
  method: z.enum(['http', 'git']).optional().meta({ description: 'git: clone git_url at tag git_tag_prefix + version.' }),
  git_url: z.string().optional(),
  git_tag_prefix: z.string().optional(),
};

const securityFields = {
  verify_signature: z.boolean().optional(),
  gpg_keys_url: z.string().optional().meta({ description: 'The signing keys (KEYS file): a URL, or a path relative to the recipe file.' }),
  signature_url: urlTemplate.optional().meta({ description: 'Template of the detached signature URL.' }),
  gpg_fingerprints: z.array(fingerprint).optional().meta({ description: 'Pinned signing key fingerprints.' }),
};

export const configureSchema = z.object({
  script: script.optional().meta({ description: 'Replaces the configure step of the build type.' }),
  flags: words.optional(),
  cmake_flags: words.optional(),
  source_dir: z.string().optional().meta({ description: 'Sub-directory holding the top-level build file.' }),
  prepare_script: script.optional().meta({ description: 'Run in the source tree before configuring.' }),
});

export const buildSchema = z.object({
  timeout_minutes: z
    .number()
    .int({ message: 'expected a whole number of minutes' })
    .positive({ message: 'expected a number of minutes above 0' })
    .optional(),
  out_of_tree: z.boolean().optional(),
  make_args: words.optional(),
  custom_build: script.optional(),
  script: script.optional().meta({ description: 'Same as custom_build (older spelling).' }),
  custom_install: script.optional(),
});

const smokeTest = z.union([
  z.string(),
  z.array(z.string()).min(1),
  z.object({
    command: z.union([z.string(), z.array(z.string()).min(1)]),
    expect: z.string().optional().meta({ description: 'Regular expression the output must match.' }),
    exit_code: z.number().int().optional(),
  }),
]);

export const sourceBuildSchema = z.object({
  ...artifactFields,
  build_type: z.enum(BUILD_TYPES),
  configure: configureSchema.optional(),
  build: buildSchema.optional(),
  dependencies: depList.optional(),
  build_dependencies: depList.optional(),
  security: z.object(securityFields).optional(),
});

export const recipeSchema = z
  .object({
    name,
    description: z.string().optional(),
    homepage: z.string().optional(),
    license: z.string().optional(),
    version: z.object({
      source: z.string().regex(VERSION_SOURCE, {
        message: 'expected "github-release:OWNER/REPO", "github-tag:OWNER/REPO", "url:https://..." or "static:VERSION"',
      }),
      extract_pattern: z.string().optional(),
      exclude_patterns: z.string().optional(),
      cleanup: z.string().optional(),
    }),
    build_type: z.enum(BUILD_TYPES),
    official_binary: z.boolean().optional().meta({ description: 'Same as download.official_binary.' }),
    binary_relpath: z.string().optional().meta({ description: 'Path of the main binary inside the artifact.' }),
    download: z.object({
      official_binary: z.boolean().optional(),
      ...artifactFields,
      platforms: z.partialRecord(z.enum(PLATFORMS), platformEntrySchema),
    }),
    security: z
      .object({ ...securityFields, scan_vulnerabilities: z.boolean().optional().meta({ description: 'Reserved for a vulnerability scan of the artifact; no effect yet (true gets a warning).' }) })
      .optional(),
    configure: configureSchema.nullable().optional(),
    build: buildSchema.nullable().optional(),
    dependencies: depList.optional(),
    build_dependencies: depList.optional(),
    requires: depList.optional().meta({ description: 'Runtime requirements the user installs; not built.' }),
    smoke_test: z.array(smokeTest).optional(),
    source_build: sourceBuildSchema.optional(),
  })
  .meta({ title: 'Potions recipe', description: 'One tool: where its versions come from, how to get and build it.' });

export type RawRecipe = z.infer<typeof recipeSchema>;
export type RawSourceBuild = z.infer<typeof sourceBuildSchema>;
export type RawConfigure = z.infer<typeof configureSchema>;
export type RawBuild = z.infer<typeof buildSchema>;

/** The JSON Schema for editors, generated from `recipeSchema`. */
export function recipeJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(recipeSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://potions.dev/recipe.schema.json' };
}

export type Def = {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  options?: unknown[];
  catchall?: unknown;
  keyType?: unknown;
  valueType?: unknown;
};
export const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

/** Field paths (e.g. `download.foo`) present in `value` that `schema` does not know. */
export function unknownKeys(value: unknown, schema: unknown = recipeSchema, path: (string | number)[] = []): (string | number)[][] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
      return unknownKeys(value, def.innerType, path);
    case 'union': {
      // Walk the first option that fits the value's shape.
      const opts = def.options ?? [];
      const pick = opts.find((o) => {
        const t = defOf(o).type;
        if (Array.isArray(value)) return t === 'array';
        if (value && typeof value === 'object') return t === 'object' || t === 'record';
        return false;
      });
      return pick ? unknownKeys(value, pick, path) : [];
    }
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => unknownKeys(v, def.element, [...path, i])) : [];
    case 'record':
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
      return Object.entries(value).flatMap(([k, v]) => unknownKeys(v, def.valueType, [...path, k]));
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
      const shape = def.shape ?? {};
      const out: (string | number)[][] = [];
      for (const [k, v] of Object.entries(value)) {
        if (k in shape) out.push(...unknownKeys(v, shape[k], [...path, k]));
        else if (!def.catchall || defOf(def.catchall).type === 'never') out.push([...path, k]);
      }
      return out;
    }
    default:
      return [];
  }
}
