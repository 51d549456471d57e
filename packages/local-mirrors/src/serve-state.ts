/**
 * `<dir>/serve.json`: where a running `potions mirrors serve` listens, so
 * other commands find local mirrors on non-default ports; and the lookup
 * that finds running local mirrors (that file, else the default ports).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@potions/core';
import { DEFAULT_LOCAL_PORTS, isLocalMirrorRunning, localMirrorConfig, type LocalMirrorConfig } from './config';

export const SERVE_STATE_FILE = 'serve.json';

export interface ServeState {
  pid: number;
  endpoints: string[];
  ports: number[];
}

export async function writeServeState(dir: string, mirrors: readonly LocalMirrorConfig[]): Promise<string> {
  const file = path.join(dir, SERVE_STATE_FILE);
  const state: ServeState = {
    pid: process.pid,
    endpoints: mirrors.map((m) => m.endpoint),
    ports: mirrors.map((m) => Number(new URL(m.endpoint).port)),
  };
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
  return file;
}

/** Remove the state file if it is still this process's (a later serve may have replaced it). */
export async function removeServeState(file: string): Promise<void> {
  try {
    const state = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<ServeState>;
    if (state.pid === process.pid) await fs.rm(file, { force: true });
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * The mirrors of a `potions mirrors serve` running on `dir` (from its
 * `serve.json`), or undefined when none is: no file, a stale file whose
 * process is gone, or a port that no longer answers as a Potions mirror.
 */
export async function runningLocalMirrors(dir: string): Promise<LocalMirrorConfig[] | undefined> {
  let state: Partial<ServeState>;
  try {
    state = JSON.parse(await fs.readFile(path.join(dir, SERVE_STATE_FILE), 'utf8')) as Partial<ServeState>;
  } catch {
    return undefined;
  }
  const ports = state.ports;
  if (typeof state.pid !== 'number' || !Array.isArray(ports) || ports.length === 0 || !ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
    return undefined;
  }
  if (!processAlive(state.pid)) return undefined;
  const up = await Promise.all(ports.map((p) => isLocalMirrorRunning(p)));
  return up.every(Boolean) ? ports.map((p, i) => localMirrorConfig(i, p)) : undefined;
}

/**
 * Running local mirrors for a command given no configuration: the
 * `potions mirrors serve` running on `dir` (its serve.json), else one on the
 * default ports, else undefined (the caller says how to get some).
 */
export async function findRunningLocalMirrors(dir: string): Promise<LocalMirrorConfig[] | undefined> {
  const announced = await runningLocalMirrors(dir);
  if (announced) return announced;
  const up = await Promise.all(DEFAULT_LOCAL_PORTS.map((p) => isLocalMirrorRunning(p)));
  return up.every(Boolean) ? DEFAULT_LOCAL_PORTS.map((p, i) => localMirrorConfig(i, p)) : undefined;
}
