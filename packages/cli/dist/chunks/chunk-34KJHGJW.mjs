import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  PLATFORMS
} from "./chunk-EE5EUXX6.mjs";
import {
  external_exports
} from "./chunk-XJANFZUV.mjs";

// packages/recipe/src/names.ts
var SAFE_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
var MAX_TOKEN_LENGTH = 128;
function isSafeName(value) {
  return value.length <= MAX_TOKEN_LENGTH && SAFE_TOKEN.test(value);
}
function isSafeVersion(value) {
  return isSafeName(value);
}
var SAFE_TOKEN_HINT = "letters, digits and . _ + - only, starting with a letter or digit, at most 128 characters";

// packages/recipe/src/schema.ts
var BUILD_TYPES = ["gnu_autotools", "cmake", "make", "custom", "meson", "cargo", "go"];
var VERSION_SOURCE = /^(github-release|github-tag):[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$|^url:https?:\/\/\S+$|^static:[\s\S]*$/;
var name = external_exports.string().regex(SAFE_TOKEN, { message: "not a valid name" }).max(128).meta({ description: "Recipe or package name: letters, digits, . _ + - (becomes a file name)." });
var urlTemplate = external_exports.string().min(1).meta({
  description: "URL template: {version}, {os}, {arch}, {suffix} and custom platform keys."
});
var script = external_exports.string().meta({ description: "Shell script run by the builder with PREFIX and JOBS in its environment." });
var words = external_exports.union([external_exports.string(), external_exports.array(external_exports.string())]).meta({ description: "A string split into words like a shell would (without running one), or a list of words." });
var sha256Hex = external_exports.string().regex(/^[0-9a-fA-F]{64}$/, { message: "expected 64 hexadecimal digits" });
var sha256Pin = external_exports.union([sha256Hex, external_exports.record(external_exports.string(), sha256Hex)]).meta({ description: "Pinned SHA-256: one digest (for a static version) or a map version -> digest." });
var fingerprint = external_exports.string().regex(/^(0x)?[0-9A-Fa-f ]{40,50}$/, { message: "expected a 40-hex-digit OpenPGP fingerprint" }).meta({ description: "OpenPGP key fingerprint (40 hex digits, spaces allowed)." });
var depList = external_exports.array(name).nullable().meta({ description: "Recipe names." });
var platformEntrySchema = external_exports.object({
  os: external_exports.string().optional().meta({ description: "Value of {os}; defaults to darwin or linux." }),
  arch: external_exports.string().optional().meta({ description: "Value of {arch}; defaults to the platform key arch." }),
  suffix: external_exports.string().optional().meta({ description: 'Value of {suffix}; may contain {version}; defaults to "".' }),
  sha256: sha256Pin.optional()
}).catchall(external_exports.union([external_exports.string(), external_exports.number()]).meta({ description: "Custom placeholder value, e.g. target." })).nullable();
var artifactFields = {
  download_url: urlTemplate.optional(),
  mirror: urlTemplate.optional().meta({ description: "Second URL template, tried after download_url." }),
  mirrors: external_exports.array(urlTemplate).optional().meta({ description: "More URL templates, tried in order after mirror." }),
  sha256: sha256Pin.optional(),
  method: external_exports.enum(["http", "git"]).optional().meta({ description: "git: clone git_url at tag git_tag_prefix + version." }),
  git_url: external_exports.string().optional(),
  git_tag_prefix: external_exports.string().optional()
};
var securityFields = {
  verify_signature: external_exports.boolean().optional(),
  gpg_keys_url: external_exports.string().optional().meta({ description: "The signing keys (KEYS file): a URL, or a path relative to the recipe file." }),
  signature_url: urlTemplate.optional().meta({ description: "Template of the detached signature URL." }),
  gpg_fingerprints: external_exports.array(fingerprint).optional().meta({ description: "Pinned signing key fingerprints." })
};
var configureSchema = external_exports.object({
  script: script.optional().meta({ description: "Replaces the configure step of the build type." }),
  flags: words.optional(),
  cmake_flags: words.optional(),
  source_dir: external_exports.string().optional().meta({ description: "Sub-directory holding the top-level build file." }),
  prepare_script: script.optional().meta({ description: "Run in the source tree before configuring." })
});
var buildSchema = external_exports.object({
  timeout_minutes: external_exports.number().int({ message: "expected a whole number of minutes" }).positive({ message: "expected a number of minutes above 0" }).optional(),
  out_of_tree: external_exports.boolean().optional(),
  make_args: words.optional(),
  custom_build: script.optional(),
  script: script.optional().meta({ description: "Same as custom_build (older spelling)." }),
  custom_install: script.optional()
});
var smokeTest = external_exports.union([
  external_exports.string(),
  external_exports.array(external_exports.string()).min(1),
  external_exports.object({
    command: external_exports.union([external_exports.string(), external_exports.array(external_exports.string()).min(1)]),
    expect: external_exports.string().optional().meta({ description: "Regular expression the output must match." }),
    exit_code: external_exports.number().int().optional()
  })
]);
var sourceBuildSchema = external_exports.object({
  ...artifactFields,
  build_type: external_exports.enum(BUILD_TYPES),
  configure: configureSchema.optional(),
  build: buildSchema.optional(),
  dependencies: depList.optional(),
  build_dependencies: depList.optional(),
  security: external_exports.object(securityFields).optional()
});
var recipeSchema = external_exports.object({
  name,
  description: external_exports.string().optional(),
  homepage: external_exports.string().optional(),
  license: external_exports.string().optional(),
  version: external_exports.object({
    source: external_exports.string().regex(VERSION_SOURCE, {
      message: 'expected "github-release:OWNER/REPO", "github-tag:OWNER/REPO", "url:https://..." or "static:VERSION"'
    }),
    extract_pattern: external_exports.string().optional(),
    exclude_patterns: external_exports.string().optional(),
    cleanup: external_exports.string().optional()
  }),
  build_type: external_exports.enum(BUILD_TYPES),
  official_binary: external_exports.boolean().optional().meta({ description: "Same as download.official_binary." }),
  binary_relpath: external_exports.string().optional().meta({ description: "Path of the main binary inside the artifact." }),
  download: external_exports.object({
    official_binary: external_exports.boolean().optional(),
    ...artifactFields,
    platforms: external_exports.partialRecord(external_exports.enum(PLATFORMS), platformEntrySchema)
  }),
  security: external_exports.object({ ...securityFields, scan_vulnerabilities: external_exports.boolean().optional().meta({ description: "Reserved for a vulnerability scan of the artifact; no effect yet (true gets a warning)." }) }).optional(),
  configure: configureSchema.nullable().optional(),
  build: buildSchema.nullable().optional(),
  dependencies: depList.optional(),
  build_dependencies: depList.optional(),
  requires: depList.optional().meta({ description: "Runtime requirements the user installs; not built." }),
  smoke_test: external_exports.array(smokeTest).optional(),
  source_build: sourceBuildSchema.optional()
}).meta({ title: "Potions recipe", description: "One tool: where its versions come from, how to get and build it." });
var defOf = (s) => s._zod.def;
function unknownKeys(value, schema = recipeSchema, path = []) {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
      return unknownKeys(value, def.innerType, path);
    case "union": {
      const opts = def.options ?? [];
      const pick = opts.find((o) => {
        const t = defOf(o).type;
        if (Array.isArray(value)) return t === "array";
        if (value && typeof value === "object") return t === "object" || t === "record";
        return false;
      });
      return pick ? unknownKeys(value, pick, path) : [];
    }
    case "array":
      return Array.isArray(value) ? value.flatMap((v, i) => unknownKeys(v, def.element, [...path, i])) : [];
    case "record":
      if (!value || typeof value !== "object" || Array.isArray(value)) return [];
      return Object.entries(value).flatMap(([k, v]) => unknownKeys(v, def.valueType, [...path, k]));
    case "object": {
      if (!value || typeof value !== "object" || Array.isArray(value)) return [];
      const shape = def.shape ?? {};
      const out = [];
      for (const [k, v] of Object.entries(value)) {
        if (k in shape) out.push(...unknownKeys(v, shape[k], [...path, k]));
        else if (!def.catchall || defOf(def.catchall).type === "never") out.push([...path, k]);
      }
      return out;
    }
    default:
      return [];
  }
}

export {
  isSafeVersion,
  SAFE_TOKEN_HINT,
  BUILD_TYPES,
  recipeSchema,
  defOf,
  unknownKeys
};
