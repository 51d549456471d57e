/**
 * Stand-in for GitHub's artifact storage of one workflow run, and for the
 * steps that use it: `actions/upload-artifact` and `actions/download-artifact`
 * (v4 and later, whose behaviour this follows: names unique in a run unless
 * `overwrite`, each upload a new id, files stored relative to the least common
 * ancestor of the search paths, hidden files left out, download by name, by
 * ids or by pattern, into one folder or one per artifact). Artifacts outlive
 * the attempt that uploaded them, as on GitHub: a re-run sees them.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';

export interface StoredArtifact {
  id: string;
  name: string;
  /** Paths relative to the artifact's root. */
  files: string[];
  digest: string;
  /** The run attempt that uploaded it. */
  attempt: number;
}

const GLOB = /[*?[\]{}]/;

async function walk(dir: string, hidden: boolean): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!hidden && e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p, hidden)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The files a `path:` input names (lines, globs, `!` exclusions) and the root they are stored relative to. */
export async function searchFiles(pathInput: string, workspace: string, includeHidden = false): Promise<{ root: string; files: string[] }> {
  const lines = pathInput.split('\n').map((l) => l.trim()).filter(Boolean);
  const includes = lines.filter((l) => !l.startsWith('!')).map((l) => path.resolve(workspace, l));
  const excludes = lines.filter((l) => l.startsWith('!')).map((l) => picomatch(path.resolve(workspace, l.slice(1)), { dot: true }));
  const files = new Set<string>();
  const roots: string[] = [];
  for (const pattern of includes) {
    const parts = pattern.split(path.sep);
    const firstGlob = parts.findIndex((p) => GLOB.test(p));
    if (firstGlob < 0) {
      const stat = await fs.stat(pattern).catch(() => undefined);
      if (stat?.isDirectory()) {
        roots.push(pattern);
        for (const f of await walk(pattern, includeHidden)) files.add(f);
      } else if (stat?.isFile()) {
        roots.push(path.dirname(pattern));
        files.add(pattern);
      }
      continue;
    }
    const base = parts.slice(0, firstGlob).join(path.sep) || path.sep;
    roots.push(base);
    const match = picomatch(pattern, { dot: includeHidden });
    for (const f of await walk(base, includeHidden)) if (match(f)) files.add(f);
  }
  const kept = [...files].filter((f) => !excludes.some((x) => x(f))).sort();
  return { root: commonAncestor(roots.length > 0 ? roots : [workspace]), files: kept };
}

function commonAncestor(dirs: readonly string[]): string {
  const split = dirs.map((d) => d.split(path.sep));
  const first = split[0] as string[];
  let n = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < n && parts[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(path.sep) || path.sep;
}

/** The artifacts of one run, kept in a folder. */
export class LocalArtifactStore {
  private nextId = 1000;
  private readonly artifacts: StoredArtifact[] = [];
  constructor(readonly dir: string) {}

  list(): StoredArtifact[] {
    return [...this.artifacts];
  }

  /** upload-artifact: the step's inputs (already evaluated) in, its outputs out; an error fails the step. */
  async upload(inputs: Record<string, string>, workspace: string, attempt: number): Promise<{ outputs: Record<string, string>; warnings: string[] }> {
    const name = inputs.name || 'artifact';
    if (!inputs.path) throw new Error('Input required and not supplied: path');
    const ifNone = inputs['if-no-files-found'] || 'warn';
    const { root, files } = await searchFiles(inputs.path, workspace, inputs['include-hidden-files'] === 'true');
    if (files.length === 0) {
      const message = `No files were found with the provided path: ${inputs.path}. No artifacts will be uploaded.`;
      if (ifNone === 'error') throw new Error(message);
      return { outputs: {}, warnings: ifNone === 'warn' ? [message] : [] };
    }
    const existing = this.artifacts.findIndex((a) => a.name === name);
    if (existing >= 0) {
      if (inputs.overwrite !== 'true') throw new Error(`Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run`);
      const [old] = this.artifacts.splice(existing, 1);
      await fs.rm(path.join(this.dir, (old as StoredArtifact).id), { recursive: true, force: true });
    }
    const id = String(this.nextId++);
    const hash = createHash('sha256');
    const rel: string[] = [];
    for (const f of files) {
      const r = path.relative(root, f);
      const to = path.join(this.dir, id, r);
      await fs.mkdir(path.dirname(to), { recursive: true });
      const bytes = await fs.readFile(f);
      await fs.writeFile(to, bytes);
      hash.update(r).update(bytes);
      rel.push(r);
    }
    const digest = hash.digest('hex');
    this.artifacts.push({ id, name, files: rel, digest, attempt });
    return { outputs: { 'artifact-id': id, 'artifact-url': `https://github.com/artifacts/${id}`, 'artifact-digest': digest }, warnings: [] };
  }

  /** download-artifact: by name, by ids or by pattern (all when none), into `path` (one folder per artifact unless merged). */
  async download(inputs: Record<string, string>, workspace: string): Promise<{ outputs: Record<string, string>; downloaded: StoredArtifact[] }> {
    const target = path.resolve(workspace, inputs.path || '.');
    if (inputs.name && inputs['artifact-ids']) throw new Error("Inputs 'name' and 'artifact-ids' cannot be used together. Please specify only one.");
    let chosen: StoredArtifact[];
    let single = false;
    if (inputs.name) {
      const a = this.artifacts.find((x) => x.name === inputs.name);
      if (!a) throw new Error(`Unable to download artifact(s): Artifact '${inputs.name}' not found`);
      chosen = [a];
      single = true;
    } else if (inputs['artifact-ids']) {
      const ids = inputs['artifact-ids'].split(',').map((s) => s.trim()).filter(Boolean);
      const missing = ids.filter((i) => !this.artifacts.some((a) => a.id === i));
      if (missing.length > 0) throw new Error(`Unable to download artifact(s): Artifact IDs not found: ${missing.join(', ')}`);
      chosen = this.artifacts.filter((a) => ids.includes(a.id));
      single = chosen.length === 1;
    } else {
      const match = inputs.pattern ? picomatch(inputs.pattern) : () => true;
      chosen = this.artifacts.filter((a) => match(a.name));
    }
    const merge = inputs['merge-multiple'] === 'true';
    for (const a of chosen) {
      const into = single || merge ? target : path.join(target, a.name);
      for (const f of a.files) {
        await fs.mkdir(path.dirname(path.join(into, f)), { recursive: true });
        await fs.copyFile(path.join(this.dir, a.id, f), path.join(into, f));
      }
    }
    return { outputs: { 'download-path': target }, downloaded: chosen };
  }
}
