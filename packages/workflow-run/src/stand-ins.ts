/**
 * The third-party actions a release workflow uses, stood in for by local
 * equivalents: `actions/checkout` copies the calling repository's folder into
 * the workspace (with its .git, so `git diff` works as after fetch-depth 0),
 * and the artifact actions go to a `LocalArtifactStore`. Each checks the
 * action is pinned to a commit SHA, as the workflow rules require.
 */
import { promises as fs } from 'node:fs';
import type { LocalArtifactStore } from './artifacts';
import type { StandIn } from './runner';

export interface StandInOptions {
  /** The calling repository, as a folder (a git work tree). */
  callerDir: string;
  artifacts: LocalArtifactStore;
}

export function localStandIns(options: StandInOptions): Record<string, StandIn> {
  return {
    'actions/checkout': async ({ inputs, workspace }) => {
      await fs.cp(options.callerDir, workspace, { recursive: true });
      return { warnings: inputs['persist-credentials'] === 'false' ? [] : ['actions/checkout keeps the token in .git/config (persist-credentials is not false)'] };
    },
    'actions/upload-artifact': async ({ inputs, workspace, attempt }) => options.artifacts.upload(inputs, workspace, attempt),
    'actions/download-artifact': async ({ inputs, workspace }) => {
      const { outputs } = await options.artifacts.download(inputs, workspace);
      return { outputs };
    },
  };
}
