import path from 'node:path';
import * as core from '@actions/core';
import { ActionsReporter, writeSummaryTable } from '@potions/action-common';
import { UserError, readArtifactMetadataFile, writeFileAtomic } from '@potions/core';
import { loadRecipeOrThrow } from '@potions/builder';
import {
  FINDINGS_TABLE_HEADERS,
  SbomErrorCode,
  defaultSbomPath,
  findArtifactMetadata,
  findProgram,
  findingsTableRows,
  readAllowList,
  reportVerdict,
  sarifFromReport,
  scanSboms,
  selectScanner,
  writeSboms,
} from '@potions/sbom';
import { Outputs } from './constants';
import { readInputs, type SbomScanInputs } from './inputs';
import { installPinnedScanner, pinnedRelease } from './install-scanner';

/** The environment as `Exec` takes it. */
function processEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** grype/trivy asked for by name and not on the PATH: install the pinned release (on GitHub only). */
async function programsFor(inputs: SbomScanInputs, env: Record<string, string>): Promise<{ grype?: string; trivy?: string }> {
  if (inputs.scanner !== 'grype' && inputs.scanner !== 'trivy') return {};
  if (await findProgram(inputs.scanner, env)) return {};
  const release = pinnedRelease(inputs.scanner);
  core.info(`${inputs.scanner} is not on the PATH: installing ${inputs.scanner} ${release.version} (sha256 ${release.sha256})`);
  return { [inputs.scanner]: await installPinnedScanner(inputs.scanner, release) };
}

/** SBOMs of the artifact, then the scan; outputs, SARIF, a job summary, and a failed step above the threshold. */
export async function main(): Promise<void> {
  const reporter = new ActionsReporter();
  const inputs = readInputs();
  const metadataFile = inputs.metadata ?? (await findArtifactMetadata(inputs.artifact));
  if (!metadataFile) {
    throw new UserError(SbomErrorCode.NoMetadata, `no build metadata beside ${inputs.artifact}`, { location: { file: inputs.artifact }, hint: 'set the "metadata" input to the <artifact>.json the builder wrote' });
  }
  const metadata = await readArtifactMetadataFile(metadataFile);
  const recipe = inputs.recipe ? (await loadRecipeOrThrow(inputs.recipe)).recipe : undefined;
  const recipeFile = inputs.recipe ? path.relative(inputs.workspace, inputs.recipe) : undefined;
  const { inventory, sboms } = await writeSboms({
    artifact: inputs.artifact,
    metadata,
    metadataFile,
    ...(recipe ? { recipe, recipeFile } : {}),
    systemLibraries: inputs.systemLibraries.map((name) => ({ name, platform: metadata.platform })),
    outputs: inputs.formats.map((format) => ({ format, file: defaultSbomPath(inputs.artifact, format) })),
    reporter,
  });
  core.setOutput(Outputs.Sbom, sboms.map((s) => s.file).join('\n'));

  const env = processEnv();
  const scan = recipe ? recipe.scanVulnerabilities : true;
  const scanner = scan ? await selectScanner({ choice: inputs.scanner, ...(inputs.osvDir ? { osvDir: inputs.osvDir } : {}), env, programs: await programsFor(inputs, env) }) : undefined;
  const report = await scanSboms({
    sboms: sboms.map((s) => s.file),
    scan,
    ...(recipeFile ? { scanDecidedBy: recipeFile } : {}),
    ...(scanner ? { scanner } : {}),
    failOn: inputs.failOn,
    ...(inputs.allowList ? { allowList: await readAllowList(inputs.allowList) } : {}),
    reporter,
  });
  await writeFileAtomic(inputs.sarifFile, `${JSON.stringify(sarifFromReport(report, { sourceRoot: inputs.workspace }), null, 2)}\n`);
  core.setOutput(Outputs.Findings, report.findings.length);
  core.setOutput(Outputs.MaxSeverity, report.maxSeverity);
  core.setOutput(Outputs.Sarif, inputs.sarifFile);

  for (const e of report.expiredAllows) core.warning(`the allow-list entry for ${e.id} expired on ${e.expires} and no longer allows it (${e.reason})`, { title: 'sbom-scan: allow-list entry expired' });
  await writeSummaryTable(
    `Potions SBOM and vulnerability scan: ${inventory.name} ${inventory.version} (${inventory.platform})`,
    report.findings.length > 0 ? FINDINGS_TABLE_HEADERS : ['SBOM', 'files', 'licence', 'purl'],
    report.findings.length > 0
      ? findingsTableRows(report)
      : sboms.map((s) => [path.basename(s.file), String(inventory.files.length), inventory.license?.expression ?? '(not stated)', inventory.purl]),
    [
      `SBOMs: ${sboms.map((s) => `\`${path.basename(s.file)}\``).join(', ')}; ${inventory.files.length} file(s), ${inventory.dependencies.length} dependency recipe(s), ${inventory.systemLibraries.length} system librar(ies).`,
      report.passed ? reportVerdict(report) : `**${reportVerdict(report)}**`,
    ],
  );
  core.info(reportVerdict(report));
  if (!report.passed) {
    const failing = report.findings.filter((f) => f.status === 'fails');
    const message = `${failing.length} vulnerabilit(ies) at or above ${report.failOn} and not allowed: ${failing
      .slice(0, 10)
      .map((f) => `${f.id} in ${f.package.name} ${f.package.version ?? ''} (${f.severity})`)
      .join(', ')}`;
    core.error(message, { title: 'sbom-scan: vulnerabilities above the threshold' });
    core.setFailed(message);
  }
}
