#!/usr/bin/env node
// Bundle the `potions` CLI (packages/cli/src/bin.ts) into packages/cli/dist with esbuild, so that
// `node_modules/.bin/potions` and `pnpm potions` start in plain Node, without transpiling the workspace.
//
// - dist/potions.mjs is the entry: commander, the command table and the error path, nothing more;
//   each command group (commands/index.ts imports them with import()) and what it alone uses is a
//   chunk of its own in dist/chunks/, loaded only when that group runs. The build fails when a heavy
//   package (the AWS SDK, s3rver, openpgp, sigstore, cyclonedx, octokit) is reachable from the entry
//   without an import(), or when a test module (src/testing.ts) is bundled.
// - Imports of `@potions/<pkg>` go straight to the module that defines each name (see
//   directWorkspaceImports): a group loads the modules of a package it uses, not the whole package.
// - CommonJS dependencies get `require` through createRequire (a banner in every chunk).
// - @cyclonedx/cyclonedx-library finds its JSON schemas at `__dirname/../res`: the module is compiled
//   with that folder rewritten to dist/cyclonedx/res, where the schemas it validates with are copied
//   from the installed library (the only files of its own it reads at run time).
// - dist/licenses.txt: every bundled npm package, its licence and its licence text.
//
// Deterministic: the same sources and lockfile give the same bytes (scripts/check-dist.mjs relies on it).
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { licensesText, packageRoots } from './licenses.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = path.join(root, 'packages', 'cli');
const out = path.join(cliDir, 'dist');
const tmp = path.join(cliDir, '.dist-build');

/** Packages that must load only with the command that needs them. */
const HEAVY = ['@aws-sdk/', '@smithy/', 's3rver', 'openpgp', 'sigstore', '@sigstore/', '@cyclonedx/', '@octokit/', 'ajv', 'spdx-license-list'];
/** Optional dependencies of @cyclonedx/cyclonedx-library for XML, which Potions does not install: required lazily, in a try. */
const ABSENT_OPTIONAL = ['libxmljs2', 'xmlbuilder2'];
/** The schemas @cyclonedx/cyclonedx-library's JSON validator reads (res/schema/*), relative to its `res`. */
const CYCLONEDX_RES = ['schema/bom-1.6.SNAPSHOT.schema.json', 'schema/spdx.SNAPSHOT.schema.json', 'schema/jsf-0.82.SNAPSHOT.schema.json', 'schema/cryptography-defs.SNAPSHOT.schema.json'];

/** In every chunk: `require` for CommonJS dependencies, and the chunk's URL for the one that reads files beside its sources. */
const BANNER = [
  "import { createRequire as __potionsCreateRequire } from 'node:module';",
  'const require = __potionsCreateRequire(import.meta.url);',
  'const __potionsChunkUrl = import.meta.url;',
].join('\n');

/**
 * Imports of `@potions/<pkg>` in the workspace's sources, rewritten to the modules that define the
 * names. esbuild's code splitting follows every import of a package's index (`export { a } from
 * './m'` lines), used or not, so importing one function from `@potions/pipeline` would make fetch
 * load the release's local mirrors (s3rver), and one error class from `@potions/core` would put zod
 * on the start-up path. The sources keep importing the packages' public surfaces; only the bundle
 * skips the index files (which hold nothing but such export lists: `export *` is not allowed).
 */
const directWorkspaceImports = {
  name: 'direct-workspace-imports',
  setup(b) {
    const indexes = new Map();
    const exportsOf = (pkg) => {
      if (!indexes.has(pkg)) indexes.set(pkg, indexExports(path.join(root, 'packages', pkg, 'src', 'index.ts')));
      return indexes.get(pkg);
    };
    b.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const contents = source.replace(/^import\s+\{([^}]*)\}\s+from\s+'@potions\/([a-z-]+)';/gm, (stmt, list, pkg) => directImports(stmt, list, pkg, exportsOf(pkg)));
      return { contents, loader: 'ts' };
    });
  },
};

/** `export { a, b as c } from './m'` lines of an index: exported name -> { file, name }. */
function indexExports(indexFile) {
  const map = new Map();
  const text = readFileSync(indexFile, 'utf8');
  for (const m of text.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'(\.[^']+)';/gm)) {
    const file = path.join(path.dirname(indexFile), `${m[2]}.ts`);
    for (const item of specifiers(m[1])) map.set(item.local, { file, name: item.name });
  }
  return map;
}

/** `a, type B, c as d` -> [{ name: 'a', local: 'a' }, { name: 'c', local: 'd' }] (type-only names dropped: esbuild erases them). */
function specifiers(list) {
  return list
    .split(',')
    .map((s) => s.replace(/\/\/.*$/gm, '').trim())
    .filter((s) => s !== '' && !s.startsWith('type '))
    .map((s) => {
      const [name, local = name] = s.split(/\s+as\s+/);
      return { name: name.trim(), local: local.trim() };
    });
}

function directImports(stmt, list, pkg, exported) {
  const byFile = new Map();
  const rest = [];
  for (const item of specifiers(list)) {
    const target = exported.get(item.name);
    if (!target) {
      rest.push(item);
      continue;
    }
    const names = byFile.get(target.file) ?? [];
    names.push(target.name === item.local ? item.local : `${target.name} as ${item.local}`);
    byFile.set(target.file, names);
  }
  const lines = [...byFile].map(([file, names]) => `import { ${names.join(', ')} } from ${JSON.stringify(file)};`);
  if (rest.length > 0) lines.push(`import { ${rest.map((i) => (i.name === i.local ? i.name : `${i.name} as ${i.local}`)).join(', ')} } from '@potions/${pkg}';`);
  // As many lines as the statement had, so that positions in build errors stay right.
  return lines.join(' ') + '\n'.repeat((stmt.match(/\n/g) ?? []).length);
}

/** The library's resource folder, `__dirname/../res` in its sources: dist/cyclonedx/res, from the chunk in dist/chunks/ that holds it. */
const cyclonedxResources = {
  name: 'cyclonedx-resources',
  setup(b) {
    b.onLoad({ filter: /[\\/]@cyclonedx[\\/]cyclonedx-library[\\/]dist\.node[\\/]resources\.node\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const needle = "(0, node_path_1.resolve)(__dirname, '..', 'res')";
      if (!source.includes(needle)) throw new Error(`${args.path}: the library no longer finds its resources as ${needle}; update scripts/build-cli.mjs`);
      // A CommonJS module cannot use import.meta: the banner's __potionsChunkUrl is the chunk's URL (dist/chunks/...).
      const here = "(0, node_path_1.resolve)(require('node:url').fileURLToPath(__potionsChunkUrl), '..', '..', 'cyclonedx', 'res')";
      return { contents: source.replace(needle, here), loader: 'js' };
    });
  },
};

rmSync(tmp, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { potions: 'packages/cli/src/bin.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: tmp,
  outExtension: { '.js': '.mjs' },
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: BANNER },
  external: ABSENT_OPTIONAL,
  plugins: [directWorkspaceImports, cyclonedxResources],
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

try {
  checkBundle(result.metafile);
  copyCycloneDxResources(path.join(tmp, 'cyclonedx', 'res'));
  writeFileSync(path.join(tmp, 'licenses.txt'), licensesText(packageRoots(Object.keys(result.metafile.inputs).map((f) => path.join(root, f)))));
} catch (err) {
  rmSync(tmp, { recursive: true, force: true });
  throw err;
}
rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
// `--metafile FILE`: esbuild's account of which module went into which chunk (https://esbuild.github.io/analyze/).
const metaArg = process.argv.indexOf('--metafile');
if (metaArg > 0 && process.argv[metaArg + 1]) writeFileSync(process.argv[metaArg + 1], JSON.stringify(result.metafile, null, 1));
const entry = readFileSync(path.join(out, 'potions.mjs')).length;
const total = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(`built packages/cli/dist (entry ${(entry / 1024).toFixed(0)} KiB, ${Object.keys(result.metafile.outputs).length} files, ${(total / 1024 / 1024).toFixed(1)} MiB)`);

/** Nothing heavy on the start-up path, no test module anywhere. */
function checkBundle(meta) {
  const tests = Object.keys(meta.inputs).filter((f) => /[\\/]src[\\/](testing|test-support)(\.ts|[\\/])|\.test\.ts$/.test(f));
  if (tests.length > 0) throw new Error(`the CLI bundle holds test modules: ${tests.join(', ')}`);
  const entryOut = Object.keys(meta.outputs).find((o) => meta.outputs[o].entryPoint === 'packages/cli/src/bin.ts');
  const seen = new Set();
  const visit = (o) => {
    if (seen.has(o)) return;
    seen.add(o);
    for (const i of meta.outputs[o].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entryOut);
  // The schemas' folder is found from the chunk that holds the library's resources module: it must be in dist/chunks/.
  const resources = Object.keys(meta.outputs).filter((o) => Object.keys(meta.outputs[o].inputs).some((i) => /cyclonedx-library[\\/]dist\.node[\\/]resources\.node\.js$/.test(i)));
  if (resources.length !== 1 || path.basename(path.dirname(resources[0])) !== 'chunks') throw new Error(`@cyclonedx/cyclonedx-library's resources module is in ${resources.join(', ') || 'no output'}, not in one chunk of dist/chunks`);
  const startup = [...seen].flatMap((o) => Object.keys(meta.outputs[o].inputs));
  const heavy = startup.filter((f) => HEAVY.some((h) => f.includes(`node_modules/${h}`)));
  if (heavy.length > 0) throw new Error(`the CLI's start-up path (${entryOut} and its static imports) holds heavy modules:\n  ${heavy.slice(0, 20).join('\n  ')}`);
}

function copyCycloneDxResources(dest) {
  const req = createRequire(path.join(root, 'packages', 'sbom', 'package.json'));
  const lib = path.dirname(req.resolve('@cyclonedx/cyclonedx-library/package.json'));
  for (const f of CYCLONEDX_RES) {
    mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    copyFileSync(path.join(lib, 'res', f), path.join(dest, f));
  }
}
