import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSampleBuild } from '@potions/core/testing';
import { generateSigningKey } from '@potions/signing';
import { githubClaims, startSigstoreTestServices, type SigstoreTestServices } from '@potions/signing/testing';
import { runCli as cli } from '../testing';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const RELEASE_IDENTITY = '^https://github\\.com/potions/actions/\\.github/workflows/release\\.yml@refs/tags/.+$';
const ISSUER = 'https://token.actions.githubusercontent.com';
/** Variables that would make the CLI sign keyless or think it runs on GitHub. */
const AMBIENT = ['POTIONS_OIDC_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'GITHUB_ACTIONS', 'POTIONS_STATE_DIR'];

describe('potions sign / potions verify', () => {
  let dir: string;
  let svc: SigstoreTestServices;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    svc = await startSigstoreTestServices();
    for (const k of AMBIENT) saved[k] = process.env[k];
  });
  afterAll(async () => {
    await svc.close();
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-cli-sign-'));
    for (const k of AMBIENT) delete process.env[k];
    process.env.POTIONS_STATE_DIR = path.join(dir, 'state');
  });
  afterEach(async () => {
    for (const k of AMBIENT) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function files(...names: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const n of names) {
      const f = path.join(dir, n);
      await fs.writeFile(f, `contents of ${n}`);
      out.push(f);
    }
    return out;
  }

  it('signs with a local key made on first use, prints its public key, and verifies with it', async () => {
    const [a, b] = await files('a.tar.gz', 'b.tar.zst');
    const first = await cli(['sign', a!, b!, '--json']);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as { mode: string; createdKey: boolean; publicKey: string; publicKeyFile: string; files: { file: string; bundle: string; sha256: string; keyId: string }[] };
    expect(out.mode).toBe('key');
    expect(out.createdKey).toBe(true);
    expect(out.publicKeyFile).toBe(path.join(dir, 'state', 'keys', 'signing-key.pub'));
    expect(first.stderr).toContain('made a local signing key');
    expect(first.stderr).toContain(out.publicKey.trim());
    expect(out.files.map((f) => f.bundle)).toEqual([`${a}.sigstore.json`, `${b}.sigstore.json`]);
    expect(out.files[0]!.sha256).toBe(sha256(await fs.readFile(a!)));

    // Human output says which way it signed; the key is not made again.
    const again = await cli(['sign', a!]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/signing with a key: key [0-9a-f]{16} \(local key /);
    expect(again.stderr).not.toContain('made a local signing key');

    // Verify with the public key file, and by default with the local key.
    const v = await cli(['verify', a!, '--key', out.publicKeyFile, '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, kind: 'key', keyId: out.files[0]!.keyId, sha256: out.files[0]!.sha256 });
    const byDefault = await cli(['verify', b!]);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stderr).toContain(`${b}: verified, signed with key ${out.files[0]!.keyId}`);

    // A changed file fails, saying which; with the manifest's digest it tells a wrong bundle from a changed file.
    const aBytes = await fs.readFile(a!);
    await fs.appendFile(a!, 'x');
    const tampered = await cli(['verify', a!, '--json']);
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.stdout)).toMatchObject({ ok: false, code: 'E_SIGNING_DIGEST_MISMATCH' });
    const changed = await cli(['verify', a!, '--sha256', sha256(aBytes), '--json']);
    expect(JSON.parse(changed.stdout)).toMatchObject({ ok: false, code: 'E_SIGNING_ARTIFACT_TAMPERED' });
    const wrong = await cli(['verify', b!, '--bundle', `${a}.sigstore.json`, '--sha256', sha256(await fs.readFile(b!))]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`error: ${a}.sigstore.json is the bundle of another file`);
  });

  it('signs with --key and refuses another key', async () => {
    const [a] = await files('a.bin');
    const key = generateSigningKey();
    const other = generateSigningKey();
    await fs.writeFile(path.join(dir, 'k.pem'), key.privateKeyPem, { mode: 0o600 });
    await fs.writeFile(path.join(dir, 'k.pub'), key.publicKeyPem);
    await fs.writeFile(path.join(dir, 'other.pub'), other.publicKeyPem);
    const s = await cli(['sign', a!, '--key', path.join(dir, 'k.pem'), '--out-dir', path.join(dir, 'out'), '--json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ mode: 'key', source: `key file ${path.join(dir, 'k.pem')}`, files: [{ keyId: key.keyId, bundle: path.join(dir, 'out', 'a.bin.sigstore.json') }] });
    expect(JSON.parse(s.stdout).publicKey).toBeUndefined();
    const bundle = path.join(dir, 'out', 'a.bin.sigstore.json');
    expect((await cli(['verify', a!, '--bundle', bundle, '--key', path.join(dir, 'k.pub')])).code).toBe(0);
    const refused = await cli(['verify', a!, '--bundle', bundle, '--key', path.join(dir, 'other.pub'), '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ code: 'E_SIGNING_UNKNOWN_KEY' });
    // A private key given where a public one belongs is a mistake, said so.
    const priv = await cli(['verify', a!, '--bundle', bundle, '--key', path.join(dir, 'k.pem')]);
    expect(priv.code).toBe(1);
    expect(priv.stderr).toContain('holds no "-----BEGIN PUBLIC KEY-----" block');
  });

  it('signs keyless with POTIONS_OIDC_TOKEN and verifies the pinned identity; a wrong identity or issuer fails', async () => {
    const [a] = await files('hello.tar.gz');
    const services = path.join(dir, 'sigstore.json');
    await fs.writeFile(services, JSON.stringify(svc.services));
    const root = path.join(dir, 'trusted_root.json');
    await fs.writeFile(root, JSON.stringify(svc.trustedRoot));
    process.env.POTIONS_OIDC_TOKEN = svc.idToken();
    const s = await cli(['sign', a!, '--sigstore', services, '--json']);
    expect(s.code).toBe(0);
    const out = JSON.parse(s.stdout) as { mode: string; source: string; files: { logIndex: string; identity: string }[] };
    expect(out).toMatchObject({ mode: 'keyless', source: 'OIDC token from POTIONS_OIDC_TOKEN' });
    expect(out.files[0]!.identity).toBe('https://github.com/potions/actions/.github/workflows/release.yml@refs/tags/v1');
    expect(out.files[0]!.logIndex).toMatch(/^\d+$/);
    expect(s.stdout).not.toContain(process.env.POTIONS_OIDC_TOKEN);

    const pin = ['--certificate-identity-regexp', RELEASE_IDENTITY, '--certificate-oidc-issuer', ISSUER, '--trusted-root', root];
    const ok = await cli(['verify', a!, ...pin, '--certificate-source-repository', 'https://github.com/acme/tools']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain(
      `verified, signed keyless by https://github.com/potions/actions/.github/workflows/release.yml@refs/tags/v1 (issuer ${ISSUER}, source repository https://github.com/acme/tools) at ${svc.signingTime.toISOString()}`,
    );
    const identity = await cli(['verify', a!, ...pin.map((p) => (p === RELEASE_IDENTITY ? RELEASE_IDENTITY.replace('release', 'nightly') : p)), '--json']);
    expect(identity.code).toBe(1);
    expect(JSON.parse(identity.stdout)).toMatchObject({ code: 'E_SIGNING_IDENTITY_MISMATCH' });
    const issuer = await cli(['verify', a!, ...pin.map((p) => (p === ISSUER ? 'https://accounts.google.com' : p)), '--json']);
    expect(JSON.parse(issuer.stdout)).toMatchObject({ code: 'E_SIGNING_ISSUER_MISMATCH' });
    // A keyless bundle is not accepted where only a key is trusted.
    const key = generateSigningKey();
    await fs.writeFile(path.join(dir, 'k.pub'), key.publicKeyPem);
    expect(JSON.parse((await cli(['verify', a!, '--key', path.join(dir, 'k.pub'), '--json'])).stdout)).toMatchObject({ code: 'E_SIGNING_WRONG_KIND' });
  });

  it('signs keyless through GitHub\'s token endpoint, and signs provenance on a runner', async () => {
    const art = path.join(dir, 'art');
    await fs.mkdir(art);
    await writeSampleBuild(art);
    const metadata = path.join(art, 'hello-2.10-linux-amd64.tar.gz.json');
    Object.assign(process.env, svc.githubTokenEnv(githubClaims()));
    const services = path.join(dir, 'sigstore.json');
    await fs.writeFile(services, JSON.stringify({ ...svc.services, rekorDsseEntryType: 'intoto' }));
    const env = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/tools', GITHUB_WORKFLOW_REF: 'acme/tools/.github/workflows/release.yml@refs/tags/v1.0.0', GITHUB_RUN_ID: '5', GITHUB_REF: 'refs/tags/v1.0.0', GITHUB_SHA: 'a'.repeat(40) };
    const before = { ...process.env };
    Object.assign(process.env, env);
    try {
      const s = await cli(['sign', path.join(art, 'hello-2.10-linux-amd64.tar.gz'), '--provenance', '--metadata', metadata, '--sigstore', services, '--json']);
      expect(s.code).toBe(0);
      const out = JSON.parse(s.stdout) as { source: string; provenance: { bundle: string; subjects: { name: string }[] }[] };
      expect(out.source).toBe('OIDC token from ACTIONS_ID_TOKEN_REQUEST_URL');
      expect(out.provenance[0]!.bundle).toBe(path.join(art, 'hello-2.10-linux-amd64.provenance.sigstore.json'));
      const bundle = JSON.parse(await fs.readFile(out.provenance[0]!.bundle, 'utf8')) as { dsseEnvelope: { payload: string } };
      const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as { predicate: { runDetails: { builder: { id: string } } } };
      expect(statement.predicate.runDetails.builder.id).toBe('https://github.com/potions/actions/.github/workflows/release.yml@refs/tags/v1');
    } finally {
      for (const k of Object.keys(env)) if (before[k] === undefined) delete process.env[k];
    }
    const root = path.join(dir, 'trusted_root.json');
    await fs.writeFile(root, JSON.stringify(svc.trustedRoot));
    // The .tar.zst, never signed on its own, verifies against the provenance that names it.
    const v = await cli([
      'verify', path.join(art, 'hello-2.10-linux-amd64.tar.zst'), '--bundle', path.join(art, 'hello-2.10-linux-amd64.provenance.sigstore.json'),
      '--certificate-identity-regexp', RELEASE_IDENTITY, '--certificate-oidc-issuer', ISSUER, '--trusted-root', root, '--json',
    ]);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ content: 'dsse', kind: 'keyless' });
  });

  it('exits 2 for a wrong command line', async () => {
    const [a] = await files('a');
    for (const args of [
      ['sign'],
      ['sign', a!, '--metadata', 'm.json'],
      ['sign', a!, '--provenance'],
      ['verify', a!, '--certificate-identity-regexp', '.*'],
      ['verify', a!, '--sha256', 'xyz'],
      ['verify', a!],
    ]) {
      const r = await cli([...args, '--json']);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: 'E_USAGE' });
    }
  });
});
