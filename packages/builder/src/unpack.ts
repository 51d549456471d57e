import { promises as fs } from 'node:fs';
import path from 'node:path';
import { detectFileFormat, extractArchive, sourceRoot, type ArchiveFormat } from '@potions/archive';
import type { BuildMethod } from '@potions/core';
import type { BuildJob } from './build-job';
import type { BuildLayout } from './build-steps';
import type { FetchedSource } from './fetch-source';

/** What unpacking made of the download. */
export interface UnpackedSource {
  /** `git` for a clone; `zip-kept` for an official binary's zip left for the recipe's own script. */
  format: ArchiveFormat | 'git' | 'zip-kept';
  /** SOURCE_DATE_EPOCH for this build (see `chooseSourceDateEpoch`). */
  sourceDateEpoch: number;
}

/**
 * Unpack stage: put the source at `layout.sourceRoot`. A clone is moved
 * there; an archive is extracted safely and its single top folder becomes the
 * source root; an official binary that is a zip (told by its first bytes,
 * never by reading the whole file) is moved there as it is for the recipe's
 * own script, as the recipe format has always done, unless `binary_relpath`
 * names a file inside it.
 */
export async function unpackSource(opts: {
  job: BuildJob;
  method: BuildMethod;
  fetched: FetchedSource;
  layout: BuildLayout;
  /** The caller's SOURCE_DATE_EPOCH (option, else environment). */
  sourceDateEpoch?: number;
  /** Seconds since the epoch now: a source mtime past it is not trusted. */
  nowSeconds: number;
}): Promise<UnpackedSource> {
  const { job, method, fetched, layout } = opts;
  let format: UnpackedSource['format'];
  if (fetched.kind === 'git') {
    await fs.rename(fetched.path, layout.sourceRoot);
    format = 'git';
  } else if (method === 'official-binary' && job.binaryRelpath === undefined && (await detectFileFormat(fetched.path)).kind === 'zip') {
    await fs.mkdir(layout.sourceRoot, { recursive: true });
    await fs.rename(fetched.path, path.join(layout.sourceRoot, path.basename(fetched.path)));
    format = 'zip-kept';
  } else {
    const out = path.join(layout.workDir, 'extract');
    const res = await extractArchive(fetched.path, out, { plainFileName: path.basename(fetched.path) });
    await fs.rename(await sourceRoot(out), layout.sourceRoot);
    format = res.format;
  }
  return { format, sourceDateEpoch: await chooseSourceDateEpoch(opts) };
}

const EPOCH_1980 = 315532800;

/**
 * SOURCE_DATE_EPOCH: the caller's, else the commit time of a clone, else the
 * newest mtime in the unpacked source, else 1980-01-01: the same source
 * always gives the same artifact timestamps.
 */
async function chooseSourceDateEpoch(opts: { fetched: FetchedSource; layout: BuildLayout; sourceDateEpoch?: number; nowSeconds: number }): Promise<number> {
  if (opts.sourceDateEpoch !== undefined) return opts.sourceDateEpoch;
  if (opts.fetched.commitTime !== undefined) return opts.fetched.commitTime;
  const newest = await newestMtime(opts.layout.sourceRoot);
  return newest !== undefined && newest <= opts.nowSeconds && opts.fetched.kind === 'file' && newest > EPOCH_1980 ? newest : EPOCH_1980;
}

async function newestMtime(dir: string): Promise<number | undefined> {
  let newest: number | undefined;
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const t = Math.floor((await fs.stat(p)).mtimeMs / 1000);
        if (newest === undefined || t > newest) newest = t;
      }
    }
  };
  await walk(dir);
  return newest;
}
