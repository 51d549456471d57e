import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  BuildChecksSchema,
  DEFAULT_EXPIRES_IN_DAYS,
  EXPIRES_IN_DAYS_RANGE,
  buildFailuresFromJson,
  publishRelease,
  readArtifactMetadataDir,
  readSyncResultFile,
  recoverManifest,
  withdrawRelease
} from "./chunk-AK44MLVN.mjs";
import {
  MANIFEST_KEY_ENV,
  generateManifestKey,
  localKeySignerFromEnv,
  localKeySignerFromFile,
  trustedKeysFromPem
} from "./chunk-22PQZATQ.mjs";
import {
  compareVersions
} from "./chunk-55UCJZ7D.mjs";
import {
  DEFAULT_LOCAL_DIR,
  LOCAL_DIR_HELP,
  closeMirrors,
  mirrorsFromOptions,
  openS3Mirrors,
  withOptionHint
} from "./chunk-XZQUAKJM.mjs";
import "./chunk-XJAPUB6H.mjs";
import "./chunk-L5QZX5WR.mjs";
import "./chunk-EHDWN6R2.mjs";
import "./chunk-5USGNDUQ.mjs";
import {
  readJsonOption,
  trustedKeysFromFiles
} from "./chunk-XIYWOS5U.mjs";
import {
  ManifestErrorCode,
  signingTrustFromJson,
  verifyManifest
} from "./chunk-N7G7XWGO.mjs";
import "./chunk-FO7BXKCA.mjs";
import "./chunk-MVPDWXOW.mjs";
import {
  PLATFORMS,
  assertPlatform
} from "./chunk-EE5EUXX6.mjs";
import "./chunk-H25O6PGM.mjs";
import {
  makeDirectory,
  tempPathFor
} from "./chunk-DWDGEZWY.mjs";
import {
  USAGE_ERROR,
  positiveInt
} from "./chunk-AFBQJMGN.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import {
  ConsoleReporter,
  ExitCode,
  UserError,
  errorMessage,
  formatTable,
  hasCode,
  printJson
} from "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";

// packages/cli/src/commands/manifest.ts
import { promises as fs2 } from "node:fs";
import path from "node:path";

// packages/manifest/src/source.ts
import { promises as fs } from "node:fs";
async function readManifestSource(source, deps = {}) {
  if (/^https?:\/\//i.test(source)) {
    let res;
    try {
      res = await (deps.fetch ?? fetch)(source, { redirect: "follow" });
    } catch (err) {
      throw new UserError(ManifestErrorCode.Unreachable, `cannot fetch ${source}: ${errorMessage(err)}`, { location: { file: source } });
    }
    if (!res.ok) {
      throw new UserError(ManifestErrorCode.Unreachable, `cannot fetch ${source}: HTTP ${res.status} ${res.statusText}`, { location: { file: source } });
    }
    return new Uint8Array(await res.arrayBuffer());
  }
  try {
    return new Uint8Array(await fs.readFile(source));
  } catch (err) {
    throw new UserError(ManifestErrorCode.Unreachable, `cannot read ${source}: ${errorMessage(err)}`, {
      location: { file: source },
      hint: "pass a manifest file or an http(s) URL such as https://mirror.example/potions/manifest.json"
    });
  }
}
function manifestSummary(manifest) {
  const packages = [];
  for (const name of Object.keys(manifest.packages).sort()) {
    const versions = manifest.packages[name];
    for (const version of Object.keys(versions).sort(compareVersions)) {
      const entries = versions[version];
      const row = { name, version, available: [], unavailable: [], withdrawn: [] };
      for (const platform of PLATFORMS) {
        const e = entries[platform];
        if (e?.status === "available") row.available.push(platform);
        else if (e?.status === "withdrawn") row.withdrawn.push({ platform, revision: e.revision, reason: e.reason, withdrawnAt: e.withdrawnAt });
        else if (e) row.unavailable.push({ platform, reason: e.reason });
      }
      packages.push(row);
    }
  }
  return { version: manifest.version, expires: manifest.expires, artifactsSigned: manifest.artifactTrust !== void 0, packages };
}

// packages/cli/src/commands/manifest.ts
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
var PRIVATE_KEY_FILE = "manifest-key.pem";
var PUBLIC_KEY_FILE = "manifest-key.pub";
function expiresDays(value) {
  const { min, max } = EXPIRES_IN_DAYS_RANGE;
  const v = value.trim();
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max) {
    throw new UserError(USAGE_ERROR, `--expires-days must be a whole number of days from ${min} to ${max}, got ${JSON.stringify(value)}`, {
      hint: "readers refuse an expired manifest: publish on a schedule (a publish with nothing new renews it) rather than signing one for decades"
    });
  }
  return n;
}
function parsePlatforms(v) {
  return v.split(",").map((p) => p.trim()).filter((p) => p !== "").map((p) => assertPlatform(p, "--platforms"));
}
async function writeKeyPair(files) {
  const temps = [];
  const placed = [];
  try {
    for (const f of files) {
      const tmp = tempPathFor(f.path);
      temps.push(tmp);
      const handle = await fs2.open(tmp, "wx", f.mode);
      try {
        await handle.writeFile(f.text);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const [i, f] of files.entries()) {
      await fs2.link(temps[i], f.path);
      placed.push(f.path);
    }
  } catch (err) {
    for (const p of placed) await fs2.rm(p, { force: true });
    if (err.code === "EEXIST") {
      const file = files[placed.length]?.path ?? files[0].path;
      throw new UserError("CLI_KEY_EXISTS", "already exists; not overwriting a key", {
        location: { file },
        hint: "choose another --out folder, or move the old key away first"
      });
    }
    throw new UserError("CLI_KEY_WRITE", `cannot write the key files: ${errorMessage(err)}`, { location: { file: files[0].path }, cause: err });
  } finally {
    for (const t of temps) await fs2.rm(t, { force: true });
  }
}
function rowCells(r) {
  const status = r.status === "available" ? r.sha256.slice(0, 16) : `${r.status}: ${r.reason}`;
  return [r.name, r.version, r.platform, r.revision !== void 0 ? String(r.revision) : "", status, r.mirrors.join(", ")];
}
async function artifactTrustOf(opts) {
  const fromFile = opts.artifactTrust ? signingTrustFromJson(await readJsonOption(opts.artifactTrust, "--artifact-trust"), opts.artifactTrust) : void 0;
  const keys = opts.artifactKey && opts.artifactKey.length > 0 ? await trustedKeysFromFiles(opts.artifactKey, "--artifact-key") : [];
  if (!fromFile && keys.length === 0) return void 0;
  return { ...fromFile, ...keys.length > 0 || fromFile?.keys ? { keys: [...fromFile?.keys ?? [], ...keys] } : {} };
}
async function checksOf(file) {
  if (!file) return [];
  const parsed = BuildChecksSchema.array().safeParse(await readJsonOption(file, "--checks"));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError("CLI_BAD_OPTION", `--checks ${file}: ${issue?.path.map(String).join(".") ?? ""}: ${issue?.message ?? "invalid"}`, {
      location: { file },
      hint: 'a JSON list of {"name", "version", "platform", "checks": {"smokeTest": ..., "scan": ...}} (see docs/manifest.md)'
    });
  }
  return parsed.data;
}
async function signerOf(key, reporter) {
  return key ? localKeySignerFromFile(key, { reporter }) : localKeySignerFromEnv({ reporter });
}
async function manifestKeysOf(files, signer) {
  const keys = [signer];
  for (const file of files ?? []) {
    let pem;
    try {
      pem = await fs2.readFile(file, "utf8");
    } catch (err) {
      throw new UserError("CLI_BAD_OPTION", `cannot read --trusted-key ${file}: ${errorMessage(err)}`, { location: { file } });
    }
    keys.push(...trustedKeysFromPem(pem, file));
  }
  return keys;
}
async function withOpenedMirrors(opts, openMirrors, reporter, fn) {
  const config = await mirrorsFromOptions(opts.config, path.resolve(opts.localDir));
  const mirrors = openMirrors(config.mirrors, { reporter });
  try {
    return await fn(mirrors);
  } finally {
    await closeMirrors(mirrors);
  }
}
function printMirrors(report) {
  process.stderr.write(
    `${formatTable(
      ["MIRROR", "STATUS", "VERSION", "DETAIL"],
      report.mirrors.map((m) => [m.name, m.status, m.version !== void 0 ? String(m.version) : "", m.error?.message ?? ""])
    )}
`
  );
}
var RECOVER_HINT = "if that manifest is yours (signed by your key) but cannot be read any more, `potions manifest recover` replaces it from the newest version copy that can";
function recoverHintFor(report) {
  return report.mirrors.some((m) => m.error?.code === ManifestErrorCode.ExistingUntrusted) ? RECOVER_HINT : void 0;
}
var PUBLISH_HINTS = {
  [ManifestErrorCode.ReleaseInvalid]: "--artifacts is the folder that was synced, --sync-result the result of that sync",
  [ManifestErrorCode.DigestChanged]: "to publish a fixed build of a published version, withdraw the bad one (`potions manifest withdraw`) and publish again with --new-revision",
  [ManifestErrorCode.OutOfRange]: "see --expires-days"
};
function registerManifestCommand(program, deps = {}) {
  const openMirrors = deps.openMirrors ?? openS3Mirrors;
  const manifest = program.command("manifest").description("Publish, withdraw, recover, verify and key the signed manifest");
  manifest.command("publish").description("Merge the artifacts mirror-sync verified into the signed manifest on every mirror").requiredOption("--artifacts <dir>", "folder with the <artifact>.json build metadata (the folder that was synced)").requiredOption("--sync-result <file>", "the result of the sync: `potions mirrors sync DIR --json > FILE`, or the mirror-sync action output").option("--config <file>", "mirrors configuration (YAML or JSON); default: the running `mirrors serve` mirrors").option("--local-dir <dir>", LOCAL_DIR_HELP, DEFAULT_LOCAL_DIR).option("--key <file>", `private key PEM (default: the environment variable ${MANIFEST_KEY_ENV})`).option("--platforms <list>", "comma-separated platforms the release asked for; those without an artifact are listed as unavailable", parsePlatforms).option("--failures <file>", "JSON list of {name, version, platform, reason} for platforms that failed to build").option("--checks <file>", "JSON list of {name, version, platform, checks} (smoke test, scan) to list with each build").option("--artifact-trust <file>", "JSON trust settings of the artifact signatures ({identities, keys, revokedKeys}); added to the manifest").option("--artifact-key <pem>", "public key (PEM) that signs the artifacts, repeatable; added to the manifest's artifact trust", collect).option("--new-revision", "publish a build whose digests differ from the published one as the next revision of its version (after withdrawing a bad build)").option("--expires-days <n>", `whole days until the manifest expires, ${EXPIRES_IN_DAYS_RANGE.min} to ${EXPIRES_IN_DAYS_RANGE.max} (default ${DEFAULT_EXPIRES_IN_DAYS})`, expiresDays).option("--dry-run", "read, merge and sign, but write nothing").option("--json", "print one JSON document on stdout").action(
    async (opts) => {
      const reporter = new ConsoleReporter();
      const signer = await signerOf(opts.key, reporter);
      let failuresText;
      if (opts.failures) {
        try {
          failuresText = await fs2.readFile(opts.failures, "utf8");
        } catch (err) {
          throw new UserError("CLI_BAD_OPTION", `cannot read --failures: ${errorMessage(err)}`, { location: { file: opts.failures } });
        }
      }
      const failures = buildFailuresFromJson(failuresText, opts.failures);
      const checks = await checksOf(opts.checks);
      const artifactTrust = await artifactTrustOf(opts);
      const [metadata, sync] = await Promise.all([
        readArtifactMetadataDir(opts.artifacts),
        readSyncResultFile(opts.syncResult).catch((err) => {
          throw withOptionHint(err, { [ManifestErrorCode.ReleaseInvalid]: 'save it with `potions mirrors sync DIR --json > FILE` (JSON on stdout, messages on stderr), or take the mirror-sync action\'s output "result"' });
        })
      ]);
      let result;
      try {
        result = await withOpenedMirrors(
          opts,
          openMirrors,
          reporter,
          (mirrors) => publishRelease({
            metadata,
            sync,
            syncSource: opts.syncResult,
            artifactsSource: opts.artifacts,
            mirrors,
            signer,
            ...opts.platforms ? { platforms: opts.platforms } : {},
            failures,
            ...checks.length > 0 ? { checks } : {},
            ...artifactTrust ? { artifactTrust } : {},
            ...opts.newRevision ? { newRevision: true } : {},
            ...opts.expiresDays !== void 0 ? { expiresInDays: opts.expiresDays } : {},
            dryRun: opts.dryRun ?? false,
            reporter
          })
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
          ...hint ? { hint } : {}
        });
      } else {
        process.stderr.write(`${formatTable(["PACKAGE", "VERSION", "PLATFORM", "REVISION", "SHA256 / STATUS", "MIRRORS"], result.rows.map(rowCells))}

`);
        printMirrors(report);
        for (const c of [...report.plan?.changes ?? [], ...report.plan?.restored ?? []]) process.stderr.write(`  ${c.kind}: ${c.name}@${c.version} ${c.platform} ${c.detail}
`);
        const url = result.manifestUrls[0]?.url;
        process.stderr.write(
          !report.ok ? "manifest NOT published: no mirror holds it\n" : opts.dryRun && report.changed ? `dry run: would publish manifest version ${report.version}
` : report.changed ? `published manifest version ${report.version}: ${url}
` : `nothing changed: manifest version ${report.version} stays (${url})
`
        );
        if (hint) process.stderr.write(`  hint: ${hint}
`);
      }
      if (!report.ok) process.exitCode = ExitCode.Failure;
    }
  );
  manifest.command("withdraw").description("Withdraw a bad build: a package version, one platform of it, or one revision; signed into the manifest on every mirror").argument("<package>", "NAME@VERSION").requiredOption("--reason <text>", "why, for people (fetch shows it when it refuses the build)").option("--platform <platform>", "only this platform (default: every platform of the version)").option("--revision <n>", "only this revision (default: every revision)", positiveInt("--revision")).option("--config <file>", "mirrors configuration (YAML or JSON); default: the running `mirrors serve` mirrors").option("--local-dir <dir>", LOCAL_DIR_HELP, DEFAULT_LOCAL_DIR).option("--key <file>", `private key PEM (default: the environment variable ${MANIFEST_KEY_ENV})`).option("--expires-days <n>", `whole days until the manifest expires, ${EXPIRES_IN_DAYS_RANGE.min} to ${EXPIRES_IN_DAYS_RANGE.max} (default ${DEFAULT_EXPIRES_IN_DAYS})`, expiresDays).option("--dry-run", "read, withdraw and sign, but write nothing").option("--json", "print one JSON document on stdout").action(
    async (ref, opts) => {
      const at = ref.lastIndexOf("@");
      if (at <= 0 || at === ref.length - 1) throw new UserError(USAGE_ERROR, `name the package version to withdraw as NAME@VERSION, got ${JSON.stringify(ref)}`);
      if (opts.reason.trim() === "") throw new UserError(USAGE_ERROR, "--reason must say why the build is withdrawn");
      const platform = opts.platform ? assertPlatform(opts.platform, "--platform") : void 0;
      const reporter = new ConsoleReporter();
      const signer = await signerOf(opts.key, reporter);
      const withdrawal = {
        name: ref.slice(0, at),
        version: ref.slice(at + 1),
        ...platform ? { platform } : {},
        ...opts.revision !== void 0 ? { revision: opts.revision } : {},
        reason: opts.reason
      };
      const result = await withOpenedMirrors(
        opts,
        openMirrors,
        reporter,
        (mirrors) => withdrawRelease({
          withdrawals: [withdrawal],
          mirrors,
          signer,
          ...opts.expiresDays !== void 0 ? { expiresInDays: opts.expiresDays } : {},
          dryRun: opts.dryRun ?? false,
          reporter
        })
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
          warnings: result.warnings
        });
      } else {
        process.stderr.write(
          `${formatTable(
            ["PACKAGE", "VERSION", "PLATFORM", "REVISION", "FILES"],
            [
              ...result.withdrawn.map((w) => [w.name, w.version, w.platform, String(w.revision), w.files.map((f) => f.file).join(", ")]),
              ...result.alreadyWithdrawn.map((w) => [w.name, w.version, w.platform, String(w.revision), "(withdrawn already)"])
            ]
          )}

`
        );
        printMirrors(report);
        process.stderr.write(
          !report.ok ? "NOT withdrawn: no mirror holds the new manifest\n" : !report.changed ? `nothing to do: withdrawn already (manifest version ${report.version})
` : opts.dryRun ? `dry run: would publish manifest version ${report.version}
` : `withdrawn in manifest version ${report.version}; purge the files above from any CDN in front of the mirrors
`
        );
      }
      if (!report.ok) process.exitCode = ExitCode.Failure;
    }
  );
  manifest.command("recover").description("Replace a manifest readers can no longer read (an impossible expiry, a broken schema): re-sign from the newest version copy that can be read").option("--config <file>", "mirrors configuration (YAML or JSON); default: the running `mirrors serve` mirrors").option("--local-dir <dir>", LOCAL_DIR_HELP, DEFAULT_LOCAL_DIR).option("--key <file>", `private key PEM (default: the environment variable ${MANIFEST_KEY_ENV})`).option("--trusted-key <pem>", "another public key the version copies may be signed by (the old key after a rotation), repeatable", collect).option("--all-versions", "merge every version copy that can be read, not only the newest (a history that dropped entries)").option("--expires-days <n>", `whole days until the new manifest expires, ${EXPIRES_IN_DAYS_RANGE.min} to ${EXPIRES_IN_DAYS_RANGE.max} (default ${DEFAULT_EXPIRES_IN_DAYS})`, expiresDays).option("--dry-run", "read, merge and sign, but write nothing").option("--json", "print one JSON document on stdout").action(async (opts) => {
    const reporter = new ConsoleReporter();
    const signer = await signerOf(opts.key, reporter);
    const trustedKeys = await manifestKeysOf(opts.trustedKey, signer);
    const result = await withOpenedMirrors(
      opts,
      openMirrors,
      reporter,
      (mirrors) => recoverManifest({
        mirrors,
        signer,
        trustedKeys,
        ...opts.allVersions ? { allVersions: true } : {},
        ...opts.expiresDays !== void 0 ? { expiresInDays: opts.expiresDays } : {},
        dryRun: opts.dryRun ?? false,
        reporter
      })
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
        warnings: result.warnings
      });
    } else {
      for (const r of report.plan?.reasons ?? []) process.stderr.write(`  ${r}
`);
      printMirrors(report);
      process.stderr.write(
        !report.ok ? "NOT recovered: no mirror holds a new manifest\n" : !report.changed ? `nothing to recover: every mirror holds a readable manifest (version ${report.version})
` : opts.dryRun ? `dry run: would publish manifest version ${report.version}
` : `recovered: manifest version ${report.version} on ${result.manifestUrls.map((u) => u.mirror).join(", ")}
`
      );
    }
    if (!report.ok) process.exitCode = ExitCode.Failure;
  });
  manifest.command("verify").description("Check a manifest (URL or file): signature by a trusted key, schema, expiry; print what it lists").argument("<source>", "an http(s) URL or a file").requiredOption("--trusted-key <pem>", "file with the public key(s) to trust (PEM)").option("--json", "print one JSON document on stdout").action(async (source, opts) => {
    let pem;
    try {
      pem = await fs2.readFile(opts.trustedKey, "utf8");
    } catch (err) {
      throw new UserError("CLI_BAD_OPTION", `cannot read --trusted-key: ${errorMessage(err)}`, { location: { file: opts.trustedKey } });
    }
    const trustedKeys = trustedKeysFromPem(pem, opts.trustedKey);
    const verified = await verifyManifest(await readManifestSource(source), { trustedKeys, source });
    const summary = manifestSummary(verified.manifest);
    if (opts.json) printJson({ ok: true, source, keyid: verified.keyid, schemaVersion: verified.storedSchemaVersion, ...summary });
    else {
      process.stderr.write(
        `${source}: verified (key ${verified.keyid.slice(0, 16)}), version ${summary.version}, expires ${summary.expires}, artifacts ${summary.artifactsSigned ? "signed" : "not signed"}
`
      );
      process.stderr.write(
        `${formatTable(
          ["PACKAGE", "VERSION", "AVAILABLE", "UNAVAILABLE", "WITHDRAWN"],
          summary.packages.map((p) => [p.name, p.version, p.available.join(", "), p.unavailable.map((u) => u.platform).join(", "), p.withdrawn.map((w) => `${w.platform} (${w.reason})`).join(", ")])
        )}
`
      );
    }
  });
  manifest.command("keygen").description(`Create an Ed25519 manifest key: ${PRIVATE_KEY_FILE} (secret, mode 0600) and ${PUBLIC_KEY_FILE}`).requiredOption("--out <dir>", "folder for the two files").option("--json", "print one JSON document on stdout").action(async (opts) => {
    const privateFile = path.join(opts.out, PRIVATE_KEY_FILE);
    const publicFile = path.join(opts.out, PUBLIC_KEY_FILE);
    try {
      await makeDirectory(opts.out);
    } catch (err) {
      const file = err.path;
      throw new UserError(
        "CLI_KEY_WRITE",
        hasCode(err, "ENOTDIR") ? `--out ${opts.out} is not a folder (${file ?? opts.out} is a file)` : `cannot make the folder --out ${opts.out}: ${errorMessage(err)}`,
        { location: { file: opts.out }, hint: "give a folder (missing or empty) for the key files" }
      );
    }
    for (const f of [privateFile, publicFile]) {
      const exists = await fs2.lstat(f).then(
        () => true,
        () => false
      );
      if (exists) {
        throw new UserError("CLI_KEY_EXISTS", "already exists; not overwriting a key", {
          location: { file: f },
          hint: "choose another --out folder, or move the old key away first"
        });
      }
    }
    const key = generateManifestKey();
    await writeKeyPair([
      { path: privateFile, text: key.privateKeyPem, mode: 384 },
      { path: publicFile, text: key.publicKeyPem, mode: 420 }
    ]);
    if (opts.json) printJson({ keyid: key.keyid, privateKey: privateFile, publicKey: publicFile });
    else {
      process.stderr.write(
        `wrote ${privateFile} (secret: store it as the ${MANIFEST_KEY_ENV} secret) and ${publicFile} (give it to readers)
`
      );
      process.stdout.write(`${key.keyid}
`);
    }
  });
}
var collect = (value, previous = []) => [...previous, value];
export {
  registerManifestCommand
};
