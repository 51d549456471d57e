import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  CliErrorCode
} from "./chunk-FLLDZBEK.mjs";
import {
  UserError
} from "./chunk-HUJ2RKNL.mjs";

// packages/cli/src/options.ts
var USAGE_ERROR = CliErrorCode.Usage;
var DIGITS = /^\d+$/;
function wholeNumber(flag, min = 0) {
  return (value) => {
    const v = value.trim();
    if (!DIGITS.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
      throw new UserError(USAGE_ERROR, `${flag} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`);
    }
    return Number(v);
  };
}
function positiveInt(flag) {
  return wholeNumber(flag, 1);
}
function ports(flag) {
  return (value) => {
    const parts = value.split(",").map((p) => p.trim());
    if (parts.some((p) => !DIGITS.test(p) || Number(p) > 65535)) {
      throw new UserError(USAGE_ERROR, `${flag} must be comma-separated port numbers from 0 to 65535 (0 picks a free one), got ${JSON.stringify(value)}`);
    }
    return parts.map(Number);
  };
}
function positiveNumber(flag, unit) {
  const what = unit ? `a number of ${unit}` : "a number";
  return (value) => {
    const v = value.trim();
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0)) {
      throw new UserError(USAGE_ERROR, `${flag} must be ${what} greater than 0, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

export {
  USAGE_ERROR,
  wholeNumber,
  positiveInt,
  ports,
  positiveNumber
};
