import { parseRecipe, resolveVersion } from './index';
import { directoryListing, startFakeVersionServer, type FakeVersionServer } from './testing';

// The GitHub API cannot be reached from here: these tests run against a real
// HTTP server on 127.0.0.1 that serves the documented GitHub REST shapes
// (releases/tags lists, 100 per page, Link rel="next") and HTML listings.

function recipeWith(version: string): ReturnType<typeof parseRecipe>['recipe'] & object {
  const l = parseRecipe(
    `name: t\nversion:\n${version}\nbuild_type: make\ndownload: {download_url: "https://e.com/t-{version}.tgz", platforms: {linux-amd64: }}\n`,
    't.yml',
  );
  if (!l.recipe) throw new Error(JSON.stringify(l.issues));
  return l.recipe;
}

const noSleep = async (): Promise<void> => {};

describe('resolveVersion', () => {
  let server: FakeVersionServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('reads every page of GitHub releases, skips drafts and prereleases, orders numerically', async () => {
    const releases = [
      { tag_name: 'v2.0.0', prerelease: true },
      { tag_name: 'v1.10.0' },
      { tag_name: 'v1.11.0-beta.1' },
      { tag_name: 'v9.9.9', draft: true },
      ...Array.from({ length: 150 }, (_, i) => ({ tag_name: `v1.${i % 10}.${i}` })),
    ];
    const srv = (server = await startFakeVersionServer({ releases: { 'acme/tool': releases } }));
    const recipe = recipeWith(
      '  source: "github-release:acme/tool"\n  exclude_patterns: "(alpha|beta|rc)"\n  extract_pattern: "v[0-9]+\\\\.[0-9]+\\\\.[0-9]+"\n  cleanup: "v:"',
    );
    const got = await resolveVersion(recipe, { githubApiUrl: srv.url, token: 'tok-123', sleep: noSleep });
    expect(got.version).toBe('1.10.0');
    expect(got.candidates).toContain('1.9.149');
    expect(srv.requests.map((r) => r.url)).toEqual(['/repos/acme/tool/releases?per_page=100', '/repos/acme/tool/releases?per_page=100&page=2']);
    expect(srv.requests[0]?.authorization).toBe('Bearer tok-123');
    expect(srv.requests[0]?.accept).toBe('application/vnd.github+json');
  });

  it('retries 429 and 5xx, honouring Retry-After', async () => {
    const srv = (server = await startFakeVersionServer({
      tags: { 'acme/tool': ['llvmorg-18.1.8', 'llvmorg-19.1.0-rc1', 'llvmorg-17.0.6'] },
      failFirst: { '/repos/acme/tool/tags': [{ status: 429, headers: { 'retry-after': '2' } }, { status: 503 }] },
    }));
    const slept: number[] = [];
    const recipe = recipeWith('  source: "github-tag:acme/tool"\n  exclude_patterns: "rc"\n  cleanup: "llvmorg-:"');
    const got = await resolveVersion(recipe, { githubApiUrl: srv.url, sleep: async (ms) => void slept.push(ms) });
    expect(got.version).toBe('18.1.8');
    expect(srv.requests).toHaveLength(3);
    expect(slept[0]).toBe(2000);
  });

  it('waits for the rate-limit reset of GitHub, measured on the clock it is given', async () => {
    const srv = (server = await startFakeVersionServer({
      tags: { 'acme/tool': ['v1.0.0'] },
      failFirst: { '/repos/acme/tool/tags': [{ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000030' } }] },
    }));
    const slept: number[] = [];
    const recipe = recipeWith('  source: "github-tag:acme/tool"\n  cleanup: "v:"');
    const got = await resolveVersion(recipe, { githubApiUrl: srv.url, now: () => new Date(1_700_000_000_000), sleep: async (ms) => void slept.push(ms) });
    expect(got.version).toBe('1.0.0');
    expect(slept).toEqual([30_000]);
  });

  it('gives up with a clear message on a permanent error', async () => {
    const srv = (server = await startFakeVersionServer({ tags: {} }));
    const recipe = recipeWith('  source: "github-tag:acme/missing"');
    await expect(resolveVersion(recipe, { githubApiUrl: srv.url, sleep: noSleep })).rejects.toMatchObject({
      code: 'E_RECIPE_VERSION_FETCH',
      message: expect.stringContaining('HTTP 404'),
    });
    expect(srv.requests).toHaveLength(1);
  });

  it('says why a request failed: the network error code, not only "fetch failed"', async () => {
    const closed = await startFakeVersionServer({});
    const url = closed.url;
    await closed.close();
    const recipe = recipeWith('  source: "github-tag:acme/demo"');
    const err = await resolveVersion(recipe, { githubApiUrl: url, sleep: noSleep, attempts: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_RECIPE_VERSION_FETCH' });
    expect((err as Error).message).toBe(`cannot look up versions at ${url}/repos/acme/demo/tags?per_page=100: fetch failed (ECONNREFUSED)`);
  });

  it('finds versions in an HTML directory listing, without sending the token', async () => {
    const srv = (server = await startFakeVersionServer({
      pages: { '/gnu/m4/': directoryListing(['m4-1.4.9.tar.gz', 'm4-1.4.19.tar.gz', 'm4-1.4.19.tar.gz.sig', 'm4-latest.tar.gz', 'm4-1.4.20-rc1.tar.gz']) },
    }));
    const recipe = recipeWith(`  source: "url:${srv.url}/gnu/m4/"\n  extract_pattern: 'm4-([0-9]+\\.[0-9]+(?:\\.[0-9]+)?)\\.tar'\n  exclude_patterns: "rc"`);
    const got = await resolveVersion(recipe, { token: 'secret', sleep: noSleep });
    expect(got.version).toBe('1.4.19');
    expect(got.candidates).toEqual(['1.4.19', '1.4.9']);
    expect(srv.requests[0]?.authorization).toBeUndefined();
  });

  it('uses a static version without any request', async () => {
    const recipe = recipeWith('  source: "static:5.18.2"');
    await expect(resolveVersion(recipe, { fetch: () => Promise.reject(new Error('no network')) })).resolves.toEqual({ version: '5.18.2', candidates: ['5.18.2'] });
  });
});
