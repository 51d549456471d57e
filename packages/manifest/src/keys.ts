/**
 * Signing roles and the local Ed25519 key.
 *
 * `Signer` and `Verifier` are the roles; `LocalKeySigner` is the one
 * implementation until the `sign` issue adds Sigstore. A key is named by its
 * keyid: the sha256 (hex) of the DER SubjectPublicKeyInfo of its public key,
 * as in TUF. Ed25519 comes from node:crypto; nothing is hand-rolled.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { UserError } from '@potions/core';
import type { Reporter } from '@potions/core';
import { ManifestErrorCode } from './errors';

/** Signs bytes; may be remote (KMS, Sigstore), hence async. */
export interface Signer {
  readonly keyid: string;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Checks a signature made by one key. */
export interface Verifier {
  readonly keyid: string;
  verify(data: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** The environment variable that holds the manifest signing key (PEM, or base64 of the PEM). */
export const MANIFEST_KEY_ENV = 'POTIONS_MANIFEST_KEY';

export function keyidOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

function assertEd25519(key: KeyObject, source: string): void {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new UserError(
      ManifestErrorCode.Key,
      `${source} holds a ${key.asymmetricKeyType ?? 'symmetric'} key, expected an Ed25519 key`,
      { hint: 'generate one with `openssl genpkey -algorithm ed25519` or generateManifestKey()' },
    );
  }
}

/** Verifies Ed25519 signatures made by one public key. */
export class Ed25519Verifier implements Verifier {
  readonly keyid: string;
  readonly publicKey: KeyObject;
  constructor(publicKey: KeyObject, source = 'the public key') {
    assertEd25519(publicKey, source);
    this.publicKey = publicKey;
    this.keyid = keyidOf(publicKey);
  }
  async verify(data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    try {
      return verify(null, data, this.publicKey, signature);
    } catch {
      return false;
    }
  }
  publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }
}

/**
 * Signs with an Ed25519 private key held in memory. The key is a private
 * field: it never shows in logs, `util.inspect` or JSON.
 */
export class LocalKeySigner implements Signer, Verifier {
  readonly keyid: string;
  readonly #privateKey: KeyObject;
  readonly #verifier: Ed25519Verifier;

  private constructor(privateKey: KeyObject) {
    this.#privateKey = privateKey;
    this.#verifier = new Ed25519Verifier(createPublicKey(privateKey));
    this.keyid = this.#verifier.keyid;
  }

  /** From PEM text (PKCS#8 `-----BEGIN PRIVATE KEY-----`). `source` names it in errors. */
  static fromPem(pem: string, source = 'the manifest key'): LocalKeySigner {
    let key: KeyObject;
    try {
      key = createPrivateKey(pem);
    } catch {
      // The cause is deliberately dropped: it could quote key material.
      throw new UserError(ManifestErrorCode.Key, `${source} is not a PEM private key`, {
        hint: 'expected PKCS#8 PEM text starting with "-----BEGIN PRIVATE KEY-----" (or base64 of it)',
      });
    }
    assertEd25519(key, source);
    return new LocalKeySigner(key);
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(sign(null, data, this.#privateKey));
  }

  verify(data: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return this.#verifier.verify(data, signature);
  }

  /** The matching public key, to hand to readers as a trusted key. */
  publicKeyPem(): string {
    return this.#verifier.publicKeyPem();
  }

  verifier(): Ed25519Verifier {
    return this.#verifier;
  }

  toJSON(): { keyid: string } {
    return { keyid: this.keyid };
  }
}

/**
 * A signer from a PEM file. Like ssh with an identity file, a key that group
 * or others may read is used but warned about (through `reporter`), naming the
 * file and the fix; on Windows the mode bits mean nothing and no warning is given.
 */
export async function localKeySignerFromFile(
  file: string,
  options: { reporter?: Pick<Reporter, 'warn'>; platform?: NodeJS.Platform } = {},
): Promise<LocalKeySigner> {
  let pem: string;
  let mode: number;
  try {
    pem = await fs.readFile(file, 'utf8');
    mode = (await fs.stat(file)).mode;
  } catch (err) {
    throw new UserError(ManifestErrorCode.Key, `cannot read the manifest key file ${file}: ${(err as Error).message}`, {
      location: { file },
    });
  }
  const signer = LocalKeySigner.fromPem(pem, `key file ${file}`);
  if ((options.platform ?? process.platform) !== 'win32' && (mode & 0o077) !== 0) {
    options.reporter?.warn(
      `the private key ${file} is readable by ${mode & 0o070 ? (mode & 0o007 ? 'group and others' : 'its group') : 'others'} (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): run \`chmod 600 ${file}\``,
      { file },
    );
  }
  return signer;
}

/**
 * A signer from `POTIONS_MANIFEST_KEY` (PEM text, or base64 of the PEM for
 * stores that dislike line breaks). The value is masked through the reporter
 * before anything else happens, so no later log line can show it.
 */
export function localKeySignerFromEnv(
  options: { env?: NodeJS.ProcessEnv; reporter?: Pick<Reporter, 'secret'>; name?: string } = {},
): LocalKeySigner {
  const name = options.name ?? MANIFEST_KEY_ENV;
  const raw = (options.env ?? process.env)[name];
  if (!raw || raw.trim() === '') {
    throw new UserError(ManifestErrorCode.Key, `${name} is not set: the manifest cannot be signed`, {
      hint: `store the private key PEM in a secret and expose it as ${name} (see docs/manifest.md, "Key management")`,
    });
  }
  options.reporter?.secret(raw);
  const trimmed = raw.trim();
  const pem = trimmed.startsWith('-----BEGIN') ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8');
  if (pem !== trimmed) options.reporter?.secret(pem);
  return LocalKeySigner.fromPem(pem, `environment variable ${name}`);
}

export interface GeneratedManifestKey {
  keyid: string;
  /** Keep secret: a GitHub Actions secret named POTIONS_MANIFEST_KEY. */
  privateKeyPem: string;
  /** Publish freely: readers pass it as a trusted key. */
  publicKeyPem: string;
}

export function generateManifestKey(): GeneratedManifestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    keyid: keyidOf(publicKey),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * Trusted keys from text holding one or more PEM public keys (a private key
 * is accepted too: its public half is used). `source` names it in errors.
 */
export function trustedKeysFromPem(text: string, source = 'the trusted keys'): Ed25519Verifier[] {
  const blocks = text.match(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g) ?? [];
  if (blocks.length === 0) {
    throw new UserError(ManifestErrorCode.Key, `${source} holds no PEM key`, {
      hint: 'expected "-----BEGIN PUBLIC KEY-----" blocks (the output of generateManifestKey().publicKeyPem)',
    });
  }
  return blocks.map((block, i) => {
    let key: KeyObject;
    try {
      key = createPublicKey(block);
    } catch {
      throw new UserError(ManifestErrorCode.Key, `${source}: PEM block ${i + 1} is not a public key`);
    }
    return new Ed25519Verifier(key, `${source} (block ${i + 1})`);
  });
}
