export { LocalMirrorsErrorCode } from './errors';
export {
  LOCAL_CREDENTIALS,
  LOCAL_BUCKET,
  DEFAULT_LOCAL_PORTS,
  localMirrorConfig,
  isLocalMirrorRunning,
} from './config';
export type { LocalMirrorConfig } from './config';
export { startLocalMirrors } from './local-mirrors';
export type { LocalMirrorsOptions, LocalMirrors } from './local-mirrors';
export { SERVE_STATE_FILE, runningLocalMirrors, findRunningLocalMirrors } from './serve-state';
export type { ServeState } from './serve-state';
