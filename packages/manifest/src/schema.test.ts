import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { encodeSignedManifest, signManifest } from './envelope';
import { generateManifestKey, LocalKeySigner } from './keys';
import { planManifestPublish } from './plan';
import { SignedManifestSchema, manifestJsonSchema } from './schema';
import { availablePlatformInput } from './testing';

const docsSchemaPath = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'manifest.schema.json');

async function sampleSigned() {
  const plan = planManifestPublish({
    existing: [],
    now: new Date('2025-03-01T00:00:00Z'),
    release: {
      packages: [
        {
          name: 'jq',
          version: '1.7.1',
          platforms: {
            'linux-amd64': {
              ...availablePlatformInput({
                name: 'jq',
                version: '1.7.1',
                platform: 'linux-amd64',
                urls: ['https://a.example/jq', 'https://b.example/jq'],
                formats: ['tar.gz', 'tar.zst'],
              }),
            },
            'darwin-arm64': { status: 'unavailable', reason: 'build failed: configure: error: no acceptable C compiler' },
          },
        },
      ],
    },
  });
  return signManifest(plan.manifest, LocalKeySigner.fromPem(generateManifestKey().privateKeyPem));
}

describe('manifest schema', () => {
  it('round-trips a signed manifest through its stored bytes', async () => {
    const signed = await sampleSigned();
    const bytes = encodeSignedManifest(signed);
    const parsed = SignedManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
    expect(parsed).toEqual(signed);
    expect(Object.keys(parsed.signed.packages.jq!['1.7.1']!).sort()).toEqual(
      ['darwin-arm64', 'darwin-x86_64', 'linux-amd64', 'linux-arm64'],
    );
    expect(parsed.signed.packages.jq!['1.7.1']!['linux-arm64']).toEqual({ status: 'unavailable', reason: 'not built in this release' });
  });

  it('refuses a field it does not know, so no publisher can drop one while merging', async () => {
    const signed = await sampleSigned();
    const withExtra = structuredClone(signed) as unknown as { signed: Record<string, unknown> };
    withExtra.signed.shards = ['x'];
    const result = SignedManifestSchema.safeParse(withExtra);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('shards');
  });

  it('refuses a version that leaves out a platform', async () => {
    const signed = structuredClone(await sampleSigned());
    delete (signed.signed.packages.jq!['1.7.1'] as Record<string, unknown>)['linux-arm64'];
    const result = SignedManifestSchema.safeParse(signed);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe('signed.packages.jq.1.7.1.linux-arm64');
  });

  it('docs/manifest.schema.json is the JSON Schema of the zod schema (regenerate: npx tsx scripts/gen-manifest-schema.ts)', async () => {
    const onDisk = JSON.parse(await fs.readFile(docsSchemaPath, 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(manifestJsonSchema())));
  });

  it('the example in docs/manifest.md follows the schema', async () => {
    const md = await fs.readFile(path.join(path.dirname(docsSchemaPath), 'manifest.md'), 'utf8');
    const example = /```json\n([\s\S]*?)\n```/.exec(md)?.[1];
    expect(example).toBeDefined();
    const parsed = SignedManifestSchema.parse(JSON.parse(example!));
    expect(parsed.signed.packages.jq?.['1.7.1']?.['darwin-arm64']?.status).toBe('unavailable');
  });

  it('the JSON Schema in docs accepts a real manifest and rejects a broken digest', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(JSON.parse(await fs.readFile(docsSchemaPath, 'utf8')));
    const signed = JSON.parse(new TextDecoder().decode(encodeSignedManifest(await sampleSigned())));
    expect(validate(signed)).toBe(true);
    signed.signed.packages.jq['1.7.1']['linux-amd64'].artifacts[0].sha256 = 'not-hex';
    expect(validate(signed)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('sha256');
  });
});
