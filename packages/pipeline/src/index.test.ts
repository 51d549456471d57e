import * as api from './index';

test('the public surface is what docs/release.md describes', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'DEFAULT_MANIFEST_GRACE_MS',
      'INSTALL_MARKER_FILE',
      'LOCAL_KEY_FILE',
      'LOCAL_PUBLIC_KEY_FILE',
      'PipelineErrorCode',
      'RELEASE_STAGES',
      'ensureLocalSigningKey',
      'fetchPackage',
      'installArtifactAtomically',
      'localKeysDir',
      'localOnlyReason',
      'maxBuildJobs',
      'readInstallMarker',
      'readVerifiedManifest',
      'runRelease',
      'serveSourceDirs',
      'splitRecipeRef',
      'summarizeRelease',
    ].sort(),
  );
});

test('NAME@VERSION splits; paths stay whole', () => {
  expect(api.splitRecipeRef('tree@2.1.0')).toEqual({ ref: 'tree', version: '2.1.0' });
  expect(api.splitRecipeRef('recipes/hello.yml')).toEqual({ ref: 'recipes/hello.yml' });
  expect(api.splitRecipeRef('hello')).toEqual({ ref: 'hello' });
  expect(api.splitRecipeRef('./x@1/hello.yml')).toEqual({ ref: './x@1/hello.yml' });
});
