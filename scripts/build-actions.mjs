#!/usr/bin/env node
// Bundle every action (root <name>/action.yml, sources in actions/<name>/src/index.ts) into
// actions/<name>/dist with @vercel/ncc, so that `uses: potions/actions/<name>@v1` needs no install step.
// `node scripts/build-actions.mjs [name...]` builds only the named ones.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, renameSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listActions } from './actions-list.mjs';
import { licensesText, packageRoots } from './licenses.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);
const actions = listActions(root)
  .map((a) => a.name)
  .filter((name) => only.length === 0 || only.includes(name));
for (const name of only) if (!actions.includes(name)) throw new Error(`no action named ${name} (a root-level ${name}/action.yml)`);
const ncc = path.join(root, 'node_modules', '.bin', 'ncc');

for (const name of actions) {
  const dir = path.join(root, 'actions', name);
  const out = path.join(dir, 'dist');
  const tmp = path.join(dir, '.dist-build');
  const stats = path.join(dir, '.dist-stats.json');
  rmSync(tmp, { recursive: true, force: true });
  execFileSync(ncc, ['build', 'src/index.ts', '-o', tmp, '--quiet', '--target', 'es2022', '--stats-out', stats], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  try {
    // ncc's own --license writes one file per chunk, each over the last: a bundle split by a
    // dynamic import() kept only the last chunk's licences. Collect them from every bundled module.
    writeFileSync(path.join(tmp, 'licenses.txt'), licensesFromStats(JSON.parse(readFileSync(stats, 'utf8'))));
  } finally {
    rmSync(stats, { force: true });
  }
  // ncc writes ESM output as index.js; the package.json marks it as a module for Node.
  writeFileSync(path.join(tmp, 'package.json'), '{ "type": "module" }\n');
  // Anything else in the output is an asset ncc's relocator copied because it took a runtime
  // path expression for a file beside the bundle (and rewrote that expression to a constant).
  const unexpected = readdirSync(tmp).filter((f) => !/^(\d+\.)?index\.js$|^licenses\.txt$|^package\.json$/.test(f));
  if (unexpected.length > 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`actions/${name}: ncc emitted unexpected assets (${unexpected.join(', ')}): a path expression in the sources was taken for a file next to the bundle; rewrite it (see packages/inspect/src/resolve.ts underFolder)`);
  }
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  const size = readFileSync(path.join(out, 'index.js')).length;
  console.log(`built actions/${name}/dist (${(size / 1024).toFixed(0)} KiB)`);
}

/** Every npm package a bundle holds, with its licence and licence text, from ncc's stats (webpack's module list). */
function licensesFromStats(statsJson) {
  const files = [];
  const visit = (m) => {
    // The module's file is the last part of its identifier, after the loaders.
    files.push(String(m.identifier ?? '').split('!').pop().split('|')[0].split('?')[0]);
    for (const inner of m.modules ?? []) visit(inner);
  };
  for (const m of statsJson.modules ?? []) visit(m);
  return licensesText(packageRoots(files));
}
