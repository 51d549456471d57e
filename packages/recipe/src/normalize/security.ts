import type { RawRecipe } from '../schema';
import type { IssueSink } from './issues';

/**
 * The parts of `security` that are not about signatures (those belong to the
 * artifact they check: see artifact.ts). `scan_vulnerabilities` is kept in
 * the model for the scanner a later release adds; until then nothing reads it,
 * and asking for a scan says so. `false` is already true to its word.
 */
export function checkSecurity(raw: RawRecipe['security'], issues: IssueSink): void {
  if (raw?.scan_vulnerabilities === true) {
    issues.warn(
      'W_NO_EFFECT',
      'scan_vulnerabilities has no effect yet: Potions runs no vulnerability scanner on artifacts so far (the setting is kept for when it does)',
      ['security', 'scan_vulnerabilities'],
    );
  }
}
