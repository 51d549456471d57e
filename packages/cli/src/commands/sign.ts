import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ConsoleReporter, UserError, errorMessage } from '@potions/core';
import type { Reporter } from '@potions/core';
import { defaultStateDir } from '@potions/manifest';
import {
  BUNDLE_SUFFIX,
  OIDC_TOKEN_ENV,
  PUBLIC_GOOD_SERVICES,
  SIGNING_PUBLIC_KEY_FILE,
  SigstoreKeylessSigner,
  buildContextFromGitHub,
  claimsOfIdToken,
  ensureSigningKey,
  idTokenProviderFromEnv,
  keyBundleSignerFromFile,
  localBuildContext,
  publicGoodTrustedRoot,
  signFiles,
  signProvenance,
  sigstoreServicesFromJson,
  trustedRootFromFile,
  verifyArtifactFile,
} from '@potions/signing';
import type { ArtifactSigner, BuildContext, IdTokenProvider, SigningTrust, SigstoreServices, TrustedKey, VerifiedSignature } from '@potions/signing';
import { USAGE_ERROR } from '../options';
import { formatTable, printJson } from '../output';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Where `potions sign` keeps the local signing key: beside the trust state of `potions fetch`. */
const localKeyDir = (): string => path.join(defaultStateDir(), 'keys');

interface SignCommandOptions {
  key?: string;
  outDir?: string;
  provenance?: boolean;
  metadata?: string[];
  sigstore?: string;
  json?: boolean;
}

interface VerifyCommandOptions {
  bundle?: string;
  key?: string[];
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateSourceRepository?: string;
  trustedRoot?: string;
  sha256?: string;
  json?: boolean;
}

/** A JSON file an option (`flag`) names, parsed; a mistake names the option. */
export async function readJsonOption(file: string, flag: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new UserError('CLI_BAD_OPTION', `cannot read ${flag} ${file}: ${errorMessage(err)}`, { location: { file } });
  }
}

/** `--sigstore FILE`: a private Sigstore instance; default the public-good one. */
async function sigstoreServices(file: string | undefined): Promise<SigstoreServices> {
  return file ? sigstoreServicesFromJson(await readJsonOption(file, '--sigstore'), file) : PUBLIC_GOOD_SERVICES;
}

interface ChosenSigner {
  signer: ArtifactSigner;
  /** How it was chosen, for the output. */
  source: string;
  token?: IdTokenProvider;
  localKey?: { publicKeyFile: string; publicKeyPem: string; created: boolean };
}

/** `--key`, else keyless when an OIDC token can be had, else the local key (made on first use). */
async function chooseSigner(opts: SignCommandOptions, reporter: Reporter): Promise<ChosenSigner> {
  if (opts.key) return { signer: await keyBundleSignerFromFile(opts.key), source: `key file ${opts.key}` };
  const oidc = idTokenProviderFromEnv(process.env, { secret: (v) => reporter.secret(v) });
  if (oidc) {
    const services = await sigstoreServices(opts.sigstore);
    return { signer: new SigstoreKeylessSigner({ idToken: oidc.provider, services }), source: `OIDC token from ${oidc.source}`, token: oidc.provider };
  }
  const local = await ensureSigningKey(localKeyDir());
  return {
    signer: local.signer,
    source: `local key ${local.privateKeyFile}`,
    localKey: { publicKeyFile: local.publicKeyFile, publicKeyPem: local.publicKeyPem, created: local.created },
  };
}

/** On GitHub's runners: the job, with the token's claims when signing keyless; elsewhere a local build. */
async function buildContext(chosen: ChosenSigner): Promise<BuildContext> {
  if (process.env.GITHUB_ACTIONS !== 'true') return localBuildContext();
  const claims = chosen.token ? claimsOfIdToken(await chosen.token()) : undefined;
  const eventPath = process.env.GITHUB_EVENT_PATH;
  const event = eventPath ? await fs.readFile(eventPath, 'utf8').then((t) => JSON.parse(t) as unknown, () => undefined) : undefined;
  return buildContextFromGitHub({ env: process.env, ...(claims ? { claims } : {}), ...(event !== undefined ? { event } : {}) });
}

/** Every PEM block of the public-key files an option (`flag`, default `--key`) names, as trusted keys. */
export async function trustedKeysFromFiles(files: string[], flag = '--key'): Promise<TrustedKey[]> {
  const keys: TrustedKey[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      throw new UserError('CLI_BAD_OPTION', `cannot read ${flag} ${file}: ${errorMessage(err)}`, { location: { file } });
    }
    const blocks = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
    if (blocks.length === 0) {
      throw new UserError('CLI_BAD_OPTION', `${flag} ${file} holds no "-----BEGIN PUBLIC KEY-----" block`, {
        location: { file },
        hint: `pass the public key (${SIGNING_PUBLIC_KEY_FILE}), not the private one`,
      });
    }
    keys.push(...blocks.map((publicKey) => ({ publicKey })));
  }
  return keys;
}

function describeVerified(v: VerifiedSignature): string {
  const what = v.content === 'dsse' ? 'named in a signed provenance statement' : 'signed';
  if (v.kind === 'key') return `${what} with key ${v.keyId}`;
  const repo = v.sourceRepository ? `, source repository ${v.sourceRepository}` : '';
  return `${what} keyless by ${v.certificateIdentity} (issuer ${v.issuer}${repo}) at ${v.signedAt}, Rekor log index ${v.logIndex}`;
}

export function registerSignCommand(program: Command): void {
  program
    .command('sign')
    .description('Sign files into <file>.sigstore.json (Sigstore bundles): keyless with an OIDC token, else with a key')
    .argument('[files...]', 'the files to sign (artifacts, a manifest, anything)')
    .option('--key <pem>', 'sign with this ECDSA P-256 private key (PEM) instead of keyless or the local key')
    .option('--out-dir <dir>', 'write the bundles here instead of next to each file')
    .option('--provenance', 'also sign SLSA v1 build provenance for each --metadata file')
    .option('--metadata <file>', "the builder's <artifact>.json, repeatable (with --provenance)", collect)
    .option('--sigstore <file>', 'JSON {fulcioUrl, rekorUrl, tsaUrl, rekorDsseEntryType} of a private Sigstore instance (default: the public-good one)')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText(
      'after',
      `\nKeyless signing needs an OIDC token: ${OIDC_TOKEN_ENV}, or on GitHub a job with \`permissions: id-token: write\`.\n` +
        'Without one, and without --key, a local key is used, made on first use in <state>/keys (state: $POTIONS_STATE_DIR, else $XDG_STATE_HOME/potions, else ~/.local/state/potions).',
    )
    .action(async (files: string[], opts: SignCommandOptions) => {
      const metadata = opts.metadata ?? [];
      if (metadata.length > 0 && !opts.provenance) throw new UserError(USAGE_ERROR, '--metadata is for provenance: add --provenance');
      if (opts.provenance && metadata.length === 0) throw new UserError(USAGE_ERROR, '--provenance needs the build metadata: --metadata <artifact>.json');
      if (files.length === 0 && !opts.provenance) throw new UserError(USAGE_ERROR, 'nothing to sign: name the files (or --provenance --metadata FILE)');
      const reporter = new ConsoleReporter();
      const chosen = await chooseSigner(opts, reporter);
      if (chosen.localKey?.created) {
        reporter.info(`made a local signing key (${chosen.signer.description}); its public key, ${chosen.localKey.publicKeyFile}, is what verifiers trust:\n${chosen.localKey.publicKeyPem.trimEnd()}`);
      }
      if (!opts.json) reporter.info(`signing ${chosen.signer.kind === 'keyless' ? 'keyless' : 'with a key'}: ${chosen.signer.description} (${chosen.source})`);
      const signed = await signFiles(files, { signer: chosen.signer, ...(opts.outDir ? { outDir: opts.outDir } : {}), reporter });
      const provenance = opts.provenance
        ? await signProvenance(metadata, { signer: chosen.signer, context: await buildContext(chosen), ...(opts.outDir ? { outDir: opts.outDir } : {}), reporter })
        : [];
      if (opts.json) {
        printJson({
          ok: true,
          mode: chosen.signer.kind,
          signer: chosen.signer.description,
          source: chosen.source,
          ...(chosen.localKey ? { publicKeyFile: chosen.localKey.publicKeyFile, publicKey: chosen.localKey.publicKeyPem, createdKey: chosen.localKey.created } : {}),
          files: signed.map((s) => ({ file: s.file, sha256: s.sha256, size: s.size, bundle: s.bundleFile, kind: s.kind, keyId: s.keyId, logIndex: s.logIndex, identity: s.certificateIdentity })),
          provenance: provenance.map((p) => ({ metadata: p.metadataFile, bundle: p.bundleFile, subjects: p.subjects, kind: p.kind, keyId: p.keyId, logIndex: p.logIndex })),
        });
        return;
      }
      const rows = [
        ...signed.map((s) => [s.file, s.sha256.slice(0, 16), s.bundleFile, s.kind === 'keyless' ? `Rekor ${s.logIndex}` : `key ${s.keyId?.slice(0, 16)}`]),
        ...provenance.map((p) => [`provenance of ${p.subjects.map((s) => s.name).join(', ')}`, '', p.bundleFile, p.kind === 'keyless' ? `Rekor ${p.logIndex}` : `key ${p.keyId?.slice(0, 16)}`]),
      ];
      process.stderr.write(`${formatTable(['FILE', 'SHA256', 'BUNDLE', 'LOG INDEX / KEY'], rows)}\n`);
    });

  program
    .command('verify')
    .description('Verify a file against its Sigstore bundle: a trusted key, or a pinned keyless identity and issuer')
    .argument('<file>', 'the file to verify')
    .option('--bundle <file>', `the bundle (default: <file>${BUNDLE_SUFFIX})`)
    .option('--key <pem>', 'trust this public key (PEM file; several blocks or repeats trust each), default: the local signing key', collect)
    .option('--certificate-identity-regexp <re>', 'keyless: the certificate identity (SAN) to accept, a regular expression anchored at both ends')
    .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer to accept, e.g. https://token.actions.githubusercontent.com')
    .option('--certificate-source-repository <uri>', 'keyless: the source repository to accept, e.g. https://github.com/acme/tools')
    .option('--trusted-root <file>', "keyless: a Sigstore trusted_root.json (default: the public-good one, through TUF)")
    .option('--sha256 <hex>', 'the digest the file should have (from the manifest): tells a changed file from a wrong bundle')
    .option('--json', 'print one JSON document on stdout')
    .action(async (file: string, opts: VerifyCommandOptions) => {
      if (!!opts.certificateIdentityRegexp !== !!opts.certificateOidcIssuer) {
        throw new UserError(USAGE_ERROR, 'keyless verification pins both --certificate-identity-regexp and --certificate-oidc-issuer');
      }
      if (opts.certificateSourceRepository && !opts.certificateIdentityRegexp) {
        throw new UserError(USAGE_ERROR, '--certificate-source-repository goes with --certificate-identity-regexp and --certificate-oidc-issuer');
      }
      if (opts.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(opts.sha256)) throw new UserError(USAGE_ERROR, `--sha256 must be 64 hex digits, got ${JSON.stringify(opts.sha256)}`);
      const keyless = opts.certificateIdentityRegexp !== undefined;
      let keyFiles = opts.key ?? [];
      if (keyFiles.length === 0 && !keyless) {
        const local = path.join(localKeyDir(), SIGNING_PUBLIC_KEY_FILE);
        const exists = await fs.access(local).then(
          () => true,
          () => false,
        );
        if (!exists) {
          throw new UserError(USAGE_ERROR, 'say whom to trust: --key PUB, or --certificate-identity-regexp RE --certificate-oidc-issuer URL', {
            hint: `without them the local signing key (${local}) is trusted, and there is none`,
          });
        }
        keyFiles = [local];
      }
      const trust: SigningTrust = {
        ...(keyless
          ? {
              identities: [
                {
                  identity: opts.certificateIdentityRegexp!,
                  issuer: opts.certificateOidcIssuer!,
                  ...(opts.certificateSourceRepository ? { sourceRepository: opts.certificateSourceRepository } : {}),
                },
              ],
            }
          : {}),
        ...(keyFiles.length > 0 ? { keys: await trustedKeysFromFiles(keyFiles) } : {}),
      };
      const bundle = opts.bundle ?? `${file}${BUNDLE_SUFFIX}`;
      const trustedRoot = opts.trustedRoot;
      const v = await verifyArtifactFile(file, bundle, {
        trust,
        trustedRoot: trustedRoot ? () => trustedRootFromFile(trustedRoot) : () => publicGoodTrustedRoot({ cachePath: path.join(defaultStateDir(), 'sigstore-tuf') }),
        ...(opts.sha256 ? { expectedSha256: opts.sha256.toLowerCase() } : {}),
      });
      if (opts.json) {
        printJson({ ok: true, file, bundle, ...v, ...(keyFiles.length > 0 ? { keyFiles } : {}) });
      } else {
        process.stderr.write(`${file}: verified, ${describeVerified(v)}\n`);
      }
    });
}
