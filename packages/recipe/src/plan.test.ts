import { coverage, parseRecipe, planDownloads } from './index';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const SHA_S = 'c'.repeat(64);
const FP = 'ABCD '.repeat(10).trim();

const TEXT = `name: tool
version: {source: "github-release:acme/tool"}
build_type: custom
official_binary: true
download:
  download_url: "https://github.com/acme/tool/releases/download/v{version}/tool-{target}{suffix}"
  mirror: "https://mirror.example.com/tool/{version}/tool-{target}{suffix}"
  mirrors:
    - "https://cache.example.org/tool-{version}-{target}{suffix}"
  platforms:
    linux-amd64:
      target: x86_64-unknown-linux-musl
      suffix: "-{version}.tar.gz"
      sha256: {"1.2.3": "${SHA_A}"}
    darwin-arm64:
      target: aarch64-apple-darwin
      suffix: ".tar.gz"
      sha256: {"1.2.3": "${SHA_B}"}
security:
  verify_signature: true
  signature_url: "https://github.com/acme/tool/releases/download/v{version}/tool-{target}{suffix}.asc"
  gpg_fingerprints: ["${FP}"]
build:
  custom_install: cp tool "$PREFIX/bin/"
source_build:
  download_url: "https://github.com/acme/tool/archive/refs/tags/v{version}.tar.gz"
  sha256: {"1.2.3": "${SHA_S}"}
  build_type: cargo
`;

describe('planDownloads', () => {
  const loaded = parseRecipe(TEXT, 'recipes/tool.yml');
  const recipe = loaded.recipe!;

  it('has no issue', () => expect(loaded.issues).toEqual([]));

  it('lists URLs in try order with the source build last, as fallback', () => {
    const plan = planDownloads(recipe, 'linux-amd64', '1.2.3');
    expect(plan.attempts.map((a) => [a.url, a.field, a.fallback, a.sha256])).toEqual([
      ['https://github.com/acme/tool/releases/download/v1.2.3/tool-x86_64-unknown-linux-musl-1.2.3.tar.gz', 'download.download_url', false, SHA_A],
      ['https://mirror.example.com/tool/1.2.3/tool-x86_64-unknown-linux-musl-1.2.3.tar.gz', 'download.mirror', false, SHA_A],
      ['https://cache.example.org/tool-1.2.3-x86_64-unknown-linux-musl-1.2.3.tar.gz', 'download.mirrors.0', false, SHA_A],
      ['https://github.com/acme/tool/archive/refs/tags/v1.2.3.tar.gz', 'source_build.download_url', true, SHA_S],
    ]);
    expect(plan.attempts[0]?.signature).toEqual({
      url: 'https://github.com/acme/tool/releases/download/v1.2.3/tool-x86_64-unknown-linux-musl-1.2.3.tar.gz.asc',
      keysUrl: undefined,
      fingerprints: ['ABCD'.repeat(10)],
    });
  });

  it('has no pinned digest for a version the recipe does not pin', () => {
    expect(planDownloads(recipe, 'darwin-arm64', '1.3.0').attempts[0]?.sha256).toBeUndefined();
  });

  it('falls back to the source build on a platform without a binary', () => {
    const plan = planDownloads(recipe, 'linux-arm64', '1.2.3');
    expect(plan.attempts.map((a) => a.field)).toEqual(['source_build.download_url']);
  });

  it('percent-encodes the version in URLs', () => {
    expect(planDownloads(recipe, 'darwin-arm64', '1.30.0+k3s1').attempts[0]?.url).toContain('/v1.30.0%2Bk3s1/');
  });

  it('refuses unsafe versions and unknown platforms', () => {
    expect(() => planDownloads(recipe, 'linux-amd64', '1.0;id')).toThrow(expect.objectContaining({ code: 'E_RECIPE_VERSION', message: expect.stringMatching(/not a valid version/) }));
    expect(() => planDownloads(recipe, 'windows-x64', '1.0')).toThrow(expect.objectContaining({ code: 'E_CORE_PLATFORM', message: 'unknown platform "windows-x64"' }));
  });

  it('says which platforms a recipe lists when it does not list the one asked for', () => {
    const bin = parseRecipe(TEXT.replace(/source_build:[\s\S]*$/, ''), 'recipes/tool.yml').recipe!;
    expect(() => planDownloads(bin, 'linux-arm64', '1.2.3')).toThrow(
      expect.objectContaining({
        code: 'E_RECIPE_PLATFORM',
        message: 'recipe "tool" does not build for linux-arm64',
        hint: 'it lists: darwin-arm64, linux-amd64; a source_build section would give it a fallback',
      }),
    );
  });

  it('says that download_url is missing when a listed platform has nothing to download', () => {
    // Like huggingface-cli in the corpus: a custom build whose steps would fetch everything themselves.
    const loaded = parseRecipe(
      'name: hf\nversion: {source: "static:0.20.0"}\nbuild_type: custom\ndownload:\n  platforms: {linux-amd64: {}, darwin-arm64: {}}\nbuild:\n  custom_install: pip install hf\n',
      'hf.yml',
    );
    // check lets it through with a warning that says the same.
    expect(loaded.issues).toMatchObject([{ code: 'W_NO_DOWNLOAD', field: 'download', message: expect.stringContaining('plan and build refuse this recipe') }]);
    const custom = loaded.recipe!;
    let err: { code?: string; message?: string; hint?: string } = {};
    try {
      planDownloads(custom, 'linux-amd64', '0.20.0');
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('E_RECIPE_NO_DOWNLOAD');
    expect(err.message).toBe('recipe "hf" has nothing to download for linux-amd64: it sets no download.download_url (nor method: git with git_url)');
    expect(err.message).not.toContain('does not build');
    expect(err.hint).toMatch(/^add download\.download_url/);
  });

  it('counts coverage: all four platforms and a source fallback', () => {
    const src = parseRecipe(
      'name: s\nversion: {source: "static:1"}\nbuild_type: make\ndownload:\n  download_url: "https://e.com/s-{version}.tgz"\n  platforms: {darwin-x86_64: , darwin-arm64: , linux-amd64: , linux-arm64: }\n',
      's.yml',
    ).recipe!;
    const bin = parseRecipe(TEXT.replace(/source_build:[\s\S]*$/, ''), 'recipes/tool.yml').recipe!;
    expect(coverage([recipe, src, bin])).toMatchObject({ total: 3, allPlatforms: 1, sourceFallback: 2, withoutFallback: ['tool'] });
  });
});
