/**
 * The signing key of local runs: an ECDSA P-256 key made on first use in a
 * folder the caller chooses (the CLI: `<state dir>/keys`, beside the trust
 * state of `potions fetch`), private key mode 0600, public key next to it.
 * Two processes racing agree on one key: the private key is linked into place,
 * which never replaces a file that is already there.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage, hasCode, tempPathFor, writeFileAtomic } from '@potions/core';
import { SigningErrorCode } from './errors';
import { KeyBundleSigner, generateSigningKey } from './key-signer';

export const SIGNING_KEY_FILE = 'signing-key.pem';
export const SIGNING_PUBLIC_KEY_FILE = 'signing-key.pub';

export interface LocalSigningKey {
  signer: KeyBundleSigner;
  privateKeyFile: string;
  publicKeyFile: string;
  publicKeyPem: string;
  /** True when this call made the key (print the public key then). */
  created: boolean;
}

/** Place `data` at `dest` with `mode` unless `dest` exists; true when this call placed it. */
async function placeExclusive(dest: string, data: string, mode: number): Promise<boolean> {
  const tmp = tempPathFor(dest);
  await fs.writeFile(tmp, data, { mode, flag: 'wx' });
  try {
    await fs.link(tmp, dest);
    return true;
  } catch (err) {
    if (hasCode(err, 'EEXIST')) return false;
    throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** The key in `dir` (`signing-key.pem`, `signing-key.pub`), made when missing. */
export async function ensureSigningKey(dir: string): Promise<LocalSigningKey> {
  const privateKeyFile = path.join(dir, SIGNING_KEY_FILE);
  const publicKeyFile = path.join(dir, SIGNING_PUBLIC_KEY_FILE);
  let created = false;
  let pem: string;
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const exists = await fs.access(privateKeyFile).then(
      () => true,
      () => false,
    );
    if (!exists) created = await placeExclusive(privateKeyFile, generateSigningKey().privateKeyPem, 0o600);
    pem = await fs.readFile(privateKeyFile, 'utf8');
  } catch (err) {
    throw new UserError(SigningErrorCode.Key, `cannot make or read the local signing key in ${dir}: ${errorMessage(err)}`, {
      location: { file: privateKeyFile },
    });
  }
  const signer = KeyBundleSigner.fromPem(pem, `key file ${privateKeyFile}`);
  const publicKeyPem = signer.publicKeyPem();
  // Derived from the private key every time, so a missing or stale .pub is repaired.
  if ((await fs.readFile(publicKeyFile, 'utf8').catch(() => undefined)) !== publicKeyPem) await writeFileAtomic(publicKeyFile, publicKeyPem);
  return { signer, privateKeyFile, publicKeyFile, publicKeyPem, created };
}

/** A signer from a PEM private key file (`--key`, a secret written to disk). */
export async function keyBundleSignerFromFile(file: string): Promise<KeyBundleSigner> {
  let pem: string;
  try {
    pem = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(SigningErrorCode.Key, `cannot read the signing key ${file}: ${errorMessage(err)}`, { location: { file } });
  }
  return KeyBundleSigner.fromPem(pem, `key file ${file}`);
}
