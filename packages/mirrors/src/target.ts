/**
 * `MirrorTarget`: the small role other packages (the manifest) use to read
 * and write objects on one mirror, and `S3MirrorTarget`, its S3 implementation,
 * which mirror-sync also uses for streamed uploads and read-back.
 *
 * Keys are relative to the mirror's prefix. Every request goes through core
 * `retry()` (5xx, 429, throttling and network errors are retried).
 *
 * A target holds a client (sockets): whoever makes one (the CLI, an action's
 * `main.ts`, the pipeline) closes it; library code only takes targets.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, promises as fs, readFileSync, type BigIntStats } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PotionsError, retry, type Reporter, type RetryOptions } from '@potions/core';
import { CONDITIONAL_WRITES, type MirrorConfig, type VerifyMode } from './config';
import { classifyS3Error, describeS3Error, httpStatusOf, s3ClientFor, type ClientOptions } from './client';
import { resolveCredentials, type CredentialDeps } from './credentials';
import { DigestTap, normalizeEtag, type ExpectedEtag } from './etag';
import { stampDiff, type FileStamp, type HashedBytes } from './hash';
import { fullKey, publicUrl } from './keys';
import { MirrorsErrorCode } from './errors';

export interface PutObjectOptions {
  contentType: string;
  cacheControl: string;
  /** Write only if the current object has this ETag (compare-and-swap). */
  ifMatch?: string;
  /** `'*'`: write only if no object exists under the key. */
  ifNoneMatch?: '*';
  /** User metadata (`x-amz-meta-<name>`). */
  metadata?: Record<string, string>;
}

export interface ObjectInfo {
  size: number;
  etag: string;
  contentType?: string;
  cacheControl?: string;
  /** User metadata, lower-case names without `x-amz-meta-`. */
  metadata: Record<string, string>;
}

export interface StoredObject extends ObjectInfo {
  bytes: Uint8Array;
}

export interface ListedObject {
  /** Relative to the mirror's prefix. */
  key: string;
  size: number;
  etag?: string;
}

/**
 * One mirror, as the manifest sees it. A failed conditional write throws an
 * error with code `E_MIRRORS_PRECONDITION_FAILED`; `ifMatch`/`ifNoneMatch` on a
 * mirror whose `conditionalWrites` is false throws `E_MIRRORS_CONDITIONAL_UNSUPPORTED`
 * (rather than silently writing): use a workflow `concurrency` group there.
 */
export interface MirrorTarget {
  readonly name: string;
  /** Whether the provider honours If-Match / If-None-Match on writes. */
  readonly conditionalWrites: boolean;
  putObject(key: string, body: Uint8Array | string, options: PutObjectOptions): Promise<{ etag: string }>;
  /** Undefined when there is no such object. */
  getObject(key: string): Promise<StoredObject | undefined>;
  headObject(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix` (one paginated ListObjectsV2). */
  list(prefix: string): Promise<ListedObject[]>;
  /** The public URL of `key` (for manifests). */
  url(key: string): string;
  /** Release the connections; the target is not used afterwards. Called by whoever made the target. */
  close(): Promise<void>;
}

/** A local file to upload: its size and sha256, and its stat when it was hashed. */
export interface UploadSource {
  path: string;
  size: number;
  sha256: string;
  /** The file's stat when it was hashed; absent: the upload hashes the sha256 of what it sends. */
  stamp?: FileStamp;
}

export interface UploadOptions extends PutObjectOptions {
  /** How the upload will be verified: decides which digests the upload computes. Default `etag`. */
  verify?: VerifyMode;
  /** Bytes hashed by the upload are added here. */
  hashed?: HashedBytes;
}

/** What the mirror answered to an upload, for `etag` verification. */
export interface UploadReceipt {
  /** The ETag the server returned, normalised (no quotes, lower case); undefined when none. */
  etag?: string;
  /**
   * The ETag the object must have if the server stored exactly the bytes whose
   * sha256 names the key. Absent when the upload computed no MD5 (`get`, `head`).
   */
  expected?: ExpectedEtag;
  /**
   * Server-side encryption the server reported (`aws:kms`, `aws:kms:dsse`) or
   * `SSE-C`: the ETag of such an object is not an MD5 of its bytes.
   */
  serverSideEncryption?: string;
  multipart: boolean;
}

/** What mirror-sync needs beyond `MirrorTarget`. */
export interface SyncTarget extends MirrorTarget {
  /** Upload a file. Targets that return a receipt allow `etag` verification; others are read back with GET. */
  uploadFile(key: string, file: UploadSource, options: UploadOptions): Promise<UploadReceipt | void>;
  /** GET the object and hash it as it streams; undefined when missing. */
  readBack(key: string): Promise<{ size: number; sha256: string } | undefined>;
  deleteObject(key: string): Promise<void>;
}

export interface S3TargetOptions extends CredentialDeps, ClientOptions {
  retry?: Omit<RetryOptions, 'shouldRetry'>;
  /** Parts of this size for multipart uploads. Default 16 MiB (minimum 5 MiB). */
  partSize?: number;
  /** Files of at least this size are uploaded in parts. Default 64 MiB. */
  multipartThreshold?: number;
  /** Parts of one file in flight at once. Default 4. */
  partConcurrency?: number;
  /** Keys per listing page. Default 1000 (the S3 maximum). */
  listPageSize?: number;
  /** Files up to this size are read into memory and sent with Content-MD5. Default 8 MiB. */
  inMemoryMax?: number;
}

const MiB = 1024 * 1024;

export class S3MirrorTarget implements SyncTarget {
  readonly name: string;
  readonly conditionalWrites: boolean;
  readonly config: MirrorConfig;
  private readonly client: S3Client;
  private readonly reporter: Reporter;
  private readonly retryOptions: Omit<RetryOptions, 'shouldRetry'>;
  private readonly partSize: number;
  private readonly multipartThreshold: number;
  private readonly partConcurrency: number;
  private readonly listPageSize: number;
  private readonly inMemoryMax: number;

  constructor(config: MirrorConfig, options: S3TargetOptions) {
    this.name = config.name;
    this.config = config;
    this.conditionalWrites = config.conditionalWrites ?? CONDITIONAL_WRITES[config.provider];
    this.reporter = options.reporter;
    this.client = s3ClientFor(config, resolveCredentials(config, options), options);
    this.retryOptions = options.retry ?? {};
    this.partSize = Math.max(5 * MiB, options.partSize ?? 16 * MiB);
    this.multipartThreshold = options.multipartThreshold ?? 64 * MiB;
    this.partConcurrency = options.partConcurrency ?? 4;
    this.listPageSize = options.listPageSize ?? 1000;
    this.inMemoryMax = Math.min(options.inMemoryMax ?? 8 * MiB, this.multipartThreshold - 1);
  }

  url(key: string): string {
    return publicUrl(this.config, key);
  }

  /** One request (or one streamed upload) with retries; the final error names the mirror and the operation. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await retry(fn, {
        ...this.retryOptions,
        shouldRetry: (err) => classifyS3Error(err),
        onRetry: ({ err, attempt, delayMs }) =>
          this.reporter.debug(`${this.name}: ${what}: ${describeS3Error(err)}; try ${attempt + 1} in ${delayMs} ms`),
      });
    } catch (err) {
      if (err instanceof PotionsError) throw err;
      const status = httpStatusOf(err);
      if (status === 412 || (err as { name?: string }).name === 'ConditionalRequestConflict') {
        throw new PotionsError(MirrorsErrorCode.PreconditionFailed, `${this.name}: ${what}: the object changed (${describeS3Error(err)})`, {
          cause: err,
        });
      }
      throw new PotionsError(MirrorsErrorCode.RequestFailed, `${this.name}: ${what}: ${describeS3Error(err)}`, { cause: err });
    }
  }

  /** Like `call`, but a missing object (404) is `undefined` rather than an error. */
  private callOrMissing<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    return this.call<T | undefined>(what, async () => {
      try {
        return await fn();
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    });
  }

  private baseInput(key: string, options: PutObjectOptions): PutObjectCommandInput {
    return {
      Bucket: this.config.bucket,
      Key: fullKey(this.config, key),
      ContentType: options.contentType,
      CacheControl: options.cacheControl,
      ...(options.metadata ? { Metadata: options.metadata } : {}),
      ...(this.config.storageClass ? { StorageClass: this.config.storageClass as StorageClass } : {}),
    };
  }

  async putObject(key: string, body: Uint8Array | string, options: PutObjectOptions): Promise<{ etag: string }> {
    if ((options.ifMatch !== undefined || options.ifNoneMatch !== undefined) && !this.conditionalWrites) {
      throw new PotionsError(
        MirrorsErrorCode.ConditionalUnsupported,
        `${this.name}: provider ${this.config.provider} does not honour conditional writes`,
      );
    }
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const out = await this.call(`put ${key}`, () =>
      this.client.send(
        new PutObjectCommand({
          ...this.baseInput(key, options),
          Body: bytes,
          ContentLength: bytes.byteLength,
          ...(options.ifMatch !== undefined ? { IfMatch: options.ifMatch } : {}),
          ...(options.ifNoneMatch !== undefined ? { IfNoneMatch: options.ifNoneMatch } : {}),
        }),
      ),
    );
    return { etag: out.ETag ?? '' };
  }

  async getObject(key: string): Promise<StoredObject | undefined> {
    return this.callOrMissing(
      `get ${key}`,
      async () => {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: fullKey(this.config, key) }));
        const bytes = await out.Body!.transformToByteArray();
        return {
          bytes,
          size: bytes.byteLength,
          etag: out.ETag ?? '',
          ...(out.ContentType ? { contentType: out.ContentType } : {}),
          ...(out.CacheControl ? { cacheControl: out.CacheControl } : {}),
          metadata: out.Metadata ?? {},
        };
      },
    );
  }

  async headObject(key: string): Promise<ObjectInfo | undefined> {
    return this.callOrMissing(
      `head ${key}`,
      async () => {
        const out = await this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: fullKey(this.config, key) }));
        return {
          size: out.ContentLength ?? 0,
          etag: out.ETag ?? '',
          ...(out.ContentType ? { contentType: out.ContentType } : {}),
          ...(out.CacheControl ? { cacheControl: out.CacheControl } : {}),
          metadata: out.Metadata ?? {},
        };
      },
    );
  }

  async list(prefix: string): Promise<ListedObject[]> {
    const result: ListedObject[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.call(`list ${prefix || '/'}`, () => this.listPage(prefix, cursor, this.listPageSize));
      result.push(...page.objects);
      cursor = page.next;
    } while (cursor);
    return result;
  }

  /** One page of a ListObjectsV2 listing, from `cursor` (a continuation token) on. */
  private async listPage(prefix: string, cursor: string | undefined, maxKeys?: number): Promise<{ objects: ListedObject[]; next?: string }> {
    const strip = this.config.prefix ? this.config.prefix.length + 1 : 0;
    const page = await this.client.send(
      new ListObjectsV2Command({
        Bucket: this.config.bucket,
        Prefix: fullKey(this.config, prefix),
        ...(cursor ? { ContinuationToken: cursor } : {}),
        ...(maxKeys ? { MaxKeys: maxKeys } : {}),
      }),
    );
    return {
      objects: (page.Contents ?? [])
        .filter((o) => o.Key !== undefined)
        .map((o) => ({ key: o.Key!.slice(strip), size: o.Size ?? 0, ...(o.ETag ? { etag: o.ETag } : {}) })),
      ...(page.IsTruncated && page.NextContinuationToken ? { next: page.NextContinuationToken } : {}),
    };
  }

  /**
   * Upload one file, computing from the bytes it sends exactly the digests the
   * verification needs (see docs/mirrors.md, "Verification"):
   * - MD5 (and each part's MD5 for multipart) for `etag`: the ETag must match it;
   * - sha256, to prove the bytes sent are the ones that named the key, unless
   *   the file's stamp proves it unchanged since it was hashed (same dev, inode,
   *   size, mtime and ctime right before and after the read) and the mode checks
   *   the stored bytes (`etag`, `get`). `head` proves nothing about the bytes,
   *   so it always hashes them.
   * Small files (up to `inMemoryMax`) are read once into memory and sent with
   * `Content-MD5`, so a store that checks it refuses a body damaged on the way;
   * larger ones are streamed (in parts from `multipartThreshold` on). A file
   * that changed since it was hashed is refused (`E_MIRRORS_SOURCE_CHANGED`) and
   * an object already written from it deleted.
   */
  async uploadFile(key: string, file: UploadSource, options: UploadOptions): Promise<UploadReceipt> {
    const { verify = 'etag', hashed, ...putOptions } = options;
    const input = this.baseInput(key, { ...putOptions, metadata: { ...putOptions.metadata, sha256: file.sha256 } });
    const changed = (what: string): PotionsError =>
      new PotionsError(MirrorsErrorCode.SourceChanged, `${this.name}: upload ${key}: ${file.path} changed since it was hashed (${what})`);
    const count = (h: HashedBytes): void => {
      if (hashed) {
        hashed.sha256 += h.sha256;
        hashed.md5 += h.md5;
      }
    };
    const stamp = file.stamp;
    const checkStamp = (st: BigIntStats): void => {
      const diff = stamp && stampDiff(stamp, st);
      if (diff) throw changed(diff);
    };
    const hashSha256 = verify === 'head' || !stamp;
    if (file.size <= this.inMemoryMax) {
      // Up to 1 MiB read synchronously: a thread-pool round trip per call costs more than the read.
      const bytes = file.size <= MiB ? readWholeSync(file.path, checkStamp) : await readWhole(file.path, checkStamp);
      if (bytes.length !== file.size) throw changed(`size ${bytes.length}, expected ${file.size}`);
      if (hashSha256) {
        count({ sha256: bytes.length, md5: 0 });
        if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) throw changed('sha256 differs');
      }
      // Content-MD5 in every mode: it costs one pass over a small buffer and lets the store refuse damage.
      count({ sha256: 0, md5: bytes.length });
      const md5 = createHash('md5').update(bytes).digest('hex');
      const contentMd5 = Buffer.from(md5, 'hex').toString('base64');
      const out = await this.call(`upload ${key}`, () =>
        this.client.send(new PutObjectCommand({ ...input, Body: bytes, ContentLength: bytes.length, ContentMD5: contentMd5 })),
      );
      return receipt(out, { md5 }, false);
    }
    const multipart = file.size >= this.multipartThreshold;
    const md5 = verify === 'etag';
    return this.call(`upload ${key}`, async () => {
      // A fresh open per attempt: a failed attempt has consumed the last stream.
      const fh = await fs.open(file.path, 'r');
      let source: Readable | undefined;
      let tap: DigestTap | undefined;
      try {
        checkStamp(await fh.stat({ bigint: true }));
        source = fh.createReadStream({ start: 0, highWaterMark: MiB, autoClose: false });
        const t = (tap = new DigestTap(multipart && md5 ? this.partSize : undefined, { sha256: hashSha256, md5 }));
        source.on('error', (err) => t.destroy(err));
        const body = source.pipe(t);
        const out = multipart
          ? await new Upload({
              client: this.client,
              params: { ...input, Body: body, ContentLength: file.size },
              partSize: this.partSize,
              queueSize: this.partConcurrency,
              leavePartsOnError: false,
            }).done()
          : await this.client.send(new PutObjectCommand({ ...input, Body: body, ContentLength: file.size }));
        const sent = t.result();
        count(t.hashed());
        let problem =
          sent.size !== file.size
            ? `size ${sent.size}, expected ${file.size}`
            : sent.sha256 !== undefined && sent.sha256 !== file.sha256
              ? 'sha256 differs'
              : undefined;
        if (!problem && stamp) problem = stampDiff(stamp, await fh.stat({ bigint: true }));
        if (problem) {
          // Stored under a key naming other bytes: remove it (best effort) and fail without retrying.
          await this.deleteObject(key).catch(() => undefined);
          throw changed(problem);
        }
        return receipt(out, sent.expected, multipart);
      } finally {
        source?.destroy();
        tap?.destroy();
        await fh.close();
      }
    });
  }

  async readBack(key: string): Promise<{ size: number; sha256: string } | undefined> {
    return this.callOrMissing(
      `read back ${key}`,
      async () => {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: fullKey(this.config, key) }));
        const hash = createHash('sha256');
        let size = 0;
        for await (const chunk of out.Body as Readable) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
        }
        return { size, sha256: hash.digest('hex') };
      },
    );
  }

  async deleteObject(key: string): Promise<void> {
    await this.call(`delete ${key}`, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: fullKey(this.config, key) })),
    );
  }

  /**
   * Health: list at most one key of `prefix` and read its first byte.
   * One try each (no retries), so a slow or dead mirror shows as such.
   */
  async probe(prefix: string): Promise<{ listMs: number; readMs?: number; key?: string }> {
    // Elapsed time, from the monotonic clock (not wall-clock time).
    const t0 = performance.now();
    const page = await this.listPage(prefix, undefined, 1);
    const listMs = Math.round(performance.now() - t0);
    const first = page.objects[0]?.key;
    if (first === undefined) return { listMs };
    const t1 = performance.now();
    const out = await this.client.send(
      new GetObjectCommand({ Bucket: this.config.bucket, Key: fullKey(this.config, first), Range: 'bytes=0-0' }),
    );
    await out.Body?.transformToByteArray();
    return { listMs, readMs: Math.round(performance.now() - t1), key: first };
  }

  /** Close the client's sockets. */
  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** The whole file, with `check` given its stat right before and right after the read. */
function readWholeSync(file: string, check: (st: BigIntStats) => void): Buffer {
  const fd = openSync(file, 'r');
  try {
    check(fstatSync(fd, { bigint: true }));
    const bytes = readFileSync(fd);
    check(fstatSync(fd, { bigint: true }));
    return bytes;
  } finally {
    closeSync(fd);
  }
}

async function readWhole(file: string, check: (st: BigIntStats) => void): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    check(await fh.stat({ bigint: true }));
    const bytes = await fh.readFile();
    check(await fh.stat({ bigint: true }));
    return bytes;
  } finally {
    await fh.close();
  }
}

function receipt(
  out: { ETag?: string; ServerSideEncryption?: string; SSECustomerAlgorithm?: string },
  expected: ExpectedEtag | undefined,
  multipart: boolean,
): UploadReceipt {
  const etag = normalizeEtag(out.ETag);
  const sse = out.SSECustomerAlgorithm ? 'SSE-C' : out.ServerSideEncryption;
  return {
    ...(etag ? { etag } : {}),
    ...(expected ? { expected } : {}),
    ...(sse && sse !== 'AES256' ? { serverSideEncryption: sse } : {}),
    multipart,
  };
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return httpStatusOf(err) === 404 || name === 'NoSuchKey' || name === 'NotFound';
}
