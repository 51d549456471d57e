import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** What an input or a secret of an action or a called workflow asks for. */
export interface Parameter {
  /** Required and without a default: a caller must give it. */
  required: boolean;
}

/** The interface of an action or a reusable workflow found in the checked repository. */
export interface ResolvedInterface {
  kind: 'action' | 'workflow';
  /** The action.yml or workflow file, relative to the root. */
  file: string;
  inputs: Map<string, Parameter>;
  outputs: Set<string>;
  /** Reusable workflows only. */
  secrets: Map<string, Parameter>;
}

export type Resolution =
  | ResolvedInterface
  /** Ours (this repository, or `./`) but not there: `looked` lists what GitHub would open. */
  | { kind: 'missing'; looked: string[]; hint?: string }
  /** Another repository's action: not resolved offline. */
  | { kind: 'external' };

const str = (v: unknown): boolean => v !== undefined && v !== null;

function parameters(map: unknown): Map<string, Parameter> {
  const out = new Map<string, Parameter>();
  if (map && typeof map === 'object') {
    for (const [k, v] of Object.entries(map as Record<string, { required?: unknown; default?: unknown } | null>)) {
      out.set(k, { required: v?.required === true && !str(v?.default) });
    }
  }
  return out;
}

async function readYaml(file: string): Promise<unknown | undefined> {
  try {
    return parse(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Finds the actions and reusable workflows a `uses:` names the way GitHub
 * does: `owner/repo/<path>@ref` of this repository and `./<path>` are read
 * from the repository root (`<root>/<path>/action.yml`, or the workflow file
 * itself), never from where the sources happen to live. Results are cached.
 */
export class UsesResolver {
  private readonly cache = new Map<string, Promise<Resolution>>();
  constructor(
    private readonly root: string,
    /** `owner/repo` of the repository checked, lower case. */
    private readonly repository: string,
  ) {}

  /** The path inside this repository a `uses:` points at, or undefined for another repository or a docker image. */
  localPath(uses: string): string | undefined {
    if (uses.startsWith('./')) return path.posix.normalize(uses.slice(2)).replace(/\/$/, '');
    const m = /^([^@]+)@.+$/.exec(uses);
    if (!m) return undefined;
    const parts = (m[1] as string).split('/');
    if (parts.length < 2 || `${parts[0]}/${parts[1]}`.toLowerCase() !== this.repository) return undefined;
    return parts.slice(2).join('/');
  }

  resolve(uses: string): Promise<Resolution> {
    const local = this.localPath(uses);
    if (local === undefined) return Promise.resolve({ kind: 'external' });
    let hit = this.cache.get(local);
    if (!hit) {
      hit = this.load(local);
      this.cache.set(local, hit);
    }
    return hit;
  }

  private async load(local: string): Promise<Resolution> {
    if (/\.ya?ml$/.test(local)) {
      const value = (await readYaml(path.join(this.root, local))) as { on?: { workflow_call?: { inputs?: unknown; outputs?: unknown; secrets?: unknown } } } | undefined;
      if (value === undefined) return { kind: 'missing', looked: [local] };
      const call = value.on && typeof value.on === 'object' ? value.on.workflow_call : undefined;
      return {
        kind: 'workflow',
        file: local,
        inputs: parameters(call?.inputs),
        outputs: new Set(Object.keys((call?.outputs as object | null) ?? {})),
        secrets: parameters(call?.secrets),
      };
    }
    const looked = ['action.yml', 'action.yaml'].map((f) => path.posix.join(local, f));
    for (const file of looked) {
      const value = (await readYaml(path.join(this.root, file))) as { inputs?: unknown; outputs?: unknown } | undefined;
      if (value === undefined) continue;
      return { kind: 'action', file, inputs: parameters(value.inputs), outputs: new Set(Object.keys((value.outputs as object | null) ?? {})), secrets: new Map() };
    }
    const elsewhere = path.posix.join('actions', local, 'action.yml');
    const exists = await fs.stat(path.join(this.root, elsewhere)).then(
      () => true,
      () => false,
    );
    return { kind: 'missing', looked, hint: exists ? `${elsewhere} exists, but GitHub reads the path from the repository root` : undefined };
  }
}
