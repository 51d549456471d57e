import * as api from './index';

test('the public surface is what docs/releasing.md describes', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'CHANGELOG_FILE',
      'DEFAULT_CHANGELOG_PREAMBLE',
      'DEFAULT_REMOTE',
      'DEFAULT_REPOSITORY',
      'ExitCode',
      'GITHUB_API_URL',
      'GitHubCiStatus',
      'RELEASE_SOURCE_TRAILER',
      'ReleaseErrorCode',
      'WORKFLOWS_FOLDER',
      'applyCut',
      'applyRollback',
      'ciVerdict',
      'cutPlanJson',
      'formatCutPlan',
      'formatCutResult',
      'formatRollbackPlan',
      'formatRollbackResult',
      'gitCredentialEnv',
      'groupCommits',
      'parseChangelog',
      'parseMajorTag',
      'parseReleaseVersion',
      'pinWorkflow',
      'planCut',
      'planRollback',
      'releaseChangelog',
      'releaseOfTag',
      'releaseTags',
      'renderChangelog',
      'runReleaseTool',
    ].sort(),
  );
});

test('testing helpers are not reachable from the package entry', () => {
  expect(Object.keys(api)).not.toContain('startFakeGitHubChecks');
  expect(Object.keys(api)).not.toContain('makeReleaseRepo');
});
