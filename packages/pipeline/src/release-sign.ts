/**
 * (sign) Every build that passed its checks is signed before anything is
 * uploaded: a Sigstore bundle beside each archive (`<file>.sigstore.json`)
 * and its SLSA provenance (`<name>-<version>-<platform>.provenance.sigstore.json`),
 * with `@potions/signing`. The signer is keyless when an OIDC token is at
 * hand, a key file when one was given, else the work folder's own ECDSA key
 * (`.potions/keys/signing-key.pem`, made on first use beside the manifest key).
 * A signing failure stops the release: the caller uploads nothing.
 *
 * The trust settings readers need (the key, or the keyless identity) are
 * derived here for the manifest.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Reporter } from '@potions/core';
import {
  GITHUB_ACTIONS_ISSUER,
  bundlePathFor,
  claimsOfIdToken,
  ensureSigningKey,
  localBuildContext,
  provenanceBundleName,
  provenanceStatement,
  signFiles,
  signProvenance,
  verifyArtifactFile,
  verifyStatement,
} from '@potions/signing';
import type { ArtifactSigner, BuildContext, IdTokenProvider, SignedBundle, SigningTrust } from '@potions/signing';
import { localKeysDir } from './local-key';
import type { ReleaseSigner, ReleaseSignature } from './release-summary';
import type { ArtifactSignerPlan } from './release-setup';
import type { ReleaseItem } from './release-verify';

/** The artifact signer of a release, ready. */
export interface ReleaseArtifactSigner {
  signer: ArtifactSigner;
  /** For the summary. */
  info: ReleaseSigner;
  /** Keyless: the OIDC token (its issuer is pinned in the trust settings). */
  token?: IdTokenProvider;
  /** Key signing: the public key, so bundles of an earlier run by the same key can be kept. */
  publicKeyPem?: string;
}

/** A key signer's public half, when it has one (`KeyBundleSigner`). */
function publicKeyOf(signer: ArtifactSigner): string | undefined {
  const pem = (signer as { publicKeyPem?: () => string }).publicKeyPem;
  return signer.kind === 'key' && typeof pem === 'function' ? pem.call(signer) : undefined;
}

/** The planned signer, making the work folder's key on first use. */
export async function openArtifactSigner(plan: ArtifactSignerPlan, workDir: string, reporter: Reporter): Promise<ReleaseArtifactSigner> {
  if (plan.kind === 'given') {
    const publicKeyPem = publicKeyOf(plan.signer);
    const keyId = (plan.signer as { keyId?: unknown }).keyId;
    return {
      signer: plan.signer,
      info: { kind: plan.signer.kind, description: `${plan.signer.description} (${plan.source})`, ...(typeof keyId === 'string' ? { keyId } : {}) },
      ...(plan.token ? { token: plan.token } : {}),
      ...(publicKeyPem ? { publicKeyPem } : {}),
    };
  }
  const key = await ensureSigningKey(localKeysDir(workDir));
  if (key.created) {
    reporter.info(`made an artifact signing key: ${path.relative(workDir, key.privateKeyFile)} (public: ${path.relative(workDir, key.publicKeyFile)}); the manifest names its public key for readers`);
  }
  return {
    signer: key.signer,
    info: { kind: 'key', description: key.signer.description, keyId: key.signer.keyId, publicKeyFile: key.publicKeyFile },
    publicKeyPem: key.publicKeyPem,
  };
}

/** Whether `bundleFile` is a valid signature of `file` by this very key (then it is kept: the same bytes, the same key). */
async function keepFileBundle(file: string, bundleFile: string, trust: SigningTrust, keyId: string | undefined): Promise<boolean> {
  try {
    const v = await verifyArtifactFile(file, bundleFile, { trust });
    return v.kind === 'key' && v.keyId === keyId;
  } catch {
    return false;
  }
}

/** Whether the provenance bundle holds exactly the statement this build would be signed with now, by this key. */
async function keepProvenance(bundleFile: string, statement: unknown, trust: SigningTrust, keyId: string | undefined): Promise<boolean> {
  try {
    const v = await verifyStatement(JSON.parse(await fs.readFile(bundleFile, 'utf8')), { trust });
    return v.kind === 'key' && v.keyId === keyId && isDeepStrictEqual(v.statement, JSON.parse(JSON.stringify(statement)));
  } catch {
    return false;
  }
}

/** What a bundle says of its signer, for the summary. */
function signatureOf(signed: Omit<SignedBundle, 'bundle'>, fallbackKeyId: string | undefined): Pick<ReleaseSignature, 'kind' | 'keyId' | 'identity'> {
  return {
    kind: signed.kind,
    ...((signed.keyId ?? fallbackKeyId) !== undefined ? { keyId: (signed.keyId ?? fallbackKeyId)! } : {}),
    ...(signed.certificateIdentity !== undefined ? { identity: signed.certificateIdentity } : {}),
  };
}

/**
 * Sign every build that was not withheld. With a key, a bundle an earlier run
 * made with the same key over the same bytes is kept (an ECDSA signature
 * differs each time: signing again would change the published bundle, and
 * with it the manifest, on every re-run). Throws what the signer threw.
 */
export async function signStage(items: readonly ReleaseItem[], signing: ReleaseArtifactSigner, reporter: Reporter): Promise<{ identity?: string }> {
  const context: BuildContext = localBuildContext();
  const trust: SigningTrust | undefined = signing.publicKeyPem ? { keys: [{ publicKey: signing.publicKeyPem }] } : undefined;
  const keyId = signing.info.keyId;
  let identity: string | undefined;
  for (const item of items) {
    if (item.row.withheld) continue;
    const { result } = item;
    const archives = [result.artifact, result.artifactZst];
    const kept: string[] = [];
    const toSign: string[] = [];
    for (const file of archives) {
      if (trust && (await keepFileBundle(file, bundlePathFor(file), trust, keyId))) kept.push(file);
      else toSign.push(file);
    }
    const signed = await signFiles(toSign, { signer: signing.signer, reporter });
    const provenanceFile = path.join(path.dirname(result.metadataFile), provenanceBundleName(result.metadata));
    const keepProv = trust !== undefined && (await keepProvenance(provenanceFile, provenanceStatement(result.metadata, context), trust, keyId));
    const provenance = keepProv ? [] : await signProvenance([result.metadataFile], { signer: signing.signer, context, reporter });
    const first = signed[0] ?? provenance[0];
    identity ??= first?.certificateIdentity;
    item.row.signature = {
      ...(first ? signatureOf(first, keyId) : { kind: signing.signer.kind, ...(keyId !== undefined ? { keyId } : {}) }),
      bundles: [...archives.map((f) => path.basename(bundlePathFor(f))), path.basename(provenanceFile)],
      reused: kept.length + (keepProv ? 1 : 0),
    };
    if (kept.length > 0 || keepProv) reporter.info(`${path.basename(result.artifact)}: kept ${kept.length + (keepProv ? 1 : 0)} signature(s) of an earlier run (same key, same bytes)`);
    item.files = [...archives, result.metadataFile, ...(item.sboms ?? []).map((s) => s.file), ...archives.map((f) => bundlePathFor(f)), provenanceFile];
    item.row.files = item.files.map((f) => path.basename(f));
  }
  return identity !== undefined ? { identity } : {};
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The trust settings the manifest gives readers: the signing key, or, for
 * keyless signing, the identity the certificates named (pinned exactly) with
 * the token's issuer and, on GitHub, the source repository. Undefined when
 * they cannot be known (a keyless signer without a token of ours).
 */
export async function artifactTrustOf(signing: ReleaseArtifactSigner, signedIdentity: string | undefined): Promise<SigningTrust | undefined> {
  if (signing.publicKeyPem) return { keys: [{ publicKey: signing.publicKeyPem }] };
  if (signing.signer.kind !== 'keyless' || !signing.token || signedIdentity === undefined) return undefined;
  const claims = claimsOfIdToken(await signing.token());
  const issuer = typeof claims.iss === 'string' ? claims.iss : undefined;
  if (!issuer) return undefined;
  const repository = issuer === GITHUB_ACTIONS_ISSUER && typeof claims.repository === 'string' ? `https://github.com/${claims.repository}` : undefined;
  return { identities: [{ identity: `^${escapeRegExp(signedIdentity)}$`, issuer, ...(repository ? { sourceRepository: repository } : {}) }] };
}
