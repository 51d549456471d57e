import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  DownloadFault,
  Transfer,
  openUrl,
  readBody,
  statusFault
} from "./chunk-2WPBWRMN.mjs";
import {
  parseRetryAfter
} from "./chunk-L5QZX5WR.mjs";

// packages/downloader/src/download-buffer.ts
import { createHash } from "node:crypto";
var DEFAULT_MAX_BUFFER_BYTES = 64 * 1024 * 1024;
async function downloadToBuffer(options) {
  const t = new Transfer(options, options.label ?? labelFor(options.urls[0]));
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BUFFER_BYTES;
  try {
    const result = await t.retryLoop(
      () => t.pick(),
      async (m) => {
        const o = await t.hedge(
          m,
          (mm) => t.begin(mm, 0, 0),
          (a) => open(t, a)
        );
        return read(t, o, maxBytes);
      }
    );
    t.close();
    return result;
  } catch (err) {
    t.close();
    throw t.toError(err);
  }
}
async function open(t, a) {
  try {
    const res = await openUrl({
      url: a.mirror.url,
      headers: t.headers,
      connectMs: t.timeouts.connectMs,
      firstByteMs: t.timeouts.firstByteMs,
      maxRedirects: t.maxRedirects,
      signal: a.signal
    });
    a.status = res.status;
    if (res.status !== 200) {
      res.body.destroy();
      throw statusFault(res.status, res.statusText, parseRetryAfter(res.headers["retry-after"], t.now));
    }
    return { attempt: a, res, discard: () => res.body.destroy() };
  } catch (err) {
    throw t.fail(a, err);
  }
}
async function read(t, o, maxBytes) {
  const { attempt: a, res } = o;
  const chunks = [];
  const limit = t.size ?? maxBytes;
  try {
    const cl = res.headers["content-length"];
    if (cl !== void 0 && /^\d+$/.test(cl) && Number(cl) > limit) {
      throw new DownloadFault("integrity", `the mirror announces ${cl} bytes, more than the ${limit} expected`);
    }
    await readBody(
      res.body,
      t.timeouts.idleMs,
      a.signal,
      (chunk) => {
        a.bytes += chunk.length;
        if (a.bytes > limit) throw new DownloadFault("integrity", `the body is larger than the ${limit} bytes expected`);
        chunks.push(chunk);
        t.progressed(chunk.length);
        return false;
      },
      t.lowSpeed
    );
    const data = Buffer.concat(chunks);
    if (t.size !== void 0 && data.length !== t.size) {
      throw new DownloadFault("integrity", `got ${data.length} bytes, the pinned size is ${t.size}`);
    }
    const digests = {};
    for (const alg of /* @__PURE__ */ new Set(["sha256", ...t.digests.keys()])) {
      digests[alg] = createHash(alg).update(data).digest("hex");
    }
    for (const [alg, want] of t.digests) {
      if (digests[alg] !== want) {
        throw new DownloadFault("integrity", `${alg} mismatch: expected ${want}, got ${digests[alg]}`);
      }
    }
    t.succeed(a);
    return {
      data,
      url: a.mirror.display,
      sha256: digests.sha256,
      digests,
      contentType: res.headers["content-type"],
      attempts: t.attempts,
      durationMs: t.clock() - t.started
    };
  } catch (err) {
    t.unprogressed(a.bytes);
    throw t.fail(a, err);
  }
}
function labelFor(url) {
  if (!url) return "download";
  try {
    return new URL(url).pathname.split("/").filter(Boolean).pop() ?? url;
  } catch {
    return url;
  }
}

export {
  downloadToBuffer
};
