/**
 * For recovery only: what a manifest that readers refuse still holds, when a
 * trusted key signed it. A manifest signed with an impossible expiry (or any
 * other broken top-level field) is unreadable as a whole, but its signature
 * still vouches for its entries and its version number; recovery keeps both
 * (the entries merged, the number never reused). Anything not signed by a
 * trusted key gives nothing.
 */
import { SigningTrustSchema } from '@potions/signing';
import { z } from 'zod';
import { manifestFromSignedBody, verifyManifestSignature } from './envelope';
import type { Verifier } from './keys';
import { MANIFEST_SCHEMA_VERSION, MirrorInfoSchema, PackagesSchema } from './schema';
import type { Manifest } from './schema';
import { ManifestV1Schema, upgradeManifestV1 } from './upgrade';

/** The expiry a salvaged manifest is given: it is merged, never published as it is. */
const SALVAGED_EXPIRES = '1970-01-01T00:00:00.000Z';

export async function salvageManifest(bytes: Uint8Array, trustedKeys: readonly Verifier[]): Promise<Manifest | undefined> {
  let body: Record<string, unknown>;
  try {
    body = (await verifyManifestSignature(bytes, { trustedKeys })).body;
  } catch {
    return undefined;
  }
  try {
    return manifestFromSignedBody(body);
  } catch {
    // Broken somewhere: keep the parts that still parse.
  }
  const version = typeof body.version === 'number' && Number.isSafeInteger(body.version) && body.version >= 1 ? body.version : 1;
  let packages: Manifest['packages'] = {};
  if (body.schemaVersion === 1) {
    const v1 = ManifestV1Schema.shape.packages.safeParse(body.packages);
    if (v1.success) packages = upgradeManifestV1({ schemaVersion: 1, version, expires: SALVAGED_EXPIRES, packages: v1.data }).packages;
  } else if (body.schemaVersion === MANIFEST_SCHEMA_VERSION) {
    const v2 = PackagesSchema.safeParse(body.packages);
    if (v2.success) packages = v2.data;
  }
  const trust = SigningTrustSchema.safeParse(body.artifactTrust);
  const mirrors = z.array(MirrorInfoSchema).safeParse(body.mirrors);
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    version,
    expires: SALVAGED_EXPIRES,
    ...(trust.success && body.artifactTrust !== undefined ? { artifactTrust: trust.data } : {}),
    ...(mirrors.success && body.mirrors !== undefined ? { mirrors: mirrors.data } : {}),
    packages,
  };
}
