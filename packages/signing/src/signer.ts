/**
 * The signing role and the one place where bundles are assembled. Both
 * implementations (keyless Sigstore, a local key) hand a Sigstore `Signer`
 * and their witnesses to the same two builders, so a key bundle and a
 * keyless bundle differ only in their verification material.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { toMessageSignatureBundle } from '@sigstore/bundle';
import type { Bundle, BundleWithMessageSignature } from '@sigstore/bundle';
import { DSSEBundleBuilder, MessageSignatureBundleBuilder } from '@sigstore/sign';
import type { Artifact, Signature, Signer, Witness } from '@sigstore/sign';
import { bundleFacts, serializeBundle } from './bundle';
import type { SerializedBundle } from './bundle';
import type { InTotoStatement } from './provenance';

/** The DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export type SigningKind = 'keyless' | 'key';

/** A bundle just made, with what a report shows about it. */
export interface SignedBundle {
  /** The bundle as JSON, as written to `<file>.sigstore.json`. */
  bundle: SerializedBundle;
  kind: SigningKind;
  /** Keyless: the certificate's identity (SAN). */
  certificateIdentity?: string;
  /** Keyless: the Rekor log index. */
  logIndex?: string;
  /** Key: the key id (sha256 of the public key's DER SPKI, hex). */
  keyId?: string;
}

/** Signs artifacts and in-toto statements into Sigstore bundles. */
export interface ArtifactSigner {
  readonly kind: SigningKind;
  /** For people: "keyless via https://fulcio.sigstore.dev" or "key 3f2a...". */
  readonly description: string;
  /** A message-signature bundle over these bytes. */
  sign(bytes: Uint8Array): Promise<SignedBundle>;
  /** A DSSE bundle over this statement (payload type `application/vnd.in-toto+json`). */
  signStatement(statement: InTotoStatement): Promise<SignedBundle>;
}

/**
 * `MessageSignatureBundleBuilder` of @sigstore/sign (4.1.1, and 5.1.0 alike)
 * always writes a v0.2 bundle (`certificateChain: true` is fixed), while DSSE
 * bundles are v0.3. This one packages the same signature as v0.3: the leaf
 * certificate alone, under `certificate`, as the v0.3 format asks.
 */
class MessageSignatureV03BundleBuilder extends MessageSignatureBundleBuilder {
  protected override async package(artifact: Artifact, signature: Signature): Promise<BundleWithMessageSignature> {
    return toMessageSignatureBundle({
      digest: createHash('sha256').update(artifact.data).digest(),
      signature: signature.signature,
      ...(signature.key.$case === 'x509Certificate'
        ? { certificate: new X509Certificate(signature.key.certificate).raw }
        : { keyHint: signature.key.hint ?? '' }),
      certificateChain: false,
    }) as BundleWithMessageSignature;
  }
}

function signedBundleOf(bundle: Bundle): SignedBundle {
  const facts = bundleFacts(bundle);
  return {
    bundle: serializeBundle(bundle),
    kind: facts.kind,
    ...(facts.certificateIdentity !== undefined ? { certificateIdentity: facts.certificateIdentity } : {}),
    ...(facts.logIndex !== undefined ? { logIndex: facts.logIndex } : {}),
    ...(facts.keyId !== undefined ? { keyId: facts.keyId } : {}),
  };
}

/** Sign bytes into a v0.3 message-signature bundle with this Sigstore signer and these witnesses. */
export async function buildMessageBundle(signer: Signer, witnesses: Witness[], bytes: Uint8Array): Promise<SignedBundle> {
  const builder = new MessageSignatureV03BundleBuilder({ signer, witnesses });
  return signedBundleOf(await builder.create({ data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }));
}

/** Sign a statement into a v0.3 DSSE bundle with this Sigstore signer and these witnesses. */
export async function buildStatementBundle(signer: Signer, witnesses: Witness[], statement: InTotoStatement): Promise<SignedBundle> {
  const builder = new DSSEBundleBuilder({ signer, witnesses, certificateChain: false });
  return signedBundleOf(await builder.create({ data: Buffer.from(JSON.stringify(statement)), type: IN_TOTO_PAYLOAD_TYPE }));
}
