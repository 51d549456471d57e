import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  DEFAULT_LOCAL_DIR,
  LOCAL_DIR_HELP,
  mirrorsFromOptions,
  registerMirrorsCommand,
  withOptionHint
} from "./chunk-XZQUAKJM.mjs";
import "./chunk-XJAPUB6H.mjs";
import "./chunk-L5QZX5WR.mjs";
import "./chunk-EHDWN6R2.mjs";
import "./chunk-5USGNDUQ.mjs";
import "./chunk-H25O6PGM.mjs";
import "./chunk-DWDGEZWY.mjs";
import "./chunk-AFBQJMGN.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import "./chunk-HUJ2RKNL.mjs";
import "./chunk-B3VT5A5J.mjs";
export {
  DEFAULT_LOCAL_DIR,
  LOCAL_DIR_HELP,
  mirrorsFromOptions,
  registerMirrorsCommand,
  withOptionHint
};
