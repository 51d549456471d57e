/**
 * The one signature format: a Sigstore bundle (JSON, media type
 * `application/vnd.dev.sigstore.bundle.v0.3+json`), in a file named
 * `<file>.sigstore.json` next to what it signs. Keyless bundles hold a Fulcio
 * certificate, a Rekor entry and an RFC 3161 timestamp; key bundles hold a
 * public-key hint (the key id) instead, and nothing else.
 */
import path from 'node:path';
import { bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
import type { Bundle, SerializedBundle } from '@sigstore/bundle';
import { RFC3161Timestamp, X509Certificate } from '@sigstore/core';
import { UserError, errorMessage } from '@potions/core';
import { SigningErrorCode } from './errors';

export type { Bundle, SerializedBundle };

export const BUNDLE_SUFFIX = '.sigstore.json';
export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** `<dir of file or outDir>/<basename>.sigstore.json` */
export function bundlePathFor(file: string, outDir?: string): string {
  return path.join(outDir ?? path.dirname(file), `${path.basename(file)}${BUNDLE_SUFFIX}`);
}

/** A bundle from its JSON text or parsed JSON; `source` names it in errors. */
export function parseBundle(json: string | unknown, source = 'the bundle'): Bundle {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw new UserError(SigningErrorCode.BundleMalformed, `${source} is not JSON: ${errorMessage(err)}`, {
        location: { file: source },
        hint: 'a signature bundle is the <file>.sigstore.json that `potions sign` or the sign action wrote',
      });
    }
  }
  try {
    return bundleFromJSON(value);
  } catch (err) {
    const fields = (err as { fields?: string[] }).fields;
    throw new UserError(
      SigningErrorCode.BundleMalformed,
      `${source} is not a Sigstore bundle: ${errorMessage(err)}${fields && fields.length > 0 ? ` (${fields.join(', ')})` : ''}`,
      { location: { file: source } },
    );
  }
}

export function serializeBundle(bundle: Bundle): SerializedBundle {
  return bundleToJSON(bundle);
}

/** What a bundle says about itself, before anything is verified: for reports and messages. */
export interface BundleFacts {
  kind: 'keyless' | 'key';
  content: 'message-signature' | 'dsse';
  /** Keyless: the certificate's SAN; not verified here. */
  certificateIdentity?: string;
  certificate?: X509Certificate;
  /** Key: the key id hint. */
  keyId?: string;
  /** Rekor log index of the first transparency-log entry. */
  logIndex?: string;
  /** Every time the bundle claims (Rekor integrated time, RFC 3161 times), earliest first. */
  times: Date[];
}

export function bundleFacts(bundle: Bundle): BundleFacts {
  const material = bundle.verificationMaterial.content;
  const content = bundle.content.$case === 'dsseEnvelope' ? 'dsse' : 'message-signature';
  const times: Date[] = [];
  for (const e of bundle.verificationMaterial.tlogEntries) times.push(new Date(Number(e.integratedTime) * 1000));
  for (const t of bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []) {
    try {
      times.push(RFC3161Timestamp.parse(Buffer.from(t.signedTimestamp)).signingTime);
    } catch {
      // An unreadable timestamp fails verification with its own message; it adds no time here.
    }
  }
  times.sort((a, b) => a.getTime() - b.getTime());
  const logIndex = bundle.verificationMaterial.tlogEntries[0]?.logIndex;
  if (material.$case === 'publicKey') {
    return { kind: 'key', content, keyId: material.publicKey.hint, times, ...(logIndex !== undefined ? { logIndex } : {}) };
  }
  const raw = material.$case === 'certificate' ? material.certificate.rawBytes : material.x509CertificateChain.certificates[0]?.rawBytes;
  let certificate: X509Certificate | undefined;
  try {
    certificate = raw ? X509Certificate.parse(Buffer.from(raw)) : undefined;
  } catch {
    certificate = undefined;
  }
  return {
    kind: 'keyless',
    content,
    ...(certificate ? { certificate, certificateIdentity: certificate.subjectAltName } : {}),
    times,
    ...(logIndex !== undefined ? { logIndex } : {}),
  };
}
