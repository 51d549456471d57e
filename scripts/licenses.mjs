// The licences of the npm packages a bundle holds, in ncc's licenses.txt format: for each package,
// sorted by name, its name, its licence (package.json) and the text of its LICENSE/COPYING file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The folder of each npm package that `files` (bundled module paths) come from, by package name. */
export function packageRoots(files) {
  const roots = new Map();
  for (const file of files) {
    const all = [...file.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].filter((x) => x[1] !== '.pnpm');
    const last = all[all.length - 1];
    if (last && !roots.has(last[1])) roots.set(last[1], file.slice(0, last.index + last[0].length));
  }
  return roots;
}

/** licenses.txt for the packages of `packageRoots`. */
export function licensesText(roots) {
  const entries = [];
  for (const [pkg, pkgDir] of [...roots].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let license = 'UNKNOWN';
    try {
      const meta = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
      license = typeof meta.license === 'string' ? meta.license : (meta.license?.type ?? license);
    } catch {
      // a package without package.json beside the module: its licence is unknown
    }
    const file = existsSync(pkgDir) ? readdirSync(pkgDir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f)) : undefined;
    const text = file ? readFileSync(path.join(pkgDir, file), 'utf8').trim() : '';
    entries.push([pkg, license, text].filter((x) => x !== '').join('\n'));
  }
  return `${entries.join('\n\n')}\n`;
}
