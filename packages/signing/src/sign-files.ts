/**
 * The one signing flow the CLI, the actions and the release share: sign each
 * file into `<file>.sigstore.json`, and each build's provenance into
 * `<name>-<version>-<platform>.provenance.sigstore.json`, written atomically
 * after the bundle was read back as a valid Sigstore bundle.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError, errorMessage, readArtifactMetadataFile, silentReporter, writeFileAtomic } from '@potions/core';
import type { Reporter } from '@potions/core';
import { bundlePathFor, parseBundle } from './bundle';
import { SigningErrorCode } from './errors';
import { provenanceBundleName, provenanceStatement, subjectsOfBuild } from './provenance';
import type { BuildContext, InTotoSubject } from './provenance';
import type { ArtifactSigner, SignedBundle } from './signer';

/** A bundle written, with what a report shows about it. */
export interface WrittenBundle extends Omit<SignedBundle, 'bundle'> {
  bundleFile: string;
}

export interface SignedFile extends WrittenBundle {
  file: string;
  sha256: string;
  size: number;
}

export interface SignedProvenance extends WrittenBundle {
  metadataFile: string;
  subjects: InTotoSubject[];
}

export interface SignFilesOptions {
  signer: ArtifactSigner;
  /** Write the bundles here instead of next to each file. */
  outDir?: string;
  reporter?: Reporter;
}

async function readInput(file: string, what: string, code: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    throw new UserError(code, `cannot read the ${what} ${file}: ${errorMessage(err)}`, { location: { file } });
  }
}

async function writeBundle(file: string, signed: SignedBundle): Promise<WrittenBundle> {
  const text = `${JSON.stringify(signed.bundle)}\n`;
  // What goes to disk must read back as a bundle: a bug here must not ship an unreadable signature.
  parseBundle(text, file);
  await writeFileAtomic(file, text);
  const { bundle: _bundle, ...facts } = signed;
  return { ...facts, bundleFile: file };
}

const describe = (s: WrittenBundle): string =>
  s.kind === 'keyless' ? `keyless, ${s.certificateIdentity ?? 'no identity'}, Rekor log index ${s.logIndex ?? 'none'}` : `key ${s.keyId?.slice(0, 16)}`;

function assertDistinctBundles(targets: string[], what: string): void {
  const seen = new Map<string, number>();
  targets.forEach((t, i) => {
    const earlier = seen.get(t);
    if (earlier !== undefined) {
      throw new UserError(SigningErrorCode.BundleCollision, `${what} ${earlier + 1} and ${i + 1} would both write ${t}`, { hint: 'sign files with the same name into different folders' });
    }
    seen.set(t, i);
  });
}

/** Sign every file into `<file>.sigstore.json` (beside it, or in `outDir`). */
export async function signFiles(files: string[], options: SignFilesOptions): Promise<SignedFile[]> {
  const reporter = options.reporter ?? silentReporter;
  const targets = files.map((f) => bundlePathFor(f, options.outDir));
  assertDistinctBundles(targets, 'files');
  const out: SignedFile[] = [];
  for (const [i, file] of files.entries()) {
    const bytes = await readInput(file, 'file to sign', SigningErrorCode.Unreadable);
    const written = await writeBundle(targets[i]!, await options.signer.sign(bytes));
    const signed = { ...written, file, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
    reporter.info(`signed ${file} -> ${signed.bundleFile} (${describe(signed)})`);
    out.push(signed);
  }
  return out;
}

export interface SignProvenanceOptions extends SignFilesOptions {
  context: BuildContext;
}

/**
 * For each build metadata file: check that its artifacts are beside it with
 * the digests it states, then sign the SLSA provenance statement of that
 * build (subjects: its `.tar.gz` and `.tar.zst`).
 */
export async function signProvenance(metadataFiles: string[], options: SignProvenanceOptions): Promise<SignedProvenance[]> {
  const reporter = options.reporter ?? silentReporter;
  const builds = [];
  for (const metadataFile of metadataFiles) {
    const metadata = await readArtifactMetadataFile(metadataFile);
    for (const a of [metadata.artifact.tarGz, metadata.artifact.tarZst]) {
      const file = path.join(path.dirname(metadataFile), a.file);
      const bytes = await readInput(file, `artifact that ${metadataFile} names,`, SigningErrorCode.ProvenanceInput);
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== a.sha256) {
        throw new UserError(SigningErrorCode.ProvenanceInput, `${file} has sha256 ${actual}, but ${metadataFile} says ${a.sha256}: provenance would describe another file`, {
          location: { file: metadataFile, field: 'artifact' },
        });
      }
    }
    builds.push({ metadataFile, metadata, target: path.join(options.outDir ?? path.dirname(metadataFile), provenanceBundleName(metadata)) });
  }
  assertDistinctBundles(builds.map((b) => b.target), 'metadata files');
  const out: SignedProvenance[] = [];
  for (const b of builds) {
    const written = await writeBundle(b.target, await options.signer.signStatement(provenanceStatement(b.metadata, options.context)));
    const signed = { ...written, metadataFile: b.metadataFile, subjects: subjectsOfBuild(b.metadata) };
    reporter.info(`signed the provenance of ${b.metadata.name} ${b.metadata.version} (${b.metadata.platform}) -> ${signed.bundleFile} (${describe(signed)})`);
    out.push(signed);
  }
  return out;
}
