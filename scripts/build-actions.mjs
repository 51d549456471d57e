#!/usr/bin/env node
// Bundle every action (actions/<name>/action.yml + src/index.ts) into actions/<name>/dist
// with @vercel/ncc, so that `uses: potions/actions/<name>@v1` needs no install step.
// `node scripts/build-actions.mjs [name...]` builds only the named ones.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, renameSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const actions = readdirSync(path.join(root, 'actions')).filter(
  (name) => existsSync(path.join(root, 'actions', name, 'action.yml')) && (only.length === 0 || only.includes(name)),
);
const ncc = path.join(root, 'node_modules', '.bin', 'ncc');

for (const name of actions) {
  const dir = path.join(root, 'actions', name);
  const out = path.join(dir, 'dist');
  const tmp = path.join(dir, '.dist-build');
  rmSync(tmp, { recursive: true, force: true });
  execFileSync(ncc, ['build', 'src/index.ts', '-o', tmp, '--license', 'licenses.txt', '--quiet', '--target', 'es2022'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  // ncc writes ESM output as index.js; the package.json marks it as a module for Node.
  writeFileSync(path.join(tmp, 'package.json'), '{ "type": "module" }\n');
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  const size = readFileSync(path.join(out, 'index.js')).length;
  console.log(`built actions/${name}/dist (${(size / 1024).toFixed(0)} KiB)`);
}
