/**
 * One call for the edges (the CLI, the action, the release): inventory an
 * artifact once and write its SBOM in each format asked for, each file
 * complete or not at all (written to a temporary name, then renamed).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { UserError, writeFileAtomic } from '@potions/core';
import { cycloneDxJson, validateCycloneDx } from './cyclonedx';
import { SbomErrorCode } from './errors';
import { inventoryArtifact, type ArtifactInventory, type InventoryOptions } from './inventory';
import { spdxJson } from './spdx';

export const SBOM_FORMATS = ['cyclonedx', 'spdx'] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

/** The format names the manifest uses for each SBOM (`sboms[].format`). */
export const SBOM_MANIFEST_FORMAT: Readonly<Record<SbomFormat, string>> = { cyclonedx: 'cyclonedx-json', spdx: 'spdx-json' };

const SUFFIX: Readonly<Record<SbomFormat, string>> = { cyclonedx: '.cdx.json', spdx: '.spdx.json' };

export function isSbomFormat(value: string): value is SbomFormat {
  return (SBOM_FORMATS as readonly string[]).includes(value);
}

export function assertSbomFormat(value: string): SbomFormat {
  if (!isSbomFormat(value)) {
    throw new UserError(SbomErrorCode.Option, `unknown SBOM format "${value}"`, { hint: `use one of: ${SBOM_FORMATS.join(', ')}` });
  }
  return value;
}

/** `<dir>/<name>-<version>-<platform>.cdx.json` (or `.spdx.json`) beside the artifact: the names the release publishes. */
export function defaultSbomPath(artifact: string, format: SbomFormat): string {
  const base = path.basename(artifact).replace(/\.tar\.(gz|zst)$/, '');
  return path.join(path.dirname(path.resolve(artifact)), `${base}${SUFFIX[format]}`);
}

/** The document of one format (CycloneDX validated against its schema first). */
export async function renderSbom(inventory: ArtifactInventory, format: SbomFormat): Promise<string> {
  if (format === 'spdx') return spdxJson(inventory);
  const json = cycloneDxJson(inventory);
  await validateCycloneDx(json);
  return json;
}

export interface WrittenSbom {
  format: SbomFormat;
  /** Absolute path. */
  file: string;
  sha256: string;
  size: number;
}

export interface WriteSbomsOptions extends InventoryOptions {
  /** What to write where; each file is replaced whole. */
  outputs: readonly { format: SbomFormat; file: string }[];
}

/** Inventory the artifact and write each SBOM. */
export async function writeSboms(options: WriteSbomsOptions): Promise<{ inventory: ArtifactInventory; sboms: WrittenSbom[] }> {
  const inventory = await inventoryArtifact(options);
  const sboms: WrittenSbom[] = [];
  for (const { format, file } of options.outputs) {
    const text = await renderSbom(inventory, format);
    const dest = path.resolve(file);
    await writeFileAtomic(dest, text);
    sboms.push({ format, file: dest, sha256: createHash('sha256').update(text).digest('hex'), size: Buffer.byteLength(text) });
  }
  return { inventory, sboms };
}
