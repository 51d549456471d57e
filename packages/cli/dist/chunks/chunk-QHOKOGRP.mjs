import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;

// packages/core/src/redact.ts
var SECRET_PARAMS = /^(x-amz-(signature|credential|security-token)|signature|sig|token|access_token|auth|key|api[-_]?key|password|secret)$/i;
function redactUrl(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return raw;
  }
  let changed = false;
  if (url.username || url.password) {
    url.username = url.username ? "***" : "";
    url.password = url.password ? "***" : "";
    changed = true;
  }
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAMS.test(name)) {
      url.searchParams.set(name, "***");
      changed = true;
    }
  }
  return changed ? url.toString().replace(/%2A%2A%2A/g, "***") : raw;
}
function urlSecrets(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return [];
  }
  const out = [];
  if (url.password) out.push(decodeURIComponent(url.password));
  for (const [name, value] of url.searchParams) if (SECRET_PARAMS.test(name) && value) out.push(value);
  return out;
}

export {
  redactUrl,
  urlSecrets
};
