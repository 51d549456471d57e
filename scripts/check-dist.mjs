#!/usr/bin/env node
// Fails when a committed bundle differs from what its sources build to: rebuild every action bundle
// (actions/*/dist) and the CLI (packages/cli/dist), then ask git whether anything under them changed.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundles = [
  { script: 'build-actions.mjs', pathspec: 'actions/*/dist/**', what: 'action bundles', fix: 'Run `pnpm build` and commit actions/*/dist.' },
  { script: 'build-cli.mjs', pathspec: 'packages/cli/dist', what: 'CLI bundle', fix: 'Run `pnpm build:cli` and commit packages/cli/dist.' },
];
let stale = false;
for (const b of bundles) {
  execFileSync(process.execPath, [path.join(root, 'scripts', b.script)], { cwd: root, stdio: 'inherit' });
  const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', b.pathspec], { cwd: root, encoding: 'utf8' });
  if (status.trim() !== '') {
    console.error(`The committed ${b.what} ${b.what.endsWith('s') ? 'are' : 'is'} stale against the sources:`);
    console.error(status);
    console.error(b.fix);
    stale = true;
  }
}
if (stale) process.exit(1);
console.log('dist check: every action bundle and the CLI bundle match their sources');
