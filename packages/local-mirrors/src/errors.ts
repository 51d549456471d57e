/** Every error code of `@potions/local-mirrors`; callers compare by `code`. */
export const LocalMirrorsErrorCode = {
  /** A port asked for is taken (by another local mirror, or by another program). */
  PortInUse: 'E_LOCAL_MIRRORS_PORT_IN_USE',
  /** A local mirror could not start for another reason (names the port and the cause). */
  Start: 'E_LOCAL_MIRRORS_START',
  /** No local mirrors are running where a command looked for them (their serve.json, the default ports). */
  NotRunning: 'E_LOCAL_MIRRORS_NOT_RUNNING',
} as const;

export type LocalMirrorsErrorCode = (typeof LocalMirrorsErrorCode)[keyof typeof LocalMirrorsErrorCode];
