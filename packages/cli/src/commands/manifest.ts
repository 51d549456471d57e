import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ConsoleReporter, UserError, assertPlatform, errorMessage, hasCode, makeDirectory, tempPathFor, type Platform, type Reporter } from '@potions/core';
import {
  BuildChecksSchema,
  DEFAULT_EXPIRES_IN_DAYS,
  EXPIRES_IN_DAYS_RANGE,
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
  recoverManifest,
  trustedKeysFromPem,
  verifyManifest,
  withdrawRelease,
  type BuildChecks,
  type LocalKeySigner,
  type ManifestPublishReport,
  type ReleaseRow,
  type Verifier,
} from '@potions/manifest';
import { closeMirrors, openS3Mirrors, type OpenedMirror, type MirrorTarget, type OpenMirrors } from '@potions/mirrors';
import { signingTrustFromJson, type SigningTrust } from '@potions/signing';
import { ExitCode, formatTable, printJson } from '../output';
import { USAGE_ERROR, positiveInt } from '../options';
import { DEFAULT_LOCAL_DIR, LOCAL_DIR_HELP, mirrorsFromOptions, withOptionHint, type MirrorCommandDeps } from './mirrors';
import { readJsonOption, trustedKeysFromFiles } from './sign';

// The AWS SDK warns on every run that Node 20 support ends in 2027; the CLI targets Node >= 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The private and public key files `keygen` writes. */
const PRIVATE_KEY_FILE = 'manifest-key.pem';
const PUBLIC_KEY_FILE = 'manifest-key.pub';

/** `--expires-days`: whole days within the range every reader can live with, checked before anything is read or written. */
function expiresDays(value: string): number {
  const { min, max } = EXPIRES_IN_DAYS_RANGE;
  const v = value.trim();
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) {
    throw new UserError(USAGE_ERROR, `--expires-days must be a whole number of days from ${min} to ${max}, got ${JSON.stringify(value)}`, {
      hint: 'readers refuse an expired manifest: publish on a schedule (a publish with nothing new renews it) rather than signing one for decades',
    });
  }
  return n;
}

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
  const status = r.status === 'available' ? r.sha256!.slice(0, 16) : `${r.status}: ${r.reason}`;
  return [r.name, r.version, r.platform, r.revision !== undefined ? String(r.revision) : '', status, r.mirrors.join(', ')];
}

/** `--artifact-trust FILE` (SigningTrust JSON) and `--artifact-key PEM...` (trusted keys), united; undefined when neither is given. */
async function artifactTrustOf(opts: { artifactTrust?: string; artifactKey?: string[] }): Promise<SigningTrust | undefined> {
  const fromFile = opts.artifactTrust ? signingTrustFromJson(await readJsonOption(opts.artifactTrust, '--artifact-trust'), opts.artifactTrust) : undefined;
  const keys = opts.artifactKey && opts.artifactKey.length > 0 ? await trustedKeysFromFiles(opts.artifactKey, '--artifact-key') : [];
  if (!fromFile && keys.length === 0) return undefined;
  return { ...fromFile, ...(keys.length > 0 || fromFile?.keys ? { keys: [...(fromFile?.keys ?? []), ...keys] } : {}) };
}

/** `--checks FILE`: a JSON list of {name, version, platform, checks}. */
async function checksOf(file: string | undefined): Promise<BuildChecks[]> {
  if (!file) return [];
  const parsed = BuildChecksSchema.array().safeParse(await readJsonOption(file, '--checks'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError('CLI_BAD_OPTION', `--checks ${file}: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, {
      location: { file },
      hint: 'a JSON list of {"name", "version", "platform", "checks": {"smokeTest": ..., "scan": ...}} (see docs/manifest.md)',
    });
  }
  return parsed.data;
}

/** `--key FILE`, else POTIONS_MANIFEST_KEY. */
async function signerOf(key: string | undefined, reporter: Reporter): Promise<LocalKeySigner> {
  return key ? localKeySignerFromFile(key, { reporter }) : localKeySignerFromEnv({ reporter });
}

/** `--trusted-key FILE...` (manifest keys a version copy may be signed by besides the signer's: the old key after a rotation). */
async function manifestKeysOf(files: string[] | undefined, signer: LocalKeySigner): Promise<Verifier[]> {
  const keys: Verifier[] = [signer];
  for (const file of files ?? []) {
    let pem: string;
    try {
      pem = await fs.readFile(file, 'utf8');
    } catch (err) {
      throw new UserError('CLI_BAD_OPTION', `cannot read --trusted-key ${file}: ${errorMessage(err)}`, { location: { file } });
    }
    keys.push(...trustedKeysFromPem(pem, file));
  }
  return keys;
}

/** Open the mirrors of `--config` (or the running local ones), run `fn`, close every client opened. */
async function withOpenedMirrors<T>(
  opts: { config?: string; localDir: string },
  openMirrors: OpenMirrors,
  reporter: Reporter,
  fn: (mirrors: readonly OpenedMirror<MirrorTarget>[]) => Promise<T>,
): Promise<T> {
  const config = await mirrorsFromOptions(opts.config, path.resolve(opts.localDir));
  const mirrors = openMirrors(config.mirrors, { reporter });
  try {
    return await fn(mirrors);
  } finally {
    await closeMirrors(mirrors);
  }
}

/** The per-mirror table of a publish, and a hint when a mirror holds a manifest nobody can read. */
function printMirrors(report: ManifestPublishReport): void {
  process.stderr.write(
    `${formatTable(
      ['MIRROR', 'STATUS', 'VERSION', 'DETAIL'],
      report.mirrors.map((m) => [m.name, m.status, m.version !== undefined ? String(m.version) : '', m.error?.message ?? '']),
    )}\n`,
  );
}

/** What to say when a mirror's manifest is unreadable (a publish cannot merge into it): the recovery command. */
const RECOVER_HINT =
  'if that manifest is yours (signed by your key) but cannot be read any more, `potions manifest recover` replaces it from the newest version copy that can';

function recoverHintFor(report: ManifestPublishReport): string | undefined {
  return report.mirrors.some((m) => m.error?.code === ManifestErrorCode.ExistingUntrusted) ? RECOVER_HINT : undefined;
}

/** The hints this command line adds to the library's errors (which never name options). */
const PUBLISH_HINTS = {
  [ManifestErrorCode.ReleaseInvalid]: '--artifacts is the folder that was synced, --sync-result the result of that sync',
  [ManifestErrorCode.DigestChanged]: 'to publish a fixed build of a published version, withdraw the bad one (`potions manifest withdraw`) and publish again with --new-revision',
  [ManifestErrorCode.OutOfRange]: 'see --expires-days',
};

export function registerManifestCommand(program: Command, deps: MirrorCommandDeps = {}): void {
  const openMirrors = deps.openMirrors ?? openS3Mirrors;
  const manifest = program.command('manifest').description('Publish, withdraw, recover, verify and key the signed manifest');

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
    .option('--checks <file>', 'JSON list of {name, version, platform, checks} (smoke test, scan) to list with each build')
    .option('--artifact-trust <file>', 'JSON trust settings of the artifact signatures ({identities, keys, revokedKeys}); added to the manifest')
    .option('--artifact-key <pem>', 'public key (PEM) that signs the artifacts, repeatable; added to the manifest\'s artifact trust', collect)
    .option('--new-revision', 'publish a build whose digests differ from the published one as the next revision of its version (after withdrawing a bad build)')
    .option('--expires-days <n>', `whole days until the manifest expires, ${EXPIRES_IN_DAYS_RANGE.min} to ${EXPIRES_IN_DAYS_RANGE.max} (default ${DEFAULT_EXPIRES_IN_DAYS})`, expiresDays)
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
        checks?: string;
        artifactTrust?: string;
        artifactKey?: string[];
        newRevision?: boolean;
        expiresDays?: number;
        dryRun?: boolean;
        json?: boolean;
      }) => {
        const reporter = new ConsoleReporter();
        // Everything is read and checked before any mirror is opened.
        const signer = await signerOf(opts.key, reporter);
        let failuresText: string | undefined;
        if (opts.failures) {
          try {
            failuresText = await fs.readFile(opts.failures, 'utf8');
          } catch (err) {
            throw new UserError('CLI_BAD_OPTION', `cannot read --failures: ${errorMessage(err)}`, { location: { file: opts.failures } });
          }
        }
        const failures = buildFailuresFromJson(failuresText, opts.failures);
        const checks = await checksOf(opts.checks);
        const artifactTrust = await artifactTrustOf(opts);
        const [metadata, sync] = await Promise.all([
          readArtifactMetadataDir(opts.artifacts),
          readSyncResultFile(opts.syncResult).catch((err: unknown) => {
            throw withOptionHint(err, { [ManifestErrorCode.ReleaseInvalid]: 'save it with `potions mirrors sync DIR --json > FILE` (JSON on stdout, messages on stderr), or take the mirror-sync action\'s output "result"' });
          }),
        ]);
        let result;
        try {
          result = await withOpenedMirrors(opts, openMirrors, reporter, (mirrors) =>
            publishRelease({
              metadata,
              sync,
              syncSource: opts.syncResult,
              artifactsSource: opts.artifacts,
              mirrors,
              signer,
              ...(opts.platforms ? { platforms: opts.platforms } : {}),
              failures,
              ...(checks.length > 0 ? { checks } : {}),
              ...(artifactTrust ? { artifactTrust } : {}),
              ...(opts.newRevision ? { newRevision: true } : {}),
              ...(opts.expiresDays !== undefined ? { expiresInDays: opts.expiresDays } : {}),
              dryRun: opts.dryRun ?? false,
              reporter,
            }),
          );
        } catch (err) {
          throw withOptionHint(err, PUBLISH_HINTS);
        }
        for (const w of result.warnings) reporter.warn(w);
        const { report } = result;
        const hint = recoverHintFor(report);
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
            restored: report.plan?.restored ?? [],
            rows: result.rows,
            warnings: result.warnings,
            ...(hint ? { hint } : {}),
          });
        } else {
          process.stderr.write(`${formatTable(['PACKAGE', 'VERSION', 'PLATFORM', 'REVISION', 'SHA256 / STATUS', 'MIRRORS'], result.rows.map(rowCells))}\n\n`);
          printMirrors(report);
          for (const c of [...(report.plan?.changes ?? []), ...(report.plan?.restored ?? [])]) process.stderr.write(`  ${c.kind}: ${c.name}@${c.version} ${c.platform} ${c.detail}\n`);
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
          if (hint) process.stderr.write(`  hint: ${hint}\n`);
        }
        // A mirror that failed is behind (the warning says so) and catches up on the next publish; none at all is a failure.
        if (!report.ok) process.exitCode = ExitCode.Failure;
      },
    );

  manifest
    .command('withdraw')
    .description('Withdraw a bad build: a package version, one platform of it, or one revision; signed into the manifest on every mirror')
    .argument('<package>', 'NAME@VERSION')
    .requiredOption('--reason <text>', 'why, for people (fetch shows it when it refuses the build)')
    .option('--platform <platform>', 'only this platform (default: every platform of the version)')
    .option('--revision <n>', 'only this revision (default: every revision)', positiveInt('--revision'))
    .option('--config <file>', 'mirrors configuration (YAML or JSON); default: the running `mirrors serve` mirrors')
    .option('--local-dir <dir>', LOCAL_DIR_HELP, DEFAULT_LOCAL_DIR)
    .option('--key <file>', `private key PEM (default: the environment variable ${MANIFEST_KEY_ENV})`)
    .option('--expires-days <n>', `whole days until the manifest expires, ${EXPIRES_IN_DAYS_RANGE.min} to ${EXPIRES_IN_DAYS_RANGE.max} (default ${DEFAULT_EXPIRES_IN_DAYS})`, expiresDays)
    .option('--dry-run', 'read, withdraw and sign, but write nothing')
    .option('--json', 'print one JSON document on stdout')
    .action(
      async (
        ref: string,
        opts: { reason: string; platform?: string; revision?: number; config?: string; localDir: string; key?: string; expiresDays?: number; dryRun?: boolean; json?: boolean },
      ) => {
        const at = ref.lastIndexOf('@');
        if (at <= 0 || at === ref.length - 1) throw new UserError(USAGE_ERROR, `name the package version to withdraw as NAME@VERSION, got ${JSON.stringify(ref)}`);
        if (opts.reason.trim() === '') throw new UserError(USAGE_ERROR, '--reason must say why the build is withdrawn');
        const platform = opts.platform ? assertPlatform(opts.platform, '--platform') : undefined;
        const reporter = new ConsoleReporter();
        const signer = await signerOf(opts.key, reporter);
        const withdrawal = {
          name: ref.slice(0, at),
          version: ref.slice(at + 1),
          ...(platform ? { platform } : {}),
          ...(opts.revision !== undefined ? { revision: opts.revision } : {}),
          reason: opts.reason,
        };
        const result = await withOpenedMirrors(opts, openMirrors, reporter, (mirrors) =>
          withdrawRelease({
            withdrawals: [withdrawal],
            mirrors,
            signer,
            ...(opts.expiresDays !== undefined ? { expiresInDays: opts.expiresDays } : {}),
            dryRun: opts.dryRun ?? false,
            reporter,
          }),
        );
        for (const w of result.warnings) reporter.warn(w);
        const { report } = result;
        if (opts.json) {
          printJson({
            ok: report.ok,
            dryRun: opts.dryRun ?? false,
            changed: report.changed,
            version: report.version,
            manifestUrls: result.manifestUrls,
            mirrors: report.mirrors,
            withdrawn: result.withdrawn,
            alreadyWithdrawn: result.alreadyWithdrawn,
            warnings: result.warnings,
          });
        } else {
          process.stderr.write(
            `${formatTable(
              ['PACKAGE', 'VERSION', 'PLATFORM', 'REVISION', 'FILES'],
              [
                ...result.withdrawn.map((w) => [w.name, w.version, w.platform, String(w.revision), w.files.map((f) => f.file).join(', ')]),
                ...result.alreadyWithdrawn.map((w) => [w.name, w.version, w.platform, String(w.revision), '(withdrawn already)']),
              ],
            )}\n\n`,
          );
          printMirrors(report);
          process.stderr.write(
            !report.ok
              ? 'NOT withdrawn: no mirror holds the new manifest\n'
              : !report.changed
                ? `nothing to do: withdrawn already (manifest version ${report.version})\n`
                : opts.dryRun
                  ? `dry run: would publish manifest version ${report.version}\n`
                  : `withdrawn in manifest version ${report.version}; purge the files above from any CDN in front of the mirrors\n`,
          );
        }
        if (!report.ok) process.exitCode = ExitCode.Failure;
      },
    );

  manifest
    .command('recover')
    .description('Replace a manifest readers can no longer read (an impossible expiry, a broken schema): re-sign from the newest version copy that can be read')
    .option('--config <file>', 'mirrors configuration (YAML or JSON); default: the running `mirrors serve` mirrors')
    .option('--local-dir <dir>', LOCAL_DIR_HELP, DEFAULT_LOCAL_DIR)
    .option('--key <file>', `private key PEM (default: the environment variable ${MANIFEST_KEY_ENV})`)
    .option('--trusted-key <pem>', 'another public key the version copies may be signed by (the old key after a rotation), repeatable', collect)
    .option('--all-versions', 'merge every version copy that can be read, not only the newest (a history that dropped entries)')
    .option('--expires-days <n>', `whole days until the new manifest expires, ${EXPIRES_IN_DAYS_RANGE.min} to ${EXPIRES_IN_DAYS_RANGE.max} (default ${DEFAULT_EXPIRES_IN_DAYS})`, expiresDays)
    .option('--dry-run', 'read, merge and sign, but write nothing')
    .option('--json', 'print one JSON document on stdout')
    .action(async (opts: { config?: string; localDir: string; key?: string; trustedKey?: string[]; allVersions?: boolean; expiresDays?: number; dryRun?: boolean; json?: boolean }) => {
      const reporter = new ConsoleReporter();
      const signer = await signerOf(opts.key, reporter);
      const trustedKeys = await manifestKeysOf(opts.trustedKey, signer);
      const result = await withOpenedMirrors(opts, openMirrors, reporter, (mirrors) =>
        recoverManifest({
          mirrors,
          signer,
          trustedKeys,
          ...(opts.allVersions ? { allVersions: true } : {}),
          ...(opts.expiresDays !== undefined ? { expiresInDays: opts.expiresDays } : {}),
          dryRun: opts.dryRun ?? false,
          reporter,
        }),
      );
      for (const w of result.warnings) reporter.warn(w);
      const { report } = result;
      if (opts.json) {
        printJson({
          ok: report.ok,
          dryRun: opts.dryRun ?? false,
          changed: report.changed,
          version: report.version,
          expires: report.envelope?.signed.expires,
          reasons: report.plan?.reasons ?? [],
          restored: report.plan?.restored ?? [],
          manifestUrls: result.manifestUrls,
          mirrors: report.mirrors,
          warnings: result.warnings,
        });
      } else {
        for (const r of report.plan?.reasons ?? []) process.stderr.write(`  ${r}\n`);
        printMirrors(report);
        process.stderr.write(
          !report.ok
            ? 'NOT recovered: no mirror holds a new manifest\n'
            : !report.changed
              ? `nothing to recover: every mirror holds a readable manifest (version ${report.version})\n`
              : opts.dryRun
                ? `dry run: would publish manifest version ${report.version}\n`
                : `recovered: manifest version ${report.version} on ${result.manifestUrls.map((u) => u.mirror).join(', ')}\n`,
        );
      }
      if (!report.ok) process.exitCode = ExitCode.Failure;
    });

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
      if (opts.json) printJson({ ok: true, source, keyid: verified.keyid, schemaVersion: verified.storedSchemaVersion, ...summary });
      else {
        process.stderr.write(
          `${source}: verified (key ${verified.keyid.slice(0, 16)}), version ${summary.version}, expires ${summary.expires}, artifacts ${summary.artifactsSigned ? 'signed' : 'not signed'}\n`,
        );
        process.stderr.write(
          `${formatTable(
            ['PACKAGE', 'VERSION', 'AVAILABLE', 'UNAVAILABLE', 'WITHDRAWN'],
            summary.packages.map((p) => [p.name, p.version, p.available.join(', '), p.unavailable.map((u) => u.platform).join(', '), p.withdrawn.map((w) => `${w.platform} (${w.reason})`).join(', ')]),
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
      const privateFile = path.join(opts.out, PRIVATE_KEY_FILE);
      const publicFile = path.join(opts.out, PUBLIC_KEY_FILE);
      try {
        await makeDirectory(opts.out);
      } catch (err) {
        const file = (err as { path?: string }).path;
        throw new UserError(
          'CLI_KEY_WRITE',
          hasCode(err, 'ENOTDIR') ? `--out ${opts.out} is not a folder (${file ?? opts.out} is a file)` : `cannot make the folder --out ${opts.out}: ${errorMessage(err)}`,
          { location: { file: opts.out }, hint: 'give a folder (missing or empty) for the key files' },
        );
      }
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
      const key = generateManifestKey();
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

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
