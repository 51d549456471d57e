import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  SBOM_FORMATS,
  SBOM_TOOL,
  defaultSbomPath,
  writeSboms
} from "./chunk-SMGVNFBN.mjs";
import {
  FAIL_ON_LEVELS,
  FINDINGS_TABLE_HEADERS,
  SCANNER_CHOICES,
  SbomErrorCode,
  findingsTableRows,
  readAllowList,
  reportVerdict,
  scanSboms,
  selectScanner
} from "./chunk-GILNPOEJ.mjs";
import {
  loadRecipeOrThrow
} from "./chunk-FYQXNLY7.mjs";
import "./chunk-XPDYRYHA.mjs";
import "./chunk-Q5AYDNPM.mjs";
import "./chunk-34KJHGJW.mjs";
import "./chunk-55UCJZ7D.mjs";
import {
  Option
} from "./chunk-XJAPUB6H.mjs";
import "./chunk-EHDWN6R2.mjs";
import "./chunk-FO7BXKCA.mjs";
import {
  artifactMetadataPath,
  readArtifactMetadataFile
} from "./chunk-MVPDWXOW.mjs";
import "./chunk-EE5EUXX6.mjs";
import {
  writeFileAtomic
} from "./chunk-DWDGEZWY.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-XJANFZUV.mjs";
import {
  ConsoleReporter,
  ExitCode,
  UserError,
  formatTable,
  printJson
} from "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";

// packages/cli/src/commands/sbom.ts
import path3 from "node:path";

// packages/sbom/src/metadata.ts
import { promises as fs } from "node:fs";
import path from "node:path";
async function findArtifactMetadata(artifact) {
  const candidate = artifactMetadataPath(path.resolve(artifact));
  const st = await fs.stat(candidate).catch(() => void 0);
  return st?.isFile() ? candidate : void 0;
}

// packages/sbom/src/sarif.ts
import { createHash } from "node:crypto";
import path2 from "node:path";
var LEVEL = {
  critical: "error",
  high: "error",
  unknown: "error",
  medium: "warning",
  low: "note",
  none: "note"
};
function sarifFromReport(report, options = {}) {
  const root = path2.resolve(options.sourceRoot ?? ".");
  const rules = [];
  const ruleIndex = /* @__PURE__ */ new Map();
  for (const f of report.findings) {
    if (ruleIndex.has(f.id)) continue;
    ruleIndex.set(f.id, rules.length);
    rules.push(ruleOf(f));
  }
  const results = report.findings.map((f) => ({
    ruleId: f.id,
    ruleIndex: ruleIndex.get(f.id),
    level: LEVEL[f.severity],
    message: { text: messageOf(f) },
    locations: [{ physicalLocation: { artifactLocation: { uri: locationOf(f, root), uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } } }],
    partialFingerprints: { "potionsFinding/v1": createHash("sha256").update(`${f.id}|${f.package.name}|${f.package.version ?? ""}`).digest("hex") },
    ...f.status === "allowed" ? { suppressions: [{ kind: "external", status: "accepted", justification: `${f.allow.reason} (allowed until ${f.allow.expires})` }] } : {},
    properties: { package: f.package.name, installedVersion: f.package.version ?? "", ...f.fixedVersion ? { fixedVersion: f.fixedVersion } : {}, status: f.status, scanner: f.scanner }
  }));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "Potions vulnerability scan", semanticVersion: SBOM_TOOL.version, informationUri: "https://github.com/potions/actions/blob/main/docs/sbom.md", rules } },
        results,
        properties: { scanner: report.scanner?.description ?? "none", failOn: report.failOn, passed: report.passed }
      }
    ]
  };
}
function ruleOf(f) {
  const title = f.summary ?? `${f.id} in ${f.package.name}`;
  return {
    id: f.id,
    name: f.id.replace(/[^A-Za-z0-9]/g, ""),
    shortDescription: { text: `${f.id}: ${title}`.slice(0, 1e3) },
    fullDescription: { text: title },
    ...f.url ? { helpUri: f.url } : {},
    help: {
      text: `${f.id}${f.aliases.length ? ` (also ${f.aliases.join(", ")})` : ""}. ${title}${f.cvss ? ` CVSS ${f.cvss.version} ${f.cvss.vector} = ${f.cvss.score}.` : " No CVSS vector."}`
    },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: {
      tags: ["security", "vulnerability", f.severity],
      ...f.cvss ? { "security-severity": f.cvss.score.toFixed(1) } : {}
    }
  };
}
function messageOf(f) {
  const fix = f.fixedVersion ? `; fixed in ${f.fixedVersion}` : f.fixedCommit ? `; fixed by commit ${f.fixedCommit}` : "; no fixed version known";
  const score = f.cvss ? ` ${f.cvss.score.toFixed(1)}` : "";
  return `${f.package.name} ${f.package.version ?? ""} is affected by ${f.id} (${f.severity}${score})${fix}.`;
}
function locationOf(f, root) {
  const target = f.recipeFile && !path2.isAbsolute(f.recipeFile) ? path2.resolve(root, f.recipeFile) : f.sbom;
  const rel = path2.relative(root, path2.resolve(root, target));
  return (rel.startsWith("..") ? target : rel).split(path2.sep).join("/");
}

// packages/cli/src/commands/sbom.ts
var collect = (value, previous = []) => [...previous, value];
var relativeToCwd = (file) => path3.relative(process.cwd(), path3.resolve(file)) || file;
function processEnv() {
  return Object.fromEntries(Object.entries(process.env).filter((e) => e[1] !== void 0));
}
function registerSbomCommand(program) {
  program.command("sbom").description("Write the SBOM of an artifact: every file with its sha256, the package's purl, licence and source, its dependency recipes and system libraries").argument("<artifact>", "the .tar.gz or .tar.zst the builder made").option("--recipe <file>", "the recipe it was built from (licence, homepage, GitHub source)").option("--metadata <file>", "the builder's metadata (default: <artifact>.json beside it)").addOption(new Option("--format <format>", "SBOM format").choices([...SBOM_FORMATS]).default("cyclonedx")).option("--out <file>", "where to write it (default: <name>-<version>-<platform>.cdx.json or .spdx.json beside the artifact)").option("--system-library <name>", "a library the binaries load from the system (as the platform check found it), repeatable", collect).option("--json", "print { ok, sbom, package, files, dependencies, systemLibraries, licenseFiles } on stdout").action(async (artifact, opts) => {
    const reporter = new ConsoleReporter();
    const metadataFile = opts.metadata ?? await findArtifactMetadata(artifact);
    if (!metadataFile) {
      throw new UserError(SbomErrorCode.NoMetadata, `no build metadata beside ${artifact} (looked for ${path3.basename(artifact)}.json)`, {
        location: { file: artifact },
        hint: "pass --metadata with the <artifact>.json the builder wrote"
      });
    }
    const metadata = await readArtifactMetadataFile(metadataFile);
    const recipe = opts.recipe ? (await loadRecipeOrThrow(opts.recipe)).recipe : void 0;
    const out = path3.resolve(opts.out ?? defaultSbomPath(artifact, opts.format));
    const { inventory, sboms } = await writeSboms({
      artifact,
      metadata,
      metadataFile,
      ...recipe ? { recipe, recipeFile: relativeToCwd(opts.recipe) } : {},
      systemLibraries: (opts.systemLibrary ?? []).map((name) => ({ name, platform: metadata.platform })),
      outputs: [{ format: opts.format, file: out }],
      reporter
    });
    const sbom = sboms[0];
    if (opts.json) {
      printJson({
        ok: true,
        sbom,
        package: { name: inventory.name, version: inventory.version, platform: inventory.platform, purl: inventory.purl, license: inventory.license?.expression ?? null },
        files: inventory.files.length,
        dependencies: inventory.dependencies.length,
        systemLibraries: inventory.systemLibraries.length,
        licenseFiles: inventory.licenseFiles
      });
      return;
    }
    process.stderr.write(
      `${formatTable(
        ["FORMAT", "SBOM", "PACKAGE", "LICENSE", "FILES", "DEPENDENCIES", "SHA256"],
        [[sbom.format, relativeToCwd(sbom.file), inventory.purl, inventory.license?.expression ?? "(not stated)", String(inventory.files.length), String(inventory.dependencies.length + inventory.systemLibraries.length), sbom.sha256]]
      )}
`
    );
    for (const f of inventory.licenseFiles.filter((l) => !l.expression)) {
      const why = f.candidates ? `its text fits ${f.candidates.join(" and ")} equally` : "its text is not one licence of the SPDX list";
      reporter.warn(`licence file ${f.path} was not identified: ${why}; say the licence in the recipe's license field`);
    }
  });
  program.command("scan").description("Scan SBOMs for known vulnerabilities (grype or trivy when installed, else a folder of OSV records); exit 1 when a finding is at or above --fail-on and not allowed").argument("<sbom...>", "CycloneDX or SPDX JSON files").option("--osv <dir>", "folder of OSV records to match against (offline)").addOption(new Option("--scanner <name>", "which scanner: auto is grype, else trivy, else --osv").choices([...SCANNER_CHOICES]).default("auto")).addOption(new Option("--fail-on <severity>", "the lowest severity that fails the scan (none: report only)").choices([...FAIL_ON_LEVELS]).default("high")).option("--allow <file>", "allow-list (YAML: - id, reason, expires: YYYY-MM-DD [, package])").option("--sarif <file>", "also write SARIF 2.1.0 for GitHub code scanning").option("--recipe <file>", "the recipe: its security.scan_vulnerabilities: false skips the scan").option("--json", "print { ok, report } on stdout (the report: findings, counts, maxSeverity, passed...)").action(async (files, opts) => {
    const reporter = new ConsoleReporter();
    const recipe = opts.recipe ? (await loadRecipeOrThrow(opts.recipe)).recipe : void 0;
    const scan = recipe ? recipe.scanVulnerabilities : true;
    const allowList = opts.allow ? await readAllowList(opts.allow) : void 0;
    const scanner = scan ? await selectScanner({ choice: opts.scanner, ...opts.osv ? { osvDir: opts.osv } : {}, env: processEnv() }).catch(withFlagHint) : void 0;
    const report = await scanSboms({
      sboms: files,
      scan,
      ...opts.recipe ? { scanDecidedBy: relativeToCwd(opts.recipe) } : {},
      ...scanner ? { scanner } : {},
      failOn: opts.failOn,
      ...allowList ? { allowList } : {},
      reporter
    });
    if (opts.sarif) await writeFileAtomic(path3.resolve(opts.sarif), `${JSON.stringify(sarifFromReport(report, { sourceRoot: process.cwd() }), null, 2)}
`);
    if (opts.json) printJson({ ok: report.passed, report, ...opts.sarif ? { sarif: path3.resolve(opts.sarif) } : {} });
    else {
      if (report.findings.length > 0) process.stderr.write(`${formatTable(FINDINGS_TABLE_HEADERS.map((h) => h.toUpperCase()), findingsTableRows(report))}
`);
      for (const e of report.expiredAllows) reporter.warn(`allow-list entry for ${e.id} expired on ${e.expires} and no longer allows it (${e.reason})`);
      process.stderr.write(`${reportVerdict(report)}
`);
    }
    process.exitCode = report.passed ? ExitCode.Ok : ExitCode.Failure;
  });
}
function withFlagHint(err) {
  if (typeof err === "object" && err !== null && err.code === SbomErrorCode.ScannerMissing) {
    const e = err;
    throw new UserError(e.code, e.message, { hint: `${e.hint ?? ""}${e.hint ? "; " : ""}pass --osv DIR to scan offline, or --scanner to choose`, cause: err });
  }
  throw err;
}
export {
  registerSbomCommand
};
