/**
 * Test helpers other packages may use (`@potions/sbom/testing`): a small
 * artifact packed the way the builder packs one, with its metadata, and a
 * stand-in scanner program (a script named `grype` or `trivy`) that prints a
 * recorded report, for tests of the scanner adapters and of the edges.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { packDirectory } from '@potions/archive';
import type { ArtifactMetadata, Platform } from '@potions/core';
import { sampleArtifactMetadata } from '@potions/core/testing';

export interface FixtureArtifactOptions {
  name: string;
  version: string;
  platform?: Platform;
  /** Files of the artifact by path; a string is the body (mode 0644), or give the mode. */
  files: Record<string, string | Buffer | { body: string | Buffer; mode: number }>;
  /** Merged over the metadata written beside the artifact. */
  metadata?: Record<string, unknown>;
  /** SOURCE_DATE_EPOCH of the archive and of `buildDate` (default 2023-01-01). */
  sourceDateEpoch?: number;
  formats?: ('tar.gz' | 'tar.zst')[];
}

export interface FixtureArtifact {
  /** The `.tar.gz` (or the first format asked for). */
  artifact: string;
  metadataFile: string;
  metadata: ArtifactMetadata;
  sha256: string;
}

/** Pack `files` into `<dir>/<name>-<version>-<platform>.tar.gz` and write `<artifact>.json` as the builder does. */
export async function makeFixtureArtifact(dir: string, options: FixtureArtifactOptions): Promise<FixtureArtifact> {
  const platform = options.platform ?? 'linux-amd64';
  const epoch = options.sourceDateEpoch ?? 1_672_531_200;
  const base = `${options.name}-${options.version}-${platform}`;
  const stage = await fs.mkdtemp(path.join(dir, `.stage-${base}-`));
  for (const [rel, spec] of Object.entries(options.files)) {
    const file = path.join(stage, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const { body, mode } = typeof spec === 'string' || Buffer.isBuffer(spec) ? { body: spec, mode: 0o644 } : spec;
    await fs.writeFile(file, body, { mode });
  }
  const packed = await packDirectory(stage, path.join(dir, base), { mtime: epoch, formats: options.formats ?? ['tar.gz'] });
  await fs.rm(stage, { recursive: true, force: true });
  const info = (format: 'tar.gz' | 'tar.zst') => {
    const a = packed.archives.find((x) => x.format === format);
    return a ? { file: path.basename(a.path), sha256: a.sha256, size: a.size } : undefined;
  };
  const first = packed.archives[0]!;
  const gz = info('tar.gz') ?? { file: `${base}.tar.gz`, sha256: '0'.repeat(64), size: 0 };
  // The builder always writes both formats; a fixture packed as .tar.gz only names a .tar.zst that is not there.
  const zst = info('tar.zst') ?? { file: `${base}.tar.zst`, sha256: '0'.repeat(64), size: 0 };
  const metadata: ArtifactMetadata = sampleArtifactMetadata(new Uint8Array(), new Uint8Array(), {
    name: options.name,
    version: options.version,
    platform,
    overrides: {
      artifact: { tarGz: gz, tarZst: zst },
      recipe: { digest: createHash('sha256').update(options.name).digest('hex'), file: `recipes/${options.name}.yml` },
      source: { url: `https://example.org/${options.name}-${options.version}.tar.gz`, sha256: createHash('sha256').update(base).digest('hex'), pinned: false },
      sourceDateEpoch: epoch,
      buildDate: new Date(epoch * 1000).toISOString(),
      builtAt: '2026-01-02T03:04:05.000Z',
      ...(options.metadata as Partial<ArtifactMetadata> | undefined),
    },
  });
  const metadataFile = path.join(dir, `${base}.tar.gz.json`);
  await fs.writeFile(metadataFile, `${JSON.stringify(metadata, null, 2)}\n`);
  return { artifact: first.path, metadataFile, metadata, sha256: first.sha256 };
}

/**
 * Write an executable `dir/<program>` that stands in for grype or trivy: it
 * records its arguments in `<dir>/<program>.args` (one per line), then writes
 * `report` where the real program would with the arguments Potions passes
 * (grype `--file F`, trivy `--output F`) and exits with `exitCode`.
 */
export async function writeFakeScanner(dir: string, program: 'grype' | 'trivy', report: string, options: { exitCode?: number; version?: string } = {}): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const reportFile = path.join(dir, `${program}.report.json`);
  await fs.writeFile(reportFile, report);
  const flag = program === 'grype' ? '--file' : '--output';
  const version = options.version ?? (program === 'grype' ? '0.116.0' : '0.74.0');
  const script = `#!/bin/sh
if [ "$1" = "version" ] || [ "$1" = "--version" ]; then echo "${program} ${version}"; exit 0; fi
: > "${dir}/${program}.args"
out=""
while [ $# -gt 0 ]; do
  printf '%s\\n' "$1" >> "${dir}/${program}.args"
  if [ "$1" = "${flag}" ]; then out="$2"; fi
  shift
done
echo "fake ${program}: scanning" >&2
if [ -n "$out" ]; then cp "${reportFile}" "$out"; else cat "${reportFile}"; fi
exit ${options.exitCode ?? 0}
`;
  const file = path.join(dir, program);
  await fs.writeFile(file, script, { mode: 0o755 });
  return file;
}
