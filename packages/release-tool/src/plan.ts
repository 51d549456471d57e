/**
 * What cut and rollback share: the options that say where to work, and the
 * checks a plan records (each passed or refused, with a reason).
 */
import { UserError, type Exec, type Reporter } from '@potions/core';
import type { ReleaseErrorCode } from './errors';
import { Git } from './git';

export const DEFAULT_REMOTE = 'origin';

export interface ReleaseContext {
  /** The working copy to release from. */
  cwd: string;
  /** The remote that holds the tags; default `origin`. */
  remote?: string;
  exec?: Exec;
  /** The environment of git; default the process's. */
  env?: Record<string, string | undefined>;
  /** Added to the environment of git commands that reach the remote: credentials as `GIT_CONFIG_*` variables. */
  remoteEnv?: Record<string, string>;
  reporter?: Reporter;
}

/** One thing the plan checked. */
export interface PlanCheck {
  /** `clean-tree`, `new-version`, `ci`, ... */
  id: string;
  ok: boolean;
  message: string;
  /** Why it was refused, by code. */
  code?: ReleaseErrorCode;
  hint?: string;
}

export function gitFor(ctx: ReleaseContext): Git {
  return new Git({ cwd: ctx.cwd, exec: ctx.exec, env: ctx.env, remoteEnv: ctx.remoteEnv });
}

export const passed = (id: string, message: string): PlanCheck => ({ id, ok: true, message });

export const refused = (id: string, code: ReleaseErrorCode, message: string, hint?: string): PlanCheck => ({ id, ok: false, code, message, ...(hint ? { hint } : {}) });

/** The refusals of a plan as one `UserError` (the first one's code), or nothing when every check passed. */
export function assertAllowed(what: string, checks: readonly PlanCheck[]): void {
  const refusals = checks.filter((c) => !c.ok);
  const first = refusals[0];
  if (!first) return;
  const reasons = refusals.length === 1 ? first.message : refusals.map((r, i) => `(${i + 1}) ${r.message}`).join('; ');
  throw new UserError(first.code ?? 'E_RELEASE_REFUSED', `refused to ${what}: ${reasons}`, { ...(first.hint ? { hint: first.hint } : {}) });
}
