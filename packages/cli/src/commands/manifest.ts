import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ConsoleReporter, UserError, assertPlatform, errorMessage, tempPathFor, type Platform } from '@potions/core';
import {
  DEFAULT_EXPIRES_IN_DAYS,
  MANIFEST_KEY_ENV,
  ManifestErrorCode,
  buildFailuresFromJson,
  generateManifestKey,
  localKeySignerFromEnv,
  localKeySignerFromFile,
  manifestSummary,
  publishRelease,
  readArtifactMetadataDir,
  readManifestSource,
  readSyncResultFile,
  trustedKeysFromPem,
  verifyManifest,
  type ReleaseRow,
} from '@potions/manifest';
import { closeMirrors, openS3Mirrors } from '@potions/mirrors';
import { ExitCode, formatTable, printJson } from '../output';
import { positiveNumber } from '../options';
import { DEFAULT_LOCAL_DIR, LOCAL_DIR_HELP, mirrorsFromOptions, withOptionHint, type MirrorCommandDeps } from './mirrors';

// The AWS SDK warns on every run that Node 20 support ends in 2027; the CLI targets Node >= 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The private and public key files `keygen` writes. */
const PRIVATE_KEY_FILE = 'manifest-key.pem';
const PUBLIC_KEY_FILE = 'manifest-key.pub';

function parsePlatforms(v: string): Platform[] {
  return v
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => assertPlatform(p, '--platforms'));
}

/**
 * Write the key pair without ever leaving half of it: both files go to
 * temporary names first (the private one created with mode 0600), are flushed,
 * then linked into place, which fails instead of replacing an existing file.
 * If the public key cannot be placed, the private key placed just before is
 * removed again, so a failure never leaves an orphan private key.
 */
async function writeKeyPair(files: { path: string; text: string; mode: number }[]): Promise<void> {
  const temps: string[] = [];
  const placed: string[] = [];
  try {
    for (const f of files) {
      const tmp = tempPathFor(f.path);
      temps.push(tmp);
      const handle = await fs.open(tmp, 'wx', f.mode);
      try {
        await handle.writeFile(f.text);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const [i, f] of files.entries()) {
      // link(2) never replaces an existing name (EEXIST), unlike rename(2).
      await fs.link(temps[i]!, f.path);
      placed.push(f.path);
    }
  } catch (err) {
    for (const p of placed) await fs.rm(p, { force: true });
    if ((err as { code?: string }).code === 'EEXIST') {
      const file = files[placed.length]?.path ?? files[0]!.path;
      throw new UserError('CLI_KEY_EXISTS', 'already exists; not overwriting a key', {
        location: { file },
        hint: 'choose another --out folder, or move the old key away first',
      });
    }
    throw new UserError('CLI_KEY_WRITE', `cannot write the key files: ${errorMessage(err)}`, { location: { file: files[0]!.path }, cause: err });
  } finally {
    for (const t of temps) await fs.rm(t, { force: true });
  }
}

function rowCells(r: ReleaseRow): string[] {
  return [r.name, r.version, r.platform, r.status === 'available' ? r.sha256!.slice(0, 16) : `unavailable: ${r.reason}`, r.mirrors.join(', ')];
}

export function registerManifestCommand(program: Command, deps: MirrorCommandDeps = {}): void {
  const openMirrors = deps.openMirrors ?? openS3Mirrors;
  const manifest = program.command('manifest').description('Publish, verify and key the signed manifest');

  manifest
    .command('publish')
    .description('Merge the artifacts mirror-sync verified into the signed manifest on every mirror')
    .requiredOption('--artifacts <dir>', 'folder with the <artifact>.json build metadata (the folder that was synced)')
    .requiredOption('--sync-result <file>', 'the result of the sync: `potions mirrors sync DIR --json > FILE`, or the mirror-sync action output')
    .option('--config <file>', 'mirrors configuration (YAML or JSON); default: the running `mirrors serve` mirrors')
    .option('--local-dir <dir>', LOCAL_DIR_HELP, DEFAULT_LOCAL_DIR)
    .option('--key <file>', `private key PEM (default: the environment variable ${MANIFEST_KEY_ENV})`)
    .option('--platforms <list>', 'comma-separated platforms the release asked for; those without an artifact are listed as unavailable', parsePlatforms)
    .option('--failures <file>', 'JSON list of {name, version, platform, reason} for platforms that failed to build')
    .option('--expires-days <n>', `days until the manifest expires (default ${DEFAULT_EXPIRES_IN_DAYS})`, positiveNumber('--expires-days'))
    .option('--dry-run', 'read, merge and sign, but write nothing')
    .option('--json', 'print one JSON document on stdout')
    .action(
      async (opts: {
        artifacts: string;
        syncResult: string;
        config?: string;
        localDir: string;
        key?: string;
        platforms?: Platform[];
        failures?: string;
        expiresDays?: number;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const reporter = new ConsoleReporter();
        const signer = opts.key ? await localKeySignerFromFile(opts.key, { reporter }) : localKeySignerFromEnv({ reporter });
        let failuresText: string | undefined;
        if (opts.failures) {
          try {
            failuresText = await fs.readFile(opts.failures, 'utf8');
          } catch (err) {
            throw new UserError('CLI_BAD_OPTION', `cannot read --failures: ${errorMessage(err)}`, { location: { file: opts.failures } });
          }
        }
        const failures = buildFailuresFromJson(failuresText, opts.failures);
        const [metadata, sync] = await Promise.all([
          readArtifactMetadataDir(opts.artifacts),
          readSyncResultFile(opts.syncResult).catch((err: unknown) => {
            throw withOptionHint(err, { [ManifestErrorCode.ReleaseInvalid]: 'save it with `potions mirrors sync DIR --json > FILE` (JSON on stdout, messages on stderr), or take the mirror-sync action\'s output "result"' });
          }),
        ]);
        const config = await mirrorsFromOptions(opts.config, path.resolve(opts.localDir));
        const mirrors = openMirrors(config.mirrors, { reporter });
        let result;
        try {
          result = await publishRelease({
            metadata,
            sync,
            syncSource: opts.syncResult,
            artifactsSource: opts.artifacts,
            mirrors,
            signer,
            ...(opts.platforms ? { platforms: opts.platforms } : {}),
            failures,
            ...(opts.expiresDays !== undefined ? { expiresInDays: opts.expiresDays } : {}),
            dryRun: opts.dryRun ?? false,
            reporter,
          });
        } catch (err) {
          throw withOptionHint(err, { [ManifestErrorCode.ReleaseInvalid]: '--artifacts is the folder that was synced, --sync-result the result of that sync' });
        } finally {
          await closeMirrors(mirrors);
        }
        for (const w of result.warnings) reporter.warn(w);
        const { report } = result;
        if (opts.json) {
          printJson({
            ok: report.ok,
            dryRun: opts.dryRun ?? false,
            changed: report.changed,
            version: report.version,
            expires: report.envelope?.signed.expires,
            manifestUrls: result.manifestUrls,
            mirrors: report.mirrors,
            changes: report.plan?.changes ?? [],
            rows: result.rows,
            warnings: result.warnings,
          });
        } else {
          process.stderr.write(`${formatTable(['PACKAGE', 'VERSION', 'PLATFORM', 'SHA256 / STATUS', 'MIRRORS'], result.rows.map(rowCells))}\n\n`);
          process.stderr.write(
            `${formatTable(
              ['MIRROR', 'STATUS', 'VERSION', 'DETAIL'],
              report.mirrors.map((m) => [m.name, m.status, m.version !== undefined ? String(m.version) : '', m.error?.message ?? '']),
            )}\n`,
          );
          for (const c of report.plan?.changes ?? []) process.stderr.write(`  ${c.kind}: ${c.name}@${c.version} ${c.platform} ${c.detail}\n`);
          const url = result.manifestUrls[0]?.url;
          process.stderr.write(
            !report.ok
              ? 'manifest NOT published: no mirror holds it\n'
              : opts.dryRun && report.changed
                ? `dry run: would publish manifest version ${report.version}\n`
                : report.changed
                  ? `published manifest version ${report.version}: ${url}\n`
                  : `nothing changed: manifest version ${report.version} stays (${url})\n`,
          );
        }
        // A mirror that failed is behind (the warning says so) and catches up on the next publish; none at all is a failure.
        if (!report.ok) process.exitCode = ExitCode.Failure;
      },
    );

  manifest
    .command('verify')
    .description('Check a manifest (URL or file): signature by a trusted key, schema, expiry; print what it lists')
    .argument('<source>', 'an http(s) URL or a file')
    .requiredOption('--trusted-key <pem>', 'file with the public key(s) to trust (PEM)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (source: string, opts: { trustedKey: string; json?: boolean }) => {
      let pem: string;
      try {
        pem = await fs.readFile(opts.trustedKey, 'utf8');
      } catch (err) {
        throw new UserError('CLI_BAD_OPTION', `cannot read --trusted-key: ${errorMessage(err)}`, { location: { file: opts.trustedKey } });
      }
      const trustedKeys = trustedKeysFromPem(pem, opts.trustedKey);
      const verified = await verifyManifest(await readManifestSource(source), { trustedKeys, source });
      const summary = manifestSummary(verified.manifest);
      if (opts.json) printJson({ ok: true, source, keyid: verified.keyid, ...summary });
      else {
        process.stderr.write(`${source}: verified (key ${verified.keyid.slice(0, 16)}), version ${summary.version}, expires ${summary.expires}\n`);
        process.stderr.write(
          `${formatTable(
            ['PACKAGE', 'VERSION', 'AVAILABLE', 'UNAVAILABLE'],
            summary.packages.map((p) => [p.name, p.version, p.available.join(', '), p.unavailable.map((u) => u.platform).join(', ')]),
          )}\n`,
        );
      }
    });

  manifest
    .command('keygen')
    .description(`Create an Ed25519 manifest key: ${PRIVATE_KEY_FILE} (secret, mode 0600) and ${PUBLIC_KEY_FILE}`)
    .requiredOption('--out <dir>', 'folder for the two files')
    .option('--json', 'print one JSON document on stdout')
    .action(async (opts: { out: string; json?: boolean }) => {
      const key = generateManifestKey();
      const privateFile = path.join(opts.out, PRIVATE_KEY_FILE);
      const publicFile = path.join(opts.out, PUBLIC_KEY_FILE);
      await fs.mkdir(opts.out, { recursive: true });
      for (const f of [privateFile, publicFile]) {
        // lstat: a dangling symbolic link is a name that is taken, too.
        const exists = await fs.lstat(f).then(
          () => true,
          () => false,
        );
        if (exists) {
          throw new UserError('CLI_KEY_EXISTS', 'already exists; not overwriting a key', {
            location: { file: f },
            hint: 'choose another --out folder, or move the old key away first',
          });
        }
      }
      await writeKeyPair([
        { path: privateFile, text: key.privateKeyPem, mode: 0o600 },
        { path: publicFile, text: key.publicKeyPem, mode: 0o644 },
      ]);
      if (opts.json) printJson({ keyid: key.keyid, privateKey: privateFile, publicKey: publicFile });
      else {
        process.stderr.write(
          `wrote ${privateFile} (secret: store it as the ${MANIFEST_KEY_ENV} secret) and ${publicFile} (give it to readers)\n`,
        );
        process.stdout.write(`${key.keyid}\n`);
      }
    });
}
