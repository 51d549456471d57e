import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  readJsonOption,
  registerSignCommand,
  trustedKeysFromFiles
} from "./chunk-XIYWOS5U.mjs";
import "./chunk-N7G7XWGO.mjs";
import "./chunk-FO7BXKCA.mjs";
import "./chunk-MVPDWXOW.mjs";
import "./chunk-EE5EUXX6.mjs";
import "./chunk-H25O6PGM.mjs";
import "./chunk-DWDGEZWY.mjs";
import "./chunk-AFBQJMGN.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";
export {
  readJsonOption,
  registerSignCommand,
  trustedKeysFromFiles
};
