import { UserError } from '@potions/core';

/**
 * Every error code this package throws, in one place, so that callers (the
 * CLI, the actions, the builder) can compare by `code`.
 */
export const InspectErrorCode = {
  /** A file that says it is ELF or Mach-O but whose headers point outside it or make no sense. */
  Malformed: 'E_INSPECT_MALFORMED',
  /** `setElfRunpath`: no RUNPATH/RPATH entry to rewrite, or the new string does not fit in the old one's bytes. */
  RunpathNoRoom: 'E_INSPECT_RUNPATH_NO_ROOM',
} as const;

export type InspectErrorCode = (typeof InspectErrorCode)[keyof typeof InspectErrorCode];

const HINTS: Record<InspectErrorCode, string> = {
  E_INSPECT_MALFORMED: 'the file is truncated or damaged; rebuild the artifact, or remove the file if it is not meant to be a program or library',
  E_INSPECT_RUNPATH_NO_ROOM:
    'link the file with a placeholder search path at least as long as the final one (e.g. -Wl,-rpath,<long placeholder>) so that it can be rewritten in place',
};

export function inspectError(code: InspectErrorCode, message: string, file?: string, options?: { cause?: unknown; hint?: string }): UserError {
  return new UserError(code, message, {
    cause: options?.cause,
    hint: options?.hint ?? HINTS[code],
    location: file ? { file } : undefined,
  });
}
