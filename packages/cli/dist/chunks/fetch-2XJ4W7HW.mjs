import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  LOCAL_PUBLIC_KEY_FILE,
  PipelineErrorCode,
  fetchPackage,
  localKeysDir,
  splitRecipeRef
} from "./chunk-5ZYWQSUT.mjs";
import {
  FileTrustStore
} from "./chunk-6RWEO3QJ.mjs";
import "./chunk-SGP63XBZ.mjs";
import "./chunk-FO7BXKCA.mjs";
import {
  trustedKeysFromPem
} from "./chunk-MBPDP4US.mjs";
import {
  ARTIFACT_FORMATS
} from "./chunk-WZ5ZB2HY.mjs";
import {
  withOptionHint
} from "./chunk-HYGGJBIW.mjs";
import "./chunk-H25O6PGM.mjs";
import "./chunk-5USGNDUQ.mjs";
import "./chunk-RUHLF4BJ.mjs";
import "./chunk-2YVOABRQ.mjs";
import "./chunk-QHOKOGRP.mjs";
import "./chunk-55UCJZ7D.mjs";
import {
  Option
} from "./chunk-XJAPUB6H.mjs";
import "./chunk-L5QZX5WR.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-KBIIXQQZ.mjs";
import "./chunk-QUSDCUON.mjs";
import "./chunk-YLJFX75A.mjs";
import "./chunk-H45SQJ23.mjs";
import "./chunk-34KJHGJW.mjs";
import {
  PLATFORMS,
  assertPlatform
} from "./chunk-EE5EUXX6.mjs";
import "./chunk-E4RGEVCT.mjs";
import "./chunk-AFBQJMGN.mjs";
import "./chunk-EHDWN6R2.mjs";
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
  [PipelineErrorCode.Options]: "pass --platform, and --manifest once per mirror (or one manifest file)"
};
var collect = (value, previous = []) => [...previous, value];
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
  program.command("fetch").description("Install a package from a signed manifest: verify the manifest, download from the mirrors, verify, extract, relocate").argument("<package>", "NAME or NAME@VERSION (default: the newest version available for the platform)").requiredOption("--manifest <url>", "manifest.json URL, repeatable (one per mirror, tried in order), or a manifest file", collect).option("--platform <platform>", `one of ${PLATFORMS.join(", ")} (default: this machine's)`).requiredOption("--out <dir>", "the folder to install into (created; must be empty unless --force)").option("--trusted-key <file>", `public key (PEM) whose signature is accepted, repeatable (default: .potions/keys/${LOCAL_PUBLIC_KEY_FILE})`, collect).addOption(new Option("--format <format>", "preferred archive format").choices([...ARTIFACT_FORMATS])).option("--force", "replace the --out folder if it is not empty").option("--json", "print { ok, name, version, platform, dir, sha256, mirror, attempts, seconds, manifestUrl } on stdout").action(async (ref, opts) => {
    const reporter = new ConsoleReporter();
    const { ref: name, version } = splitRecipeRef(ref);
    const platform = opts.platform ? assertPlatform(opts.platform, "--platform") : void 0;
    const { keys } = await trustedKeys(opts.trustedKey);
    const r = await fetchPackage({
      manifestUrl: opts.manifest,
      name,
      ...version !== void 0 ? { version } : {},
      ...platform ? { platform } : {},
      outDir: opts.out,
      trustedKeys: keys,
      trustStore: new FileTrustStore(),
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
        relocated: r.relocated
      });
    } else {
      process.stderr.write(
        `${r.name} ${r.version} (${r.platform}) installed in ${r.dir}
  ${r.format}, ${formatBytes(r.size)}, sha256 ${r.sha256}
  from ${r.mirror} (${r.attempts} request(s), ${r.seconds} s)
  manifest version ${r.manifestVersion} from ${r.manifestUrl}
`
      );
      for (const refused of r.manifestRefused) process.stderr.write(`  refused the manifest at ${refused.source}: ${refused.message}
`);
    }
  });
}
export {
  registerFetchCommand
};
