/**
 * URLs can carry credentials (`https://user:token@host/…`, `?X-Amz-Signature=…`,
 * `?token=…`). Everything that logs, reports or records a URL passes it through
 * `redactUrl` first, so that a mirror's secret never reaches a log, a JSON
 * report or an artifact's metadata.
 */
const SECRET_PARAMS = /^(x-amz-(signature|credential|security-token)|signature|sig|token|access_token|auth|key|api[-_]?key|password|secret)$/i;

export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  let changed = false;
  if (url.username || url.password) {
    url.username = url.username ? '***' : '';
    url.password = url.password ? '***' : '';
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAMS.test(name)) {
      url.searchParams.set(name, '***');
      changed = true;
    }
  }
  return changed ? url.toString().replace(/%2A%2A%2A/g, '***') : raw;
}

/** The secret parts of a URL (userinfo, secret query values), to hand to `Reporter.secret`. */
export function urlSecrets(raw: string): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [];
  }
  const out: string[] = [];
  // The password, not the user name: masking a short user name ("ci") would blank it out of every log line.
  if (url.password) out.push(decodeURIComponent(url.password));
  for (const [name, value] of url.searchParams) if (SECRET_PARAMS.test(name) && value) out.push(value);
  return out;
}
