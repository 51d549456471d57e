/**
 * Keyless signing with Sigstore: an OIDC token buys a short-lived Fulcio
 * certificate for an ephemeral key, the signature goes into Rekor, and an
 * RFC 3161 timestamp authority countersigns it, so that a verifier can tell
 * the signature was made while the ten-minute certificate was valid.
 */
import { FulcioSigner, RekorWitness, TSAWitness } from '@sigstore/sign';
import type { Signer, Witness } from '@sigstore/sign';
import { z } from 'zod';
import { UserError, errorMessage, isUserError } from '@potions/core';
import { SigningErrorCode } from './errors';
import type { IdTokenProvider } from './identity';
import type { InTotoStatement } from './provenance';
import { buildMessageBundle, buildStatementBundle } from './signer';
import type { ArtifactSigner, SignedBundle } from './signer';

/** Where the Sigstore services are. */
export interface SigstoreServices {
  fulcioUrl: string;
  rekorUrl: string;
  /** An RFC 3161 timestamp authority; omit to rely on Rekor's integrated time alone. */
  tsaUrl?: string;
  /**
   * The Rekor entry type of DSSE (provenance) signatures: `dsse` (default, what
   * public Rekor and `actions/attest-build-provenance` use) or `intoto`, for a
   * Rekor that predates `dsse` (and the @sigstore/mock one).
   */
  rekorDsseEntryType?: 'dsse' | 'intoto';
}

const HttpUrl = z.url({ protocol: /^https?$/ });

/** The JSON form of `SigstoreServices` (the CLI's `--sigstore` file, the action's `sigstore` input). */
export const SigstoreServicesSchema = z.strictObject({
  fulcioUrl: HttpUrl,
  rekorUrl: HttpUrl,
  tsaUrl: HttpUrl.optional(),
  rekorDsseEntryType: z.enum(['dsse', 'intoto']).optional(),
});

/** Services from parsed JSON, checked; `source` names them in errors. */
export function sigstoreServicesFromJson(json: unknown, source = 'the Sigstore services'): SigstoreServices {
  const parsed = SigstoreServicesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.');
    throw new UserError(SigningErrorCode.Service, `${source} is not a Sigstore services description: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`, {
      location: { file: source, ...(field ? { field } : {}) },
      hint: 'expected {"fulcioUrl": "https://...", "rekorUrl": "https://...", "tsaUrl": "https://..." (optional), "rekorDsseEntryType": "dsse" or "intoto" (optional)}',
    });
  }
  return parsed.data;
}

/** Sigstore's public-good instance. */
export const PUBLIC_GOOD_SERVICES: SigstoreServices = {
  fulcioUrl: 'https://fulcio.sigstore.dev',
  rekorUrl: 'https://rekor.sigstore.dev',
  tsaUrl: 'https://timestamp.sigstore.dev',
};

export interface SigstoreKeylessSignerOptions {
  idToken: IdTokenProvider;
  services?: SigstoreServices;
  /** Per request to a service (default 20 s). */
  timeoutMs?: number;
  /** Retries per request (default 2). */
  retries?: number;
}

/** @sigstore/sign's error codes, by the service that failed. */
const SERVICE_OF_CODE: Record<string, string> = {
  CA_CREATE_SIGNING_CERTIFICATE_ERROR: 'Fulcio',
  TLOG_CREATE_ENTRY_ERROR: 'Rekor',
  TLOG_FETCH_ENTRY_ERROR: 'Rekor',
  TSA_CREATE_TIMESTAMP_ERROR: 'the timestamp authority',
};

export class SigstoreKeylessSigner implements ArtifactSigner {
  readonly kind = 'keyless' as const;
  readonly services: SigstoreServices;
  readonly description: string;
  readonly #idToken: IdTokenProvider;
  readonly #timeout: number;
  readonly #retry: number;
  /** Tokens handed out, to keep them out of error messages. */
  readonly #tokens = new Set<string>();

  constructor(options: SigstoreKeylessSignerOptions) {
    this.services = options.services ?? PUBLIC_GOOD_SERVICES;
    this.#idToken = options.idToken;
    this.#timeout = options.timeoutMs ?? 20_000;
    this.#retry = options.retries ?? 2;
    this.description = `keyless (Sigstore: ${this.services.fulcioUrl})`;
  }

  #parts(dsse: boolean): { signer: Signer; witnesses: Witness[] } {
    const common = { timeout: this.#timeout, retry: this.#retry };
    const identityProvider = {
      getToken: async () => {
        const token = await this.#idToken();
        this.#tokens.add(token);
        return token;
      },
    };
    const witnesses: Witness[] = [
      new RekorWitness({ rekorBaseURL: this.services.rekorUrl, ...(dsse ? { entryType: this.services.rekorDsseEntryType ?? 'dsse' } : {}), ...common }),
    ];
    if (this.services.tsaUrl) witnesses.push(new TSAWitness({ tsaBaseURL: this.services.tsaUrl, ...common }));
    return { signer: new FulcioSigner({ identityProvider, fulcioBaseURL: this.services.fulcioUrl, ...common }), witnesses };
  }

  async sign(bytes: Uint8Array): Promise<SignedBundle> {
    const { signer, witnesses } = this.#parts(false);
    return this.#explain(() => buildMessageBundle(signer, witnesses, bytes));
  }

  async signStatement(statement: InTotoStatement): Promise<SignedBundle> {
    const { signer, witnesses } = this.#parts(true);
    return this.#explain(() => buildStatementBundle(signer, witnesses, statement));
  }

  /** Turn @sigstore/sign's errors into ours, naming the service, never quoting the token. */
  async #explain(run: () => Promise<SignedBundle>): Promise<SignedBundle> {
    try {
      return await run();
    } catch (err) {
      if (isUserError(err)) throw err;
      const code = (err as { code?: unknown }).code;
      let message = errorMessage(err);
      const cause = (err as { cause?: unknown }).cause;
      if (cause !== undefined) message += `: ${errorMessage(cause)}`;
      for (const t of this.#tokens) message = message.split(t).join('***');
      if (code === 'IDENTITY_TOKEN_READ_ERROR' || code === 'IDENTITY_TOKEN_PARSE_ERROR') {
        // The provider's own UserError (no permission, no endpoint) is the clearer one.
        if (isUserError(cause)) throw cause;
        throw new UserError(SigningErrorCode.IdentityToken, `cannot get a usable OIDC identity token: ${message}`, {
          hint: 'on GitHub the job needs `permissions: id-token: write`',
        });
      }
      const service = typeof code === 'string' ? SERVICE_OF_CODE[code] : undefined;
      if (service) {
        throw new UserError(SigningErrorCode.Service, `${service} refused or could not be reached: ${message}`, {
          hint: `the services used: Fulcio ${this.services.fulcioUrl}, Rekor ${this.services.rekorUrl}${this.services.tsaUrl ? `, timestamps ${this.services.tsaUrl}` : ''}`,
        });
      }
      throw err;
    }
  }

  toJSON(): { kind: 'keyless'; services: SigstoreServices } {
    return { kind: 'keyless', services: this.services };
  }
}
