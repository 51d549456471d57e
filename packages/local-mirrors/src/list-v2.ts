/**
 * ListObjectsV2 paging for s3rver. s3rver builds its continuation tokens with
 * DES, which Node 17+ (OpenSSL 3) refuses: a listing longer than one page
 * answers 500 there. Its V1 listing (`marker`) pages fine, so this middleware,
 * placed before s3rver's own, answers a V2 listing through V1: the request's
 * `continuation-token` or `start-after` becomes the `marker`, and the V1
 * answer gets the V2 fields (`KeyCount`, `ContinuationToken`, `StartAfter`,
 * `NextContinuationToken`). Our continuation token is the last key listed,
 * base64url-encoded (S3 treats tokens as opaque). No library does this: the
 * only alternative is another local S3 server.
 *
 * Signatures are not affected: s3rver does not check SigV4 signatures, which
 * is all the AWS SDK sends.
 */

/** The part of a Koa context this middleware uses (s3rver is a Koa application). */
export interface ListContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Text of an XML element as s3rver escapes it (named and numeric character references). */
function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
    return XML_ENTITIES[ref] ?? whole;
  });
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${Object.entries(XML_ENTITIES).find(([, v]) => v === c)![0]};`);
}

export function continuationTokenFor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function keyOfContinuationToken(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8');
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Whether the request is a ListObjectsV2 call on a bucket (`GET /<bucket>?list-type=2`). */
function isListV2(ctx: ListContext): boolean {
  return ctx.method === 'GET' && one(ctx.query['list-type']) === '2' && /^\/[^/]+\/?$/.test(ctx.path);
}

/** The V1 answer s3rver gave, rewritten as the V2 answer to the request. */
export function v2ListingFromV1(xml: string, request: { continuationToken?: string; startAfter?: string }): string {
  const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
  const prefixes = xml.match(/<CommonPrefixes>/g)?.length ?? 0;
  const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
  const nextMarker = /<NextMarker>([^<]*)<\/NextMarker>/.exec(xml)?.[1];
  const last = nextMarker ?? keys.at(-1);
  const fields = [
    `<KeyCount>${keys.length + prefixes}</KeyCount>`,
    request.continuationToken !== undefined ? `<ContinuationToken>${escapeXml(request.continuationToken)}</ContinuationToken>` : '',
    request.startAfter !== undefined ? `<StartAfter>${escapeXml(request.startAfter)}</StartAfter>` : '',
    truncated && last !== undefined ? `<NextContinuationToken>${continuationTokenFor(unescapeXml(last))}</NextContinuationToken>` : '',
  ].join('');
  return xml
    .replace(/<Marker>[^<]*<\/Marker>|<Marker\/>/, '')
    .replace(/<NextMarker>[^<]*<\/NextMarker>/, '')
    .replace('</ListBucketResult>', `${fields}</ListBucketResult>`);
}

/** Koa middleware: answer ListObjectsV2 calls through s3rver's V1 listing (see the file comment). */
export async function listObjectsV2Pages(ctx: ListContext, next: () => Promise<unknown>): Promise<void> {
  if (!isListV2(ctx)) {
    await next();
    return;
  }
  const continuationToken = one(ctx.query['continuation-token']);
  const startAfter = one(ctx.query['start-after']);
  const marker = continuationToken !== undefined ? keyOfContinuationToken(continuationToken) : startAfter;
  const { 'list-type': _type, 'continuation-token': _token, 'start-after': _after, 'fetch-owner': _owner, ...rest } = ctx.query;
  ctx.query = { ...rest, ...(marker ? { marker } : {}) };
  await next();
  if (ctx.status === 200 && typeof ctx.body === 'string') {
    ctx.body = v2ListingFromV1(ctx.body, {
      ...(continuationToken !== undefined ? { continuationToken } : {}),
      ...(startAfter !== undefined ? { startAfter } : {}),
    });
  }
}
