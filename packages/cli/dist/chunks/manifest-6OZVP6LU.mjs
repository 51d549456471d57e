import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  DEFAULT_EXPIRES_IN_DAYS,
  buildFailuresFromJson,
  publishRelease,
  readArtifactMetadataDir,
  readSyncResultFile
} from "./chunk-MXXZXCDX.mjs";
import {
  MANIFEST_KEY_ENV,
  generateManifestKey,
  localKeySignerFromEnv,
  localKeySignerFromFile,
  trustedKeysFromPem
} from "./chunk-MBPDP4US.mjs";
import {
  ManifestErrorCode,
  verifyManifest
} from "./chunk-WZ5ZB2HY.mjs";
import {
  DEFAULT_LOCAL_DIR,
  LOCAL_DIR_HELP,
  closeMirrors,
  mirrorsFromOptions,
  openS3Mirrors,
  withOptionHint
} from "./chunk-HYGGJBIW.mjs";
import "./chunk-H25O6PGM.mjs";
import "./chunk-5USGNDUQ.mjs";
import "./chunk-MVPDWXOW.mjs";
import "./chunk-55UCJZ7D.mjs";
import "./chunk-XJAPUB6H.mjs";
import "./chunk-L5QZX5WR.mjs";
import "./chunk-L5AWN5ZP.mjs";
import {
  PLATFORMS,
  assertPlatform
} from "./chunk-EE5EUXX6.mjs";
import {
  tempPathFor
} from "./chunk-E4RGEVCT.mjs";
import {
  positiveNumber
} from "./chunk-AFBQJMGN.mjs";
import "./chunk-EHDWN6R2.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import {
  ConsoleReporter,
  ExitCode,
  UserError,
  errorMessage,
  formatTable,
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
    for (const version of Object.keys(versions).sort()) {
      const entries = versions[version];
      const available = [];
      const unavailable = [];
      for (const platform of PLATFORMS) {
        const e = entries[platform];
        if (e?.status === "available") available.push(platform);
        else if (e) unavailable.push({ platform, reason: e.reason });
      }
      packages.push({ name, version, available, unavailable });
    }
  }
  return { version: manifest.version, expires: manifest.expires, packages };
}

// packages/cli/src/commands/manifest.ts
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
var PRIVATE_KEY_FILE = "manifest-key.pem";
var PUBLIC_KEY_FILE = "manifest-key.pub";
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
  return [r.name, r.version, r.platform, r.status === "available" ? r.sha256.slice(0, 16) : `unavailable: ${r.reason}`, r.mirrors.join(", ")];
}
function registerManifestCommand(program, deps = {}) {
  const openMirrors = deps.openMirrors ?? openS3Mirrors;
  const manifest = program.command("manifest").description("Publish, verify and key the signed manifest");
  manifest.command("publish").description("Merge the artifacts mirror-sync verified into the signed manifest on every mirror").requiredOption("--artifacts <dir>", "folder with the <artifact>.json build metadata (the folder that was synced)").requiredOption("--sync-result <file>", "the result of the sync: `potions mirrors sync DIR --json > FILE`, or the mirror-sync action output").option("--config <file>", "mirrors configuration (YAML or JSON); default: the running `mirrors serve` mirrors").option("--local-dir <dir>", LOCAL_DIR_HELP, DEFAULT_LOCAL_DIR).option("--key <file>", `private key PEM (default: the environment variable ${MANIFEST_KEY_ENV})`).option("--platforms <list>", "comma-separated platforms the release asked for; those without an artifact are listed as unavailable", parsePlatforms).option("--failures <file>", "JSON list of {name, version, platform, reason} for platforms that failed to build").option("--expires-days <n>", `days until the manifest expires (default ${DEFAULT_EXPIRES_IN_DAYS})`, positiveNumber("--expires-days")).option("--dry-run", "read, merge and sign, but write nothing").option("--json", "print one JSON document on stdout").action(
    async (opts) => {
      const reporter = new ConsoleReporter();
      const signer = opts.key ? await localKeySignerFromFile(opts.key, { reporter }) : localKeySignerFromEnv({ reporter });
      let failuresText;
      if (opts.failures) {
        try {
          failuresText = await fs2.readFile(opts.failures, "utf8");
        } catch (err) {
          throw new UserError("CLI_BAD_OPTION", `cannot read --failures: ${errorMessage(err)}`, { location: { file: opts.failures } });
        }
      }
      const failures = buildFailuresFromJson(failuresText, opts.failures);
      const [metadata, sync] = await Promise.all([
        readArtifactMetadataDir(opts.artifacts),
        readSyncResultFile(opts.syncResult).catch((err) => {
          throw withOptionHint(err, { [ManifestErrorCode.ReleaseInvalid]: 'save it with `potions mirrors sync DIR --json > FILE` (JSON on stdout, messages on stderr), or take the mirror-sync action\'s output "result"' });
        })
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
          ...opts.platforms ? { platforms: opts.platforms } : {},
          failures,
          ...opts.expiresDays !== void 0 ? { expiresInDays: opts.expiresDays } : {},
          dryRun: opts.dryRun ?? false,
          reporter
        });
      } catch (err) {
        throw withOptionHint(err, { [ManifestErrorCode.ReleaseInvalid]: "--artifacts is the folder that was synced, --sync-result the result of that sync" });
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
          warnings: result.warnings
        });
      } else {
        process.stderr.write(`${formatTable(["PACKAGE", "VERSION", "PLATFORM", "SHA256 / STATUS", "MIRRORS"], result.rows.map(rowCells))}

`);
        process.stderr.write(
          `${formatTable(
            ["MIRROR", "STATUS", "VERSION", "DETAIL"],
            report.mirrors.map((m) => [m.name, m.status, m.version !== void 0 ? String(m.version) : "", m.error?.message ?? ""])
          )}
`
        );
        for (const c of report.plan?.changes ?? []) process.stderr.write(`  ${c.kind}: ${c.name}@${c.version} ${c.platform} ${c.detail}
`);
        const url = result.manifestUrls[0]?.url;
        process.stderr.write(
          !report.ok ? "manifest NOT published: no mirror holds it\n" : opts.dryRun && report.changed ? `dry run: would publish manifest version ${report.version}
` : report.changed ? `published manifest version ${report.version}: ${url}
` : `nothing changed: manifest version ${report.version} stays (${url})
`
        );
      }
      if (!report.ok) process.exitCode = ExitCode.Failure;
    }
  );
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
    if (opts.json) printJson({ ok: true, source, keyid: verified.keyid, ...summary });
    else {
      process.stderr.write(`${source}: verified (key ${verified.keyid.slice(0, 16)}), version ${summary.version}, expires ${summary.expires}
`);
      process.stderr.write(
        `${formatTable(
          ["PACKAGE", "VERSION", "AVAILABLE", "UNAVAILABLE"],
          summary.packages.map((p) => [p.name, p.version, p.available.join(", "), p.unavailable.map((u) => u.platform).join(", ")])
        )}
`
      );
    }
  });
  manifest.command("keygen").description(`Create an Ed25519 manifest key: ${PRIVATE_KEY_FILE} (secret, mode 0600) and ${PUBLIC_KEY_FILE}`).requiredOption("--out <dir>", "folder for the two files").option("--json", "print one JSON document on stdout").action(async (opts) => {
    const key = generateManifestKey();
    const privateFile = path.join(opts.out, PRIVATE_KEY_FILE);
    const publicFile = path.join(opts.out, PUBLIC_KEY_FILE);
    await fs2.mkdir(opts.out, { recursive: true });
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
export {
  registerManifestCommand
};
