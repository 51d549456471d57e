import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  LOCAL_PUBLIC_KEY_FILE,
  PipelineErrorCode,
  fetchPackage,
  localKeysDir,
  splitRecipeRef
} from "./chunk-RQHZWWAY.mjs";
import "./chunk-KZ3XLZPR.mjs";
import "./chunk-XJIVFK5C.mjs";
import "./chunk-2WPBWRMN.mjs";
import "./chunk-GILNPOEJ.mjs";
import "./chunk-FYQXNLY7.mjs";
import "./chunk-XPDYRYHA.mjs";
import "./chunk-QHOKOGRP.mjs";
import "./chunk-Q5AYDNPM.mjs";
import "./chunk-34KJHGJW.mjs";
import {
  trustedKeysFromPem
} from "./chunk-22PQZATQ.mjs";
import "./chunk-55UCJZ7D.mjs";
import {
  withOptionHint
} from "./chunk-XZQUAKJM.mjs";
import {
  Option
} from "./chunk-XJAPUB6H.mjs";
import "./chunk-L5QZX5WR.mjs";
import "./chunk-EHDWN6R2.mjs";
import "./chunk-5USGNDUQ.mjs";
import {
  trustedKeysFromFiles
} from "./chunk-XIYWOS5U.mjs";
import {
  ARTIFACT_FORMATS,
  FileTrustStore,
  ManifestErrorCode,
  defaultStateDir,
  publicGoodTrustedRoot,
  trustedRootFromFile
} from "./chunk-N7G7XWGO.mjs";
import "./chunk-FO7BXKCA.mjs";
import "./chunk-MVPDWXOW.mjs";
import {
  PLATFORMS,
  assertPlatform
} from "./chunk-EE5EUXX6.mjs";
import "./chunk-H25O6PGM.mjs";
import "./chunk-DWDGEZWY.mjs";
import {
  USAGE_ERROR
} from "./chunk-AFBQJMGN.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import {
  ConsoleReporter,
  UserError,
  errorMessage,
  formatBytes,
  printJson
} from "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";

// packages/cli/src/commands/fetch.ts
import { promises as fs } from "node:fs";
import path from "node:path";
var FETCH_HINTS = {
  [PipelineErrorCode.OutExists]: "choose another --out folder, or pass --force to replace it",
  [PipelineErrorCode.OutNotFolder]: "--out names the folder to install into",
  [PipelineErrorCode.OutNotWritable]: "choose an --out folder you can write to",
  [PipelineErrorCode.OutProtected]: "--force never replaces it",
  [PipelineErrorCode.OutNotPotions]: "--force replaces only a folder an earlier `potions fetch` installed; choose a new --out folder",
  [PipelineErrorCode.Options]: "pass --platform, and --manifest once per mirror (or a manifest file)",
  [PipelineErrorCode.Unsigned]: "without --artifact-key or --certificate-identity-regexp the manifest's own artifact trust settings are used",
  [ManifestErrorCode.Withdrawn]: "fetch another version (NAME@VERSION), or NAME alone for the newest one available",
  [ManifestErrorCode.TrustState]: "POTIONS_STATE_DIR names the folder for it"
};
var collect = (value, previous = []) => [...previous, value];
async function artifactTrustOf(opts) {
  if (!!opts.certificateIdentityRegexp !== !!opts.certificateOidcIssuer) {
    throw new UserError(USAGE_ERROR, "keyless verification pins both --certificate-identity-regexp and --certificate-oidc-issuer");
  }
  if (opts.certificateSourceRepository && !opts.certificateIdentityRegexp) {
    throw new UserError(USAGE_ERROR, "--certificate-source-repository goes with --certificate-identity-regexp and --certificate-oidc-issuer");
  }
  const keys = opts.artifactKey && opts.artifactKey.length > 0 ? await trustedKeysFromFiles(opts.artifactKey, "--artifact-key") : [];
  if (keys.length === 0 && !opts.certificateIdentityRegexp) return void 0;
  return {
    ...keys.length > 0 ? { keys } : {},
    ...opts.certificateIdentityRegexp ? {
      identities: [
        {
          identity: opts.certificateIdentityRegexp,
          issuer: opts.certificateOidcIssuer,
          ...opts.certificateSourceRepository ? { sourceRepository: opts.certificateSourceRepository } : {}
        }
      ]
    } : {}
  };
}
function describeSignature(s) {
  if (!s.verified) return `signature: none (${s.reason})`;
  return s.kind === "key" ? `signature verified: key ${s.keyId}` : `signature verified: keyless, ${s.certificateIdentity} (issuer ${s.issuer}${s.sourceRepository ? `, ${s.sourceRepository}` : ""})`;
}
async function trustedKeys(files) {
  const given = files ?? [];
  const candidates = given.length > 0 ? given : [path.join(localKeysDir(process.cwd()), LOCAL_PUBLIC_KEY_FILE)];
  const keys = [];
  for (const file of candidates) {
    let text;
    try {
      text = await fs.readFile(file, "utf8");
    } catch (err) {
      if (given.length === 0) {
        throw new UserError(PipelineErrorCode.NoTrustedKey, "no --trusted-key given, and no local release key in this folder", {
          location: { file },
          hint: "pass --trusted-key with the publisher's public key (PEM), or run `potions release` here first (it makes .potions/keys/manifest-key.pub)"
        });
      }
      throw new UserError(PipelineErrorCode.NoTrustedKey, `cannot read --trusted-key ${file}: ${errorMessage(err)}`, { location: { file } });
    }
    keys.push(...trustedKeysFromPem(text, file));
  }
  return { keys, files: candidates };
}
function registerFetchCommand(program) {
  program.command("fetch").description("Install a package from a signed manifest: verify the manifest, download from the mirrors, verify, extract, relocate").argument("<package>", "NAME or NAME@VERSION (default: the newest version available for the platform)").requiredOption("--manifest <url>", "manifest.json URL, repeatable (one per mirror: every one is read, the newest acceptable copy is used), or a manifest file", collect).option("--platform <platform>", `one of ${PLATFORMS.join(", ")} (default: this machine's)`).requiredOption("--out <dir>", "the folder to install into (created; must be empty unless --force)").option("--trusted-key <file>", `public key (PEM) whose signature on the manifest is accepted, repeatable (default: .potions/keys/${LOCAL_PUBLIC_KEY_FILE})`, collect).option("--artifact-key <file>", "public key (PEM) whose artifact signatures are accepted, repeatable (default: the manifest's artifact trust settings)", collect).option("--certificate-identity-regexp <re>", "keyless artifact signatures: the certificate identity (SAN) to accept, anchored at both ends").option("--certificate-oidc-issuer <url>", "keyless artifact signatures: the OIDC issuer to accept").option("--certificate-source-repository <uri>", "keyless artifact signatures: the source repository to accept").option("--trusted-root <file>", "keyless artifact signatures: a Sigstore trusted_root.json (default: the public-good one, through TUF)").addOption(new Option("--format <format>", "preferred archive format (the others are tried too before giving up)").choices([...ARTIFACT_FORMATS])).option("--force", "replace the --out folder when it holds an earlier Potions install (never anything else)").option("--json", "print { ok, name, version, revision, platform, format, dir, sha256, signature, mirror, ... } on stdout").action(async (ref, opts) => {
    const reporter = new ConsoleReporter();
    const { ref: name, version } = splitRecipeRef(ref);
    const platform = opts.platform ? assertPlatform(opts.platform, "--platform") : void 0;
    const artifactTrust = await artifactTrustOf(opts);
    const { keys } = await trustedKeys(opts.trustedKey);
    const trustedRoot = opts.trustedRoot;
    const r = await fetchPackage({
      manifestUrl: opts.manifest,
      name,
      ...version !== void 0 ? { version } : {},
      ...platform ? { platform } : {},
      outDir: opts.out,
      trustedKeys: keys,
      trustStore: new FileTrustStore(),
      ...artifactTrust ? { artifactTrust } : {},
      trustedRoot: trustedRoot ? () => trustedRootFromFile(trustedRoot) : () => publicGoodTrustedRoot({ cachePath: path.join(defaultStateDir(), "sigstore-tuf") }),
      ...opts.format ? { formats: [opts.format, ...ARTIFACT_FORMATS.filter((f) => f !== opts.format)] } : {},
      ...opts.force ? { replace: true } : {},
      reporter
    }).catch((err) => {
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
        relocated: r.relocated
      });
    } else {
      process.stderr.write(
        `${r.name} ${r.version} revision ${r.revision} (${r.platform}) installed in ${r.dir}
  ${r.format}, ${formatBytes(r.size)}, sha256 ${r.sha256}
  ${describeSignature(r.signature)}
  from ${r.mirror} (${r.attempts} request(s), ${r.seconds} s)
  manifest version ${r.manifestVersion} from ${r.manifestUrl}
`
      );
      for (const f of r.formatsFailed) process.stderr.write(`  ${f.format} could not be used: ${f.message.split("\n")[0]}
`);
      for (const refused of r.manifestRefused) process.stderr.write(`  refused the manifest at ${refused.source}: ${refused.message}
`);
      for (const o of r.manifestOlder) process.stderr.write(`  the manifest at ${o.source} is older (version ${o.version}): not used
`);
    }
  });
}
export {
  registerFetchCommand
};
