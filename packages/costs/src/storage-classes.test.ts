import { STORAGE_CLASSES } from '@potions/mirrors';
import { PRICE_TABLE } from './price-table';
import { assertStorageClass, isStorageClassSupported, storageClassesFor } from './storage-classes';

describe('storage classes per provider', () => {
  it('are those the provider accepts for uploads that Potions can serve and price', () => {
    expect(storageClassesFor('s3')).toEqual(['STANDARD', 'STANDARD_IA', 'GLACIER_IR']);
    expect(storageClassesFor('r2')).toEqual(['STANDARD', 'STANDARD_IA']);
    expect(storageClassesFor('wasabi')).toEqual([]);
    expect(storageClassesFor('minio')).toEqual([]);
    expect(isStorageClassSupported('r2', 'STANDARD_IA')).toBe(true);
    expect(isStorageClassSupported('r2', 'GLACIER_IR')).toBe(false);
  });

  it('price no class that @potions/mirrors would refuse to upload with (Wasabi: its one class, sent as no header)', () => {
    for (const [provider, prices] of Object.entries(PRICE_TABLE.providers)) {
      const accepted = STORAGE_CLASSES[provider as keyof typeof STORAGE_CLASSES];
      const priced = Object.keys(prices!.classes);
      if (accepted.length === 0) expect(priced).toEqual([prices!.defaultClass]);
      else for (const c of priced) expect(accepted).toContain(c);
    }
  });
});

describe('assertStorageClass', () => {
  const where = { file: 'mirrors.yaml', field: 'mirrors.1.lifecycle.archive.storageClass' };
  const err = (fn: () => void): Record<string, unknown> => {
    try {
      fn();
    } catch (e) {
      return e as Record<string, unknown>;
    }
    throw new Error('did not throw');
  };

  it('accepts a supported class', () => {
    expect(() => assertStorageClass({ name: 'r2', provider: 'r2' }, 'STANDARD_IA', where)).not.toThrow();
  });

  it('names the mirror, the provider and the classes it supports', () => {
    expect(err(() => assertStorageClass({ name: 'cloudflare', provider: 'r2' }, 'GLACIER_IR', where))).toMatchObject({
      code: 'E_COSTS_STORAGE_CLASS',
      message: 'mirror "cloudflare" (provider r2) does not support storage class "GLACIER_IR"; it supports STANDARD, STANDARD_IA',
      hint: 'use one of STANDARD, STANDARD_IA',
      location: where,
    });
  });

  it('says why an archive class cannot hold a mirror\'s objects', () => {
    expect(err(() => assertStorageClass({ name: 'aws', provider: 's3' }, 'DEEP_ARCHIVE')).message).toBe(
      'mirror "aws" (provider s3) does not support storage class "DEEP_ARCHIVE": objects in DEEP_ARCHIVE need a restore before a download, so a mirror cannot serve them; it supports STANDARD, STANDARD_IA, GLACIER_IR',
    );
    expect(err(() => assertStorageClass({ name: 'aws', provider: 's3' }, 'ONEZONE_IA')).message).toContain('"ONEZONE_IA": Potions has no prices for it;');
  });

  it('explains that Wasabi has one class, and that an unknown provider\'s classes are not known', () => {
    expect(err(() => assertStorageClass({ name: 'wasabi-eu', provider: 'wasabi' }, 'STANDARD_IA', where))).toMatchObject({
      message: 'mirror "wasabi-eu" (provider wasabi) has a single storage class: a lifecycle policy cannot name one (found "STANDARD_IA")',
      hint: expect.stringContaining('another bucket'),
      location: where,
    });
    expect(err(() => assertStorageClass({ name: 'lab', provider: 'minio' }, 'STANDARD')).message).toBe(
      'mirror "lab" (provider minio): Potions does not know the storage classes of provider minio, so a lifecycle policy cannot name one (found "STANDARD")',
    );
    expect(err(() => assertStorageClass({ name: 'lab', provider: 'minio' }, 'STANDARD')).location).toEqual({ field: 'storageClass' });
  });
});
