import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingReporter, describeError } from '@potions/core';
import { loadMirrorsConfig, mirrorsConfigFromObject, resolveCredentials } from './index';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-mcfg-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const R2_AND_WASABI = `
version: 1
minMirrors: 1
mirrors:
  - name: r2
    provider: r2
    endpoint: https://0123456789abcdef.r2.cloudflarestorage.com
    bucket: potions
    prefix: /v1/
    publicUrl: https://dl.example.com/
    storageClass: STANDARD
  - name: wasabi
    provider: wasabi
    endpoint: https://s3.eu-central-2.wasabisys.com
    region: eu-central-2
    bucket: potions-eu
    credentials:
      accessKeyIdEnv: WASABI_KEY
      secretAccessKeyEnv: WASABI_SECRET
`;

test('an R2 and a Wasabi mirror load with the provider defaults', async () => {
  const file = path.join(dir, 'mirrors.yaml');
  await fs.writeFile(file, R2_AND_WASABI);
  const cfg = await loadMirrorsConfig(file);
  expect(cfg.minMirrors).toBe(1);
  expect(cfg.mirrors[0]).toEqual({
    name: 'r2',
    provider: 'r2',
    endpoint: 'https://0123456789abcdef.r2.cloudflarestorage.com',
    bucket: 'potions',
    prefix: 'v1',
    region: 'auto',
    forcePathStyle: true,
    publicUrl: 'https://dl.example.com',
    storageClass: 'STANDARD',
  });
  expect(cfg.mirrors[1]).toMatchObject({
    region: 'eu-central-2',
    credentialsEnv: { accessKeyId: 'WASABI_KEY', secretAccessKey: 'WASABI_SECRET' },
  });
});

test('mistakes name the file, the field and the value', async () => {
  const file = path.join(dir, 'bad.yaml');
  await fs.writeFile(file, R2_AND_WASABI.replace('bucket: potions-eu', 'bucket: potions-eu\n    storageClass: GLACIER'));
  const err = await loadMirrorsConfig(file).catch((e: unknown) => e);
  expect(describeError(err)).toBe(
    `${file} mirrors.1.storageClass: provider wasabi does not support storage class "GLACIER"\n  hint: remove storageClass: wasabi has none`,
  );

  const bad = (doc: unknown): string => {
    try {
      mirrorsConfigFromObject(doc, 'm.json');
    } catch (e) {
      return describeError(e);
    }
    return 'no error';
  };
  expect(bad({ mirrors: [{ name: 'a', endpoint: 'ftp://x', bucket: 'bbb' }] })).toMatch(/^m\.json mirrors\.0\.endpoint: an http\(s\) URL .*\(found "ftp:\/\/x"\)/);
  expect(bad({ mirrors: [{ name: 'a', endpoint: 'https://x', bucket: 'bbb', secretAccessKey: 'x' }] })).toMatch(/^m\.json mirrors\.0: .*secretAccessKey/);
  expect(bad({ mirrors: [] })).toMatch(/^m\.json mirrors: at least one mirror/);
  expect(bad({ mirrors: [{ name: 'a', endpoint: 'https://x', bucket: 'bbb' }, { name: 'a', endpoint: 'https://y', bucket: 'ccc' }] })).toMatch(
    /mirrors\.1\.name: duplicate mirror name "a"/,
  );
  await expect(loadMirrorsConfig(path.join(dir, 'missing.yaml'))).rejects.toMatchObject({ code: 'E_MIRRORS_CONFIG_UNREADABLE' });
});

test('credentials: named variables, then POTIONS_MIRROR_<NAME>_*, then AWS_*; all masked', async () => {
  const cfg = mirrorsConfigFromObject(
    { mirrors: [{ name: 'eu-west', endpoint: 'https://s3.example.com', bucket: 'bbb' }] },
    'm.json',
  );
  const m = cfg.mirrors[0]!;
  const reporter = new RecordingReporter();
  expect(
    resolveCredentials(m, {
      reporter,
      env: {
        POTIONS_MIRROR_EU_WEST_ACCESS_KEY_ID: 'own-id',
        POTIONS_MIRROR_EU_WEST_SECRET_ACCESS_KEY: 'own-secret',
        AWS_ACCESS_KEY_ID: 'aws-id',
        AWS_SECRET_ACCESS_KEY: 'aws-secret',
      },
    }),
  ).toEqual({ accessKeyId: 'own-id', secretAccessKey: 'own-secret' });
  expect(resolveCredentials(m, { reporter, env: { AWS_ACCESS_KEY_ID: 'aws-id', AWS_SECRET_ACCESS_KEY: 'aws-secret' } })).toEqual({
    accessKeyId: 'aws-id',
    secretAccessKey: 'aws-secret',
  });
  expect(reporter.secrets).toEqual(['own-id', 'own-secret', 'aws-id', 'aws-secret']);
  // The message itself names the variables (callers print only the message) and does not repeat "mirror eu-west:",
  // which every caller already puts in front.
  let missing: unknown;
  try {
    resolveCredentials(m, { reporter, env: {} });
  } catch (err) {
    missing = err;
  }
  expect(missing).toMatchObject({ code: 'E_MIRRORS_NO_CREDENTIALS' });
  expect((missing as Error).message).toBe(
    'no credentials in the environment: set POTIONS_MIRROR_EU_WEST_ACCESS_KEY_ID and POTIONS_MIRROR_EU_WEST_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or give the mirror a roleArn',
  );
  const named = { ...m, credentialsEnv: { accessKeyId: 'K', secretAccessKey: 'S' } };
  expect(() => resolveCredentials(named, { reporter, env: { K: 'k' } })).toThrow(/^S is not set: set K and S/);
});

test('a roleArn mirror without a web-identity token says how to get one', async () => {
  const cfg = mirrorsConfigFromObject(
    { mirrors: [{ name: 'aws', provider: 's3', endpoint: 'https://s3.amazonaws.com', bucket: 'bbb', roleArn: 'arn:aws:iam::123456789012:role/potions' }] },
    'm.json',
  );
  expect(cfg.mirrors[0]!.forcePathStyle).toBe(false);
  const provider = resolveCredentials(cfg.mirrors[0]!, { reporter: new RecordingReporter(), env: {} });
  expect(typeof provider).toBe('function');
  await expect((provider as () => Promise<unknown>)()).rejects.toMatchObject({
    code: 'E_MIRRORS_NO_CREDENTIALS',
    hint: expect.stringContaining('id-token: write'),
  });
});

test('a secret written in the file is refused with where secrets go instead', () => {
  const doc = { mirrors: [{ name: 'r2-eu', endpoint: 'https://x.r2.cloudflarestorage.com', bucket: 'bbb', secretAccessKey: 'abc' }] };
  let error: unknown;
  try {
    mirrorsConfigFromObject(doc, 'mirrors.yaml');
  } catch (err) {
    error = err;
  }
  expect(error).toMatchObject({ code: 'E_MIRRORS_CONFIG_INVALID', location: { file: 'mirrors.yaml', field: 'mirrors.0' } });
  expect((error as Error).message).toContain('secrets never go in the file: set POTIONS_MIRROR_R2_EU_SECRET_ACCESS_KEY');
  // The value is a secret: it is not echoed back.
  expect(JSON.stringify(error)).not.toContain('abc');
  expect((error as Error).message).not.toContain('abc');
});
