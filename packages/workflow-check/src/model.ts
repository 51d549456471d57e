import type { Node } from 'yaml';
import { entries, get, items, text, type YamlSource } from './source';

export interface StepInfo {
  /** 0-based position in the job. */
  index: number;
  node: Node;
  id?: string;
  uses?: string;
  usesNode?: Node;
  run?: Node;
  with?: Node;
  /** `3 (build)`: position and the step's id, name or action. */
  label: string;
}

export interface JobInfo {
  /** The job id; undefined for the steps of a composite action or a documented snippet. */
  id?: string;
  node: Node;
  /** The job's key (`build:`), where job-wide problems are reported. */
  key: Node;
  steps: StepInfo[];
  /** A reusable-workflow call (`jobs.<id>.uses`). */
  uses?: string;
  usesNode?: Node;
}

export function stepsOf(seq: unknown): StepInfo[] {
  return items(seq).map((node, index) => {
    const id = text(get(node, 'id'));
    const name = text(get(node, 'name'));
    const uses = text(get(node, 'uses'));
    const usesNode = get(node, 'uses') ?? undefined;
    const what = id ?? name ?? uses ?? (get(node, 'run') ? 'run' : undefined);
    return { index, node, id, uses, usesNode, run: get(node, 'run') ?? undefined, with: get(node, 'with') ?? undefined, label: `${index + 1}${what ? ` (${what})` : ''}` };
  });
}

/** The jobs of a workflow, in file order. */
export function jobsOf(src: YamlSource): JobInfo[] {
  return entries(get(src.root, 'jobs')).map(([id, node, pair]) => ({
    id,
    node: node as Node,
    key: pair.key as Node,
    steps: stepsOf(get(node, 'steps')),
    uses: text(get(node, 'uses')),
    usesNode: get(node, 'uses') ?? undefined,
  }));
}

/** The action a `uses:` names, without its ref: `actions/checkout`, `potions/actions/sign`, `./x`. */
export function actionName(uses: string): string {
  const at = uses.lastIndexOf('@');
  return (at < 0 ? uses : uses.slice(0, at)).toLowerCase();
}
