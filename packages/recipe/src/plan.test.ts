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
    expect(() => planDownloads(recipe, 'linux-amd64', '1.0;id')).toThrow(/not a valid version/);
    expect(() => planDownloads(recipe, 'windows-x64', '1.0')).toThrow(/unknown platform "windows-x64"/);
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
