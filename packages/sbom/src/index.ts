export { writeSboms, renderSbom, defaultSbomPath, isSbomFormat, assertSbomFormat, SBOM_FORMATS, SBOM_MANIFEST_FORMAT } from './generate';
export type { SbomFormat, WrittenSbom, WriteSbomsOptions } from './generate';
export { inventoryArtifact, SBOM_TOOL } from './inventory';
export type { ArtifactInventory, InventoryOptions, InventoryFile, LicenseFile, SystemLibrary } from './inventory';
export { findArtifactMetadata } from './metadata';
export { cycloneDxJson, validateCycloneDx } from './cyclonedx';
export { spdxJson } from './spdx';
export { identifyLicenseText, isSpdxExpression, checkRecipeLicense, spdxLicenseIds, isLicenseFilePath } from './license';
export type { LicenseIdentification } from './license';
export { packagePurl, githubRepoOf, githubRepoOfUrl, repositoryOf, normalizeRepoUrl } from './purl';
export { readSbomFile, parsePurl } from './read-sbom';
export type { SbomDocument, ScanComponent } from './read-sbom';
export { loadOsvDirectory, matchOsv, OsvRecordSchema } from './osv';
export type { OsvRecord } from './osv';
export { evaluateRange } from './osv-ranges';
export type { OsvRange, OsvEvent, RangeVerdict } from './osv-ranges';
export { rateVector, rateVectors, ratingOf, severityRank, isSeverity, SEVERITIES } from './cvss';
export type { Severity, CvssRating } from './cvss';
export type { Finding, ScannerName } from './finding';
export { readAllowList, parseAllowList, isExpired } from './allow-list';
export type { AllowEntry } from './allow-list';
export {
  buildReport,
  skippedReport,
  mergeFindings,
  findingsTableRows,
  reportVerdict,
  statusText,
  FINDINGS_TABLE_HEADERS,
  FAIL_ON_LEVELS,
  isFailOn,
  assertFailOn,
} from './report';
export type { FailOn, ScanReport, ReportedFinding, FindingStatus, BuildReportOptions } from './report';
export { sarifFromReport } from './sarif';
export type { SarifOptions } from './sarif';
export { scanSboms, selectScanner, assertScannerChoice, SCANNER_CHOICES } from './scan';
export type { ScannerChoice, ScanOptions, SelectScannerOptions } from './scan';
export { GrypeScanner, findingsFromGrype } from './scanners/grype';
export type { ProgramScannerOptions } from './scanners/grype';
export { TrivyScanner, findingsFromTrivy } from './scanners/trivy';
export { OsvFolderScanner } from './scanners/osv-scanner';
export { findProgram } from './scanners/program';
export type { Scanner } from './scanners/scanner';
export { SbomErrorCode } from './errors';
