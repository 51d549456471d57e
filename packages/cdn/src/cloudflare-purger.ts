/**
 * Purging Cloudflare's cache through `POST /zones/{zone_id}/purge_cache`:
 * URLs as `{"files": [...]}` (full URLs, scheme included), prefixes as
 * `{"prefixes": [...]}` (host and path, no scheme, as Cloudflare documents),
 * never both in one request, in batches no larger than the plan allows.
 */
import { UserError } from '@potions/core';
import { CloudflareApi, type CloudflareApiOptions } from './cloudflare-api';
import { CdnErrorCode } from './errors';
import { batches, normalizePurgeRequest, type CdnPurger, type PurgeRequest, type PurgeResult } from './purger';

/**
 * Cloudflare documents 30 prefixes per API call and up to 100 URLs per call
 * depending on the plan; 30 works on every plan for both.
 */
export const CLOUDFLARE_DEFAULT_BATCH = 30;
export const CLOUDFLARE_MAX_BATCH = 100;

const ZONE_ID = /^[0-9a-f]{32}$/;

export interface CloudflarePurgerOptions extends CloudflareApiOptions {
  /** The zone's ID (32 hex digits, on the zone's Overview page). */
  zoneId: string;
  /** URLs or prefixes per request. Default 30; at most 100. */
  batchSize?: number;
}

export class CloudflarePurger implements CdnPurger {
  readonly name = 'cloudflare';
  private readonly api: CloudflareApi;
  private readonly batchSize: number;

  constructor(private readonly options: CloudflarePurgerOptions) {
    assertZoneId(options.zoneId);
    this.batchSize = options.batchSize ?? CLOUDFLARE_DEFAULT_BATCH;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > CLOUDFLARE_MAX_BATCH) {
      throw new UserError(CdnErrorCode.Config, `batchSize must be a whole number from 1 to ${CLOUDFLARE_MAX_BATCH}, got ${this.batchSize}`, {
        location: { field: 'cdn.batchSize' },
      });
    }
    this.api = new CloudflareApi(options);
  }

  async purge(request: PurgeRequest): Promise<PurgeResult> {
    const { urls, prefixes } = normalizePurgeRequest(request);
    const counter = { retries: 0 };
    let requests = 0;
    const path = `/zones/${this.options.zoneId}/purge_cache`;
    for (const batch of batches(urls, this.batchSize)) {
      await this.api.call('POST', path, { files: batch }, counter);
      requests++;
    }
    for (const batch of batches(prefixes.map(prefixWithoutScheme), this.batchSize)) {
      await this.api.call('POST', path, { prefixes: batch }, counter);
      requests++;
    }
    this.api.reporter.info(`cloudflare: purged ${urls.length} URL(s) and ${prefixes.length} prefix(es) in ${requests} request(s)`);
    return { purger: this.name, urls, prefixes, requests, retries: counter.retries };
  }
}

export function assertZoneId(zoneId: string): void {
  if (!ZONE_ID.test(zoneId)) {
    throw new UserError(CdnErrorCode.Config, `zoneId must be 32 lower-case hex digits, got ${JSON.stringify(zoneId)}`, {
      location: { field: 'cdn.zoneId' },
      hint: "copy the Zone ID from the zone's Overview page in the Cloudflare dashboard",
    });
  }
}

/** `https://dl.example.com/a/b/` → `dl.example.com/a/b/`: Cloudflare's prefixes carry no scheme. */
export function prefixWithoutScheme(prefix: string): string {
  const u = new URL(prefix);
  return `${u.host}${u.pathname}`;
}
