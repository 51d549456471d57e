import path from 'node:path';
/**
 * Mirror configuration: which S3-compatible stores receive the artifacts,
 * how to reach them, and where the credentials come from. Loaded from a YAML
 * or JSON file; every mistake names the file, the field and what was expected.
 * Secrets never live in the file: only the names of environment variables.
 */
import { promises as fs } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '@potions/core';
import { MirrorsErrorCode } from './errors';

export const PROVIDERS = ['s3', 'r2', 'wasabi', 'minio', 's3rver', 'other'] as const;
export type Provider = (typeof PROVIDERS)[number];

/**
 * Storage classes each provider accepts in `x-amz-storage-class`. A provider
 * with an empty list gets no storage-class header at all (Wasabi has a single
 * class; R2 knows STANDARD and STANDARD_IA; s3rver stores whatever it gets).
 */
export const STORAGE_CLASSES: Record<Provider, readonly string[]> = {
  s3: [
    'STANDARD',
    'REDUCED_REDUNDANCY',
    'STANDARD_IA',
    'ONEZONE_IA',
    'INTELLIGENT_TIERING',
    'GLACIER',
    'DEEP_ARCHIVE',
    'GLACIER_IR',
  ],
  r2: ['STANDARD', 'STANDARD_IA'],
  minio: ['STANDARD', 'REDUCED_REDUNDANCY'],
  wasabi: [],
  s3rver: [],
  other: [],
};

/**
 * Whether a provider honours `If-Match` / `If-None-Match` on PutObject.
 * AWS S3 (since Aug/Nov 2024), R2 and MinIO do; s3rver ignores both headers
 * (probed: a PUT with a wrong If-Match succeeds), and Wasabi does not document
 * them, so we do not rely on them there.
 */
export const CONDITIONAL_WRITES: Record<Provider, boolean> = {
  s3: true,
  r2: true,
  minio: true,
  wasabi: false,
  s3rver: false,
  other: false,
};

/**
 * How an upload is checked before it counts as present:
 * - `etag`: the mirror's own digest of the stored bytes. The upload's ETag
 *   must equal the MD5 of the bytes sent (and the multipart form for parts),
 *   which are the bytes whose sha256 names the key (the upload hashes them,
 *   or the file's stat shows it unchanged since it was hashed), then one listing after the uploads must show
 *   every object with that size and ETag. Anything that does not match
 *   (an SSE-KMS ETag, an unknown multipart form, a damaged body) is read back
 *   with GET and judged by its sha256. Default for s3, r2, wasabi, minio and
 *   s3rver, whose single-part ETag is the MD5 of the stored bytes.
 * - `get`: download it and hash the bytes (trusts nothing; default for `other`).
 * - `head`: size and the `x-amz-meta-sha256` we wrote, for stores where a GET
 *   per object is too costly. It proves the write landed, not the bytes.
 */
export const VERIFY_MODES = ['etag', 'get', 'head'] as const;
export type VerifyMode = (typeof VERIFY_MODES)[number];

/**
 * How uploads are verified by default (see `VerifyMode`): `etag`
 * where a single-part PUT's ETag is documented to be the MD5 of the stored
 * bytes (AWS S3, R2, Wasabi, MinIO, s3rver), `get` (download and hash)
 * for any other store.
 */
export const DEFAULT_VERIFY: Record<Provider, Exclude<VerifyMode, 'head'>> = {
  s3: 'etag',
  r2: 'etag',
  wasabi: 'etag',
  minio: 'etag',
  s3rver: 'etag',
  other: 'get',
};

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface MirrorConfig {
  /** Short name, used in logs, results and the default credential variables. */
  name: string;
  provider: Provider;
  /** `https://<account>.r2.cloudflarestorage.com`, `https://s3.eu-central-2.wasabisys.com`, ... */
  endpoint: string;
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash ('' for none). */
  prefix: string;
  /** R2 uses `auto`. */
  region: string;
  forcePathStyle: boolean;
  /** Base URL the objects are served under (a CDN or public bucket URL), without trailing slash. */
  publicUrl?: string;
  /** Only where the provider supports it (see STORAGE_CLASSES). */
  storageClass?: string;
  /** Override of the provider's conditional-write support. */
  conditionalWrites?: boolean;
  /** How uploads are read back (default by provider: DEFAULT_VERIFY). */
  verify?: VerifyMode;
  /** Names of the environment variables that hold the credentials. */
  credentialsEnv?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Assume this role with a web-identity (OIDC) token instead of static keys. */
  roleArn?: string;
  /**
   * Credentials given in code (embedded local mirrors only). Never accepted
   * from a configuration file.
   */
  staticCredentials?: StaticCredentials;
}

export interface MirrorsConfig {
  /** How many mirrors must hold every object for the release to proceed. */
  minMirrors: number;
  mirrors: MirrorConfig[];
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Fields that would hold a secret: refused with a message saying where secrets go instead. */
const SECRET_KEY = /secret|password|access.?key|session.?token|^token$/i;

const mirrorSchema = z
  .object({
    name: z.string().regex(NAME, 'lower-case letters, digits and dashes, starting with a letter or digit'),
    provider: z.enum(PROVIDERS).default('other'),
    endpoint: z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://s3.eu-central-2.wasabisys.com' }),
    bucket: z.string().min(3).max(63),
    prefix: z
      .string()
      .default('')
      .transform((p) => p.replace(/^\/+|\/+$/g, '')),
    region: z.string().min(1).optional(),
    forcePathStyle: z.boolean().optional(),
    publicUrl: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    storageClass: z.string().min(1).optional(),
    conditionalWrites: z.boolean().optional(),
    verify: z.enum(VERIFY_MODES, { error: `one of ${VERIFY_MODES.join(', ')}` }).optional(),
    credentials: z
      .object({
        accessKeyIdEnv: z.string().regex(ENV_NAME, 'an environment variable name'),
        secretAccessKeyEnv: z.string().regex(ENV_NAME, 'an environment variable name'),
        sessionTokenEnv: z.string().regex(ENV_NAME, 'an environment variable name').optional(),
      })
      .strict()
      .optional(),
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN (arn:aws:iam::123456789012:role/name)')
      .optional(),
  })
  .strict();

const fileSchema = z
  .object({
    version: z.literal(1).optional(),
    minMirrors: z.number().int().min(1).optional(),
    mirrors: z.array(mirrorSchema).min(1, 'at least one mirror'),
  })
  .strict();

/** The default environment variables of a mirror: POTIONS_MIRROR_<NAME>_ACCESS_KEY_ID, ... */
export function credentialEnvNames(name: string): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  const up = name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return {
    accessKeyId: `POTIONS_MIRROR_${up}_ACCESS_KEY_ID`,
    secretAccessKey: `POTIONS_MIRROR_${up}_SECRET_ACCESS_KEY`,
    sessionToken: `POTIONS_MIRROR_${up}_SESSION_TOKEN`,
  };
}

function defaultRegion(provider: Provider): string {
  return provider === 'r2' ? 'auto' : 'us-east-1';
}

/** Validate an already-parsed configuration document. `file` is only used in messages. */
export function mirrorsConfigFromObject(doc: unknown, file = '<config>'): MirrorsConfig {
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(top level)';
    const secret = issue.code === 'unrecognized_keys' ? issue.keys.find((k) => SECRET_KEY.test(k)) : undefined;
    if (secret !== undefined) {
      // Never echo the value: it is a secret.
      const mirrorName = issue.path[0] === 'mirrors' ? (doc as { mirrors?: { name?: unknown }[] }).mirrors?.[Number(issue.path[1])]?.name : undefined;
      const names = credentialEnvNames(typeof mirrorName === 'string' ? mirrorName : '<name>');
      const variable = /access.?key.?id/i.test(secret) ? names.accessKeyId : /session|token/i.test(secret) ? names.sessionToken : names.secretAccessKey;
      throw new UserError(
        MirrorsErrorCode.ConfigInvalid,
        `${JSON.stringify(secret)} is not allowed here: secrets never go in the file: set ${variable} in the environment`,
        {
          location: { file, field },
          hint: 'or name your own variables under credentials: (accessKeyIdEnv, secretAccessKeyEnv); remove the value from the file and rotate it if the file was shared',
        },
      );
    }
    const value = valueAt(doc, issue.path);
    throw new UserError(
      MirrorsErrorCode.ConfigInvalid,
      `${issue.message}${value === undefined ? '' : ` (found ${JSON.stringify(value)})`}`,
      { location: { file, field }, hint: 'see docs/mirrors.md for the configuration format' },
    );
  }
  const seen = new Set<string>();
  const mirrors = parsed.data.mirrors.map((m, i): MirrorConfig => {
    if (seen.has(m.name)) {
      throw new UserError(MirrorsErrorCode.ConfigInvalid, `duplicate mirror name ${JSON.stringify(m.name)}`, {
        location: { file, field: `mirrors.${i}.name` },
        hint: 'every mirror needs its own name',
      });
    }
    seen.add(m.name);
    if (m.storageClass !== undefined && !STORAGE_CLASSES[m.provider].includes(m.storageClass)) {
      const allowed = STORAGE_CLASSES[m.provider];
      throw new UserError(
        MirrorsErrorCode.ConfigInvalid,
        `provider ${m.provider} does not support storage class ${JSON.stringify(m.storageClass)}`,
        {
          location: { file, field: `mirrors.${i}.storageClass` },
          hint: allowed.length ? `use one of ${allowed.join(', ')}` : `remove storageClass: ${m.provider} has none`,
        },
      );
    }
    const env = m.credentials
      ? {
          accessKeyId: m.credentials.accessKeyIdEnv,
          secretAccessKey: m.credentials.secretAccessKeyEnv,
          ...(m.credentials.sessionTokenEnv ? { sessionToken: m.credentials.sessionTokenEnv } : {}),
        }
      : undefined;
    return {
      name: m.name,
      provider: m.provider,
      endpoint: m.endpoint.replace(/\/+$/, ''),
      bucket: m.bucket,
      prefix: m.prefix,
      region: m.region ?? defaultRegion(m.provider),
      // Virtual-hosted style needs DNS per bucket; S3-compatible stores are usually addressed by path.
      forcePathStyle: m.forcePathStyle ?? m.provider !== 's3',
      ...(m.publicUrl ? { publicUrl: m.publicUrl } : {}),
      ...(m.storageClass ? { storageClass: m.storageClass } : {}),
      ...(m.conditionalWrites !== undefined ? { conditionalWrites: m.conditionalWrites } : {}),
      ...(m.verify ? { verify: m.verify } : {}),
      ...(env ? { credentialsEnv: env } : {}),
      ...(m.roleArn ? { roleArn: m.roleArn } : {}),
    };
  });
  return { minMirrors: parsed.data.minMirrors ?? 1, mirrors };
}

/** Read and validate a mirrors configuration file (`.yaml`, `.yml` or `.json`). */
export async function loadMirrorsConfig(file: string): Promise<MirrorsConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(MirrorsErrorCode.ConfigUnreadable, `cannot read the mirrors configuration: ${(err as Error).message}`, {
      location: { file },
      cause: err,
    });
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new UserError(MirrorsErrorCode.ConfigInvalid, `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`, {
      location: { file },
      cause: err,
    });
  }
  return mirrorsConfigFromObject(doc, file);
}

/**
 * A configuration given as a value (an action input, a command-line option):
 * YAML or JSON inline when it has a line break or starts with `{`, otherwise
 * the path of a file relative to `baseDir`. `source` names the value in errors.
 */
export async function mirrorsConfigFromValue(value: string, baseDir: string, source: string): Promise<MirrorsConfig> {
  if (!value.includes('\n') && !value.trimStart().startsWith('{')) return loadMirrorsConfig(path.resolve(baseDir, value));
  let doc: unknown;
  try {
    doc = parseYaml(value);
  } catch (err) {
    throw new UserError(MirrorsErrorCode.ConfigInvalid, `${source} is neither a file path nor valid YAML/JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return mirrorsConfigFromObject(doc, source);
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = doc;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return typeof v === 'object' ? undefined : v;
}
