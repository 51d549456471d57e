import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingReporter } from '@potions/core';
import { writeSampleBuild } from '@potions/core/testing';
import { KeyBundleSigner, generateSigningKey } from './key-signer';
import { SLSA_PROVENANCE_TYPE, localBuildContext } from './provenance';
import { signFiles, signProvenance } from './sign-files';
import { verifyArtifactFile, verifyStatement } from './verify';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** An artifact pair and its metadata as the builder leaves them in a folder. */
async function writeBuild(dir: string, name: string): Promise<{ metadata: string; gz: string; zst: string }> {
  const b = await writeSampleBuild(dir, { name, version: '1.0' });
  return { metadata: b.metadataFile, gz: b.gz, zst: b.zst };
}

describe('signFiles and signProvenance', () => {
  let dir: string;
  const key = generateSigningKey();
  const signer = KeyBundleSigner.fromPem(key.privateKeyPem);
  const trust = { keys: [{ publicKey: key.publicKeyPem }] };
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-sign-files-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes <file>.sigstore.json beside each file, or into --out-dir, and reports each', async () => {
    const b = await writeBuild(path.join(dir, 'art'), 'hello');
    const reporter = new RecordingReporter();
    const signed = await signFiles([b.gz, b.zst, b.metadata], { signer, reporter });
    expect(signed.map((s) => path.basename(s.bundleFile))).toEqual([
      'hello-1.0-linux-amd64.tar.gz.sigstore.json',
      'hello-1.0-linux-amd64.tar.zst.sigstore.json',
      'hello-1.0-linux-amd64.tar.gz.json.sigstore.json',
    ]);
    expect(signed[0]).toEqual({
      file: b.gz,
      sha256: sha256(await fs.readFile(b.gz)),
      size: (await fs.readFile(b.gz)).length,
      bundleFile: `${b.gz}.sigstore.json`,
      kind: 'key',
      keyId: key.keyId,
    });
    for (const s of signed) await expect(verifyArtifactFile(s.file, s.bundleFile, { trust })).resolves.toMatchObject({ keyId: key.keyId });
    expect(reporter.text()).toContain(`signed ${b.gz} -> ${b.gz}.sigstore.json (key ${key.keyId.slice(0, 16)})`);
    // No temporary file is left behind.
    expect((await fs.readdir(path.join(dir, 'art'))).filter((f) => f.endsWith('.partial'))).toEqual([]);

    const out = path.join(dir, 'bundles');
    const [one] = await signFiles([b.gz], { signer, outDir: out });
    expect(one!.bundleFile).toBe(path.join(out, 'hello-1.0-linux-amd64.tar.gz.sigstore.json'));
  });

  it('refuses two files that would write the same bundle, and a file it cannot read, before writing anything', async () => {
    await fs.mkdir(path.join(dir, 'a'));
    await fs.mkdir(path.join(dir, 'b'));
    await fs.writeFile(path.join(dir, 'a', 'x'), 'a');
    await fs.writeFile(path.join(dir, 'b', 'x'), 'b');
    await expect(signFiles([path.join(dir, 'a', 'x'), path.join(dir, 'b', 'x')], { signer, outDir: path.join(dir, 'out') })).rejects.toMatchObject({
      code: 'E_SIGNING_BUNDLE_COLLISION',
    });
    await expect(fs.access(path.join(dir, 'out'))).rejects.toThrow();
    await expect(signFiles([path.join(dir, 'missing')], { signer })).rejects.toMatchObject({ code: 'E_SIGNING_UNREADABLE', location: { file: path.join(dir, 'missing') } });
  });

  it('signs one provenance statement per build, naming its two artifacts', async () => {
    const a = await writeBuild(dir, 'hello');
    const z = await writeBuild(dir, 'zlib');
    const made = await signProvenance([a.metadata, z.metadata], { signer, context: localBuildContext() });
    expect(made.map((p) => path.basename(p.bundleFile))).toEqual(['hello-1.0-linux-amd64.provenance.sigstore.json', 'zlib-1.0-linux-amd64.provenance.sigstore.json']);
    const text = await fs.readFile(made[0]!.bundleFile, 'utf8');
    const v = await verifyStatement(text, {
      trust,
      predicateType: SLSA_PROVENANCE_TYPE,
      subjects: [
        { name: 'hello-1.0-linux-amd64.tar.gz', sha256: sha256(await fs.readFile(a.gz)) },
        { name: 'hello-1.0-linux-amd64.tar.zst', sha256: sha256(await fs.readFile(a.zst)) },
      ],
    });
    expect(v.statement.subject.map((s) => s.name)).toEqual(['hello-1.0-linux-amd64.tar.gz', 'hello-1.0-linux-amd64.tar.zst']);
    // The artifact verifies against its provenance too.
    await expect(verifyArtifactFile(a.gz, made[0]!.bundleFile, { trust })).resolves.toMatchObject({ content: 'dsse' });
    await expect(verifyArtifactFile(z.gz, made[0]!.bundleFile, { trust })).rejects.toMatchObject({ code: 'E_SIGNING_SUBJECT_MISMATCH' });
  });

  it('refuses provenance for metadata whose artifacts changed or are missing', async () => {
    const a = await writeBuild(dir, 'hello');
    await fs.appendFile(a.zst, 'changed');
    await expect(signProvenance([a.metadata], { signer, context: localBuildContext() })).rejects.toMatchObject({
      code: 'E_SIGNING_PROVENANCE_INPUT',
      message: expect.stringContaining(`${a.zst} has sha256`),
    });
    await fs.rm(a.zst);
    await expect(signProvenance([a.metadata], { signer, context: localBuildContext() })).rejects.toMatchObject({ code: 'E_SIGNING_PROVENANCE_INPUT' });
    expect((await fs.readdir(dir)).filter((f) => f.includes('provenance'))).toEqual([]);
  });
});
