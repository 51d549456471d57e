import { promises as fs } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { RecordingReporter } from '@potions/core';
import { ManifestErrorCode } from './errors';
import { generateManifestKey, localKeySignerFromEnv, localKeySignerFromFile, LocalKeySigner, trustedKeysFromPem } from './keys';

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected an error');
}

describe('manifest keys', () => {
  const key = generateManifestKey();

  it('reads the key from POTIONS_MANIFEST_KEY, masks it, and signs what the public key verifies', async () => {
    const reporter = new RecordingReporter();
    const signer = localKeySignerFromEnv({ env: { POTIONS_MANIFEST_KEY: key.privateKeyPem }, reporter });
    expect(reporter.secrets).toEqual([key.privateKeyPem]);
    expect(signer.keyid).toBe(key.keyid);
    const [verifier] = trustedKeysFromPem(key.publicKeyPem);
    const data = new TextEncoder().encode('hello');
    expect(await verifier!.verify(data, await signer.sign(data))).toBe(true);
    expect(await verifier!.verify(new TextEncoder().encode('hellO'), await signer.sign(data))).toBe(false);
    // The private key never shows in logs or JSON.
    const pemBody = key.privateKeyPem.split('\n')[1]!;
    expect(inspect(signer)).not.toContain(pemBody);
    expect(JSON.stringify(signer)).toBe(JSON.stringify({ keyid: key.keyid }));
  });

  it('accepts the PEM base64-encoded on one line, masking both forms', () => {
    const reporter = new RecordingReporter();
    const b64 = Buffer.from(key.privateKeyPem).toString('base64');
    const signer = localKeySignerFromEnv({ env: { POTIONS_MANIFEST_KEY: b64 }, reporter });
    expect(signer.keyid).toBe(key.keyid);
    expect(reporter.secrets).toContain(b64);
    expect(reporter.secrets.some((s) => s.includes('BEGIN PRIVATE KEY'))).toBe(true);
  });

  it('names the variable and points to the docs when it is missing', () => {
    const err = thrown(() => localKeySignerFromEnv({ env: {} }));
    expect(err.code).toBe(ManifestErrorCode.Key);
    expect(err.message).toBe('POTIONS_MANIFEST_KEY is not set: the manifest cannot be signed');
    expect((err as { hint?: string }).hint).toContain('docs/manifest.md');
  });

  it('refuses an RSA key and garbage without quoting them', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(thrown(() => LocalKeySigner.fromPem(rsa)).message).toContain('holds a rsa key, expected an Ed25519 key');
    const err = thrown(() => LocalKeySigner.fromPem('-----BEGIN PRIVATE KEY-----\nsecretstuff\n-----END PRIVATE KEY-----'));
    expect(err.message).toBe('the manifest key is not a PEM private key');
  });

  it('reads a key file, naming the file when it cannot', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-manifest-keys-'));
    try {
      const file = path.join(dir, 'manifest-key.pem');
      await fs.writeFile(file, key.privateKeyPem, { mode: 0o600 });
      expect((await localKeySignerFromFile(file)).keyid).toBe(key.keyid);
      await expect(localKeySignerFromFile(path.join(dir, 'missing.pem'))).rejects.toThrow(`cannot read the manifest key file ${dir}`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('warns, as ssh does, when the private key file is readable by group or others', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-keys-mode-'));
    try {
      const open = path.join(dir, 'openkey.pem');
      await fs.writeFile(open, key.privateKeyPem);
      await fs.chmod(open, 0o644);
      const reporter = new RecordingReporter();
      expect((await localKeySignerFromFile(open, { reporter, platform: 'linux' })).keyid).toBe(key.keyid);
      expect(reporter.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
        `the private key ${open} is readable by group and others (mode 0644): run \`chmod 600 ${open}\``,
      ]);
      await fs.chmod(open, 0o600);
      const quiet = new RecordingReporter();
      await localKeySignerFromFile(open, { reporter: quiet, platform: 'linux' });
      expect(quiet.lines.filter((l) => l.level === 'warn')).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reads several trusted public keys from one text', () => {
    const other = generateManifestKey();
    const keys = trustedKeysFromPem(`${key.publicKeyPem}\n# rotated in 2025\n${other.publicKeyPem}`);
    expect(keys.map((k) => k.keyid)).toEqual([key.keyid, other.keyid]);
    expect(thrown(() => trustedKeysFromPem('nothing here')).code).toBe(ManifestErrorCode.Key);
  });
});
