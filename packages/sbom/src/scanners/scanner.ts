import type { Finding, ScannerName } from '../finding';
import type { SbomDocument } from '../read-sbom';

/** Finds vulnerabilities in the packages of one SBOM. */
export interface Scanner {
  readonly name: ScannerName;
  /** What a report says about it: `grype 0.116.0`, `OSV records in ./osv (3 records)`. */
  readonly description: string;
  scan(doc: SbomDocument): Promise<Finding[]>;
}
