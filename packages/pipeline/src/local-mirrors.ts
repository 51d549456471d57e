/**
 * The two embedded mirrors of local mode: the ones `potions mirrors serve`
 * keeps running when it runs (found by probing the ports), otherwise started
 * for this run with their data under `<workDir>/.potions/mirrors` and stopped
 * at its end. Probing every port first (rather than `startLocalMirrors` with
 * `reuseRunning`) keeps a run from mixing a running mirror with one of its own.
 */
import { UserError } from '@potions/core';
import { isLocalMirrorRunning, localMirrorConfig, startLocalMirrors } from '@potions/local-mirrors';
import { MANIFEST_KEY } from '@potions/manifest';
import type { ManifestStore } from '@potions/manifest';
import type { MirrorConfig } from '@potions/mirrors';
import { PipelineErrorCode } from './errors';

export interface OpenedLocalMirrors {
  mirrors: MirrorConfig[];
  /** True: started for this run (`close` stops them); false: a running `mirrors serve`. */
  started: boolean;
  close(): Promise<void>;
}

export async function openLocalMirrors(dir: string, ports: readonly number[]): Promise<OpenedLocalMirrors> {
  const fixed = ports.filter((p) => p !== 0);
  const running = await Promise.all(fixed.map((p) => isLocalMirrorRunning(p)));
  if (fixed.length === ports.length && running.length > 0 && running.every(Boolean)) {
    return { mirrors: ports.map((p, i) => localMirrorConfig(i, p)), started: false, close: async () => undefined };
  }
  if (running.some(Boolean)) {
    const up = fixed.filter((_, i) => running[i]);
    throw new UserError(PipelineErrorCode.Options, `a local mirror answers on port ${up.join(', ')} but not on every port of ${ports.join(', ')}`, {
      hint: 'restart the running local mirrors, or choose other ports',
    });
  }
  const local = await startLocalMirrors({ dir, ports, count: ports.length, reuseRunning: false });
  return { mirrors: local.mirrors, started: true, close: () => local.close() };
}

/** The key ids of the signatures on manifest bytes (unverified: only to tell whose they are), or undefined when unreadable. */
function signatureKeyids(bytes: Uint8Array): string[] | undefined {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { signatures?: { keyid?: unknown }[] };
    const ids = (doc.signatures ?? []).map((s) => s.keyid).filter((k): k is string => typeof k === 'string');
    return ids.length > 0 ? ids : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Running local mirrors are found by their ports alone (a `mirrors serve` in
 * another work folder answers the same way). Their manifest tells whose they
 * are: when it is signed by none of this work folder's keys, the publish would
 * be refused at the end of the release, so say so before anything is built.
 */
export async function assertRunningMirrorsAreOurs(
  mirrors: readonly { endpoint: string; store: ManifestStore }[],
  ourKeyids: readonly string[],
): Promise<void> {
  if (ourKeyids.length === 0) return;
  for (const m of mirrors) {
    const stored = await m.store.get(MANIFEST_KEY).catch(() => undefined);
    const theirs = stored ? signatureKeyids(stored.bytes) : undefined;
    if (!theirs || theirs.some((k) => ourKeyids.includes(k))) continue;
    const hostPorts = mirrors.map((x) => new URL(x.endpoint)).map((u, i) => (i === 0 ? u.host : u.port)).join('/');
    throw new UserError(
      PipelineErrorCode.ForeignMirrors,
      `the mirrors on ${hostPorts} belong to another work dir (their manifest is signed by key ${theirs.map((k) => k.slice(0, 16)).join(', ')}, this work dir's key is ${ourKeyids[0]!.slice(0, 16)})`,
      { hint: 'local mirrors started from another work folder answer on these ports, and their manifest cannot be extended with this folder\'s signing key: stop them, or use other ports or that work folder' },
    );
  }
}
