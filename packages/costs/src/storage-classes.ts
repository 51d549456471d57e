/**
 * Which storage classes a lifecycle policy (or a cost scenario) may name for
 * a mirror: those its provider accepts (`STORAGE_CLASSES` of
 * `@potions/mirrors`, the same list uploads are checked against) that a
 * mirror can also serve downloads from and that Potions has prices for (the
 * price table). Glacier Flexible Retrieval and Deep Archive are accepted by
 * S3 but need a restore before a GET, so a mirror holding an artifact there
 * could not serve it; Wasabi has a single class, so there is nothing to name.
 */
import { UserError } from '@potions/core';
import type { SourceLocation } from '@potions/core';
import { STORAGE_CLASSES } from '@potions/mirrors';
import type { Provider } from '@potions/mirrors';
import { CostsErrorCode } from './errors';
import { PRICE_TABLE } from './price-table';
import type { PriceTable, ProviderPrices } from './prices';

/** Classes whose objects must be restored before they can be read: never a mirror's. */
const NEEDS_RESTORE = new Set(['GLACIER', 'DEEP_ARCHIVE']);

function accepted(provider: string): readonly string[] {
  return (STORAGE_CLASSES as Record<string, readonly string[] | undefined>)[provider] ?? [];
}

/** The provider's entry in the price table, or undefined for a provider Potions has no prices for. */
export function providerPrices(provider: string, table: PriceTable = PRICE_TABLE): ProviderPrices | undefined {
  return (table.providers as Record<string, ProviderPrices | undefined>)[provider];
}

/** The storage classes a lifecycle policy may name on a mirror of this provider (possibly none). */
export function storageClassesFor(provider: Provider | string, table: PriceTable = PRICE_TABLE): string[] {
  const prices = providerPrices(provider, table);
  if (!prices) return [];
  const ok = new Set(accepted(provider));
  return Object.keys(prices.classes).filter((c) => ok.has(c));
}

export function isStorageClassSupported(provider: Provider | string, storageClass: string, table: PriceTable = PRICE_TABLE): boolean {
  return storageClassesFor(provider, table).includes(storageClass);
}

/**
 * Throws `E_COSTS_STORAGE_CLASS` unless `storageClass` is one a lifecycle
 * policy may name on this mirror; the message names the mirror, the provider
 * and the classes it supports. `where` is the policy's file and field.
 */
export function assertStorageClass(
  mirror: { name: string; provider: Provider | string },
  storageClass: string,
  where: SourceLocation = {},
  table: PriceTable = PRICE_TABLE,
): void {
  const supported = storageClassesFor(mirror.provider, table);
  if (supported.includes(storageClass)) return;
  const who = `mirror ${JSON.stringify(mirror.name)} (provider ${mirror.provider})`;
  const found = JSON.stringify(storageClass);
  let message: string;
  let hint: string;
  if (!providerPrices(mirror.provider, table)) {
    message = `${who}: Potions does not know the storage classes of provider ${mirror.provider}, so a lifecycle policy cannot name one (found ${found})`;
    hint = 'set the mirror\'s provider to s3, r2 or wasabi if it is one of them, or leave the storage class out of its policy';
  } else if (supported.length === 0) {
    message = `${who} has a single storage class: a lifecycle policy cannot name one (found ${found})`;
    hint = 'leave the storage class out (archive older versions to another bucket or mirror instead, or delete them)';
  } else {
    const why = NEEDS_RESTORE.has(storageClass)
      ? `: objects in ${storageClass} need a restore before a download, so a mirror cannot serve them`
      : accepted(mirror.provider).includes(storageClass)
        ? ': Potions has no prices for it'
        : '';
    message = `${who} does not support storage class ${found}${why}; it supports ${supported.join(', ')}`;
    hint = `use one of ${supported.join(', ')}`;
  }
  throw new UserError(CostsErrorCode.StorageClass, message, { location: { ...where, field: where.field ?? 'storageClass' }, hint });
}
