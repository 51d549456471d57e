/**
 * Scanning SBOMs for known vulnerabilities, one call for the edges.
 *
 * The scanner: `grype` or `trivy` when asked for (or, for `auto`, when one is
 * on the PATH: grype first, since trivy does not look up the generic packages
 * Potions builds), else a folder of OSV records. Grype and trivy need their
 * vulnerability database from the internet; the OSV folder works offline.
 */
import path from 'node:path';
import { UserError, silentReporter, spawnExec, systemNow, type Exec, type Now, type Reporter } from '@potions/core';
import type { AllowEntry } from './allow-list';
import { SbomErrorCode } from './errors';
import { readSbomFile } from './read-sbom';
import { buildReport, skippedReport, type FailOn, type ScanReport } from './report';
import { GrypeScanner } from './scanners/grype';
import { OsvFolderScanner } from './scanners/osv-scanner';
import { findProgram } from './scanners/program';
import type { Scanner } from './scanners/scanner';
import { TrivyScanner } from './scanners/trivy';

export const SCANNER_CHOICES = ['auto', 'grype', 'trivy', 'osv'] as const;
export type ScannerChoice = (typeof SCANNER_CHOICES)[number];

export function assertScannerChoice(value: string): ScannerChoice {
  if (!(SCANNER_CHOICES as readonly string[]).includes(value)) {
    throw new UserError(SbomErrorCode.Option, `unknown scanner "${value}"`, { hint: `use one of: ${SCANNER_CHOICES.join(', ')}` });
  }
  return value as ScannerChoice;
}

export interface SelectScannerOptions {
  choice: ScannerChoice;
  /** The folder of OSV records (for `osv`, and for `auto` when neither program is installed). */
  osvDir?: string;
  /** The environment the programs run in; its PATH is where they are looked for. */
  env: Record<string, string>;
  exec?: Exec;
  /** Paths of the programs when they are not on the PATH (e.g. a pinned release the action installed). */
  programs?: { grype?: string; trivy?: string };
}

/** The scanner to use, or a user's mistake saying what is missing. */
export async function selectScanner(options: SelectScannerOptions): Promise<Scanner> {
  const exec = options.exec ?? spawnExec;
  const locate = async (name: 'grype' | 'trivy'): Promise<string | undefined> => options.programs?.[name] ?? (await findProgram(name, options.env));
  const program = async (name: 'grype' | 'trivy'): Promise<Scanner | undefined> => {
    const found = await locate(name);
    if (!found) return undefined;
    return name === 'grype' ? GrypeScanner.create({ program: found, exec, env: options.env }) : TrivyScanner.create({ program: found, exec, env: options.env });
  };
  switch (options.choice) {
    case 'grype':
    case 'trivy': {
      const s = await program(options.choice);
      if (!s) {
        throw new UserError(SbomErrorCode.ScannerMissing, `${options.choice} is not installed (not on the PATH)`, {
          hint: `install ${options.choice}, or scan offline against a folder of OSV records`,
        });
      }
      return s;
    }
    case 'osv':
      if (!options.osvDir) throw new UserError(SbomErrorCode.ScannerMissing, 'the OSV scanner needs a folder of OSV records', { hint: 'give the folder of OSV JSON records to match against' });
      return OsvFolderScanner.fromDirectory(options.osvDir);
    case 'auto': {
      const s = (await program('grype')) ?? (await program('trivy'));
      if (s) return s;
      if (options.osvDir) return OsvFolderScanner.fromDirectory(options.osvDir);
      throw new UserError(SbomErrorCode.ScannerMissing, 'no vulnerability scanner: neither grype nor trivy is on the PATH, and no folder of OSV records was given', {
        hint: 'install grype, or give a folder of OSV records to scan against offline',
      });
    }
  }
}

export interface ScanOptions {
  sboms: readonly string[];
  /** The recipe's decision (`security.scan_vulnerabilities`); false skips the scan and the report says why. Default true. */
  scan?: boolean;
  /** Whose decision `scan: false` is, for the report (e.g. the recipe file). */
  scanDecidedBy?: string;
  /** The scanner to use; made with `selectScanner` (not needed when `scan` is false). */
  scanner?: Scanner;
  failOn: FailOn;
  allowList?: readonly AllowEntry[];
  now?: Now;
  reporter?: Reporter;
}

/** Scan every SBOM and build the one report. */
export async function scanSboms(options: ScanOptions): Promise<ScanReport> {
  const now = (options.now ?? systemNow)();
  const reporter = options.reporter ?? silentReporter;
  const sboms = options.sboms.map((s) => path.resolve(s));
  if (options.scan === false) {
    const by = options.scanDecidedBy ? ` (${options.scanDecidedBy})` : '';
    return skippedReport(`the recipe turned vulnerability scanning off (security.scan_vulnerabilities: false)${by}`, sboms, options.failOn, now);
  }
  if (!options.scanner) throw new Error('scanSboms: a scanner is needed when scan is not false');
  const findings = [];
  let packages = 0;
  for (const file of sboms) {
    const doc = await readSbomFile(file);
    packages += doc.components.length;
    reporter.info(`scanning ${path.basename(file)} (${doc.components.length} packages) with ${options.scanner.description}`);
    for (const f of await options.scanner.scan(doc)) findings.push({ ...f, ...(doc.recipeFile ? { recipeFile: doc.recipeFile } : {}) });
  }
  return buildReport({
    findings,
    failOn: options.failOn,
    ...(options.allowList ? { allowList: options.allowList } : {}),
    now,
    scanner: { name: options.scanner.name, description: options.scanner.description },
    sboms,
    packages,
  });
}
