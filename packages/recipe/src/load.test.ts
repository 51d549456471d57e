import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRecipeDir, parseRecipe, recipeDigest } from './index';

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/potions-recipes');

export const GOOD = `name: demo
version:
  source: "github-release:acme/demo"
  extract_pattern: 'v[0-9]+\\.[0-9]+\\.[0-9]+'
  cleanup: "v:"
build_type: custom
description: "A demo"
download:
  official_binary: true
  download_url: "https://example.com/demo/v{version}/demo-{version}-{os}-{arch}{suffix}"
  platforms:
    darwin-x86_64:
      os: macos
      suffix: ".tar.gz"
    darwin-arm64:
      os: macos
      suffix: ".tar.gz"
    linux-amd64:
      suffix: ".tar.gz"
    linux-arm64:
      suffix: ".tar.gz"
security:
  verify_signature: false
  scan_vulnerabilities: true
build:
  custom_install: |
    cp demo "$PREFIX/bin/"
dependencies: []
`;

const errorsOf = (text: string, file = 'recipes/demo.yml') => parseRecipe(text, file).issues.filter((i) => i.severity === 'error');

describe('parseRecipe', () => {
  it('reads a valid recipe into the typed model', () => {
    const r = parseRecipe(GOOD, 'recipes/demo.yml');
    expect(r.issues).toEqual([]);
    expect(r.recipe?.officialBinary).toBe(true);
    expect(r.recipe?.version.source).toEqual({ kind: 'github-release', repo: 'acme/demo' });
    expect(r.recipe?.build.timeoutMinutes).toBe(60);
  });

  it('reports invalid YAML with its line', () => {
    const [e] = errorsOf('name: demo\nversion: [unclosed\n');
    expect(e?.code).toBe('E_YAML');
    expect(e?.message).toMatch(/invalid YAML/);
    expect(e?.line).toBeGreaterThanOrEqual(2);
  });

  it('reports a duplicated key as an error', () => {
    const [e] = errorsOf(GOOD.replace('build_type: custom\n', 'build_type: custom\nbuild_type: make\n'));
    expect(e?.code).toBe('E_YAML');
    expect(e?.message).toMatch(/duplicated key/);
    expect(e?.line).toBe(7);
  });

  it('reports a missing name', () => {
    const [e] = errorsOf(GOOD.replace('name: demo\n', ''));
    expect(e).toMatchObject({ code: 'E_MISSING', field: 'name', message: 'missing required field "name"' });
  });

  it.each([['demo; rm -rf /'], ['../evil'], ['a/b'], ['$(id)'], ['-rf']])('rejects the name %j', (bad) => {
    const [e] = errorsOf(GOOD.replace('name: demo', `name: ${JSON.stringify(bad)}`));
    expect(e).toMatchObject({ code: 'E_NAME', field: 'name', line: 1 });
    expect(e?.message).toContain(bad);
  });

  it.each([['1.0;reboot'], ['1.0/../x'], ['`id`']])('rejects the static version %j', (bad) => {
    const text = GOOD.replace('"github-release:acme/demo"', JSON.stringify(`static:${bad}`));
    const e = errorsOf(text).find((i) => i.field === 'version.source');
    expect(e?.line).toBe(3);
    expect(e?.message).toMatch(/version|expected/);
  });

  it('rejects an unknown build_type and lists the known ones', () => {
    const [e] = errorsOf(GOOD.replace('build_type: custom', 'build_type: scons'));
    expect(e).toMatchObject({ code: 'E_BUILD_TYPE', field: 'build_type', line: 6 });
    expect(e?.message).toContain('gnu_autotools, cmake, make, custom, meson, cargo, go');
  });

  it('rejects an unknown placeholder naming field and value', () => {
    const [e] = errorsOf(GOOD.replace('{arch}{suffix}', '{arch}{flavour}'));
    expect(e).toMatchObject({ code: 'E_PLACEHOLDER', field: 'download.download_url', line: 10 });
    expect(e?.message).toContain('{flavour}');
  });

  it('rejects a platform key that is not one of the four, at its line', () => {
    const [e] = errorsOf(GOOD.replace('    linux-arm64:', '    linux-x86_64:'));
    expect(e).toMatchObject({ code: 'E_PLATFORM', field: 'download.platforms.linux-x86_64', line: 20 });
    expect(e?.message).toContain('darwin-x86_64, darwin-arm64, linux-amd64, linux-arm64');
  });

  it('rejects platform values that could carry shell or URL tricks', () => {
    const [e] = errorsOf(GOOD.replace('      suffix: ".tar.gz"\n    linux-arm64', '      suffix: ".tar.gz; curl evil|sh"\n    linux-arm64'));
    expect(e).toMatchObject({ code: 'E_PLATFORM_VALUE', field: 'download.platforms.linux-amd64.suffix', line: 19 });
  });

  it('needs every custom key a template uses on each platform', () => {
    const text = GOOD.replace('{arch}{suffix}', '{arch}-{target}{suffix}').replace('    linux-amd64:\n', '    linux-amd64:\n      target: gnu\n');
    const errs = errorsOf(text);
    expect(errs.map((e) => e.field)).toEqual(['download.platforms.darwin-x86_64', 'download.platforms.darwin-arm64', 'download.platforms.linux-arm64']);
    expect(errs[0]?.message).toContain('{target}');
  });

  it('warns about unknown keys instead of dropping them silently', () => {
    const r = parseRecipe(GOOD.replace('build:\n', 'colour: blue\nbuild:\n  paralel: true\n'), 'recipes/demo.yml');
    expect(r.recipe).toBeDefined();
    expect(r.issues.map((i) => [i.code, i.field, i.line])).toEqual([
      ['W_UNKNOWN_KEY', 'colour', 25],
      ['W_UNKNOWN_KEY', 'build.paralel', 27],
    ]);
  });

  it('splits a folded flags block and a list into the same words, without a shell', () => {
    const folded = parseRecipe(
      `name: x
version: {source: "static:1.0"}
build_type: cmake
download: {download_url: "https://e.com/x-{version}.tgz", platforms: {linux-amd64: }}
configure:
  flags: >-
    -DA=clang;lld
    -DB="two words" '-DC=$HOME'
    --prefix=$PREFIX
build:
  make_args: "-j$(nproc)"
`,
      'x.yml',
    );
    expect(folded.recipe?.configure.flags).toEqual(['-DA=clang;lld', '-DB=two words', '-DC=$HOME', '--prefix=${PREFIX}']);
    expect(folded.recipe?.build.makeArgs).toEqual(['-j${JOBS}']);
    expect(folded.issues.map((i) => i.code)).toEqual(['W_VARIABLE']);
  });

  it('gives the same digest for the same recipe however it is laid out', () => {
    const a = parseRecipe(GOOD, 'a/demo.yml').recipe;
    const b = parseRecipe(`# comment\n${GOOD.replace('description: "A demo"\n', '')}description: "A demo"\n`, 'b/demo.yml').recipe;
    expect(a && recipeDigest(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(a && recipeDigest(a)).toBe(b && recipeDigest(b));
    const c = parseRecipe(GOOD.replace('cleanup: "v:"', 'cleanup: "s/^v//"'), 'demo.yml').recipe;
    expect(c && recipeDigest(c)).not.toBe(a && recipeDigest(a));
  });
});

describe('the corpus', () => {
  it('reads all 246 recipes; only the known defects are errors', async () => {
    const loaded = await loadRecipeDir(CORPUS);
    expect(loaded).toHaveLength(246);
    const withErrors = loaded.filter((l) => l.issues.some((i) => i.severity === 'error')).map((l) => path.basename(l.file));
    // Documented in docs/recipe-corpus.md.
    expect(withErrors).toEqual(['jupyterlab.yml', 'k3s.yml']);
    const llvm = loaded.find((l) => l.name === 'llvm-git')?.recipe;
    expect(llvm?.configure.flags).toEqual([
      '-DLLVM_ENABLE_PROJECTS=clang;clang-tools-extra;lld',
      '-DLLVM_ENABLE_RUNTIMES=compiler-rt;libcxx;libcxxabi;libunwind',
      '-DCMAKE_BUILD_TYPE=Release',
      '-DLLVM_TARGETS_TO_BUILD=all',
    ]);
    expect(llvm?.configure.sourceDir).toBe('llvm');
    expect(llvm?.download).toMatchObject({ method: 'git', gitTagPrefix: 'llvmorg-' });
    const perl = loaded.find((l) => l.name === 'perl')?.recipe;
    expect(perl?.download.urls.map((u) => u.field)).toEqual(['download.download_url', 'download.mirror']);
    expect(loaded.find((l) => l.name === 'proto')?.recipe?.officialBinary).toBe(true);
  });
});
