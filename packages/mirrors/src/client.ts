/**
 * The S3 client every mirror uses, with the settings S3-compatible stores
 * (R2, Wasabi, MinIO, s3rver) need as the defaults:
 * - `requestChecksumCalculation` / `responseChecksumValidation` = WHEN_REQUIRED.
 *   Since @aws-sdk/client-s3 3.729 the SDK sends streamed bodies as
 *   `Content-Encoding: aws-chunked` with a CRC32 trailer; stores that do not
 *   decode it keep the chunk framing as the object's bytes (s3rver does:
 *   a 100 000-byte upload is stored as 100 053 bytes; see client.test.ts).
 * - path-style addressing where configured, no ACL headers, and the SDK's own
 *   retries off: every request goes through core `retry()` instead.
 */
import http from 'node:http';
import https from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { parseRetryAfter, type RetryDecision } from '@potions/core';
import type { MirrorConfig } from './config';

export type S3Credentials = NonNullable<S3ClientConfig['credentials']>;

export interface ClientOptions {
  /** Sockets per mirror. Default 64. */
  maxSockets?: number;
  /** Abort a request with no progress after this many ms. Default 120 000. */
  requestTimeoutMs?: number;
}

export function s3ClientFor(mirror: MirrorConfig, credentials: S3Credentials, options: ClientOptions = {}): S3Client {
  const maxSockets = options.maxSockets ?? 64;
  const client = new S3Client({
    endpoint: mirror.endpoint,
    region: mirror.region,
    forcePathStyle: mirror.forcePathStyle,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    requestHandler: {
      httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets }),
      requestTimeout: options.requestTimeoutMs ?? 120_000,
      connectionTimeout: 10_000,
    },
    // Resolve each command's middleware stack once per client instead of on
    // every request (measured: about a third of the SDK's CPU per small PUT).
    // We never add middleware to a single command, which is what this requires.
    cacheMiddleware: true,
  });
  // The SDK's logger middleware builds a redacted copy of every input and
  // output for a logger we do not give it; errors are described by
  // describeS3Error instead.
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
]);
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  $retryable?: unknown;
}

export function httpStatusOf(err: unknown): number | undefined {
  return (err as SdkErrorShape | undefined)?.$metadata?.httpStatusCode;
}

/** 5xx, 429, throttling and network errors are worth another try; the rest are not. */
export function classifyS3Error(err: unknown): RetryDecision {
  if (typeof err !== 'object' || err === null) return { retry: false };
  const e = err as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const retryAfter = parseRetryAfter(e.$response?.headers?.['retry-after']);
  const withAfter = (retry: boolean): RetryDecision => (retryAfter !== undefined ? { retry, afterMs: retryAfter } : { retry });
  if (status !== undefined && (status >= 500 || status === 429)) return withAfter(true);
  if (e.name && RETRYABLE_NAMES.has(e.name)) return withAfter(true);
  if (e.code && RETRYABLE_CODES.has(e.code)) return { retry: true };
  if (e.$retryable) return { retry: true };
  if (/socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|premature close/i.test(e.message ?? '')) return { retry: true };
  return { retry: false };
}

/** A short, secret-free reason for a failed request. */
export function describeS3Error(err: unknown): string {
  const e = err as SdkErrorShape;
  const status = e?.$metadata?.httpStatusCode;
  const name = e?.name && e.name !== 'Error' ? e.name : e?.code;
  const message = e?.message && e.message !== name ? e.message : '';
  return [status ? `HTTP ${status}` : undefined, name, message].filter(Boolean).join(' ').slice(0, 500);
}
