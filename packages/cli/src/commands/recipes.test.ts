import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeVersionServer } from '@potions/recipe/testing';
import { runCli } from '../testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const CORPUS = path.resolve(ROOT, '../shared/potions-recipes');

const cli = runCli;

const GOOD = `name: demo
version:
  source: "static:1.0.0"
build_type: gnu_autotools
download:
  download_url: "https://example.com/demo-{version}.tar.gz"
  platforms:
    darwin-x86_64:
    darwin-arm64:
    linux-amd64:
    linux-arm64:
dependencies: [zlib]
`;
const ZLIB = GOOD.replace('name: demo', 'name: zlib').replace('demo-', 'zlib-').replace('dependencies: [zlib]\n', '');

describe('potions recipes', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-recipes-cli-'));
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  const write = async (name: string, text: string): Promise<string> => {
    const file = path.join(dir, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
    return file;
  };

  it('check: a clean folder exits 0 and prints coverage', async () => {
    await write('demo.yml', GOOD);
    await write('sub/zlib.yaml', ZLIB);
    const r = await cli(['recipes', 'check', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('2 recipes: 0 with errors (0 errors), 0 warnings');
    expect(r.stderr).toContain('all 4 platforms: 2/2 recipes (100.0%)');
    expect(r.stderr).toContain('source fallback: 2/2 recipes (100.0%)');
    expect(r.stdout).toBe('');
  });

  it('check: one file resolves its dependencies against its folder', async () => {
    const file = await write('demo.yml', GOOD);
    await write('zlib.yml', ZLIB);
    const r = await cli(['recipes', 'check', '--json', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ recipe: 'demo', file, errors: [], warnings: [] }]);
  });

  it.each([
    ['invalid YAML', 'name: [oops\n', 'E_YAML', /invalid YAML/],
    ['a missing name', GOOD.replace('name: demo\n', ''), 'E_MISSING', /missing required field "name"/],
    ['a name with shell metacharacters', GOOD.replace('name: demo', 'name: "demo;rm -rf ~"'), 'E_NAME', /"demo;rm -rf ~" is not a valid name/],
    ['a name with a path separator', GOOD.replace('name: demo', 'name: "../demo"'), 'E_NAME', /"..\/demo" is not a valid name/],
    ['a version with shell metacharacters', GOOD.replace('static:1.0.0', 'static:1.0$(id)'), 'E_VERSION', /static version "1.0\$\(id\)" is not a valid version/],
    ['a version with a path separator', GOOD.replace('static:1.0.0', 'static:1.0/../../x'), 'E_VERSION', /"1.0\/..\/..\/x" is not a valid version/],
    ['an unknown build_type', GOOD.replace('gnu_autotools', 'bazel'), 'E_BUILD_TYPE', /unknown build_type "bazel"; use one of: gnu_autotools/],
    ['an unknown placeholder', GOOD.replace('{version}.tar', '{version}-{flavor}.tar'), 'E_PLACEHOLDER', /unknown placeholder \{flavor\}/],
    ['a platform key not one of the four', GOOD.replace('linux-arm64:', 'windows-x64:'), 'E_PLATFORM', /"windows-x64" is not a platform/],
  ])('check: %s is a clear error with exit 1, in the table and in JSON', async (_what, text, code, message) => {
    await write('zlib.yml', ZLIB);
    const file = await write('demo.yml', text);
    const human = await cli(['recipes', 'check', dir]);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(message);
    expect(human.stderr).not.toMatch(/internal error|\n\s+at /);
    const json = await cli(['recipes', 'check', '--json', dir]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { recipe: string; file: string; errors: { code: string; message: string; line?: number; field?: string }[] }[];
    const entry = report.find((e) => e.file === file);
    expect(entry?.errors[0]?.code).toBe(code);
    expect(entry?.errors[0]?.message).toMatch(message);
    // The table shows the same error at the same place.
    const where = `${file}${entry?.errors[0]?.line !== undefined ? `:${entry.errors[0].line}` : ''}`;
    expect(human.stderr).toContain(where);
  });

  it('check: a path that does not exist is a user error, not a crash', async () => {
    const r = await cli(['recipes', 'check', path.join(dir, 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: .*nope does not exist/);
  });

  it('check: reports dependency cycles by name', async () => {
    await write('a.yml', GOOD.replace('name: demo', 'name: a').replace('[zlib]', '[b]'));
    await write('b.yml', GOOD.replace('name: demo', 'name: b').replace('[zlib]', '[a]'));
    const r = await cli(['recipes', 'check', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('dependency cycle: a -> b -> a');
  });

  it('check: reads the whole corpus; JSON and table agree', async () => {
    const json = await cli(['recipes', 'check', '--json', CORPUS]);
    const report = JSON.parse(json.stdout) as { recipe: string; file: string; errors: { message: string; line?: number }[]; warnings: unknown[] }[];
    expect(report).toHaveLength(246);
    expect(json.code).toBe(1);
    const failing = report.filter((e) => e.errors.length > 0).map((e) => e.recipe);
    expect(failing).toEqual(['jupyterlab', 'k3s']);
    const human = await cli(['recipes', 'check', CORPUS]);
    expect(human.code).toBe(1);
    const errors = report.reduce((n, e) => n + e.errors.length, 0);
    const warnings = report.reduce((n, e) => n + e.warnings.length, 0);
    expect(human.stderr).toContain(`246 recipes: 2 with errors (${errors} errors), ${warnings} warnings`);
    const rows = human.stderr.split('\n').filter((l) => / (error|warning) /.test(l));
    expect(rows).toHaveLength(errors + warnings);
    for (const e of report) for (const i of e.errors) expect(human.stderr).toContain(i.message);
  });

  it('plan: prints URLs in try order and the build order, without network', async () => {
    const r = await cli(['recipes', 'plan', 'perl@5.40.0', 'llvm-git@5.40.0', '--platform', 'linux-amd64', '--recipes', CORPUS, '--json']);
    expect(r.code).toBe(0);
    const plans = JSON.parse(r.stdout) as { downloads: { attempts: { url: string; field: string; ref?: string }[] }[]; buildOrder: string[] }[];
    expect(plans[0]?.downloads[0]?.attempts.map((a) => a.url)).toEqual([
      'https://www.cpan.org/src/5.0/perl-5.40.0.tar.gz',
      'https://cpan.metacpan.org/authors/id/P/PE/PERL/perl-5.40.0.tar.gz',
    ]);
    expect(plans[1]?.downloads[0]?.attempts[0]).toMatchObject({ url: 'https://github.com/llvm/llvm-project.git', ref: 'llvmorg-5.40.0' });
    expect(plans[1]?.buildOrder).toEqual(['python', 'llvm-git']);
    const human = await cli(['recipes', 'plan', 'terraform', '--platform', 'darwin-arm64', '--version', '1.9.8', '--recipes', CORPUS]);
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('1. https://releases.hashicorp.com/terraform/1.9.8/terraform_1.9.8_darwin_arm64.zip');
    expect(human.stderr).toContain('build order: unzip -> terraform');
  });

  it('plan: unknown recipe, platform or version is a clear error', async () => {
    const unknown = await cli(['recipes', 'plan', 'nope', '--platform', 'linux-amd64', '--version', '1', '--recipes', CORPUS]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no recipe named "nope"');
    const platform = await cli(['recipes', 'plan', 'ripgrep', '--platform', 'linux-x64', '--version', '1', '--recipes', CORPUS]);
    expect(platform.code).toBe(1);
    expect(platform.stderr).toContain('unknown platform "linux-x64"');
    const version = await cli(['recipes', 'plan', 'ripgrep', '--platform', 'linux-amd64', '--version', '1;id', '--recipes', CORPUS]);
    expect(version.code).toBe(1);
    expect(version.stderr).toContain('"1;id" is not a valid version');
    const missing = await cli(['recipes', 'plan', 'k3s', '--platform', 'linux-amd64', '--version', '1', '--recipes', CORPUS, '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ ok: false, code: 'E_RECIPE_INVALID', error: expect.stringContaining('recipe "k3s" has errors') });
  });

  it('plan: a listed platform with nothing to download says that download_url is missing', async () => {
    // huggingface-cli lists all four platforms; its custom steps pip-install everything and it has no download_url.
    const args = ['recipes', 'plan', 'huggingface-cli', '--recipes', CORPUS, '--platform', 'linux-amd64', '--version', '0.20.0'];
    const human = await cli(args);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('recipe "huggingface-cli" has nothing to download for linux-amd64: it sets no download.download_url');
    expect(human.stderr).not.toContain('does not build for');
    const json = await cli([...args, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'E_RECIPE_NO_DOWNLOAD' });
    // A platform a recipe does not list is still said so, with the ones it lists.
    const unlisted = await cli(['recipes', 'plan', 'google-chrome', '--recipes', CORPUS, '--platform', 'linux-arm64', '--version', '1.0', '--json']);
    expect(unlisted.code).toBe(1);
    expect(JSON.parse(unlisted.stdout)).toMatchObject({
      code: 'E_RECIPE_PLATFORM',
      error: 'recipe "google-chrome" does not build for linux-arm64',
      hint: expect.stringContaining('it lists: darwin-x86_64, darwin-arm64, linux-amd64'),
    });
  });

  it('plan: each recipe has its own version; --version only for a single NAME', async () => {
    const both = await cli(['recipes', 'plan', 'tree@2.1.1', 'zlib@1.3.1', '--platform', 'linux-amd64', '--recipes', CORPUS, '--json']);
    expect(both.code).toBe(0);
    const plans = JSON.parse(both.stdout) as { version: string; downloads: { recipe: string; version: string }[] }[];
    expect(plans.map((p) => [p.downloads[0]?.recipe, p.version])).toEqual([
      ['tree', '2.1.1'],
      ['zlib', '1.3.1'],
    ]);
    const ambiguous = await cli(['recipes', 'plan', 'tree', 'zlib', '--version', '2.1.0', '--platform', 'linux-amd64', '--recipes', CORPUS]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('--version 2.1.0 is ambiguous with tree zlib: it applies only to one recipe named without @VERSION');
    expect(ambiguous.stderr).toContain('tree@VERSION zlib@VERSION');
    const mixed = await cli(['recipes', 'plan', 'tree@2.1.1', '--version', '2.1.0', '--platform', 'linux-amd64', '--recipes', CORPUS, '--json']);
    expect(mixed.code).toBe(2);
    expect(JSON.parse(mixed.stdout)).toMatchObject({ ok: false, code: 'E_USAGE' });
    const none = await cli(['recipes', 'plan', 'tree', 'zlib@1.3.1', 'curl', '--platform', 'linux-amd64', '--recipes', CORPUS]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no version given for "tree", "curl"; plan works offline and needs every version');
    expect(none.stderr).toContain('potions recipes versions tree curl');
  });

  it('check: a huge or special file is refused with its size, never read', async () => {
    const huge = await write('huge.yml', GOOD);
    await fs.truncate(huge, 200 * 1024 * 1024);
    const r = await cli(['recipes', 'check', huge]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`recipe ${huge} is 200.0 MiB; a recipe may be at most 1 MiB`);
    expect(r.stderr).not.toMatch(/heap|\n\s+at /);
    const json = await cli(['recipes', 'check', '--json', huge]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'E_RECIPE_TOO_LARGE' });
  }, 20_000);

  it('check: with no valid recipe it says so instead of 0/0, and an empty folder is an error', async () => {
    const bad = await write('bad.yml', GOOD.replace('name: demo\n', ''));
    const r = await cli(['recipes', 'check', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('coverage: no valid recipes');
    expect(r.stderr).not.toContain('0/0');
    const empty = path.join(dir, 'empty');
    await fs.mkdir(empty);
    const e = await cli(['recipes', 'check', empty]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(`${empty} holds no *.yml or *.yaml recipe`);
  });

  it('versions looks up the latest version (POTIONS_GITHUB_API_URL); plan stays offline', async () => {
    const server = await startFakeVersionServer({ releases: { 'acme/demo': [{ tag_name: 'v2.0.0-rc1', prerelease: true }, { tag_name: 'v1.4.0' }, { tag_name: 'v1.10.0' }] } });
    const saved = { api: process.env.POTIONS_GITHUB_API_URL, token: process.env.GITHUB_TOKEN };
    process.env.POTIONS_GITHUB_API_URL = server.url;
    process.env.GITHUB_TOKEN = 'secret-token';
    try {
      await write('demo.yml', GOOD.replace('"static:1.0.0"', '"github-release:acme/demo"\n  cleanup: "v:"').replace('dependencies: [zlib]\n', ''));
      const r = await cli(['recipes', 'versions', 'demo', '--recipes', dir, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([{ recipe: 'demo', version: '1.10.0', candidates: ['1.10.0', '1.4.0'] }]);
      expect(server.requests[0]?.authorization).toBe('Bearer secret-token');
      expect(r.stderr + r.stdout).not.toContain('secret-token');
      const requests = server.requests.length;
      const plan = await cli(['recipes', 'plan', 'demo', '--platform', 'linux-arm64', '--recipes', dir]);
      expect(plan.code).toBe(2);
      expect(plan.stderr).toContain('no version given for "demo"');
      expect(server.requests).toHaveLength(requests);
    } finally {
      process.env.POTIONS_GITHUB_API_URL = saved.api;
      process.env.GITHUB_TOKEN = saved.token;
      if (saved.api === undefined) delete process.env.POTIONS_GITHUB_API_URL;
      if (saved.token === undefined) delete process.env.GITHUB_TOKEN;
      await server.close();
    }
  });
});
