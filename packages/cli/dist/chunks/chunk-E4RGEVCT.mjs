import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;

// packages/core/src/fs-atomic.ts
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
function tempPathFor(dest) {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(6).toString("hex")}.partial`);
}
async function writeFileAtomic(dest, data, options = {}) {
  await fs.mkdir(path.dirname(dest), { recursive: true });
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
  writeFileAtomic
};
