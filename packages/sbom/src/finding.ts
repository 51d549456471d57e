import type { CvssRating, Severity } from './cvss';

export type ScannerName = 'osv' | 'grype' | 'trivy';

/** One vulnerability in one package, whichever scanner found it: the normalised shape every report uses. */
export interface Finding {
  /** The advisory's id (`CVE-2023-45853`, `GHSA-...`). */
  id: string;
  /** Other ids of the same vulnerability, sorted. */
  aliases: string[];
  summary?: string;
  /** Computed from the CVSS vector (see cvss.ts); `unknown` when the advisory gives none. */
  severity: Severity;
  cvss?: Pick<CvssRating, 'version' | 'vector' | 'score'>;
  package: { name: string; version?: string; purl?: string };
  /** The first release that fixes it, when the advisory says. */
  fixedVersion?: string;
  /** The commit that fixes it, when the advisory gives only commits (GIT ranges). */
  fixedCommit?: string;
  /** Where to read about it. */
  url?: string;
  scanner: ScannerName;
  /** How the advisory was tied to the package (`purl`, `ecosystem`, `repository`, `repository name`, `cpe`...). */
  matchedBy?: string;
  /** The SBOM it was found in. */
  sbom: string;
}
