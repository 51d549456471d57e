import * as api from './index';

test('the public surface is what docs/mirrors.md describes ("Embedded local mirrors")', () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      'DEFAULT_LOCAL_PORTS',
      'LOCAL_BUCKET',
      'LOCAL_CREDENTIALS',
      'LocalMirrorsErrorCode',
      'SERVE_STATE_FILE',
      'findRunningLocalMirrors',
      'isLocalMirrorRunning',
      'localMirrorConfig',
      'runningLocalMirrors',
      'startLocalMirrors',
    ].sort(),
  );
});
