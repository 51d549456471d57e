import { claimsOfIdToken, githubWorkflowIdentity, idTokenProviderFromEnv } from './identity';
import { githubClaims, startSigstoreTestServices, type SigstoreTestServices } from './testing';

describe('identity', () => {
  it('pins a workflow as an anchored pattern with its dots and slashes escaped', () => {
    const re = githubWorkflowIdentity({ repository: 'potions/actions', workflowPath: '.github/workflows/release.yml' });
    expect(re).toBe('^https:\\/\\/github\\.com\\/potions\\/actions\\/\\.github\\/workflows\\/release\\.yml@refs/tags/.+$');
    const r = new RegExp(re);
    expect(r.test('https://github.com/potions/actions/.github/workflows/release.yml@refs/tags/v1')).toBe(true);
    expect(r.test('https://github.com/potions/actions/.github/workflows/release.yml@refs/heads/main')).toBe(false);
    expect(r.test('https://github.com/potions/actionsX.github/workflows/release.yml@refs/tags/v1')).toBe(false);
    expect(r.test('https://evil.example/https://github.com/potions/actions/.github/workflows/release.yml@refs/tags/v1')).toBe(false);
    const main = new RegExp(githubWorkflowIdentity({ repository: 'a/b', workflowPath: '/.github/workflows/x.yml', ref: 'refs/heads/main' }));
    expect(main.test('https://github.com/a/b/.github/workflows/x.yml@refs/heads/main')).toBe(true);
  });

  it('reads the claims of a token without quoting it when it is not one', () => {
    const svcClaims = githubClaims();
    const token = `x.${Buffer.from(JSON.stringify(svcClaims)).toString('base64url')}.y`;
    expect(claimsOfIdToken(token)).toMatchObject({ repository: 'acme/tools', job_workflow_ref: svcClaims.job_workflow_ref });
    expect(() => claimsOfIdToken('secret-not-a-jwt')).toThrow(/^the OIDC identity token is not a JWT/);
    try {
      claimsOfIdToken('secret-not-a-jwt');
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
    }
  });

  describe('from the environment', () => {
    let svc: SigstoreTestServices;
    beforeAll(async () => {
      svc = await startSigstoreTestServices();
    });
    afterAll(async () => {
      await svc.close();
    });

    it('has none without POTIONS_OIDC_TOKEN or GitHub\'s token request variables', () => {
      expect(idTokenProviderFromEnv({})).toBeUndefined();
      expect(idTokenProviderFromEnv({ ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x' })).toBeUndefined();
    });

    it('takes POTIONS_OIDC_TOKEN as it is, and masks it', async () => {
      const masked: string[] = [];
      const found = idTokenProviderFromEnv({ POTIONS_OIDC_TOKEN: ' eyJ.a.b \n' }, { secret: (v) => masked.push(v) });
      expect(found?.source).toBe('POTIONS_OIDC_TOKEN');
      expect(await found!.provider()).toBe('eyJ.a.b');
      expect(masked).toEqual(['eyJ.a.b']);
    });

    it('asks GitHub\'s token endpoint for the sigstore audience, as @actions/core does, and masks both tokens', async () => {
      const masked: string[] = [];
      const env = svc.githubTokenEnv(githubClaims({ repository: 'acme/other' }));
      const found = idTokenProviderFromEnv(env, { secret: (v) => masked.push(v) });
      expect(found?.source).toBe('ACTIONS_ID_TOKEN_REQUEST_URL');
      const token = await found!.provider();
      expect(claimsOfIdToken(token)).toMatchObject({ aud: 'sigstore', repository: 'acme/other' });
      expect(masked).toEqual([env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, token]);
      const request = svc.requests.at(-1)!;
      expect(request).toMatchObject({ method: 'GET', path: '/github/oidc-token' });
    });

    it('says what the endpoint answered when the job may not have a token', async () => {
      const env = { ...svc.githubTokenEnv(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'wrong' };
      await expect(idTokenProviderFromEnv(env)!.provider()).rejects.toMatchObject({
        code: 'E_SIGNING_IDENTITY_TOKEN',
        message: 'GitHub\'s OIDC token endpoint answered 401: bad or missing bearer token',
        hint: 'the job needs `permissions: id-token: write`',
      });
    });
  });
});
