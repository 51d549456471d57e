/**
 * The prices Potions estimates with: published list prices, pay as you go,
 * in US dollars. Data, not code: change a number here (and its `takenAt`)
 * when a provider changes its prices. A test fails when any price is more
 * than a year old, so that somebody checks them.
 *
 * They were transcribed on 2026-11-30 from the providers' published pages as
 * known then, WITHOUT reading the live pages (no network where this was
 * written), so every provider is `verified: false` until someone compares
 * them with the source page and sets it to true. See docs/costs.md.
 */
import type { Price, PriceTable, PriceUnit } from './prices';

const TAKEN = '2026-11-30';

const WASABI = 'https://wasabi.com/pricing';
const WASABI_FAQ = 'https://wasabi.com/pricing/pricing-faqs';
const WASABI_MIN_DURATION = 'https://docs.wasabi.com/v1/docs/how-does-wasabis-minimum-storage-duration-policy-work';
const R2 = 'https://developers.cloudflare.com/r2/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';

const price =
  (source: string) =>
  (usd: number, per: PriceUnit, note?: string): Price => ({ usd, per, takenAt: TAKEN, source, ...(note !== undefined ? { note } : {}) });
const wasabi = price(WASABI);
const r2 = price(R2);
const s3 = price(S3);

export const PRICE_TABLE: PriceTable = {
  currency: 'USD',
  providers: {
    wasabi: {
      name: 'Wasabi (pay as you go)',
      source: WASABI,
      verified: false,
      // Wasabi bills 1 TB as 1024 GB (its invoice FAQ: $/GB/day × 30 × 1024 = $/TB/month).
      gbBytes: 2 ** 30,
      defaultClass: 'STANDARD',
      classes: {
        STANDARD: {
          storage: [{ upTo: null, price: wasabi(6.99, 'TB-month') }],
          writes: wasabi(0, 'request', 'no charge for API requests within the free API request policy'),
          reads: wasabi(0, 'request', 'no charge for API requests within the free API request policy'),
          minStorageDays: 90,
        },
      },
      egress: { kind: 'free-within-stored', price: price(WASABI_FAQ)(0, 'GB', 'free while monthly egress is at most the volume stored') },
      minimumStorageGB: { gb: 1024, price: price(WASABI_FAQ)(6.99, 'TB-month', 'accounts storing less than 1 TB are billed for 1 TB') },
      roundUp: false,
      notes: [
        'One storage class; objects deleted before 90 days are billed for the rest of the 90 days (timed deleted storage).',
        `Egress and API requests are free while egress stays within the stored volume; see ${WASABI_FAQ} and ${WASABI_MIN_DURATION}.`,
        'The 1 TB minimum is per account; each Wasabi mirror is assumed to be its own account.',
      ],
    },
    r2: {
      name: 'Cloudflare R2',
      source: R2,
      verified: false,
      // The pricing page does not define GB; 2^30 bytes is assumed (check it with the prices).
      gbBytes: 2 ** 30,
      defaultClass: 'STANDARD',
      classes: {
        STANDARD: {
          storage: [{ upTo: null, price: r2(0.015, 'GB-month') }],
          writes: r2(4.5, 'million-requests', 'Class A operations'),
          reads: r2(0.36, 'million-requests', 'Class B operations'),
          minStorageDays: 0,
        },
        STANDARD_IA: {
          storage: [{ upTo: null, price: r2(0.01, 'GB-month') }],
          writes: r2(9, 'million-requests', 'Class A operations'),
          reads: r2(0.9, 'million-requests', 'Class B operations'),
          retrieval: r2(0.01, 'GB', 'data retrieval (processing)'),
          transition: r2(9, 'million-requests', 'LifecycleStorageTierTransition is a Class A operation'),
          minStorageDays: 30,
        },
      },
      egress: { kind: 'free', price: r2(0, 'GB', 'no egress charges for any storage class') },
      freeTier: { storageGBMonth: 10, writes: 1_000_000, reads: 10_000_000, classes: ['STANDARD'], price: r2(0, 'GB-month', 'free tier, Standard storage only') },
      roundUp: true,
      notes: [
        'Usage is rounded up to the next billing unit (GB-month, million operations).',
        'The free tier is per account and only for Standard storage; each R2 mirror is assumed to be its own account.',
      ],
    },
    s3: {
      name: 'Amazon S3',
      region: 'us-east-1',
      source: S3,
      verified: false,
      // AWS bills a GB as 2^30 bytes.
      gbBytes: 2 ** 30,
      defaultClass: 'STANDARD',
      classes: {
        STANDARD: {
          storage: [
            { upTo: 51_200, price: s3(0.023, 'GB-month', 'first 50 TB / month') },
            { upTo: 512_000, price: s3(0.022, 'GB-month', 'next 450 TB / month') },
            { upTo: null, price: s3(0.021, 'GB-month', 'over 500 TB / month') },
          ],
          writes: s3(0.005, 'thousand-requests', 'PUT, COPY, POST, LIST'),
          reads: s3(0.0004, 'thousand-requests', 'GET, SELECT and all other requests'),
          minStorageDays: 0,
        },
        STANDARD_IA: {
          storage: [{ upTo: null, price: s3(0.0125, 'GB-month') }],
          writes: s3(0.01, 'thousand-requests', 'PUT, COPY, POST, LIST'),
          reads: s3(0.001, 'thousand-requests', 'GET, SELECT and all other requests'),
          retrieval: s3(0.01, 'GB', 'data retrieval'),
          transition: s3(0.01, 'thousand-requests', 'lifecycle transition requests into Standard-IA'),
          minStorageDays: 30,
          minObjectBytes: 128 * 1024,
        },
        GLACIER_IR: {
          storage: [{ upTo: null, price: s3(0.004, 'GB-month') }],
          writes: s3(0.02, 'thousand-requests', 'PUT, COPY, POST, LIST'),
          reads: s3(0.01, 'thousand-requests', 'GET, SELECT and all other requests'),
          retrieval: s3(0.03, 'GB', 'data retrieval'),
          transition: s3(0.02, 'thousand-requests', 'lifecycle transition requests into Glacier Instant Retrieval'),
          minStorageDays: 90,
          minObjectBytes: 128 * 1024,
        },
      },
      egress: {
        kind: 'tiered',
        freeGB: 100,
        tiers: [
          { upTo: 10_240, price: s3(0.09, 'GB', 'data transfer out to the internet, first 10 TB / month (after the free 100 GB)') },
          { upTo: 51_200, price: s3(0.085, 'GB', 'next 40 TB / month') },
          { upTo: 153_600, price: s3(0.07, 'GB', 'next 100 TB / month') },
          { upTo: null, price: s3(0.05, 'GB', 'over 150 TB / month') },
        ],
      },
      roundUp: false,
      notes: [
        'The first 100 GB of data transfer out each month are free across the whole AWS account.',
        'Standard-IA and Glacier Instant Retrieval bill at least 128 KB per object and at least 30 and 90 days.',
        'Glacier Flexible Retrieval and Deep Archive are left out: their objects need a restore before a download, so a mirror cannot serve them.',
      ],
    },
  },
};
