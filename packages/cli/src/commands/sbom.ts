import path from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { ConsoleReporter, UserError, readArtifactMetadataFile, writeFileAtomic } from '@potions/core';
import { loadRecipeOrThrow } from '@potions/builder';
import {
  FAIL_ON_LEVELS,
  FINDINGS_TABLE_HEADERS,
  SBOM_FORMATS,
  SCANNER_CHOICES,
  SbomErrorCode,
  defaultSbomPath,
  findArtifactMetadata,
  findingsTableRows,
  readAllowList,
  reportVerdict,
  sarifFromReport,
  scanSboms,
  selectScanner,
  writeSboms,
} from '@potions/sbom';
import type { FailOn, SbomFormat, ScannerChoice } from '@potions/sbom';
import { ExitCode, formatTable, printJson } from '../output';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A path as the repository knows it (relative to the current folder), for what the SBOM records. */
const relativeToCwd = (file: string): string => path.relative(process.cwd(), path.resolve(file)) || file;

/** The process environment as `Exec` takes it (no undefined values). */
function processEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}

interface SbomCommandOptions {
  recipe?: string;
  metadata?: string;
  format: SbomFormat;
  out?: string;
  systemLibrary?: string[];
  json?: boolean;
}

interface ScanCommandOptions {
  osv?: string;
  scanner: ScannerChoice;
  failOn: FailOn;
  allow?: string;
  sarif?: string;
  recipe?: string;
  json?: boolean;
}

export function registerSbomCommand(program: Command): void {
  program
    .command('sbom')
    .description("Write the SBOM of an artifact: every file with its sha256, the package's purl, licence and source, its dependency recipes and system libraries")
    .argument('<artifact>', 'the .tar.gz or .tar.zst the builder made')
    .option('--recipe <file>', 'the recipe it was built from (licence, homepage, GitHub source)')
    .option('--metadata <file>', "the builder's metadata (default: <artifact>.json beside it)")
    .addOption(new Option('--format <format>', 'SBOM format').choices([...SBOM_FORMATS]).default('cyclonedx'))
    .option('--out <file>', 'where to write it (default: <name>-<version>-<platform>.cdx.json or .spdx.json beside the artifact)')
    .option('--system-library <name>', 'a library the binaries load from the system (as the platform check found it), repeatable', collect)
    .option('--json', 'print { ok, sbom, package, files, dependencies, systemLibraries, licenseFiles } on stdout')
    .action(async (artifact: string, opts: SbomCommandOptions) => {
      const reporter = new ConsoleReporter();
      const metadataFile = opts.metadata ?? (await findArtifactMetadata(artifact));
      if (!metadataFile) {
        throw new UserError(SbomErrorCode.NoMetadata, `no build metadata beside ${artifact} (looked for ${path.basename(artifact)}.json)`, {
          location: { file: artifact },
          hint: 'pass --metadata with the <artifact>.json the builder wrote',
        });
      }
      const metadata = await readArtifactMetadataFile(metadataFile);
      const recipe = opts.recipe ? (await loadRecipeOrThrow(opts.recipe)).recipe : undefined;
      const out = path.resolve(opts.out ?? defaultSbomPath(artifact, opts.format));
      const { inventory, sboms } = await writeSboms({
        artifact,
        metadata,
        metadataFile,
        ...(recipe ? { recipe, recipeFile: relativeToCwd(opts.recipe!) } : {}),
        systemLibraries: (opts.systemLibrary ?? []).map((name) => ({ name, platform: metadata.platform })),
        outputs: [{ format: opts.format, file: out }],
        reporter,
      });
      const sbom = sboms[0]!;
      if (opts.json) {
        printJson({
          ok: true,
          sbom,
          package: { name: inventory.name, version: inventory.version, platform: inventory.platform, purl: inventory.purl, license: inventory.license?.expression ?? null },
          files: inventory.files.length,
          dependencies: inventory.dependencies.length,
          systemLibraries: inventory.systemLibraries.length,
          licenseFiles: inventory.licenseFiles,
        });
        return;
      }
      process.stderr.write(
        `${formatTable(
          ['FORMAT', 'SBOM', 'PACKAGE', 'LICENSE', 'FILES', 'DEPENDENCIES', 'SHA256'],
          [[sbom.format, relativeToCwd(sbom.file), inventory.purl, inventory.license?.expression ?? '(not stated)', String(inventory.files.length), String(inventory.dependencies.length + inventory.systemLibraries.length), sbom.sha256]],
        )}\n`,
      );
      for (const f of inventory.licenseFiles.filter((l) => !l.expression)) {
        const why = f.candidates ? `its text fits ${f.candidates.join(' and ')} equally` : 'its text is not one licence of the SPDX list';
        reporter.warn(`licence file ${f.path} was not identified: ${why}; say the licence in the recipe's license field`);
      }
    });

  program
    .command('scan')
    .description('Scan SBOMs for known vulnerabilities (grype or trivy when installed, else a folder of OSV records); exit 1 when a finding is at or above --fail-on and not allowed')
    .argument('<sbom...>', 'CycloneDX or SPDX JSON files')
    .option('--osv <dir>', 'folder of OSV records to match against (offline)')
    .addOption(new Option('--scanner <name>', 'which scanner: auto is grype, else trivy, else --osv').choices([...SCANNER_CHOICES]).default('auto'))
    .addOption(new Option('--fail-on <severity>', 'the lowest severity that fails the scan (none: report only)').choices([...FAIL_ON_LEVELS]).default('high'))
    .option('--allow <file>', 'allow-list (YAML: - id, reason, expires: YYYY-MM-DD [, package])')
    .option('--sarif <file>', 'also write SARIF 2.1.0 for GitHub code scanning')
    .option('--recipe <file>', "the recipe: its security.scan_vulnerabilities: false skips the scan")
    .option('--json', 'print { ok, report } on stdout (the report: findings, counts, maxSeverity, passed...)')
    .action(async (files: string[], opts: ScanCommandOptions) => {
      const reporter = new ConsoleReporter();
      const recipe = opts.recipe ? (await loadRecipeOrThrow(opts.recipe)).recipe : undefined;
      const scan = recipe ? recipe.scanVulnerabilities : true;
      const allowList = opts.allow ? await readAllowList(opts.allow) : undefined;
      const scanner = scan ? await selectScanner({ choice: opts.scanner, ...(opts.osv ? { osvDir: opts.osv } : {}), env: processEnv() }).catch(withFlagHint) : undefined;
      const report = await scanSboms({
        sboms: files,
        scan,
        ...(opts.recipe ? { scanDecidedBy: relativeToCwd(opts.recipe) } : {}),
        ...(scanner ? { scanner } : {}),
        failOn: opts.failOn,
        ...(allowList ? { allowList } : {}),
        reporter,
      });
      if (opts.sarif) await writeFileAtomic(path.resolve(opts.sarif), `${JSON.stringify(sarifFromReport(report, { sourceRoot: process.cwd() }), null, 2)}\n`);
      if (opts.json) printJson({ ok: report.passed, report, ...(opts.sarif ? { sarif: path.resolve(opts.sarif) } : {}) });
      else {
        if (report.findings.length > 0) process.stderr.write(`${formatTable(FINDINGS_TABLE_HEADERS.map((h) => h.toUpperCase()), findingsTableRows(report))}\n`);
        for (const e of report.expiredAllows) reporter.warn(`allow-list entry for ${e.id} expired on ${e.expires} and no longer allows it (${e.reason})`);
        process.stderr.write(`${reportVerdict(report)}\n`);
      }
      process.exitCode = report.passed ? ExitCode.Ok : ExitCode.Failure;
    });
}

/** The library's hints name no flags; here they can. */
function withFlagHint(err: unknown): never {
  if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === SbomErrorCode.ScannerMissing) {
    const e = err as UserError;
    throw new UserError(e.code, e.message, { hint: `${e.hint ?? ''}${e.hint ? '; ' : ''}pass --osv DIR to scan offline, or --scanner to choose`, cause: err });
  }
  throw err;
}
