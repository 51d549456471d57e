import * as core from '@actions/core';
import { describeError, isUserError } from '@potions/core';

/**
 * Wrap an action's `main`: any error that escapes becomes a failed step. A user's
 * mistake is one annotation on the file and line it names; anything else is
 * reported as a bug, with its stack.
 */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (isUserError(err)) {
      const loc = err.location;
      const message = err.hint ? `${err.message} (hint: ${err.hint})` : err.message;
      core.error(loc?.field ? `${loc.field}: ${message}` : message, {
        file: loc?.file,
        startLine: loc?.line,
        title: 'Potions',
      });
      core.setFailed(message);
    } else {
      core.setFailed(describeError(err));
    }
  }
}
