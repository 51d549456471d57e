import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyDetachedSignature } from './signature';

const upstream = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/upstream');
const read = (f: string): Buffer => readFileSync(path.join(upstream, f));
const HELLO = '8ED396E37E38D471A00530D3A9553245FDE9B739';
const M4 = '71C2CC22B1C4602927D2F3AAA7A16B4A2527436A';

describe('verifyDetachedSignature', () => {
  const keys = [{ origin: 'keyring', bytes: Buffer.concat([read('hello-signing-key.asc'), read('m4-signing-key.asc')]) }];

  test('a good signature by a pinned key', async () => {
    const v = await verifyDetachedSignature({ data: read('hello-2.10.tar.gz'), signature: read('hello-2.10.tar.gz.sig'), keys, fingerprints: [HELLO], subject: 'hello' });
    expect(v.fingerprint).toBe(HELLO);
    expect(v.userId).toMatch(/Sami Kerola/);
  });

  test('a good signature by a key that is in the keyring but not pinned is refused', async () => {
    await expect(
      verifyDetachedSignature({ data: read('hello-2.10.tar.gz'), signature: read('hello-2.10.tar.gz.sig'), keys, fingerprints: [M4], subject: 'hello' }),
    ).rejects.toMatchObject({ code: 'E_BUILD_SIGNATURE_BAD' });
  });

  test('changed data is refused', async () => {
    const data = Buffer.from(read('hello-2.10.tar.gz'));
    data[100] = (data[100] as number) ^ 1;
    await expect(verifyDetachedSignature({ data, signature: read('hello-2.10.tar.gz.sig'), keys, fingerprints: [HELLO], subject: 'hello' })).rejects.toMatchObject({
      code: 'E_BUILD_SIGNATURE_BAD',
      message: expect.stringContaining('bad signature on hello'),
    });
  });

  test('no pinned fingerprint, or no pinned key in the files, is refused', async () => {
    const base = { data: read('hello-2.10.tar.gz'), signature: read('hello-2.10.tar.gz.sig'), subject: 'hello' };
    await expect(verifyDetachedSignature({ ...base, keys, fingerprints: [] })).rejects.toMatchObject({ code: 'E_BUILD_SIGNATURE_NO_PINS' });
    await expect(
      verifyDetachedSignature({ ...base, keys: [{ origin: 'm4 key', bytes: read('m4-signing-key.asc') }], fingerprints: [HELLO] }),
    ).rejects.toMatchObject({ code: 'E_BUILD_SIGNATURE_UNPINNED' });
  });
});
