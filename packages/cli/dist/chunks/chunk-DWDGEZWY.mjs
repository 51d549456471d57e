import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  hasCode
} from "./chunk-HUJ2RKNL.mjs";

// packages/core/src/fs-atomic.ts
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
function tempPathFor(dest) {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(6).toString("hex")}.partial`);
}
async function makeDirectory(dir, options = {}) {
  const missing = [];
  for (let current = path.resolve(dir); ; ) {
    let st;
    try {
      st = await fs.stat(current);
    } catch (err) {
      if (!hasCode(err, "ENOENT") && !hasCode(err, "ENOTDIR")) throw err;
      missing.push(current);
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
      continue;
    }
    if (!st.isDirectory()) {
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}' (${current} is a file)`), { code: "ENOTDIR", syscall: "mkdir", path: current });
    }
    break;
  }
  const made = [];
  for (const folder of missing.reverse()) {
    try {
      await fs.mkdir(folder, options.mode === void 0 ? void 0 : { mode: options.mode });
      made.push(folder);
    } catch (err) {
      if (hasCode(err, "EEXIST") && (await fs.stat(folder).catch(() => void 0))?.isDirectory()) continue;
      for (const m of [...made].reverse()) await fs.rmdir(m).catch(() => void 0);
      throw err;
    }
  }
  return made;
}
async function writeFileAtomic(dest, data, options = {}) {
  await makeDirectory(path.dirname(dest));
  const tmp = tempPathFor(dest);
  try {
    const handle = await fs.open(tmp, "wx", 420);
    try {
      await handle.writeFile(data);
      if (options.fsync ?? true) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, dest);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

export {
  tempPathFor,
  makeDirectory,
  writeFileAtomic
};
