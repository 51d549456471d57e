/**
 * Signing with a key of one's own (local runs, no OIDC): ECDSA P-256, the
 * key type Sigstore's tools (cosign, sigstore-js) sign and verify, into the
 * same bundle format as keyless signing with a public-key hint (the key id)
 * where a certificate would be. Named `KeyBundleSigner` so that it cannot be
 * taken for the manifest's Ed25519 `LocalKeySigner`.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Signer } from '@sigstore/sign';
import { UserError } from '@potions/core';
import { SigningErrorCode } from './errors';
import type { InTotoStatement } from './provenance';
import { buildMessageBundle, buildStatementBundle } from './signer';
import type { ArtifactSigner, SignedBundle } from './signer';

/** The key id: sha256 (hex) of the DER SubjectPublicKeyInfo, as the manifest names its keys. */
export function signingKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** True for an ECDSA key on P-256 (prime256v1). */
function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

function assertP256(key: KeyObject, source: string): void {
  if (!isP256(key)) {
    const found = key.asymmetricKeyType === 'ec' ? `an EC key on ${key.asymmetricKeyDetails?.namedCurve}` : `a ${key.asymmetricKeyType ?? 'symmetric'} key`;
    throw new UserError(SigningErrorCode.Key, `${source} holds ${found}, expected an ECDSA P-256 key`, {
      hint: 'make one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` or generateSigningKey()',
    });
  }
}

export interface GeneratedSigningKey {
  keyId: string;
  /** PKCS#8 PEM: keep it secret. */
  privateKeyPem: string;
  /** SPKI PEM: give it to verifiers. */
  publicKeyPem: string;
}

export function generateSigningKey(): GeneratedSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    keyId: signingKeyId(publicKey),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A public key from PEM (a private key is accepted too: its public half is used); must be P-256. */
export function signingPublicKeyFromPem(pem: string, source = 'the public key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new UserError(SigningErrorCode.Key, `${source} is not a PEM public key`, { hint: 'expected "-----BEGIN PUBLIC KEY-----" text' });
  }
  assertP256(key, source);
  return key;
}

/** Signs with an ECDSA P-256 private key held in memory (a private field: never in logs or JSON). */
export class KeyBundleSigner implements ArtifactSigner {
  readonly kind = 'key' as const;
  readonly keyId: string;
  readonly description: string;
  readonly #privateKey: KeyObject;
  readonly #publicKeyPem: string;

  private constructor(privateKey: KeyObject) {
    const publicKey = createPublicKey(privateKey);
    this.#privateKey = privateKey;
    this.#publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = signingKeyId(publicKey);
    this.description = `key ${this.keyId.slice(0, 16)}`;
  }

  /** From PKCS#8 or SEC1 PEM text; `source` names it in errors (the key itself never is). */
  static fromPem(pem: string, source = 'the signing key'): KeyBundleSigner {
    let key: KeyObject;
    try {
      key = createPrivateKey(pem);
    } catch {
      // The cause is dropped on purpose: it could quote key material.
      throw new UserError(SigningErrorCode.Key, `${source} is not a PEM private key`, {
        hint: 'expected "-----BEGIN PRIVATE KEY-----" (PKCS#8) or "-----BEGIN EC PRIVATE KEY-----" text',
      });
    }
    assertP256(key, source);
    return new KeyBundleSigner(key);
  }

  publicKeyPem(): string {
    return this.#publicKeyPem;
  }

  /** The role @sigstore/sign's bundle builders call. */
  #sigstoreSigner(): Signer {
    return {
      sign: async (data: Buffer) => ({
        signature: cryptoSign('sha256', data, this.#privateKey),
        key: { $case: 'publicKey', publicKey: this.#publicKeyPem, hint: this.keyId },
      }),
    };
  }

  sign(bytes: Uint8Array): Promise<SignedBundle> {
    return buildMessageBundle(this.#sigstoreSigner(), [], bytes);
  }

  signStatement(statement: InTotoStatement): Promise<SignedBundle> {
    return buildStatementBundle(this.#sigstoreSigner(), [], statement);
  }

  toJSON(): { kind: 'key'; keyId: string } {
    return { kind: 'key', keyId: this.keyId };
  }
}
