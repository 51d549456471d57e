/**
 * The manifest signing key of local mode: made once under
 * `<workDir>/.potions/keys/` (private key 0600) and reused by every later
 * local release, so `fetch` can trust the public key next to it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { hasCode, tempPathFor } from '@potions/core';
import { LocalKeySigner, generateManifestKey } from '@potions/manifest';

export const LOCAL_KEY_FILE = 'manifest-key.pem';
export const LOCAL_PUBLIC_KEY_FILE = 'manifest-key.pub';

/** `<workDir>/.potions/keys` */
export function localKeysDir(workDir: string): string {
  return path.join(workDir, '.potions', 'keys');
}

export interface LocalSigningKey {
  signer: LocalKeySigner;
  privateKeyFile: string;
  publicKeyFile: string;
  publicKeyPem: string;
  /** True when this call made the key. */
  created: boolean;
}

/** Write `data` to `dest` with `mode` only if `dest` does not exist (link, never overwrite). */
async function createExclusive(dest: string, data: string, mode: number): Promise<boolean> {
  const tmp = tempPathFor(dest);
  await fs.writeFile(tmp, data, { mode });
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

/** The local signing key, generated on first use. Two releases racing agree on one key. */
export async function ensureLocalSigningKey(workDir: string): Promise<LocalSigningKey> {
  const dir = localKeysDir(workDir);
  const privateKeyFile = path.join(dir, LOCAL_KEY_FILE);
  const publicKeyFile = path.join(dir, LOCAL_PUBLIC_KEY_FILE);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  let created = false;
  try {
    await fs.access(privateKeyFile);
  } catch {
    const key = generateManifestKey();
    created = await createExclusive(privateKeyFile, key.privateKeyPem, 0o600);
  }
  const signer = LocalKeySigner.fromPem(await fs.readFile(privateKeyFile, 'utf8'), `key file ${privateKeyFile}`);
  const publicKeyPem = signer.publicKeyPem();
  // The public key is derived from the private one each time, so a stale .pub is repaired.
  const current = await fs.readFile(publicKeyFile, 'utf8').catch(() => undefined);
  if (current !== publicKeyPem) {
    const tmp = tempPathFor(publicKeyFile);
    await fs.writeFile(tmp, publicKeyPem, { mode: 0o644 });
    await fs.rename(tmp, publicKeyFile);
  }
  return { signer, privateKeyFile, publicKeyFile, publicKeyPem, created };
}
