/**
 * Verification: is this file what the bundle signs, is the signature good,
 * and is the signer one the trust settings accept? The cryptography (the
 * certificate chain to Fulcio, the SCT, the Rekor inclusion proof and
 * checkpoint, the RFC 3161 timestamps, the signature) is @sigstore/verify's;
 * this module picks the verifier for the bundle's kind, pins the identity,
 * and turns each failure into one `E_SIGNING_*` code with a message that
 * says which check failed and what was found.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { HashAlgorithm, TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import type { Signer as VerifiedSigner } from '@sigstore/verify';
import { X509Certificate } from '@sigstore/core';
import { UserError, errorMessage, systemNow } from '@potions/core';
import type { Now } from '@potions/core';
import { bundleFacts, parseBundle } from './bundle';
import type { Bundle, BundleFacts } from './bundle';
import { SigningErrorCode } from './errors';
import { signingKeyId, signingPublicKeyFromPem } from './key-signer';
import type { InTotoStatement } from './provenance';
import { IN_TOTO_PAYLOAD_TYPE } from './signer';
import type { SigningKind } from './signer';
import { resolveTrustedRoot } from './trusted-root';
import type { TrustedRootSource } from './trusted-root';
import type { KeylessIdentity, SigningTrust, TrustedKey } from './trust';

export interface VerifyOptions {
  trust: SigningTrust;
  /** Needed for keyless bundles only (loaded only then when a function). */
  trustedRoot?: TrustedRootSource;
  /** The digest the file should have (from a manifest or build metadata): tells a changed file from a wrong bundle. */
  expectedSha256?: string;
  /** The file's name, for messages. */
  name?: string;
  /** The bundle's name, for messages. */
  bundleName?: string;
  now?: Now;
}

/** What was verified. */
export interface VerifiedSignature {
  kind: SigningKind;
  content: 'message-signature' | 'dsse';
  /** The file's sha256 (hex). */
  sha256: string;
  certificateIdentity?: string;
  issuer?: string;
  sourceRepository?: string;
  keyId?: string;
  logIndex?: string;
  /** The earliest verified time of the signature (keyless), ISO 8601. */
  signedAt?: string;
  /** DSSE bundles: the statement they carry. */
  statement?: InTotoStatement;
}

/** Checks one bundle's signer: the role behind keyless and key verification. */
export interface BundleVerifier {
  /** Throws an `E_SIGNING_*` UserError, or returns what the signer is. */
  verify(bundle: Bundle, facts: BundleFacts, artifact: Buffer | undefined, where: string): Promise<Omit<VerifiedSignature, 'sha256' | 'content' | 'statement'>>;
}

const fail = (code: string, message: string, hint?: string): UserError => new UserError(code, message, hint ? { hint } : undefined);

/** @sigstore/verify's failures, by the check that failed. */
function explainVerifyError(err: unknown, where: string): never {
  const code = (err as { code?: unknown }).code;
  const detail = errorMessage(err);
  if (typeof code !== 'string') throw err;
  if (code === 'SIGNATURE_ERROR') throw fail(SigningErrorCode.BadSignature, `${where}: the signature does not verify (${detail}): the bundle was altered`);
  if (code === 'CERTIFICATE_ERROR') {
    throw fail(SigningErrorCode.UntrustedCertificate, `${where}: the signing certificate is not trusted (${detail})`, 'the certificate must chain to a Fulcio CA of the trusted root and carry a valid SCT');
  }
  if (code.startsWith('TLOG')) throw fail(SigningErrorCode.TransparencyLog, `${where}: the transparency-log entry does not verify (${detail})`);
  if (code === 'TIMESTAMP_ERROR') throw fail(SigningErrorCode.Timestamp, `${where}: a timestamp does not verify (${detail})`);
  if (code === 'PUBLIC_KEY_ERROR') throw fail(SigningErrorCode.UnknownKey, `${where}: ${detail}`);
  throw err;
}

const anchored = (pattern: string): RegExp => {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw fail(SigningErrorCode.Policy, `the identity pattern ${JSON.stringify(pattern)} is not a regular expression: ${errorMessage(err)}`);
  }
};

/** Fulcio's extension OIDs (sigstore/fulcio docs/oid-info.md). */
const OID_SOURCE_REPOSITORY_URI = '1.3.6.1.4.1.57264.1.12';

function sourceRepositoryOf(certificate: X509Certificate | undefined): string | undefined {
  const ext = certificate?.extension(OID_SOURCE_REPOSITORY_URI);
  // The extension's value is a DER UTF8String inside the OCTET STRING.
  return ext?.valueObj.subs[0]?.value.toString('utf8');
}

/** Keyless bundles: a Fulcio certificate, checked against a trusted root, then the identity pinned. */
export class SigstoreBundleVerifier implements BundleVerifier {
  readonly #identities: KeylessIdentity[];
  readonly #trustedRoot: TrustedRootSource;
  readonly #now: Now;

  constructor(options: { identities: KeylessIdentity[]; trustedRoot: TrustedRootSource; now?: Now }) {
    this.#identities = options.identities;
    this.#trustedRoot = options.trustedRoot;
    this.#now = options.now ?? systemNow;
    // Checked now, so a bad pattern fails before any network or file work.
    for (const i of this.#identities) anchored(i.identity);
  }

  async verify(bundle: Bundle, facts: BundleFacts, artifact: Buffer | undefined, where: string): Promise<Omit<VerifiedSignature, 'sha256' | 'content' | 'statement'>> {
    const cert = facts.certificate;
    if (!cert) throw fail(SigningErrorCode.BundleMalformed, `${where}: the bundle holds no readable certificate`);
    this.#checkValidity(cert, facts.times, where);
    const trust = toTrustMaterial(await resolveTrustedRoot(this.#trustedRoot));
    let signer: VerifiedSigner;
    try {
      // Fulcio's SCT, one Rekor entry and at least one trusted time, as Sigstore's clients ask by default.
      signer = new Verifier(trust, { ctlogThreshold: 1, tlogThreshold: 1, timestampThreshold: 1 }).verify(toSignedEntity(bundle, artifact));
    } catch (err) {
      explainVerifyError(err, where);
    }
    const san = signer.identity?.subjectAlternativeName;
    const issuer = signer.identity?.extensions?.issuer;
    const sourceRepository = sourceRepositoryOf(cert);
    this.#pin(where, san, issuer, sourceRepository);
    return {
      kind: 'keyless',
      ...(san !== undefined ? { certificateIdentity: san } : {}),
      ...(issuer !== undefined ? { issuer } : {}),
      ...(sourceRepository !== undefined ? { sourceRepository } : {}),
      ...(facts.logIndex !== undefined ? { logIndex: facts.logIndex } : {}),
      ...(facts.times[0] ? { signedAt: facts.times[0].toISOString() } : {}),
    };
  }

  /** A ten-minute certificate needs a trusted time inside its validity; say so plainly when there is none. */
  #checkValidity(cert: X509Certificate, times: Date[], where: string): void {
    const window = `${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}`;
    const outside = times.filter((t) => t < cert.notBefore || t > cert.notAfter);
    if (outside.length > 0) {
      throw fail(
        SigningErrorCode.CertificateExpired,
        `${where}: the signing certificate was valid from ${window}, but the bundle's timestamp ${outside[0]!.toISOString()} is outside that window`,
      );
    }
    if (times.length === 0) {
      const now = this.#now();
      if (now < cert.notBefore || now > cert.notAfter) {
        throw fail(
          SigningErrorCode.CertificateExpired,
          `${where}: the signing certificate was valid from ${window} and the bundle has no timestamp (no transparency-log entry, no RFC 3161 timestamp) to show the signature was made then`,
          'sign again: keyless signatures need Rekor and a timestamp authority',
        );
      }
      throw fail(
        SigningErrorCode.Timestamp,
        `${where}: the bundle has no timestamp (no transparency-log entry, no RFC 3161 timestamp): a keyless signature cannot be checked without one`,
        'sign again: keyless signatures need Rekor and a timestamp authority',
      );
    }
  }

  #pin(where: string, san: string | undefined, issuer: string | undefined, sourceRepository: string | undefined): void {
    const all = this.#identities;
    const byIssuer = all.filter((i) => i.issuer === issuer);
    const bySan = byIssuer.filter((i) => san !== undefined && anchored(i.identity).test(san));
    if (bySan.some((i) => i.sourceRepository === undefined || i.sourceRepository === sourceRepository)) return;
    if (byIssuer.length === 0) {
      throw fail(
        SigningErrorCode.IssuerMismatch,
        `${where}: the certificate was issued for OIDC issuer ${issuer ?? '(none)'}, expected ${[...new Set(all.map((i) => i.issuer))].join(' or ')}`,
      );
    }
    if (bySan.length === 0) {
      throw fail(
        SigningErrorCode.IdentityMismatch,
        `${where}: signed by ${san ?? '(no identity)'}, which does not match the pinned identity ${byIssuer.map((i) => `^(?:${i.identity})$`).join(' or ')}`,
      );
    }
    throw fail(
      SigningErrorCode.SourceRepositoryMismatch,
      `${where}: signed by ${san} from source repository ${sourceRepository ?? '(none)'}, expected ${bySan.map((i) => i.sourceRepository).join(' or ')}`,
    );
  }
}

const EMPTY_ROOT = TrustedRoot.fromJSON({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] });

/** Key bundles: the key the hint names must be trusted, not revoked, not expired; then the signature. */
export class KeyBundleVerifier implements BundleVerifier {
  readonly #keys: Map<string, { key: KeyObject; expires?: Date }>;
  readonly #revoked: Set<string>;
  readonly #now: Now;

  constructor(options: { keys: TrustedKey[]; revokedKeys?: string[]; now?: Now }) {
    this.#keys = new Map(
      options.keys.map((k, i) => {
        const key = signingPublicKeyFromPem(k.publicKey, `trusted key ${i + 1}`);
        const expires = k.expires !== undefined ? new Date(k.expires) : undefined;
        if (expires && Number.isNaN(expires.getTime())) throw fail(SigningErrorCode.Policy, `trusted key ${i + 1}: expires ${JSON.stringify(k.expires)} is not a date`);
        return [signingKeyId(key), { key, ...(expires ? { expires } : {}) }];
      }),
    );
    this.#revoked = new Set((options.revokedKeys ?? []).map((k) => k.toLowerCase()));
    this.#now = options.now ?? systemNow;
  }

  async verify(bundle: Bundle, facts: BundleFacts, artifact: Buffer | undefined, where: string): Promise<Omit<VerifiedSignature, 'sha256' | 'content' | 'statement'>> {
    const keyId = (facts.keyId ?? '').toLowerCase();
    if (this.#revoked.has(keyId)) {
      throw fail(SigningErrorCode.KeyRevoked, `${where}: signed by key ${keyId}, which the trust settings revoke`, 'ask the publisher for a release signed with their current key');
    }
    const trusted = this.#keys.get(keyId);
    if (!trusted) {
      throw fail(
        SigningErrorCode.UnknownKey,
        `${where}: signed by key ${keyId || '(no key id)'}, which is not trusted (trusted: ${[...this.#keys.keys()].map((k) => k.slice(0, 16)).join(', ') || 'none'})`,
      );
    }
    const now = this.#now();
    if (trusted.expires && now > trusted.expires) {
      throw fail(SigningErrorCode.KeyExpired, `${where}: signed by key ${keyId}, whose validity ended ${trusted.expires.toISOString()}`, 'the publisher must re-sign with a current key');
    }
    const trust = toTrustMaterial(EMPTY_ROOT, (hint: string) => {
      if (hint.toLowerCase() !== keyId) throw Object.assign(new Error(`key not found: ${hint}`), { code: 'PUBLIC_KEY_ERROR' });
      return { publicKey: trusted.key, validFor: () => true };
    });
    try {
      // A key bundle carries no log entry and no timestamp: the key's validity is checked above, against now.
      new Verifier(trust, { ctlogThreshold: 0, tlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundle, artifact));
    } catch (err) {
      explainVerifyError(err, where);
    }
    return { kind: 'key', keyId };
  }
}

/** The verifier for a bundle of this kind, from the trust settings (the one place they are composed). */
export function bundleVerifierFor(kind: SigningKind, options: Pick<VerifyOptions, 'trust' | 'trustedRoot' | 'now'>, where: string): BundleVerifier {
  const { trust } = options;
  const identities = trust.identities ?? [];
  const keys = trust.keys ?? [];
  if (identities.length === 0 && keys.length === 0) throw fail(SigningErrorCode.Policy, 'the trust settings trust no identity and no key');
  if (kind === 'keyless') {
    if (identities.length === 0) {
      throw fail(SigningErrorCode.WrongKind, `${where}: the bundle is signed keyless (a Sigstore certificate), but only keys are trusted`, 'pin a certificate identity and issuer to accept keyless signatures');
    }
    if (!options.trustedRoot) throw fail(SigningErrorCode.TrustedRoot, 'keyless verification needs a Sigstore trusted root and none was given');
    return new SigstoreBundleVerifier({ identities, trustedRoot: options.trustedRoot, ...(options.now ? { now: options.now } : {}) });
  }
  if (keys.length === 0) {
    throw fail(SigningErrorCode.WrongKind, `${where}: the bundle is signed with a key, but only keyless identities are trusted`, 'trust the publisher\'s public key to accept key signatures');
  }
  return new KeyBundleVerifier({ keys, ...(trust.revokedKeys ? { revokedKeys: trust.revokedKeys } : {}), ...(options.now ? { now: options.now } : {}) });
}

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Compare the file with what a message-signature bundle signs; say which side is wrong when the expected digest tells. */
function checkDigest(bundle: Bundle, actual: string, options: VerifyOptions, name: string, bundleName: string): void {
  if (bundle.content.$case !== 'messageSignature') return;
  const md = bundle.content.messageSignature.messageDigest;
  if (md && md.algorithm !== HashAlgorithm.SHA2_256) throw fail(SigningErrorCode.BundleMalformed, `${bundleName} signs a digest other than sha256`);
  const signed = md ? Buffer.from(md.digest).toString('hex') : undefined;
  if (signed === undefined || signed === actual) return;
  const expected = options.expectedSha256?.toLowerCase();
  if (expected !== undefined && actual === expected) {
    throw fail(SigningErrorCode.WrongBundle, `${bundleName} is the bundle of another file: it signs sha256 ${signed}, and ${name} has sha256 ${actual} as expected`);
  }
  if (expected !== undefined && signed === expected) {
    throw fail(SigningErrorCode.ArtifactTampered, `${name} changed after it was signed: its sha256 is ${actual}, the bundle signs ${signed}, the expected sha256`);
  }
  throw fail(
    SigningErrorCode.DigestMismatch,
    `${name} is not the file ${bundleName} signs: the file has sha256 ${actual}, the bundle signs ${signed}`,
    'either the file was changed after signing or the bundle belongs to another file; compare with the sha256 the manifest lists',
  );
}

function statementOf(bundle: Bundle, where: string): InTotoStatement {
  if (bundle.content.$case !== 'dsseEnvelope') throw new Error('not a DSSE bundle');
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw fail(SigningErrorCode.SubjectMismatch, `${where}: the DSSE payload is ${env.payloadType}, not an in-toto statement`);
  try {
    const statement = JSON.parse(Buffer.from(env.payload).toString('utf8')) as InTotoStatement;
    if (!Array.isArray(statement.subject)) throw new Error('no subject list');
    return statement;
  } catch (err) {
    throw fail(SigningErrorCode.SubjectMismatch, `${where}: the in-toto statement cannot be read: ${errorMessage(err)}`);
  }
}

/**
 * Verify `artifact` against a bundle (JSON text, parsed JSON, or a parsed
 * bundle). A message-signature bundle must sign exactly these bytes; a DSSE
 * (provenance) bundle must name their sha256 among its subjects. Then the
 * signature and the signer, by the trust settings.
 */
export async function verifyArtifact(artifact: Uint8Array, bundleJson: unknown, options: VerifyOptions): Promise<VerifiedSignature> {
  const name = options.name ?? 'the file';
  const bundleName = options.bundleName ?? 'the bundle';
  const bundle = parseBundle(bundleJson, bundleName);
  const facts = bundleFacts(bundle);
  const sha256 = sha256Hex(artifact);
  checkDigest(bundle, sha256, options, name, bundleName);
  const where = `${name} (${bundleName})`;
  const data = Buffer.from(artifact.buffer, artifact.byteOffset, artifact.byteLength);
  const signer = await bundleVerifierFor(facts.kind, options, where).verify(bundle, facts, facts.content === 'dsse' ? undefined : data, where);
  if (facts.content === 'message-signature') return { ...signer, content: facts.content, sha256 };
  const statement = statementOf(bundle, where);
  if (!statement.subject.some((s) => s.digest?.sha256?.toLowerCase() === sha256)) {
    throw fail(
      SigningErrorCode.SubjectMismatch,
      `${where}: the signed statement does not name ${name} (sha256 ${sha256}); its subjects are ${statement.subject.map((s) => `${s.name} (${s.digest?.sha256?.slice(0, 16) ?? 'no sha256'})`).join(', ')}`,
    );
  }
  return { ...signer, content: facts.content, sha256, statement };
}

/** `verifyArtifact` for a file and its bundle file. */
export async function verifyArtifactFile(file: string, bundleFile: string, options: Omit<VerifyOptions, 'name' | 'bundleName'>): Promise<VerifiedSignature> {
  const read = async (f: string, what: string): Promise<Buffer> => {
    try {
      return await fs.readFile(f);
    } catch (err) {
      throw new UserError(SigningErrorCode.Unreadable, `cannot read the ${what} ${f}: ${errorMessage(err)}`, { location: { file: f } });
    }
  };
  const [bytes, bundleText] = await Promise.all([read(file, 'file'), read(bundleFile, 'bundle')]);
  return verifyArtifact(bytes, bundleText.toString('utf8'), { ...options, name: file, bundleName: bundleFile });
}

/**
 * Verify a DSSE bundle on its own (a provenance bundle): the signature and
 * signer, then that it carries an in-toto statement of `predicateType` (when
 * given) naming every one of `subjects` (by sha256, and by name when given).
 */
export async function verifyStatement(
  bundleJson: unknown,
  options: Omit<VerifyOptions, 'expectedSha256'> & { predicateType?: string; subjects?: { name?: string; sha256: string }[] },
): Promise<Omit<VerifiedSignature, 'sha256'> & { statement: InTotoStatement }> {
  const bundleName = options.bundleName ?? 'the bundle';
  const bundle = parseBundle(bundleJson, bundleName);
  const facts = bundleFacts(bundle);
  if (facts.content !== 'dsse') throw fail(SigningErrorCode.SubjectMismatch, `${bundleName} signs a file, not an in-toto statement`);
  const signer = await bundleVerifierFor(facts.kind, options, bundleName).verify(bundle, facts, undefined, bundleName);
  const statement = statementOf(bundle, bundleName);
  if (options.predicateType && statement.predicateType !== options.predicateType) {
    throw fail(SigningErrorCode.SubjectMismatch, `${bundleName}: the statement's predicate is ${statement.predicateType}, expected ${options.predicateType}`);
  }
  for (const want of options.subjects ?? []) {
    const found = statement.subject.find((s) => s.digest?.sha256?.toLowerCase() === want.sha256.toLowerCase());
    if (!found || (want.name !== undefined && found.name !== want.name)) {
      throw fail(
        SigningErrorCode.SubjectMismatch,
        `${bundleName}: the statement does not name ${want.name ?? 'the file'} with sha256 ${want.sha256}; its subjects are ${statement.subject.map((s) => `${s.name} (${s.digest?.sha256?.slice(0, 16) ?? 'no sha256'})`).join(', ')}`,
      );
    }
  }
  return { ...signer, content: 'dsse', statement };
}
