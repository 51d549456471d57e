import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LOCAL_BUCKET, LOCAL_CREDENTIALS, startLocalMirrors } from './index';
import type { LocalMirrors } from './index';

// s3rver 3.7.1 answered a PUT before the object was written, and wrote it in place: about 4 GETs
// in 1,000 made right after a PUT returned an empty body or the previous bytes, seen on a loaded
// machine (patches/s3rver@3.7.1.patch writes to a temporary file and answers after the rename).
// A race: on an idle machine the unpatched server can pass this too; it fails when the window opens.
describe('a GET right after a PUT returns the bytes just written', () => {
  let root: string;
  let local: LocalMirrors;
  let client: S3Client;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-put-get-'));
    local = await startLocalMirrors({ dir: root, count: 1, ports: [0] });
    client = new S3Client({
      endpoint: local.mirrors[0]!.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { ...LOCAL_CREDENTIALS },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });
  afterAll(async () => {
    client?.destroy();
    await local?.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('for 400 overwrites of 4 keys (up to 1 MB), each read back at once', async () => {
    const wrong: string[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (k) => {
        for (let i = 0; i < 100; i++) {
          // Sizes vary so that a stale or partial read cannot pass by chance.
          const body = `key ${k} round ${i} `.repeat(1 + ((i * 7919) % 60000));
          await client.send(new PutObjectCommand({ Bucket: LOCAL_BUCKET, Key: `race/${k}`, Body: body }));
          const got = await (await client.send(new GetObjectCommand({ Bucket: LOCAL_BUCKET, Key: `race/${k}` }))).Body!.transformToString();
          if (got !== body) wrong.push(`key ${k} round ${i}: ${got.length} bytes, expected ${body.length}`);
        }
      }),
    );
    expect(wrong).toEqual([]);
  });
});
