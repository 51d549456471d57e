import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;

// packages/core/src/clock.ts
var systemNow = () => /* @__PURE__ */ new Date();

export {
  systemNow
};
