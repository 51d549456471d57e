/**
 * Offline Sigstore for tests (never reachable from `src/index.ts`, never in an
 * action bundle): `@sigstore/mock`'s Fulcio, Rekor (v1 API) and timestamp
 * authority, which are in-process handlers, served from one `node:http`
 * server on 127.0.0.1, plus the trusted root that names them, plus GitHub's
 * OIDC token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`), which checks the
 * documented request shape and hands out tokens minted here.
 *
 * Traps this file works around, each seen on this machine:
 * - the Rekor checkpoint is signed under the host of the URL given to
 *   `initializeTLog`; the verifier matches it against the trusted root's
 *   tlog `baseUrl`, so both are this server's URL (known only after listen);
 * - the mock TSA writes fractional seconds without trailing zeros, which
 *   `@sigstore/core` rejects about once in twenty runs: every service gets a
 *   fixed clock on a whole second (`signingTime`);
 * - the mock CA and TSA root certificates start at the wall-clock second they
 *   are made, so `signingTime` is a few seconds ahead of the start, and the
 *   trusted root's `validFor.start` an hour behind it;
 * - real Fulcio puts `https://github.com/` + the `job_workflow_ref` claim in the
 *   certificate's SAN; the mock copies one claim verbatim, so minted tokens
 *   carry that derived value in a test-only claim (`potions_test_san`) that the
 *   mock is told to use: identities in tests have the production shape.
 * The mock Rekor v1 does not accept `dsse` entries: sign DSSE with the `intoto`
 * entry type against it (`rekorDsseEntryType: 'intoto'`).
 */
import { createHash, generateKeyPairSync, randomBytes, sign as cryptoSign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
} from '@sigstore/mock';
import type { HandlerFn } from '@sigstore/mock';
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { GITHUB_ACTIONS_ISSUER } from './identity';
import type { SigstoreServices } from './keyless-signer';
import type { TrustedRootJson } from './trusted-root';

/** The claims GitHub puts in a job's OIDC token (docs: "About security hardening with OpenID Connect"). */
export interface GitHubOidcClaims {
  iss: string;
  aud: string;
  sub: string;
  ref: string;
  ref_type: string;
  sha: string;
  repository: string;
  repository_id: string;
  repository_owner: string;
  repository_owner_id: string;
  repository_visibility: string;
  run_id: string;
  run_number: string;
  run_attempt: string;
  actor: string;
  event_name: string;
  workflow: string;
  workflow_ref: string;
  workflow_sha: string;
  job_workflow_ref: string;
  job_workflow_sha: string;
  runner_environment: string;
  [claim: string]: string | number;
}

/** A release run of `acme/tools` through this repository's reusable workflow, as GitHub would describe it. */
export function githubClaims(overrides: Partial<GitHubOidcClaims> = {}): GitHubOidcClaims {
  const sha = 'a'.repeat(40);
  return {
    iss: GITHUB_ACTIONS_ISSUER,
    aud: 'sigstore',
    sub: 'repo:acme/tools:ref:refs/tags/v1.0.0',
    ref: 'refs/tags/v1.0.0',
    ref_type: 'tag',
    sha,
    repository: 'acme/tools',
    repository_id: '123456',
    repository_owner: 'acme',
    repository_owner_id: '654321',
    repository_visibility: 'public',
    run_id: '987654321',
    run_number: '42',
    run_attempt: '1',
    actor: 'octocat',
    event_name: 'push',
    workflow: 'release',
    workflow_ref: `acme/tools/.github/workflows/release.yml@refs/tags/v1.0.0`,
    workflow_sha: sha,
    job_workflow_ref: 'potions/actions/.github/workflows/release.yml@refs/tags/v1',
    job_workflow_sha: 'b'.repeat(40),
    runner_environment: 'github-hosted',
    ...overrides,
  };
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/**
 * A JWT with these claims, signed by a throw-away ES256 key. The mock Fulcio
 * decodes it without checking the signature; it reads `sub` (the challenge
 * that `FulcioSigner` signs), `iss` and the GitHub claims it turns into
 * certificate extensions, and the SAN from `potions_test_san`.
 */
export function mintIdToken(claims: GitHubOidcClaims, now: Date = new Date()): string {
  const iat = Math.floor(now.getTime() / 1000);
  const payload = {
    ...claims,
    potions_test_san: `https://github.com/${claims.job_workflow_ref}`,
    iat,
    nbf: iat,
    exp: iat + 300,
  };
  const head = `${b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: 'potions-test' }))}.${b64url(JSON.stringify(payload))}`;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const sig = cryptoSign('sha256', Buffer.from(head), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${head}.${b64url(sig)}`;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

export interface SigstoreTestServices {
  /** `http://127.0.0.1:<port>`: Fulcio, Rekor and the TSA all live here. */
  url: string;
  services: SigstoreServices;
  /** The trusted root for these services (the JSON `sigstore trustedroot` format). */
  trustedRoot: TrustedRootJson;
  /** The time every certificate, log entry and timestamp of this server carries. */
  signingTime: Date;
  /** A token for these claims (default: `githubClaims()`). */
  idToken(claims?: GitHubOidcClaims): string;
  /**
   * GitHub's OIDC token endpoint: set these as the environment of a job step.
   * The endpoint answers `GET <url>&audience=A` with `Authorization: Bearer <token>`
   * by `{ "value": <JWT> }` for `claims` with `aud: A`.
   */
  githubTokenEnv(claims?: GitHubOidcClaims): { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** Every request the services answered, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface SigstoreTestServicesOptions {
  /** A whole second, later than the moment the services are made. Default: five seconds from now, moved on if making them took longer. */
  signingTime?: Date;
}

const TOKEN_PATH = '/github/oidc-token';

/** The mock services for one signing time (their clocks are fixed to it). */
async function initializeMocks(base: string, signingTime: Date) {
  const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ctLog = await initializeCTLog(keyPair(), signingTime);
  const ca = await initializeCA(keyPair(), ctLog, signingTime);
  // The checkpoint's signer name is this URL's host: the trusted root's tlog baseUrl must be the same URL.
  const tlog = await initializeTLog(base, keyPair(), signingTime);
  const tsa = await initializeTSA(keyPair(), signingTime);
  return { ctLog, ca, tlog, tsa };
}

/** Start Fulcio, Rekor, a TSA and GitHub's token endpoint on 127.0.0.1 (port 0). Close it when done. */
export async function startSigstoreTestServices(options: SigstoreTestServicesOptions = {}): Promise<SigstoreTestServices> {
  const nextSigningTime = () => new Date(Math.ceil(Date.now() / 1000) * 1000 + 5000);
  let signingTime = options.signingTime ?? nextSigningTime();
  if (signingTime.getMilliseconds() !== 0) throw new Error('signingTime must be a whole second (the mock TSA mangles fractions)');
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, HandlerFn>();
  let tokenClaims = githubClaims();
  const requestToken = `request-token-${randomBytes(8).toString('hex')}`;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push({ method: req.method ?? '', path: url.pathname, body });
      void answer(req, url, body)
        .then(({ status, body: out, type }) => {
          res.writeHead(status, { 'content-type': type });
          res.end(out);
        })
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        });
    });
  });

  async function answer(req: http.IncomingMessage, url: URL, body: string): Promise<{ status: number; body: string | Uint8Array; type: string }> {
    if (url.pathname === TOKEN_PATH) {
      if (req.method !== 'GET') return { status: 405, body: 'GET only', type: 'text/plain' };
      if (req.headers.authorization !== `Bearer ${requestToken}`) return { status: 401, body: 'bad or missing bearer token', type: 'text/plain' };
      const audience = url.searchParams.get('audience');
      if (url.searchParams.get('api-version') !== '2.0' || !audience) return { status: 400, body: 'api-version=2.0 and audience are required', type: 'text/plain' };
      return { status: 200, body: JSON.stringify({ count: 1, value: mintIdToken({ ...tokenClaims, aud: audience }, signingTime) }), type: 'application/json' };
    }
    const fn = req.method === 'POST' ? routes.get(url.pathname) : undefined;
    if (!fn) return { status: 404, body: `no route ${req.method} ${url.pathname}`, type: 'text/plain' };
    const r = await fn(body);
    const out = typeof r.response === 'string' ? r.response : new Uint8Array(r.response.buffer, r.response.byteOffset, r.response.byteLength);
    return { status: r.statusCode, body: out, type: r.contentType ?? 'text/plain' };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The mock root certificates start at the wall-clock second they are made: signing must come later.
  // On a machine so loaded that making them took the whole margin, make them again for a later time.
  let mocks = await initializeMocks(base, signingTime);
  for (let attempt = 0; Date.now() > signingTime.getTime(); attempt++) {
    if (options.signingTime || attempt === 3) {
      server.close();
      throw new Error(`signingTime ${signingTime.toISOString()} is already past once the mock services are made`);
    }
    signingTime = nextSigningTime();
    mocks = await initializeMocks(base, signingTime);
  }
  const { ctLog, ca, tlog, tsa } = mocks;
  for (const h of [fulcioHandler(ca, { subjectClaim: 'potions_test_san' }), rekorHandler(tlog), tsaHandler(tsa)]) routes.set(h.path, h.fn);

  const start = new Date(signingTime.getTime() - 3600_000);
  const spki = (raw: Buffer) => ({ rawBytes: raw, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: { start, end: undefined } });
  const trustedRoot = TrustedRoot.toJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: base,
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: spki(tlog.publicKey),
        logId: { keyId: createHash('sha256').update(tlog.publicKey).digest() },
        checkpointKeyId: undefined,
        operator: 'potions-test',
      },
    ],
    ctlogs: [
      {
        baseUrl: base,
        hashAlgorithm: HashAlgorithm.SHA2_256,
        publicKey: spki(ctLog.publicKey),
        logId: { keyId: Buffer.from(ctLog.logID.buffer, ctLog.logID.byteOffset, ctLog.logID.byteLength) },
        checkpointKeyId: undefined,
        operator: 'potions-test',
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: base,
        certChain: { certificates: [{ rawBytes: Buffer.from(ca.rootCertificate.buffer, ca.rootCertificate.byteOffset, ca.rootCertificate.byteLength) }] },
        validFor: { start, end: undefined },
        operator: 'potions-test',
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore-tsa' },
        uri: `${base}/api/v1/timestamp`,
        certChain: {
          certificates: [
            { rawBytes: Buffer.from(tsa.intCertificate.buffer, tsa.intCertificate.byteOffset, tsa.intCertificate.byteLength) },
            { rawBytes: Buffer.from(tsa.rootCertificate.buffer, tsa.rootCertificate.byteOffset, tsa.rootCertificate.byteLength) },
          ],
        },
        validFor: { start, end: undefined },
        operator: 'potions-test',
      },
    ],
  }) as TrustedRootJson;

  return {
    url: base,
    services: { fulcioUrl: base, rekorUrl: base, tsaUrl: base },
    trustedRoot,
    signingTime,
    idToken: (claims = githubClaims()) => mintIdToken(claims, signingTime),
    githubTokenEnv(claims = githubClaims()) {
      tokenClaims = claims;
      return { ACTIONS_ID_TOKEN_REQUEST_URL: `${base}${TOKEN_PATH}?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken };
    },
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
