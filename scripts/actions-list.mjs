// The actions of this repository, one definition for every script: an action
// NAME is a root-level NAME/action.yml (where `uses: potions/actions/NAME@ref`
// makes GitHub look) whose runs.main points at actions/NAME/dist/index.js, the
// bundle of the sources in actions/NAME/src. The metadata lives only at the
// root; actions/NAME holds the code.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** [{ name, metadataFile, sourceDir, main }] in name order. */
export function listActions(root) {
  const out = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const metadataFile = path.join(root, entry.name, 'action.yml');
    if (!existsSync(metadataFile)) continue;
    const meta = parse(readFileSync(metadataFile, 'utf8'));
    const main = meta?.runs?.main;
    const expected = `../actions/${entry.name}/dist/index.js`;
    if (main !== expected) throw new Error(`${entry.name}/action.yml: runs.main is ${JSON.stringify(main)}, expected ${expected}`);
    const sourceDir = path.join(root, 'actions', entry.name);
    if (!existsSync(path.join(sourceDir, 'src', 'index.ts'))) throw new Error(`${entry.name}/action.yml has no sources at actions/${entry.name}/src/index.ts`);
    out.push({ name: entry.name, metadataFile, sourceDir, meta });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}
