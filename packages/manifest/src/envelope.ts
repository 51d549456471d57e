/**
 * The signed envelope: `{ signed, signatures: [{ keyid, sig }] }`, TUF-style.
 * Signatures cover the canonical JSON (RFC 8785) of `signed`; the stored bytes
 * are indented JSON for people, which the signature does not depend on.
 *
 * Reading checks, in this order, each with its own error code:
 * well-formed envelope, a signature by a trusted key, that signature valid,
 * a schema version it reads (1 is upgraded to 2 in memory), the schema, no
 * rollback below the last version seen, not expired.
 */
import { PotionsError, UserError, systemNow, type Now } from '@potions/core';
import { z } from 'zod';
import { canonicalBytes } from './canonical';
import { ManifestErrorCode } from './errors';
import type { Signer, Verifier } from './keys';
import { MANIFEST_SCHEMA_VERSION, READABLE_SCHEMA_VERSIONS, ManifestSchema, formatIssues } from './schema';
import { ManifestV1Schema, upgradeManifestV1 } from './upgrade';
import type { Manifest, SignedManifest } from './schema';

export async function signManifest(manifest: Manifest, signers: Signer | readonly Signer[]): Promise<SignedManifest> {
  const list = Array.isArray(signers) ? signers : [signers as Signer];
  if (list.length === 0) throw new UserError(ManifestErrorCode.Key, 'no signer given: a manifest must be signed');
  // Never sign what readers would refuse: a manifest they cannot read leaves every mirror stuck.
  const checked = ManifestSchema.safeParse(manifest);
  if (!checked.success) {
    throw new PotionsError(ManifestErrorCode.Invalid, `refusing to sign a manifest that readers could not read: ${formatIssues(checked.error)}`);
  }
  const body = canonicalBytes(manifest);
  const signatures = [];
  for (const signer of list) {
    const sig = await signer.sign(body);
    signatures.push({ keyid: signer.keyid, sig: Buffer.from(sig).toString('base64') });
  }
  return { signed: manifest, signatures };
}

/** The bytes stored on the mirrors: indented JSON and a final newline. */
export function encodeSignedManifest(signed: SignedManifest): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(signed, null, 2)}\n`);
}

export interface VerifyManifestOptions {
  /** Keys whose signature is accepted. */
  trustedKeys: readonly Verifier[];
  /** The highest version this reader has accepted from this source before. */
  lastSeenVersion?: number;
  /** The clock expiry is checked against. Default `systemNow`. */
  now?: Now;
  /** Where the bytes came from, for messages (a URL or a file). */
  source?: string;
  /** Skip the expiry check (a publisher merging into an old manifest does). Default false. */
  allowExpired?: boolean;
}

export interface VerifiedManifest {
  /** The body, as schema version 2 (a version 1 document upgraded in memory). */
  manifest: Manifest;
  /** The schema version of the stored document (1 documents are upgraded). */
  storedSchemaVersion: number;
  /** The stored envelope, when it is schema version 2 (a version 1 envelope's signatures cover the version 1 body only). */
  envelope?: SignedManifest;
  /** The trusted key whose signature was accepted. */
  keyid: string;
}

/** What a trusted signature covers, before the body is interpreted. */
export interface SignedBody {
  /** The signed body as stored (not checked against any schema yet). */
  body: Record<string, unknown>;
  signatures: { keyid: string; sig: string }[];
  keyid: string;
}

const EnvelopeShape = z.object({
  signed: z.record(z.string(), z.unknown()),
  signatures: z.array(z.object({ keyid: z.string(), sig: z.string() })).min(1),
});

/**
 * The first half of reading: the bytes are a signed envelope and one of its
 * signatures is by a trusted key and matches the body. Nothing of the body is
 * interpreted yet (`E_MANIFEST_MALFORMED`, `E_MANIFEST_UNKNOWN_KEY`, `E_MANIFEST_BAD_SIGNATURE`).
 */
export async function verifyManifestSignature(
  bytes: Uint8Array | string,
  options: Pick<VerifyManifestOptions, 'trustedKeys' | 'source'>,
): Promise<SignedBody> {
  const source = options.source ?? 'the manifest';
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(ManifestErrorCode.Malformed, `${source} is not JSON: ${(err as Error).message}`);
  }
  const envelope = EnvelopeShape.safeParse(json);
  if (!envelope.success) {
    throw new UserError(
      ManifestErrorCode.Malformed,
      `${source} is not a signed Potions manifest (expected {"signed": {...}, "signatures": [...]}): ${formatIssues(envelope.error)}`,
    );
  }
  const { signed, signatures } = envelope.data;

  const trusted = new Map(options.trustedKeys.map((k) => [k.keyid, k]));
  const candidates = signatures.filter((s) => trusted.has(s.keyid));
  if (candidates.length === 0) {
    throw new UserError(
      ManifestErrorCode.UnknownKey,
      `${source} is signed by ${signatures.map((s) => s.keyid.slice(0, 16)).join(', ')}, none of which is a trusted key (${
        [...trusted.keys()].map((k) => k.slice(0, 16)).join(', ') || 'none configured'
      })`,
      { hint: 'pass the publisher\'s public key as a trusted key; if the publisher rotated its key, get the new public key from them' },
    );
  }
  const body = canonicalBytes(signed);
  for (const candidate of candidates) {
    const sig = Buffer.from(candidate.sig, 'base64');
    if (await trusted.get(candidate.keyid)!.verify(body, sig)) return { body: signed, signatures, keyid: candidate.keyid };
  }
  throw new UserError(
    ManifestErrorCode.BadSignature,
    `${source} has a signature by trusted key ${candidates[0]!.keyid.slice(0, 16)} that does not match its content: it was altered after signing or corrupted in transit`,
    { hint: 'do not use this manifest; fetch it again or from another mirror' },
  );
}

/**
 * The second half: the signed body as a schema version 2 manifest
 * (`E_MANIFEST_UNSUPPORTED_SCHEMA`, `E_MANIFEST_INVALID`); version 1 is
 * checked against its own schema and upgraded.
 */
export function manifestFromSignedBody(body: Record<string, unknown>, source = 'the manifest'): Manifest {
  if (!READABLE_SCHEMA_VERSIONS.includes(body.schemaVersion as number)) {
    throw new UserError(
      ManifestErrorCode.UnsupportedSchema,
      `${source} has schemaVersion ${JSON.stringify(body.schemaVersion)}; this version of Potions reads schemaVersion ${READABLE_SCHEMA_VERSIONS.join(' and ')}`,
      { hint: 'upgrade Potions' },
    );
  }
  const parsed = body.schemaVersion === 1 ? ManifestV1Schema.safeParse(body) : ManifestSchema.safeParse(body);
  if (!parsed.success) {
    throw new UserError(ManifestErrorCode.Invalid, `${source} is signed but does not follow the manifest schema: ${formatIssues(parsed.error)}`, {
      location: { field: parsed.error.issues[0]?.path.map(String).join('.') },
    });
  }
  return parsed.data.schemaVersion === 1 ? upgradeManifestV1(parsed.data) : parsed.data;
}

export async function verifyManifest(bytes: Uint8Array | string, options: VerifyManifestOptions): Promise<VerifiedManifest> {
  const source = options.source ?? 'the manifest';
  const { body, signatures, keyid } = await verifyManifestSignature(bytes, options);
  const manifest = manifestFromSignedBody(body, source);

  if (options.lastSeenVersion !== undefined && manifest.version < options.lastSeenVersion) {
    throw new UserError(
      ManifestErrorCode.Rollback,
      `${source} is version ${manifest.version}, older than version ${options.lastSeenVersion} already accepted from the same signing key: refusing a rollback`,
      { hint: 'a mirror or cache serves an old copy; retry later or use another mirror' },
    );
  }
  const now = (options.now ?? systemNow)();
  if (!options.allowExpired && Date.parse(manifest.expires) <= now.getTime()) {
    throw new UserError(
      ManifestErrorCode.Expired,
      `${source} (version ${manifest.version}) expired at ${manifest.expires} (now ${now.toISOString()})`,
      { hint: 'the publisher must republish it (a publish with no new release renews it); until then it cannot be trusted to be current' },
    );
  }
  const storedSchemaVersion = body.schemaVersion as number;
  return {
    manifest,
    storedSchemaVersion,
    ...(storedSchemaVersion === MANIFEST_SCHEMA_VERSION ? { envelope: { signed: manifest, signatures } } : {}),
    keyid,
  };
}
