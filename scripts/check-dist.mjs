#!/usr/bin/env node
// Fails when a committed actions/*/dist differs from what its sources build to:
// rebuild every bundle, then ask git whether anything under actions/*/dist changed.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'scripts', 'build-actions.mjs')], { cwd: root, stdio: 'inherit' });
const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', 'actions/*/dist/**'], { cwd: root, encoding: 'utf8' });
if (status.trim() !== '') {
  console.error('The committed action bundles are stale against their sources:');
  console.error(status);
  console.error('Run `pnpm build` and commit actions/*/dist.');
  process.exit(1);
}
console.log('dist check: every action bundle matches its sources');
