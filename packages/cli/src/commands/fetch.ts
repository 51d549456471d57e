import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { ConsoleReporter, PLATFORMS, UserError, assertPlatform, errorMessage, formatBytes } from '@potions/core';
import { ARTIFACT_FORMATS, FileTrustStore, trustedKeysFromPem } from '@potions/manifest';
import type { ArtifactFormat, Verifier } from '@potions/manifest';
import { LOCAL_PUBLIC_KEY_FILE, PipelineErrorCode, fetchPackage, localKeysDir, splitRecipeRef } from '@potions/pipeline';
import { printJson } from '../output';
import { withOptionHint } from './mirrors';

/** The options an install's mistakes point at (library messages never name options). */
const FETCH_HINTS = {
  [PipelineErrorCode.OutExists]: 'choose another --out folder, or pass --force to replace it',
  [PipelineErrorCode.OutNotFolder]: '--out names the folder to install into',
  [PipelineErrorCode.OutNotWritable]: 'choose an --out folder you can write to',
  [PipelineErrorCode.OutProtected]: '--force never replaces it',
  [PipelineErrorCode.Options]: 'pass --platform, and --manifest once per mirror (or one manifest file)',
};

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

interface FetchCommandOptions {
  manifest: string[];
  platform?: string;
  out: string;
  trustedKey?: string[];
  format?: ArtifactFormat;
  force?: boolean;
  json?: boolean;
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
    .requiredOption('--manifest <url>', 'manifest.json URL, repeatable (one per mirror, tried in order), or a manifest file', collect)
    .option('--platform <platform>', `one of ${PLATFORMS.join(', ')} (default: this machine's)`)
    .requiredOption('--out <dir>', 'the folder to install into (created; must be empty unless --force)')
    .option('--trusted-key <file>', `public key (PEM) whose signature is accepted, repeatable (default: .potions/keys/${LOCAL_PUBLIC_KEY_FILE})`, collect)
    .addOption(new Option('--format <format>', 'preferred archive format').choices([...ARTIFACT_FORMATS]))
    .option('--force', 'replace the --out folder if it is not empty')
    .option('--json', 'print { ok, name, version, platform, dir, sha256, mirror, attempts, seconds, manifestUrl } on stdout')
    .action(async (ref: string, opts: FetchCommandOptions) => {
      const reporter = new ConsoleReporter();
      const { ref: name, version } = splitRecipeRef(ref);
      const platform = opts.platform ? assertPlatform(opts.platform, '--platform') : undefined;
      const { keys } = await trustedKeys(opts.trustedKey);
      const r = await fetchPackage({
        manifestUrl: opts.manifest,
        name,
        ...(version !== undefined ? { version } : {}),
        ...(platform ? { platform } : {}),
        outDir: opts.out,
        trustedKeys: keys,
        trustStore: new FileTrustStore(),
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
          relocated: r.relocated,
        });
      } else {
        process.stderr.write(
          `${r.name} ${r.version} (${r.platform}) installed in ${r.dir}\n` +
            `  ${r.format}, ${formatBytes(r.size)}, sha256 ${r.sha256}\n` +
            `  from ${r.mirror} (${r.attempts} request(s), ${r.seconds} s)\n` +
            `  manifest version ${r.manifestVersion} from ${r.manifestUrl}\n`,
        );
        for (const refused of r.manifestRefused) process.stderr.write(`  refused the manifest at ${refused.source}: ${refused.message}\n`);
      }
    });
}
