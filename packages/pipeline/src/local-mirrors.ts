/**
 * The two embedded mirrors of local mode:
 *
 * - on fixed ports (the default 4568, 4569): the ones `potions mirrors serve`
 *   keeps running when it runs (found by probing the ports, or, with the
 *   default ports, by the `serve.json` it writes in the work folder's mirror
 *   data), otherwise started for this run with their data under
 *   `<workDir>/.potions/mirrors`, kept between runs, and stopped at its end;
 * - on free ports (`0,0`): throw-away mirrors, started for this run with their
 *   data in a fresh folder that is removed at its end. A manifest published
 *   there names ports that are gone after the run, so none of it is kept
 *   (issue 9: such URLs used to stay in the work folder's manifest).
 *
 * Probing every port first (rather than `startLocalMirrors` with
 * `reuseRunning`) keeps a run from mixing a running mirror with one of its own.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '@potions/core';
import { isLocalMirrorRunning, localMirrorConfig, runningLocalMirrors, startLocalMirrors } from '@potions/local-mirrors';
import { MANIFEST_KEY } from '@potions/manifest';
import type { ManifestStore } from '@potions/manifest';
import type { MirrorConfig } from '@potions/mirrors';
import { PipelineErrorCode } from './errors';
import type { LocalPorts } from './release-setup';

/** `<potionsDir>/throwaway-mirrors-XXXXXX`: the data of throw-away mirrors, removed at the end of their run. */
export const THROWAWAY_MIRRORS_PREFIX = 'throwaway-mirrors-';

export interface OpenedLocalMirrors {
  mirrors: MirrorConfig[];
  /** True: started for this run (`close` stops them); false: a running `mirrors serve`. */
  started: boolean;
  /** Throw-away mirrors: `close` also removes their data. */
  throwaway: boolean;
  /** Throw-away mirrors: their run's own folder (for anything else the run must not keep). */
  scratch?: string;
  close(): Promise<void>;
}

/** Remove the data of throw-away mirrors a killed run left (the caller holds the work folder, so none is in use). */
async function sweepThrowaway(potionsDir: string): Promise<void> {
  const names = await fs.readdir(potionsDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(THROWAWAY_MIRRORS_PREFIX))) {
    await fs.rm(path.join(potionsDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

export async function openLocalMirrors(potionsDir: string, local: LocalPorts): Promise<OpenedLocalMirrors> {
  await sweepThrowaway(potionsDir);
  if (local.throwaway) {
    const scratch = await fs.mkdtemp(path.join(potionsDir, THROWAWAY_MIRRORS_PREFIX));
    try {
      const started = await startLocalMirrors({ dir: path.join(scratch, 'mirrors'), ports: local.ports, count: local.ports.length, reuseRunning: false });
      return {
        mirrors: started.mirrors,
        started: true,
        throwaway: true,
        scratch,
        close: async () => {
          await started.close();
          await fs.rm(scratch, { recursive: true, force: true });
        },
      };
    } catch (err) {
      await fs.rm(scratch, { recursive: true, force: true });
      throw err;
    }
  }
  const dir = path.join(potionsDir, 'mirrors');
  if (!local.given) {
    // A `mirrors serve` of this work folder, on whatever ports it announced.
    const announced = await runningLocalMirrors(dir);
    if (announced) return { mirrors: announced, started: false, throwaway: false, close: async () => undefined };
  }
  const { ports } = local;
  const running = await Promise.all(ports.map((p) => isLocalMirrorRunning(p)));
  if (running.every(Boolean)) {
    return { mirrors: ports.map((p, i) => localMirrorConfig(i, p)), started: false, throwaway: false, close: async () => undefined };
  }
  if (running.some(Boolean)) {
    const up = ports.filter((_, i) => running[i]);
    throw new UserError(PipelineErrorCode.LocalPorts, `a local mirror answers on port ${up.join(', ')} but not on every port of ${ports.join(', ')}`, {
      hint: 'restart the running local mirrors, or choose other ports',
    });
  }
  const started = await startLocalMirrors({ dir, ports, count: ports.length, reuseRunning: false });
  return { mirrors: started.mirrors, started: true, throwaway: false, close: () => started.close() };
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
