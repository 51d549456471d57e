import path from 'node:path';
import type { Finding } from '../finding';
import { loadOsvDirectory, matchOsv, type OsvRecord } from '../osv';
import type { SbomDocument } from '../read-sbom';
import type { Scanner } from './scanner';

/** The offline scanner: a folder of OSV records (see osv.ts for the matching rules). */
export class OsvFolderScanner implements Scanner {
  readonly name = 'osv' as const;
  private constructor(
    private readonly records: readonly OsvRecord[],
    readonly description: string,
  ) {}

  static async fromDirectory(dir: string): Promise<OsvFolderScanner> {
    const records = await loadOsvDirectory(dir);
    return new OsvFolderScanner(records, `OSV records in ${path.resolve(dir)} (${records.length})`);
  }

  async scan(doc: SbomDocument): Promise<Finding[]> {
    return matchOsv(this.records, doc);
  }
}
