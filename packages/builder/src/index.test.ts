import * as api from './index';

test('the public surface of @potions/builder', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'BUILDER_CACHE_VERSION',
      'BuildFailure',
      'DEFAULT_PREFIX_ROOT',
      'LocalFolderBuildCache',
      'PathCacheBuildCache',
      'SOURCE_MIRRORS_ENV',
      'artifactBaseName',
      'artifactFiles',
      'buildCacheKey',
      'buildEnvironment',
      'buildRecipe',
      'buildSpecFromRecipe',
      'candidateUrls',
      'defaultCacheDir',
      'downloaderTransport',
      'fileNameOfUrl',
      'findRecipe',
      'fixedPrefix',
      'installArtifact',
      'loadRecipeOrThrow',
      'normalizeFingerprint',
      'parseSourceMirrors',
      'planBuildSteps',
      'planRecipeBuild',
      'sourceMirrorUrl',
      'sourceMirrorsFromEnv',
      'spawnExec',
      'verifyDetachedSignature',
    ].sort(),
  );
});
