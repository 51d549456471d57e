/**
 * Every error code this package throws, in one place, so that callers (the
 * CLI, the action, the release) compare by `code` and the docs can list them.
 */
export const SbomErrorCode = {
  /** The artifact cannot be read or is not an archive. */
  Artifact: 'E_SBOM_ARTIFACT',
  /** No build metadata (`<artifact>.json`) was given or found beside the artifact. */
  NoMetadata: 'E_SBOM_NO_METADATA',
  /** The build metadata is not JSON, misses a field, or describes another artifact or recipe. */
  Metadata: 'E_SBOM_METADATA',
  /** The recipe's `license` is not a valid SPDX license expression. */
  License: 'E_SBOM_LICENSE',
  /** The SBOM we made does not validate against its schema (a bug, reported with the schema's words). */
  Invalid: 'E_SBOM_INVALID',
  /** A file given to the scanner is not a CycloneDX or SPDX JSON document. */
  UnreadableSbom: 'E_SBOM_UNREADABLE',
  /** A file of the OSV folder is not an OSV record. */
  OsvRecord: 'E_SBOM_OSV_RECORD',
  /** The OSV folder is missing or holds no record. */
  OsvFolder: 'E_SBOM_OSV_FOLDER',
  /** The allow-list file is not valid. */
  AllowList: 'E_SBOM_ALLOW_LIST',
  /** The scanner asked for (grype, trivy) is not installed. */
  ScannerMissing: 'E_SBOM_SCANNER_MISSING',
  /** A scanner release downloaded to be installed does not have its pinned sha256 (nothing is installed). */
  ScannerChecksum: 'E_SBOM_SCANNER_CHECKSUM',
  /** The scanner ran but failed, or printed something that is not its JSON report. */
  ScannerFailed: 'E_SBOM_SCANNER_FAILED',
  /** An option given to the library is not one it knows (a severity, a format, a scanner name). */
  Option: 'E_SBOM_OPTION',
} as const;

export type SbomErrorCode = (typeof SbomErrorCode)[keyof typeof SbomErrorCode];
