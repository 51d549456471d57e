/**
 * Trust settings: who may sign. Serialisable, so that a signed manifest can
 * carry them (the manifest's schema can embed `SigningTrustSchema`) and a
 * reader can keep them in a file. The Sigstore trusted root is not part of
 * them: it comes from TUF or a file when a keyless bundle is verified.
 */
import { z } from 'zod';
import { UserError } from '@potions/core';
import { SigningErrorCode } from './errors';

export const KeylessIdentitySchema = z
  .strictObject({
    identity: z.string().min(1).meta({ description: 'Regular expression for the certificate SAN, anchored at both ends whatever is written.' }),
    issuer: z.url().meta({ description: 'The OIDC issuer, exactly, e.g. https://token.actions.githubusercontent.com.' }),
    sourceRepository: z
      .url()
      .optional()
      .meta({ description: 'The repository the workflow ran in (Fulcio extension 1.3.6.1.4.1.57264.1.12), exactly, e.g. https://github.com/acme/tools.' }),
  })
  .meta({ id: 'KeylessIdentity', description: 'A keyless (Sigstore) signer: every field given must match.' });

export const TrustedKeySchema = z
  .strictObject({
    publicKey: z.string().regex(/-----BEGIN PUBLIC KEY-----/, 'an SPKI PEM public key').meta({ description: 'ECDSA P-256 public key, PEM.' }),
    expires: z.iso.datetime({ offset: true }).optional().meta({ description: 'Signatures by this key are refused after this time.' }),
  })
  .meta({ id: 'TrustedKey', description: 'A signing key: bundles with its key id as hint verify against it.' });

export const SigningTrustSchema = z
  .strictObject({
    identities: z.array(KeylessIdentitySchema).optional(),
    keys: z.array(TrustedKeySchema).optional(),
    revokedKeys: z
      .array(z.string().regex(/^[0-9a-f]{64}$/, 'a key id: 64 lower-case hex digits'))
      .optional()
      .meta({ description: 'Key ids (sha256 of the DER SPKI, hex) whose signatures are refused.' }),
  })
  .meta({ id: 'SigningTrust', description: 'Who may sign artifacts: keyless identities, keys, revoked key ids.' });

export type KeylessIdentity = z.infer<typeof KeylessIdentitySchema>;
export type TrustedKey = z.infer<typeof TrustedKeySchema>;
export type SigningTrust = z.infer<typeof SigningTrustSchema>;

/** Trust settings from parsed JSON, checked; `source` names them in errors. */
export function signingTrustFromJson(json: unknown, source = 'the trust settings'): SigningTrust {
  const parsed = SigningTrustSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.');
    throw new UserError(SigningErrorCode.Policy, `${source}: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`, {
      location: { file: source, ...(field ? { field } : {}) },
    });
  }
  return parsed.data;
}
