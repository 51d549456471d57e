import * as openpgp from 'openpgp';
import { UserError, errorMessage } from '@potions/core';
import { BuilderErrorCode } from './errors';

/** What a good signature was made with. */
export interface SignatureVerdict {
  /** Fingerprint of the pinned primary key, upper case. */
  fingerprint: string;
  /** Key id of the (sub)key that made the signature, upper case. */
  signingKeyId: string;
  userId?: string;
}

export interface VerifySignatureOptions {
  /** The signed bytes (the downloaded file). */
  data: Uint8Array;
  /** The detached signature, ASCII-armored or binary. */
  signature: Uint8Array;
  /** Key files (ASCII-armored or binary keyrings), each with where it came from. */
  keys: { origin: string; bytes: Uint8Array }[];
  /** Pinned fingerprints: a signature counts only when made by one of these keys (or their subkeys). */
  fingerprints: string[];
  /** What is being checked, for messages (`hello-2.10.tar.gz`). */
  subject: string;
}

export function normalizeFingerprint(value: string): string {
  return value.replace(/^0x/i, '').replace(/\s+/g, '').toUpperCase();
}

function looksArmored(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1');
  return head.includes('-----BEGIN PGP');
}

async function readKeyFile(origin: string, bytes: Uint8Array): Promise<openpgp.Key[]> {
  try {
    if (!looksArmored(bytes)) return await openpgp.readKeys({ binaryKeys: bytes });
    // A KEYS file is often several armored blocks one after the other.
    const text = Buffer.from(bytes).toString('utf8');
    const blocks = text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g) ?? [text];
    const keys: openpgp.Key[] = [];
    for (const block of blocks) keys.push(...(await openpgp.readKeys({ armoredKeys: block })));
    return keys;
  } catch (err) {
    throw new UserError(BuilderErrorCode.SignatureKeys, `cannot read OpenPGP keys from ${origin}: ${errorMessage(err)}`, {
      hint: 'security.gpg_keys_url must name an ASCII-armored or binary public key file',
    });
  }
}

/**
 * Verify a detached OpenPGP signature in-process (openpgp.js; no gpg, no
 * keyring on disk). Only the keys whose fingerprint is pinned are trusted:
 * keys fetched from a URL are not trusted for being there. Throws a
 * `UserError` that stops the build when the signature is bad, made by a key
 * that is not pinned, or when no pinned key is in the key files.
 */
export async function verifyDetachedSignature(opts: VerifySignatureOptions): Promise<SignatureVerdict> {
  const pins = new Set(opts.fingerprints.map(normalizeFingerprint));
  if (pins.size === 0) {
    throw new UserError(BuilderErrorCode.SignatureNoPins, `signature verification of ${opts.subject} is on, but no key fingerprint is pinned`, {
      hint: 'add security.gpg_fingerprints with the 40-hex-digit fingerprint of the upstream signing key',
    });
  }
  const all: openpgp.Key[] = [];
  for (const k of opts.keys) all.push(...(await readKeyFile(k.origin, k.bytes)));
  const pinned = all.filter(
    (key) =>
      pins.has(key.getFingerprint().toUpperCase()) ||
      key.getSubkeys().some((sub) => pins.has(sub.getFingerprint().toUpperCase())),
  );
  if (pinned.length === 0) {
    const seen = all.map((k) => k.getFingerprint().toUpperCase());
    throw new UserError(
      BuilderErrorCode.SignatureUnpinned,
      `none of the keys in ${opts.keys.map((k) => k.origin).join(', ')} has a pinned fingerprint (found: ${seen.join(', ') || 'no keys'}; pinned: ${[...pins].join(', ')})`,
      { hint: 'check security.gpg_keys_url and security.gpg_fingerprints; a key that is not pinned is never trusted' },
    );
  }

  let signature: openpgp.Signature;
  try {
    signature = looksArmored(opts.signature)
      ? await openpgp.readSignature({ armoredSignature: Buffer.from(opts.signature).toString('utf8') })
      : await openpgp.readSignature({ binarySignature: opts.signature });
  } catch (err) {
    throw new UserError(BuilderErrorCode.SignatureBad, `the signature of ${opts.subject} cannot be read: ${errorMessage(err)}`);
  }
  // The whole file is held in memory: sources are tens of MB at most, and
  // openpgp.js needs the data before it can settle `verified`.
  const message = await openpgp.createMessage({ binary: opts.data });
  const result = await openpgp.verify({ message, signature, verificationKeys: pinned, format: 'binary' });
  const failures: string[] = [];
  for (const sig of result.signatures) {
    const keyId = sig.keyID.toHex().toUpperCase();
    try {
      await sig.verified;
      const key = pinned.find((k) => k.getKeys(sig.keyID).length > 0);
      if (!key) {
        failures.push(`made by key ${keyId}, which is not pinned`);
        continue;
      }
      return { fingerprint: key.getFingerprint().toUpperCase(), signingKeyId: keyId, userId: key.getUserIDs()[0] };
    } catch (err) {
      failures.push(`key ${keyId}: ${errorMessage(err)}`);
    }
  }
  throw new UserError(
    BuilderErrorCode.SignatureBad,
    `bad signature on ${opts.subject}: ${failures.join('; ') || 'the signature holds no signature packet'}`,
    { hint: 'the file or its signature was altered, or the signing key is not one of the pinned keys; do not use this file' },
  );
}
