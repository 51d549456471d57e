import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { ConsoleReporter, PLATFORMS, UserError, assertPlatform, errorMessage, formatBytes } from '@potions/core';
import { ARTIFACT_FORMATS, FileTrustStore, ManifestErrorCode, defaultStateDir, trustedKeysFromPem } from '@potions/manifest';
import type { ArtifactFormat, Verifier } from '@potions/manifest';
import { LOCAL_PUBLIC_KEY_FILE, PipelineErrorCode, fetchPackage, localKeysDir, splitRecipeRef } from '@potions/pipeline';
import type { FetchSignature } from '@potions/pipeline';
import { publicGoodTrustedRoot, trustedRootFromFile } from '@potions/signing';
import type { SigningTrust } from '@potions/signing';
import { printJson } from '../output';
import { USAGE_ERROR } from '../options';
import { withOptionHint } from './mirrors';
import { trustedKeysFromFiles } from './sign';

/** The options an install's mistakes point at (library messages never name options). */
const FETCH_HINTS = {
  [PipelineErrorCode.OutExists]: 'choose another --out folder, or pass --force to replace it',
  [PipelineErrorCode.OutNotFolder]: '--out names the folder to install into',
  [PipelineErrorCode.OutNotWritable]: 'choose an --out folder you can write to',
  [PipelineErrorCode.OutProtected]: '--force never replaces it',
  [PipelineErrorCode.OutNotPotions]: '--force replaces only a folder an earlier `potions fetch` installed; choose a new --out folder',
  [PipelineErrorCode.Options]: 'pass --platform, and --manifest once per mirror (or a manifest file)',
  [PipelineErrorCode.Unsigned]: 'without --artifact-key or --certificate-identity-regexp the manifest\'s own artifact trust settings are used',
  [ManifestErrorCode.Withdrawn]: 'fetch another version (NAME@VERSION), or NAME alone for the newest one available',
  [ManifestErrorCode.TrustState]: 'POTIONS_STATE_DIR names the folder for it',
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface FetchCommandOptions {
  manifest: string[];
  platform?: string;
  out: string;
  trustedKey?: string[];
  artifactKey?: string[];
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateSourceRepository?: string;
  trustedRoot?: string;
  format?: ArtifactFormat;
  force?: boolean;
  json?: boolean;
}

/** Artifact trust from the command line (replacing the manifest's), or undefined to use the manifest's. */
async function artifactTrustOf(opts: FetchCommandOptions): Promise<SigningTrust | undefined> {
  if (!!opts.certificateIdentityRegexp !== !!opts.certificateOidcIssuer) {
    throw new UserError(USAGE_ERROR, 'keyless verification pins both --certificate-identity-regexp and --certificate-oidc-issuer');
  }
  if (opts.certificateSourceRepository && !opts.certificateIdentityRegexp) {
    throw new UserError(USAGE_ERROR, '--certificate-source-repository goes with --certificate-identity-regexp and --certificate-oidc-issuer');
  }
  const keys = opts.artifactKey && opts.artifactKey.length > 0 ? await trustedKeysFromFiles(opts.artifactKey, '--artifact-key') : [];
  if (keys.length === 0 && !opts.certificateIdentityRegexp) return undefined;
  return {
    ...(keys.length > 0 ? { keys } : {}),
    ...(opts.certificateIdentityRegexp
      ? {
          identities: [
            {
              identity: opts.certificateIdentityRegexp,
              issuer: opts.certificateOidcIssuer!,
              ...(opts.certificateSourceRepository ? { sourceRepository: opts.certificateSourceRepository } : {}),
            },
          ],
        }
      : {}),
  };
}

function describeSignature(s: FetchSignature): string {
  if (!s.verified) return `signature: none (${s.reason})`;
  return s.kind === 'key' ? `signature verified: key ${s.keyId}` : `signature verified: keyless, ${s.certificateIdentity} (issuer ${s.issuer}${s.sourceRepository ? `, ${s.sourceRepository}` : ''})`;
}

/** `--trusted-key` files, else the public key a local `potions release` made in this folder. */
async function trustedKeys(files: string[] | undefined): Promise<{ keys: Verifier[]; files: string[] }> {
  const given = files ?? [];
  const candidates = given.length > 0 ? given : [path.join(localKeysDir(process.cwd()), LOCAL_PUBLIC_KEY_FILE)];
  const keys: Verifier[] = [];
  for (const file of candidates) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if (given.length === 0) {
        throw new UserError(PipelineErrorCode.NoTrustedKey, 'no --trusted-key given, and no local release key in this folder', {
          location: { file },
          hint: 'pass --trusted-key with the publisher\'s public key (PEM), or run `potions release` here first (it makes .potions/keys/manifest-key.pub)',
        });
      }
      throw new UserError(PipelineErrorCode.NoTrustedKey, `cannot read --trusted-key ${file}: ${errorMessage(err)}`, { location: { file } });
    }
    keys.push(...trustedKeysFromPem(text, file));
  }
  return { keys, files: candidates };
}

export function registerFetchCommand(program: Command): void {
  program
    .command('fetch')
    .description('Install a package from a signed manifest: verify the manifest, download from the mirrors, verify, extract, relocate')
    .argument('<package>', 'NAME or NAME@VERSION (default: the newest version available for the platform)')
    .requiredOption('--manifest <url>', 'manifest.json URL, repeatable (one per mirror: every one is read, the newest acceptable copy is used), or a manifest file', collect)
    .option('--platform <platform>', `one of ${PLATFORMS.join(', ')} (default: this machine's)`)
    .requiredOption('--out <dir>', 'the folder to install into (created; must be empty unless --force)')
    .option('--trusted-key <file>', `public key (PEM) whose signature on the manifest is accepted, repeatable (default: .potions/keys/${LOCAL_PUBLIC_KEY_FILE})`, collect)
    .option('--artifact-key <file>', "public key (PEM) whose artifact signatures are accepted, repeatable (default: the manifest's artifact trust settings)", collect)
    .option('--certificate-identity-regexp <re>', 'keyless artifact signatures: the certificate identity (SAN) to accept, anchored at both ends')
    .option('--certificate-oidc-issuer <url>', 'keyless artifact signatures: the OIDC issuer to accept')
    .option('--certificate-source-repository <uri>', 'keyless artifact signatures: the source repository to accept')
    .option('--trusted-root <file>', "keyless artifact signatures: a Sigstore trusted_root.json (default: the public-good one, through TUF)")
    .addOption(new Option('--format <format>', 'preferred archive format (the others are tried too before giving up)').choices([...ARTIFACT_FORMATS]))
    .option('--force', 'replace the --out folder when it holds an earlier Potions install (never anything else)')
    .option('--json', 'print { ok, name, version, revision, platform, format, dir, sha256, signature, mirror, ... } on stdout')
    .action(async (ref: string, opts: FetchCommandOptions) => {
      const reporter = new ConsoleReporter();
      const { ref: name, version } = splitRecipeRef(ref);
      const platform = opts.platform ? assertPlatform(opts.platform, '--platform') : undefined;
      const artifactTrust = await artifactTrustOf(opts);
      const { keys } = await trustedKeys(opts.trustedKey);
      const trustedRoot = opts.trustedRoot;
      const r = await fetchPackage({
        manifestUrl: opts.manifest,
        name,
        ...(version !== undefined ? { version } : {}),
        ...(platform ? { platform } : {}),
        outDir: opts.out,
        trustedKeys: keys,
        trustStore: new FileTrustStore(),
        ...(artifactTrust ? { artifactTrust } : {}),
        trustedRoot: trustedRoot ? () => trustedRootFromFile(trustedRoot) : () => publicGoodTrustedRoot({ cachePath: path.join(defaultStateDir(), 'sigstore-tuf') }),
        ...(opts.format ? { formats: [opts.format, ...ARTIFACT_FORMATS.filter((f) => f !== opts.format)] } : {}),
        ...(opts.force ? { replace: true } : {}),
        reporter,
      }).catch((err: unknown) => {
        throw withOptionHint(err, FETCH_HINTS);
      });
      if (opts.json) {
        printJson({
          ok: true,
          name: r.name,
          version: r.version,
          revision: r.revision,
          platform: r.platform,
          format: r.format,
          dir: r.dir,
          sha256: r.sha256,
          size: r.size,
          mirror: r.mirror,
          attempts: r.attempts,
          seconds: r.seconds,
          manifestUrl: r.manifestUrl,
          manifestVersion: r.manifestVersion,
          signature: r.signature,
          formatsFailed: r.formatsFailed,
          manifestRefused: r.manifestRefused,
          manifestOlder: r.manifestOlder,
          relocated: r.relocated,
        });
      } else {
        process.stderr.write(
          `${r.name} ${r.version} revision ${r.revision} (${r.platform}) installed in ${r.dir}\n` +
            `  ${r.format}, ${formatBytes(r.size)}, sha256 ${r.sha256}\n` +
            `  ${describeSignature(r.signature)}\n` +
            `  from ${r.mirror} (${r.attempts} request(s), ${r.seconds} s)\n` +
            `  manifest version ${r.manifestVersion} from ${r.manifestUrl}\n`,
        );
        for (const f of r.formatsFailed) process.stderr.write(`  ${f.format} could not be used: ${f.message.split('\n')[0]}\n`);
        for (const refused of r.manifestRefused) process.stderr.write(`  refused the manifest at ${refused.source}: ${refused.message}\n`);
        for (const o of r.manifestOlder) process.stderr.write(`  the manifest at ${o.source} is older (version ${o.version}): not used\n`);
      }
    });
}
