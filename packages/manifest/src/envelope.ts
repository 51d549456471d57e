/**
 * The signed envelope: `{ signed, signatures: [{ keyid, sig }] }`, TUF-style.
 * Signatures cover the canonical JSON (RFC 8785) of `signed`; the stored bytes
 * are indented JSON for people, which the signature does not depend on.
 *
 * Reading checks, in this order, each with its own error code:
 * well-formed envelope, a signature by a trusted key, that signature valid,
 * the schema, no rollback below the last version seen, not expired.
 */
import { UserError, systemNow, type Now } from '@potions/core';
import { z } from 'zod';
import { canonicalBytes } from './canonical';
import { ManifestErrorCode } from './errors';
import type { Signer, Verifier } from './keys';
import { MANIFEST_SCHEMA_VERSION, ManifestSchema, formatIssues } from './schema';
import type { Manifest, SignedManifest } from './schema';

export async function signManifest(manifest: Manifest, signers: Signer | readonly Signer[]): Promise<SignedManifest> {
  const list = Array.isArray(signers) ? signers : [signers as Signer];
  if (list.length === 0) throw new UserError(ManifestErrorCode.Key, 'no signer given: a manifest must be signed');
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
  manifest: Manifest;
  envelope: SignedManifest;
  /** The trusted key whose signature was accepted. */
  keyid: string;
}

const EnvelopeShape = z.object({
  signed: z.record(z.string(), z.unknown()),
  signatures: z.array(z.object({ keyid: z.string(), sig: z.string() })).min(1),
});

export async function verifyManifest(bytes: Uint8Array | string, options: VerifyManifestOptions): Promise<VerifiedManifest> {
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
  let acceptedKeyid: string | undefined;
  for (const candidate of candidates) {
    const sig = Buffer.from(candidate.sig, 'base64');
    if (await trusted.get(candidate.keyid)!.verify(body, sig)) {
      acceptedKeyid = candidate.keyid;
      break;
    }
  }
  if (acceptedKeyid === undefined) {
    throw new UserError(
      ManifestErrorCode.BadSignature,
      `${source} has a signature by trusted key ${candidates[0]!.keyid.slice(0, 16)} that does not match its content: it was altered after signing or corrupted in transit`,
      { hint: 'do not use this manifest; fetch it again or from another mirror' },
    );
  }

  if (signed.schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    throw new UserError(
      ManifestErrorCode.UnsupportedSchema,
      `${source} has schemaVersion ${JSON.stringify(signed.schemaVersion)}; this version of Potions reads schemaVersion ${MANIFEST_SCHEMA_VERSION}`,
      { hint: 'upgrade Potions' },
    );
  }
  const parsed = ManifestSchema.safeParse(signed);
  if (!parsed.success) {
    throw new UserError(ManifestErrorCode.Invalid, `${source} is signed but does not follow the manifest schema: ${formatIssues(parsed.error)}`, {
      location: { field: parsed.error.issues[0]?.path.map(String).join('.') },
    });
  }
  const manifest = parsed.data;

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
  return { manifest, envelope: { signed: manifest, signatures }, keyid: acceptedKeyid };
}
