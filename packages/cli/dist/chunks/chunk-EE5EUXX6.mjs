import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  CoreErrorCode,
  UserError
} from "./chunk-HUJ2RKNL.mjs";

// packages/core/src/platform.ts
var PLATFORMS = ["darwin-x86_64", "darwin-arm64", "linux-amd64", "linux-arm64"];
function isPlatform(value) {
  return typeof value === "string" && PLATFORMS.includes(value);
}
function assertPlatform(value, where) {
  if (!isPlatform(value)) {
    throw new UserError(CoreErrorCode.UnknownPlatform, `unknown platform "${value}"${where ? ` in ${where}` : ""}`, {
      hint: `use one of: ${PLATFORMS.join(", ")}`
    });
  }
  return value;
}
function hostPlatform(os = process.platform, arch = process.arch) {
  if (os === "linux" && arch === "x64") return "linux-amd64";
  if (os === "linux" && arch === "arm64") return "linux-arm64";
  if (os === "darwin" && arch === "x64") return "darwin-x86_64";
  if (os === "darwin" && arch === "arm64") return "darwin-arm64";
  return void 0;
}
function platformOs(p) {
  return p.startsWith("darwin") ? "darwin" : "linux";
}

export {
  PLATFORMS,
  isPlatform,
  assertPlatform,
  hostPlatform,
  platformOs
};
