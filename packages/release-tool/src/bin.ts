#!/usr/bin/env node
/** `pnpm release:cut ...` / `pnpm release:rollback ...`: see docs/releasing.md. */
import { runReleaseTool } from './cli';

process.exitCode = await runReleaseTool(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
