import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  RecipeErrorCode,
  buildOrder,
  loadRecipeDir,
  planDownloads,
  recipeEdges
} from "./chunk-Q5AYDNPM.mjs";
import {
  isSafeVersion
} from "./chunk-34KJHGJW.mjs";
import "./chunk-EHDWN6R2.mjs";
import {
  PLATFORMS,
  isPlatform
} from "./chunk-EE5EUXX6.mjs";
import {
  USAGE_ERROR,
  positiveInt
} from "./chunk-AFBQJMGN.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import {
  ExitCode,
  UserError,
  formatTable,
  hasCode,
  printJson
} from "./chunk-HUJ2RKNL.mjs";
import {
  __commonJS,
  __toESM
} from "./chunk-B3VT5A5J.mjs";

// node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/lib/constants.js
var require_constants = __commonJS({
  "node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/lib/constants.js"(exports, module) {
    "use strict";
    var WIN_SLASH = "\\\\/";
    var WIN_NO_SLASH = `[^${WIN_SLASH}]`;
    var DEFAULT_MAX_EXTGLOB_RECURSION = 0;
    var DOT_LITERAL = "\\.";
    var PLUS_LITERAL = "\\+";
    var QMARK_LITERAL = "\\?";
    var SLASH_LITERAL = "\\/";
    var ONE_CHAR = "(?=.)";
    var QMARK = "[^/]";
    var END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
    var START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
    var DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
    var NO_DOT = `(?!${DOT_LITERAL})`;
    var NO_DOTS = `(?!${START_ANCHOR}${DOTS_SLASH})`;
    var NO_DOT_SLASH = `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`;
    var NO_DOTS_SLASH = `(?!${DOTS_SLASH})`;
    var QMARK_NO_DOT = `[^.${SLASH_LITERAL}]`;
    var STAR = `${QMARK}*?`;
    var SEP = "/";
    var POSIX_CHARS = {
      DOT_LITERAL,
      PLUS_LITERAL,
      QMARK_LITERAL,
      SLASH_LITERAL,
      ONE_CHAR,
      QMARK,
      END_ANCHOR,
      DOTS_SLASH,
      NO_DOT,
      NO_DOTS,
      NO_DOT_SLASH,
      NO_DOTS_SLASH,
      QMARK_NO_DOT,
      STAR,
      START_ANCHOR,
      SEP
    };
    var WINDOWS_CHARS = {
      ...POSIX_CHARS,
      SLASH_LITERAL: `[${WIN_SLASH}]`,
      QMARK: WIN_NO_SLASH,
      STAR: `${WIN_NO_SLASH}*?`,
      DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
      NO_DOT: `(?!${DOT_LITERAL})`,
      NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
      NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
      START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
      END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
      SEP: "\\"
    };
    var POSIX_REGEX_SOURCE = {
      __proto__: null,
      alnum: "a-zA-Z0-9",
      alpha: "a-zA-Z",
      ascii: "\\x00-\\x7F",
      blank: " \\t",
      cntrl: "\\x00-\\x1F\\x7F",
      digit: "0-9",
      graph: "\\x21-\\x7E",
      lower: "a-z",
      print: "\\x20-\\x7E ",
      punct: "\\-!\"#$%&'()\\*+,./:;<=>?@[\\]^_`{|}~",
      space: " \\t\\r\\n\\v\\f",
      upper: "A-Z",
      word: "A-Za-z0-9_",
      xdigit: "A-Fa-f0-9"
    };
    module.exports = {
      DEFAULT_MAX_EXTGLOB_RECURSION,
      MAX_LENGTH: 1024 * 64,
      POSIX_REGEX_SOURCE,
      // regular expressions
      REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
      REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
      REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
      REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
      REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
      REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,
      // Replace globs with equivalent patterns to reduce parsing time.
      REPLACEMENTS: {
        __proto__: null,
        "***": "*",
        "**/**": "**",
        "**/**/**": "**"
      },
      // Digits
      CHAR_0: 48,
      /* 0 */
      CHAR_9: 57,
      /* 9 */
      // Alphabet chars.
      CHAR_UPPERCASE_A: 65,
      /* A */
      CHAR_LOWERCASE_A: 97,
      /* a */
      CHAR_UPPERCASE_Z: 90,
      /* Z */
      CHAR_LOWERCASE_Z: 122,
      /* z */
      CHAR_LEFT_PARENTHESES: 40,
      /* ( */
      CHAR_RIGHT_PARENTHESES: 41,
      /* ) */
      CHAR_ASTERISK: 42,
      /* * */
      // Non-alphabetic chars.
      CHAR_AMPERSAND: 38,
      /* & */
      CHAR_AT: 64,
      /* @ */
      CHAR_BACKWARD_SLASH: 92,
      /* \ */
      CHAR_CARRIAGE_RETURN: 13,
      /* \r */
      CHAR_CIRCUMFLEX_ACCENT: 94,
      /* ^ */
      CHAR_COLON: 58,
      /* : */
      CHAR_COMMA: 44,
      /* , */
      CHAR_DOT: 46,
      /* . */
      CHAR_DOUBLE_QUOTE: 34,
      /* " */
      CHAR_EQUAL: 61,
      /* = */
      CHAR_EXCLAMATION_MARK: 33,
      /* ! */
      CHAR_FORM_FEED: 12,
      /* \f */
      CHAR_FORWARD_SLASH: 47,
      /* / */
      CHAR_GRAVE_ACCENT: 96,
      /* ` */
      CHAR_HASH: 35,
      /* # */
      CHAR_HYPHEN_MINUS: 45,
      /* - */
      CHAR_LEFT_ANGLE_BRACKET: 60,
      /* < */
      CHAR_LEFT_CURLY_BRACE: 123,
      /* { */
      CHAR_LEFT_SQUARE_BRACKET: 91,
      /* [ */
      CHAR_LINE_FEED: 10,
      /* \n */
      CHAR_NO_BREAK_SPACE: 160,
      /* \u00A0 */
      CHAR_PERCENT: 37,
      /* % */
      CHAR_PLUS: 43,
      /* + */
      CHAR_QUESTION_MARK: 63,
      /* ? */
      CHAR_RIGHT_ANGLE_BRACKET: 62,
      /* > */
      CHAR_RIGHT_CURLY_BRACE: 125,
      /* } */
      CHAR_RIGHT_SQUARE_BRACKET: 93,
      /* ] */
      CHAR_SEMICOLON: 59,
      /* ; */
      CHAR_SINGLE_QUOTE: 39,
      /* ' */
      CHAR_SPACE: 32,
      /*   */
      CHAR_TAB: 9,
      /* \t */
      CHAR_UNDERSCORE: 95,
      /* _ */
      CHAR_VERTICAL_LINE: 124,
      /* | */
      CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279,
      /* \uFEFF */
      /**
       * Create EXTGLOB_CHARS
       */
      extglobChars(chars) {
        return {
          "!": { type: "negate", open: "(?:(?!(?:", close: `))${chars.STAR})` },
          "?": { type: "qmark", open: "(?:", close: ")?" },
          "+": { type: "plus", open: "(?:", close: ")+" },
          "*": { type: "star", open: "(?:", close: ")*" },
          "@": { type: "at", open: "(?:", close: ")" }
        };
      },
      /**
       * Create GLOB_CHARS
       */
      globChars(win32) {
        return win32 === true ? WINDOWS_CHARS : POSIX_CHARS;
      }
    };
  }
});

// node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/lib/utils.js
var require_utils = __commonJS({
  "node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/lib/utils.js"(exports) {
    "use strict";
    var {
      REGEX_BACKSLASH,
      REGEX_REMOVE_BACKSLASH,
      REGEX_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_GLOBAL
    } = require_constants();
    exports.isObject = (val) => val !== null && typeof val === "object" && !Array.isArray(val);
    exports.hasRegexChars = (str) => REGEX_SPECIAL_CHARS.test(str);
    exports.isRegexChar = (str) => str.length === 1 && exports.hasRegexChars(str);
    exports.escapeRegex = (str) => str.replace(REGEX_SPECIAL_CHARS_GLOBAL, "\\$1");
    exports.toPosixSlashes = (str) => str.replace(REGEX_BACKSLASH, "/");
    exports.isWindows = () => {
      if (typeof navigator !== "undefined" && navigator.platform) {
        const platform = navigator.platform.toLowerCase();
        return platform === "win32" || platform === "windows";
      }
      if (typeof process !== "undefined" && process.platform) {
        return process.platform === "win32";
      }
      return false;
    };
    exports.removeBackslashes = (str) => {
      return str.replace(REGEX_REMOVE_BACKSLASH, (match) => {
        return match === "\\" ? "" : match;
      });
    };
    exports.escapeLast = (input, char, lastIdx) => {
      const idx = input.lastIndexOf(char, lastIdx);
      if (idx === -1) return input;
      if (input[idx - 1] === "\\") return exports.escapeLast(input, char, idx - 1);
      return `${input.slice(0, idx)}\\${input.slice(idx)}`;
    };
    exports.removePrefix = (input, state = {}) => {
      let output = input;
      if (output.startsWith("./")) {
        output = output.slice(2);
        state.prefix = "./";
      }
      return output;
    };
    exports.wrapOutput = (input, state = {}, options = {}) => {
      const prepend = options.contains ? "" : "^";
      const append = options.contains ? "" : "$";
      let output = `${prepend}(?:${input})${append}`;
      if (state.negated === true) {
        output = `(?:^(?!${output}).*$)`;
      }
      return output;
    };
    exports.basename = (path3, { windows } = {}) => {
      const segs = path3.split(windows ? /[\\/]/ : "/");
      const last = segs[segs.length - 1];
      if (last === "") {
        return segs[segs.length - 2];
      }
      return last;
    };
  }
});

// node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/lib/scan.js
var require_scan = __commonJS({
  "node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/lib/scan.js"(exports, module) {
    "use strict";
    var utils = require_utils();
    var {
      CHAR_ASTERISK,
      /* * */
      CHAR_AT,
      /* @ */
      CHAR_BACKWARD_SLASH,
      /* \ */
      CHAR_COMMA,
      /* , */
      CHAR_DOT,
      /* . */
      CHAR_EXCLAMATION_MARK,
      /* ! */
      CHAR_FORWARD_SLASH,
      /* / */
      CHAR_LEFT_CURLY_BRACE,
      /* { */
      CHAR_LEFT_PARENTHESES,
      /* ( */
      CHAR_LEFT_SQUARE_BRACKET,
      /* [ */
      CHAR_PLUS,
      /* + */
      CHAR_QUESTION_MARK,
      /* ? */
      CHAR_RIGHT_CURLY_BRACE,
      /* } */
      CHAR_RIGHT_PARENTHESES,
      /* ) */
      CHAR_RIGHT_SQUARE_BRACKET
      /* ] */
    } = require_constants();
    var isPathSeparator = (code) => {
      return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
    };
    var depth = (token) => {
      if (token.isPrefix !== true) {
        token.depth = token.isGlobstar ? Infinity : 1;
      }
    };
    var scan = (input, options) => {
      const opts = options || {};
      const length = input.length - 1;
      const scanToEnd = opts.parts === true || opts.tokens === true || opts.scanToEnd === true;
      const slashes = [];
      const tokens = [];
      const parts = [];
      let str = input;
      let index = -1;
      let start = 0;
      let lastIndex = 0;
      let isBrace = false;
      let isBracket = false;
      let isGlob = false;
      let isExtglob = false;
      let isGlobstar = false;
      let braceEscaped = false;
      let backslashes = false;
      let negated = false;
      let negatedExtglob = false;
      let finished = false;
      let braces = 0;
      let prev;
      let code;
      let token = { value: "", depth: 0, isGlob: false };
      const eos = () => index >= length;
      const peek = () => str.charCodeAt(index + 1);
      const advance = () => {
        prev = code;
        return str.charCodeAt(++index);
      };
      while (index < length) {
        code = advance();
        let next;
        if (code === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          code = advance();
          if (code === CHAR_LEFT_CURLY_BRACE) {
            braceEscaped = true;
          }
          continue;
        }
        if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
          braces++;
          while (eos() !== true && (code = advance())) {
            if (code === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (code === CHAR_LEFT_CURLY_BRACE) {
              braces++;
              continue;
            }
            if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (braceEscaped !== true && code === CHAR_COMMA) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (code === CHAR_RIGHT_CURLY_BRACE) {
              braces--;
              if (braces === 0) {
                braceEscaped = false;
                isBrace = token.isBrace = true;
                finished = true;
                break;
              }
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_FORWARD_SLASH) {
          slashes.push(index);
          tokens.push(token);
          token = { value: "", depth: 0, isGlob: false };
          if (finished === true) continue;
          if (prev === CHAR_DOT && index === start + 1) {
            start += 2;
            continue;
          }
          lastIndex = index + 1;
          continue;
        }
        if (opts.noext !== true) {
          const isExtglobChar = code === CHAR_PLUS || code === CHAR_AT || code === CHAR_ASTERISK || code === CHAR_QUESTION_MARK || code === CHAR_EXCLAMATION_MARK;
          if (isExtglobChar === true && peek() === CHAR_LEFT_PARENTHESES) {
            isGlob = token.isGlob = true;
            isExtglob = token.isExtglob = true;
            finished = true;
            if (code === CHAR_EXCLAMATION_MARK && index === start) {
              negatedExtglob = true;
            }
            if (scanToEnd === true) {
              let parens = 0;
              while (eos() !== true && (code = advance())) {
                if (code === CHAR_BACKWARD_SLASH) {
                  backslashes = token.backslashes = true;
                  advance();
                  continue;
                }
                if (code === CHAR_LEFT_PARENTHESES) {
                  parens++;
                  continue;
                }
                if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                  finished = true;
                  break;
                }
              }
              continue;
            }
            break;
          }
        }
        if (code === CHAR_ASTERISK) {
          if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_QUESTION_MARK) {
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_LEFT_SQUARE_BRACKET) {
          while (eos() !== true && (next = advance())) {
            if (next === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (next === CHAR_RIGHT_SQUARE_BRACKET) {
              isBracket = token.isBracket = true;
              isGlob = token.isGlob = true;
              finished = true;
              break;
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
          negated = token.negated = true;
          start++;
          continue;
        }
        if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
          isGlob = token.isGlob = true;
          if (scanToEnd === true) {
            let parens = 1;
            while (eos() !== true && (code = advance())) {
              if (code === CHAR_BACKWARD_SLASH) {
                backslashes = token.backslashes = true;
                advance();
                continue;
              }
              if (code === CHAR_LEFT_PARENTHESES) {
                parens++;
                continue;
              }
              if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                finished = true;
                break;
              }
            }
            continue;
          }
          break;
        }
        if (isGlob === true) {
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
      }
      if (opts.noext === true) {
        isExtglob = false;
        isGlob = false;
      }
      let base = str;
      let prefix = "";
      let glob = "";
      if (start > 0) {
        prefix = str.slice(0, start);
        str = str.slice(start);
        lastIndex -= start;
      }
      if (base && isGlob === true && lastIndex > 0) {
        base = str.slice(0, lastIndex);
        glob = str.slice(lastIndex);
      } else if (isGlob === true) {
        base = "";
        glob = str;
      } else {
        base = str;
      }
      if (base && base !== "" && base !== "/" && base !== str) {
        if (isPathSeparator(base.charCodeAt(base.length - 1))) {
          base = base.slice(0, -1);
        }
      }
      if (opts.unescape === true) {
        if (glob) glob = utils.removeBackslashes(glob);
        if (base && backslashes === true) {
          base = utils.removeBackslashes(base);
        }
      }
      const state = {
        prefix,
        input,
        start,
        base,
        glob,
        isBrace,
        isBracket,
        isGlob,
        isExtglob,
        isGlobstar,
        negated,
        negatedExtglob
      };
      if (opts.tokens === true) {
        state.maxDepth = 0;
        if (!isPathSeparator(code)) {
          tokens.push(token);
        }
        state.tokens = tokens;
      }
      if (opts.parts === true || opts.tokens === true) {
        let prevIndex;
        for (let idx = 0; idx < slashes.length; idx++) {
          const n2 = prevIndex !== void 0 ? prevIndex + 1 : start;
          const i = slashes[idx];
          const value2 = input.slice(n2, i);
          if (opts.tokens) {
            if (idx === 0 && start !== 0) {
              tokens[idx].isPrefix = true;
              tokens[idx].value = prefix;
            } else {
              tokens[idx].value = value2;
            }
            depth(tokens[idx]);
            state.maxDepth += tokens[idx].depth;
          }
          if (i >= start) {
            parts.push(value2);
            prevIndex = i;
          }
        }
        const n = prevIndex !== void 0 ? prevIndex + 1 : start;
        const value = input.slice(n);
        parts.push(value);
        if (opts.tokens && prevIndex && prevIndex + 1 < input.length) {
          tokens[tokens.length - 1].value = value;
          depth(tokens[tokens.length - 1]);
          state.maxDepth += tokens[tokens.length - 1].depth;
        }
        state.slashes = slashes;
        state.parts = parts;
      }
      return state;
    };
    module.exports = scan;
  }
});

// node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/lib/parse.js
var require_parse = __commonJS({
  "node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/lib/parse.js"(exports, module) {
    "use strict";
    var constants = require_constants();
    var utils = require_utils();
    var {
      MAX_LENGTH,
      POSIX_REGEX_SOURCE,
      REGEX_NON_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_BACKREF,
      REPLACEMENTS
    } = constants;
    var expandRange = (args, options) => {
      if (typeof options.expandRange === "function") {
        return options.expandRange(...args, options);
      }
      args.sort();
      const value = `[${args.join("-")}]`;
      try {
        new RegExp(value);
      } catch (ex) {
        return args.map((v) => utils.escapeRegex(v)).join("..");
      }
      return value;
    };
    var syntaxError = (type, char) => {
      return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
    };
    var splitTopLevel = (input) => {
      const parts = [];
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let value = "";
      let escaped = false;
      for (const ch of input) {
        if (escaped === true) {
          value += ch;
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          value += ch;
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          value += ch;
          continue;
        }
        if (quote === 0) {
          if (ch === "[") {
            bracket++;
          } else if (ch === "]" && bracket > 0) {
            bracket--;
          } else if (bracket === 0) {
            if (ch === "(") {
              paren++;
            } else if (ch === ")" && paren > 0) {
              paren--;
            } else if (ch === "|" && paren === 0) {
              parts.push(value);
              value = "";
              continue;
            }
          }
        }
        value += ch;
      }
      parts.push(value);
      return parts;
    };
    var isPlainBranch = (branch) => {
      let escaped = false;
      for (const ch of branch) {
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (/[?*+@!()[\]{}]/.test(ch)) {
          return false;
        }
      }
      return true;
    };
    var normalizeSimpleBranch = (branch) => {
      let value = branch.trim();
      let changed = true;
      while (changed === true) {
        changed = false;
        if (/^@\([^\\()[\]{}|]+\)$/.test(value)) {
          value = value.slice(2, -1);
          changed = true;
        }
      }
      if (!isPlainBranch(value)) {
        return;
      }
      return value.replace(/\\(.)/g, "$1");
    };
    var hasRepeatedCharPrefixOverlap = (branches) => {
      const values = branches.map(normalizeSimpleBranch).filter(Boolean);
      for (let i = 0; i < values.length; i++) {
        for (let j = i + 1; j < values.length; j++) {
          const a = values[i];
          const b = values[j];
          const char = a[0];
          if (!char || a !== char.repeat(a.length) || b !== char.repeat(b.length)) {
            continue;
          }
          if (a === b || a.startsWith(b) || b.startsWith(a)) {
            return true;
          }
        }
      }
      return false;
    };
    var parseRepeatedExtglob = (pattern, requireEnd = true) => {
      if (pattern[0] !== "+" && pattern[0] !== "*" || pattern[1] !== "(") {
        return;
      }
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let escaped = false;
      for (let i = 1; i < pattern.length; i++) {
        const ch = pattern[i];
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          continue;
        }
        if (quote === 1) {
          continue;
        }
        if (ch === "[") {
          bracket++;
          continue;
        }
        if (ch === "]" && bracket > 0) {
          bracket--;
          continue;
        }
        if (bracket > 0) {
          continue;
        }
        if (ch === "(") {
          paren++;
          continue;
        }
        if (ch === ")") {
          paren--;
          if (paren === 0) {
            if (requireEnd === true && i !== pattern.length - 1) {
              return;
            }
            return {
              type: pattern[0],
              body: pattern.slice(2, i),
              end: i
            };
          }
        }
      }
    };
    var buildCharClassStar = (chars) => {
      const source = chars.length === 1 ? utils.escapeRegex(chars[0]) : `[${chars.map((ch) => utils.escapeRegex(ch)).join("")}]`;
      return `${source}*`;
    };
    var getStarExtglobSequenceChars = (pattern) => {
      let index = 0;
      const chars = [];
      while (index < pattern.length) {
        const match = parseRepeatedExtglob(pattern.slice(index), false);
        if (!match || match.type !== "*") {
          return;
        }
        const branches = splitTopLevel(match.body).map((branch2) => branch2.trim());
        if (branches.length !== 1) {
          return;
        }
        const branch = normalizeSimpleBranch(branches[0]);
        if (!branch || branch.length !== 1) {
          return;
        }
        chars.push(branch);
        index += match.end + 1;
      }
      if (chars.length < 1) {
        return;
      }
      return chars;
    };
    var repeatedExtglobRecursion = (pattern) => {
      let depth = 0;
      let value = pattern.trim();
      let match = parseRepeatedExtglob(value);
      while (match) {
        depth++;
        value = match.body.trim();
        match = parseRepeatedExtglob(value);
      }
      return depth;
    };
    var analyzeRepeatedExtglob = (body, options) => {
      if (options.maxExtglobRecursion === false) {
        return { risky: false };
      }
      const max = typeof options.maxExtglobRecursion === "number" ? options.maxExtglobRecursion : constants.DEFAULT_MAX_EXTGLOB_RECURSION;
      const branches = splitTopLevel(body).map((branch) => branch.trim());
      if (branches.length > 1) {
        if (branches.some((branch) => branch === "") || branches.some((branch) => /^[*?]+$/.test(branch)) || hasRepeatedCharPrefixOverlap(branches)) {
          return { risky: true };
        }
      }
      const safeChars = [];
      let sawStarSequence = false;
      let combinable = true;
      for (const branch of branches) {
        const chars = getStarExtglobSequenceChars(branch);
        if (chars) {
          sawStarSequence = true;
          safeChars.push(...chars);
          continue;
        }
        const literal = normalizeSimpleBranch(branch);
        if (literal && literal.length === 1) {
          safeChars.push(literal);
          continue;
        }
        combinable = false;
        if (repeatedExtglobRecursion(branch) > max) {
          return { risky: true };
        }
      }
      if (sawStarSequence) {
        return combinable ? { risky: true, safeOutput: buildCharClassStar([...new Set(safeChars)]) } : { risky: true };
      }
      return { risky: false };
    };
    var parse = (input, options) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected a string");
      }
      input = REPLACEMENTS[input] || input;
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      let len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      const bos = { type: "bos", value: "", output: opts.prepend || "" };
      const tokens = [bos];
      const capture = opts.capture ? "" : "?:";
      const PLATFORM_CHARS = constants.globChars(opts.windows);
      const EXTGLOB_CHARS = constants.extglobChars(PLATFORM_CHARS);
      const {
        DOT_LITERAL,
        PLUS_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOT_SLASH,
        NO_DOTS_SLASH,
        QMARK,
        QMARK_NO_DOT,
        STAR,
        START_ANCHOR
      } = PLATFORM_CHARS;
      const globstar = (opts2) => {
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const nodot = opts.dot ? "" : NO_DOT;
      const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
      let star = opts.bash === true ? globstar(opts) : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      if (typeof opts.noext === "boolean") {
        opts.noextglob = opts.noext;
      }
      const state = {
        input,
        index: -1,
        start: 0,
        dot: opts.dot === true,
        consumed: "",
        output: "",
        prefix: "",
        backtrack: false,
        negated: false,
        brackets: 0,
        braces: 0,
        parens: 0,
        quotes: 0,
        globstar: false,
        tokens
      };
      input = utils.removePrefix(input, state);
      len = input.length;
      const extglobs = [];
      const braces = [];
      const stack = [];
      let prev = bos;
      let value;
      const eos = () => state.index === len - 1;
      const peek = state.peek = (n = 1) => input[state.index + n];
      const advance = state.advance = () => input[++state.index] || "";
      const remaining = () => input.slice(state.index + 1);
      const consume = (value2 = "", num = 0) => {
        state.consumed += value2;
        state.index += num;
      };
      const append = (token) => {
        state.output += token.output != null ? token.output : token.value;
        consume(token.value);
      };
      const negate = () => {
        let count = 1;
        while (peek() === "!" && (peek(2) !== "(" || peek(3) === "?")) {
          advance();
          state.start++;
          count++;
        }
        if (count % 2 === 0) {
          return false;
        }
        state.negated = true;
        state.start++;
        return true;
      };
      const increment = (type) => {
        state[type]++;
        stack.push(type);
      };
      const decrement = (type) => {
        state[type]--;
        stack.pop();
      };
      const push = (tok) => {
        if (prev.type === "globstar") {
          const isBrace = state.braces > 0 && (tok.type === "comma" || tok.type === "brace");
          const isExtglob = tok.extglob === true || extglobs.length && (tok.type === "pipe" || tok.type === "paren");
          if (tok.type !== "slash" && tok.type !== "paren" && !isBrace && !isExtglob) {
            state.output = state.output.slice(0, -prev.output.length);
            prev.type = "star";
            prev.value = "*";
            prev.output = star;
            state.output += prev.output;
          }
        }
        if (extglobs.length && tok.type !== "paren") {
          extglobs[extglobs.length - 1].inner += tok.value;
        }
        if (tok.value || tok.output) append(tok);
        if (prev && prev.type === "text" && tok.type === "text") {
          prev.output = (prev.output || prev.value) + tok.value;
          prev.value += tok.value;
          return;
        }
        tok.prev = prev;
        tokens.push(tok);
        prev = tok;
      };
      const extglobOpen = (type, value2) => {
        const token = { ...EXTGLOB_CHARS[value2], conditions: 1, inner: "" };
        token.prev = prev;
        token.parens = state.parens;
        token.output = state.output;
        token.startIndex = state.index;
        token.tokensIndex = tokens.length;
        const output = (opts.capture ? "(" : "") + token.open;
        increment("parens");
        push({ type, value: value2, output: state.output ? "" : ONE_CHAR });
        push({ type: "paren", extglob: true, value: advance(), output });
        extglobs.push(token);
      };
      const extglobClose = (token) => {
        const literal = input.slice(token.startIndex, state.index + 1);
        const body = input.slice(token.startIndex + 2, state.index);
        const analysis = analyzeRepeatedExtglob(body, opts);
        if ((token.type === "plus" || token.type === "star") && analysis.risky) {
          const safeOutput = analysis.safeOutput ? (token.output ? "" : ONE_CHAR) + (opts.capture ? `(${analysis.safeOutput})` : analysis.safeOutput) : void 0;
          const open = tokens[token.tokensIndex];
          open.type = "text";
          open.value = literal;
          open.output = safeOutput || utils.escapeRegex(literal);
          for (let i = token.tokensIndex + 1; i < tokens.length; i++) {
            tokens[i].value = "";
            tokens[i].output = "";
            delete tokens[i].suffix;
          }
          state.output = token.output + open.output;
          state.backtrack = true;
          push({ type: "paren", extglob: true, value, output: "" });
          decrement("parens");
          return;
        }
        let output = token.close + (opts.capture ? ")" : "");
        let rest;
        if (token.type === "negate") {
          let extglobStar = star;
          if (token.inner && token.inner.length > 1 && token.inner.includes("/")) {
            extglobStar = globstar(opts);
          }
          if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) {
            output = token.close = `)$))${extglobStar}`;
          }
          if (token.inner.includes("*") && (rest = remaining()) && /^\.[^\\/.]+$/.test(rest)) {
            const expression = parse(rest, { ...options, fastpaths: false }).output;
            output = token.close = `)${expression})${extglobStar})`;
          }
          if (token.prev.type === "bos") {
            state.negatedExtglob = true;
          }
        }
        push({ type: "paren", extglob: true, value, output });
        decrement("parens");
      };
      if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
        let backslashes = false;
        let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
          if (first === "\\") {
            backslashes = true;
            return m;
          }
          if (first === "?") {
            if (esc) {
              return esc + first + (rest ? QMARK.repeat(rest.length) : "");
            }
            if (index === 0) {
              return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : "");
            }
            return QMARK.repeat(chars.length);
          }
          if (first === ".") {
            return DOT_LITERAL.repeat(chars.length);
          }
          if (first === "*") {
            if (esc) {
              return esc + first + (rest ? star : "");
            }
            return star;
          }
          return esc ? m : `\\${m}`;
        });
        if (backslashes === true) {
          if (opts.unescape === true) {
            output = output.replace(/\\/g, "");
          } else {
            output = output.replace(/\\+/g, (m) => {
              return m.length % 2 === 0 ? "\\\\" : m ? "\\" : "";
            });
          }
        }
        if (output === input && opts.contains === true) {
          state.output = input;
          return state;
        }
        state.output = utils.wrapOutput(output, state, options);
        return state;
      }
      while (!eos()) {
        value = advance();
        if (value === "\0") {
          continue;
        }
        if (value === "\\") {
          const next = peek();
          if (next === "/" && opts.bash !== true) {
            continue;
          }
          if (next === "." || next === ";") {
            continue;
          }
          if (!next) {
            value += "\\";
            push({ type: "text", value });
            continue;
          }
          const match = /^\\+/.exec(remaining());
          let slashes = 0;
          if (match && match[0].length > 2) {
            slashes = match[0].length;
            state.index += slashes;
            if (slashes % 2 !== 0) {
              value += "\\";
            }
          }
          if (opts.unescape === true) {
            value = advance();
          } else {
            value += advance();
          }
          if (state.brackets === 0) {
            push({ type: "text", value });
            continue;
          }
        }
        if (state.brackets > 0 && (value !== "]" || prev.value === "[" || prev.value === "[^")) {
          if (opts.posix !== false && value === ":") {
            const inner = prev.value.slice(1);
            if (inner.includes("[")) {
              prev.posix = true;
              if (inner.includes(":")) {
                const idx = prev.value.lastIndexOf("[");
                const pre = prev.value.slice(0, idx);
                const rest2 = prev.value.slice(idx + 2);
                const posix = POSIX_REGEX_SOURCE[rest2];
                if (posix) {
                  prev.value = pre + posix;
                  state.backtrack = true;
                  advance();
                  if (!bos.output && tokens.indexOf(prev) === 1) {
                    bos.output = ONE_CHAR;
                  }
                  continue;
                }
              }
            }
          }
          if (value === "[" && peek() !== ":" || value === "-" && peek() === "]") {
            value = `\\${value}`;
          }
          if (value === "]" && (prev.value === "[" || prev.value === "[^")) {
            value = `\\${value}`;
          }
          if (opts.posix === true && value === "!" && prev.value === "[") {
            value = "^";
          }
          prev.value += value;
          append({ value });
          continue;
        }
        if (state.quotes === 1 && value !== '"') {
          value = utils.escapeRegex(value);
          prev.value += value;
          append({ value });
          continue;
        }
        if (value === '"') {
          state.quotes = state.quotes === 1 ? 0 : 1;
          if (opts.keepQuotes === true) {
            push({ type: "text", value });
          }
          continue;
        }
        if (value === "(") {
          increment("parens");
          push({ type: "paren", value });
          continue;
        }
        if (value === ")") {
          if (state.parens === 0 && opts.strictBrackets === true) {
            throw new SyntaxError(syntaxError("opening", "("));
          }
          const extglob = extglobs[extglobs.length - 1];
          if (extglob && state.parens === extglob.parens + 1) {
            extglobClose(extglobs.pop());
            continue;
          }
          push({ type: "paren", value, output: state.parens ? ")" : "\\)" });
          decrement("parens");
          continue;
        }
        if (value === "[") {
          if (opts.nobracket === true || !remaining().includes("]")) {
            if (opts.nobracket !== true && opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("closing", "]"));
            }
            value = `\\${value}`;
          } else {
            increment("brackets");
          }
          push({ type: "bracket", value });
          continue;
        }
        if (value === "]") {
          if (opts.nobracket === true || prev && prev.type === "bracket" && prev.value.length === 1) {
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          if (state.brackets === 0) {
            if (opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("opening", "["));
            }
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          decrement("brackets");
          const prevValue = prev.value.slice(1);
          if (prev.posix !== true && prevValue[0] === "^" && !prevValue.includes("/")) {
            value = `/${value}`;
          }
          prev.value += value;
          append({ value });
          if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) {
            continue;
          }
          const escaped = utils.escapeRegex(prev.value);
          state.output = state.output.slice(0, -prev.value.length);
          if (opts.literalBrackets === true) {
            state.output += escaped;
            prev.value = escaped;
            continue;
          }
          prev.value = `(${capture}${escaped}|${prev.value})`;
          state.output += prev.value;
          continue;
        }
        if (value === "{" && opts.nobrace !== true) {
          increment("braces");
          const open = {
            type: "brace",
            value,
            output: "(",
            outputIndex: state.output.length,
            tokensIndex: state.tokens.length
          };
          braces.push(open);
          push(open);
          continue;
        }
        if (value === "}") {
          const brace = braces[braces.length - 1];
          if (opts.nobrace === true || !brace) {
            push({ type: "text", value, output: value });
            continue;
          }
          let output = ")";
          if (brace.dots === true) {
            const arr = tokens.slice();
            const range = [];
            for (let i = arr.length - 1; i >= 0; i--) {
              tokens.pop();
              if (arr[i].type === "brace") {
                break;
              }
              if (arr[i].type !== "dots") {
                range.unshift(arr[i].value);
              }
            }
            output = expandRange(range, opts);
            state.backtrack = true;
          }
          if (brace.comma !== true && brace.dots !== true) {
            const out = state.output.slice(0, brace.outputIndex);
            const toks = state.tokens.slice(brace.tokensIndex);
            brace.value = brace.output = "\\{";
            value = output = "\\}";
            state.output = out;
            for (const t of toks) {
              state.output += t.output || t.value;
            }
          }
          push({ type: "brace", value, output });
          decrement("braces");
          braces.pop();
          continue;
        }
        if (value === "|") {
          if (extglobs.length > 0) {
            extglobs[extglobs.length - 1].conditions++;
          }
          push({ type: "text", value });
          continue;
        }
        if (value === ",") {
          let output = value;
          const brace = braces[braces.length - 1];
          if (brace && stack[stack.length - 1] === "braces") {
            brace.comma = true;
            output = "|";
          }
          push({ type: "comma", value, output });
          continue;
        }
        if (value === "/") {
          if (prev.type === "dot" && state.index === state.start + 1) {
            state.start = state.index + 1;
            state.consumed = "";
            state.output = "";
            tokens.pop();
            prev = bos;
            continue;
          }
          push({ type: "slash", value, output: SLASH_LITERAL });
          continue;
        }
        if (value === ".") {
          if (state.braces > 0 && prev.type === "dot") {
            if (prev.value === ".") prev.output = DOT_LITERAL;
            const brace = braces[braces.length - 1];
            prev.type = "dots";
            prev.output += value;
            prev.value += value;
            brace.dots = true;
            continue;
          }
          if (state.braces + state.parens === 0 && prev.type !== "bos" && prev.type !== "slash") {
            push({ type: "text", value, output: DOT_LITERAL });
            continue;
          }
          push({ type: "dot", value, output: DOT_LITERAL });
          continue;
        }
        if (value === "?") {
          const isGroup = prev && prev.value === "(";
          if (!isGroup && opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("qmark", value);
            continue;
          }
          if (prev && prev.type === "paren") {
            const next = peek();
            let output = value;
            if (prev.value === "(" && !/[!=<:]/.test(next) || next === "<" && !/<([!=]|\w+>)/.test(remaining())) {
              output = `\\${value}`;
            }
            push({ type: "text", value, output });
            continue;
          }
          if (opts.dot !== true && (prev.type === "slash" || prev.type === "bos")) {
            push({ type: "qmark", value, output: QMARK_NO_DOT });
            continue;
          }
          push({ type: "qmark", value, output: QMARK });
          continue;
        }
        if (value === "!") {
          if (opts.noextglob !== true && peek() === "(") {
            if (peek(2) !== "?" || !/[!=<:]/.test(peek(3))) {
              extglobOpen("negate", value);
              continue;
            }
          }
          if (opts.nonegate !== true && state.index === 0) {
            negate();
            continue;
          }
        }
        if (value === "+") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("plus", value);
            continue;
          }
          if (prev && prev.value === "(" || opts.regex === false) {
            push({ type: "plus", value, output: PLUS_LITERAL });
            continue;
          }
          if (prev && (prev.type === "bracket" || prev.type === "paren" || prev.type === "brace") || state.parens > 0) {
            push({ type: "plus", value });
            continue;
          }
          push({ type: "plus", value: PLUS_LITERAL });
          continue;
        }
        if (value === "@") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            push({ type: "at", extglob: true, value, output: "" });
            continue;
          }
          push({ type: "text", value });
          continue;
        }
        if (value !== "*") {
          if (value === "$" || value === "^") {
            value = `\\${value}`;
          }
          const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
          if (match) {
            value += match[0];
            state.index += match[0].length;
          }
          push({ type: "text", value });
          continue;
        }
        if (prev && (prev.type === "globstar" || prev.star === true)) {
          prev.type = "star";
          prev.star = true;
          prev.value += value;
          prev.output = star;
          state.backtrack = true;
          state.globstar = true;
          consume(value);
          continue;
        }
        let rest = remaining();
        if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
          extglobOpen("star", value);
          continue;
        }
        if (prev.type === "star") {
          if (opts.noglobstar === true) {
            consume(value);
            continue;
          }
          const prior = prev.prev;
          const before = prior.prev;
          const isStart = prior.type === "slash" || prior.type === "bos";
          const afterStar = before && (before.type === "star" || before.type === "globstar");
          if (opts.bash === true && (!isStart || rest[0] && rest[0] !== "/")) {
            push({ type: "star", value, output: "" });
            continue;
          }
          const isBrace = state.braces > 0 && (prior.type === "comma" || prior.type === "brace");
          const isExtglob = extglobs.length && (prior.type === "pipe" || prior.type === "paren");
          if (!isStart && prior.type !== "paren" && !isBrace && !isExtglob) {
            push({ type: "star", value, output: "" });
            continue;
          }
          while (rest.slice(0, 3) === "/**") {
            const after = input[state.index + 4];
            if (after && after !== "/") {
              break;
            }
            rest = rest.slice(3);
            consume("/**", 3);
          }
          const isEnd = eos() || state.parens > 0 && rest === ")".repeat(state.parens) && !extglobs.some((extglob) => extglob.type === "negate");
          if (prior.type === "bos" && eos()) {
            prev.type = "globstar";
            prev.value += value;
            prev.output = globstar(opts);
            state.output = prev.output;
            state.globstar = true;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && !afterStar && isEnd) {
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = globstar(opts) + (opts.strictSlashes ? ")" : "|$)");
            prev.value += value;
            state.globstar = true;
            state.output += prior.output + prev.output;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && rest[0] === "/") {
            const end = rest[1] !== void 0 ? "|$" : "";
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
            prev.value += value;
            state.output += prior.output + prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          if (prior.type === "bos" && rest[0] === "/") {
            prev.type = "globstar";
            prev.value += value;
            prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
            state.output = prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          state.output = state.output.slice(0, -prev.output.length);
          prev.type = "globstar";
          prev.output = globstar(opts);
          prev.value += value;
          state.output += prev.output;
          state.globstar = true;
          consume(value);
          continue;
        }
        const token = { type: "star", value, output: star };
        if (opts.bash === true) {
          token.output = ".*?";
          if (prev.type === "bos" || prev.type === "slash") {
            token.output = nodot + token.output;
          }
          push(token);
          continue;
        }
        if (prev && (prev.type === "bracket" || prev.type === "paren") && opts.regex === true) {
          token.output = value;
          push(token);
          continue;
        }
        if (state.index === state.start || prev.type === "slash" || prev.type === "dot") {
          if (prev.type === "dot") {
            state.output += NO_DOT_SLASH;
            prev.output += NO_DOT_SLASH;
          } else if (opts.dot === true) {
            state.output += NO_DOTS_SLASH;
            prev.output += NO_DOTS_SLASH;
          } else {
            state.output += nodot;
            prev.output += nodot;
          }
          if (peek() !== "*") {
            state.output += ONE_CHAR;
            prev.output += ONE_CHAR;
          }
        }
        push(token);
      }
      while (state.brackets > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "]"));
        state.output = utils.escapeLast(state.output, "[");
        decrement("brackets");
      }
      while (state.parens > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", ")"));
        state.output = utils.escapeLast(state.output, "(");
        decrement("parens");
      }
      while (state.braces > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "}"));
        state.output = utils.escapeLast(state.output, "{");
        decrement("braces");
      }
      if (opts.strictSlashes !== true && (prev.type === "star" || prev.type === "bracket")) {
        push({ type: "maybe_slash", value: "", output: `${SLASH_LITERAL}?` });
      }
      if (state.backtrack === true) {
        state.output = "";
        for (const token of state.tokens) {
          state.output += token.output != null ? token.output : token.value;
          if (token.suffix) {
            state.output += token.suffix;
          }
        }
      }
      return state;
    };
    parse.fastpaths = (input, options) => {
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      const len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      input = REPLACEMENTS[input] || input;
      const {
        DOT_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOTS,
        NO_DOTS_SLASH,
        STAR,
        START_ANCHOR
      } = constants.globChars(opts.windows);
      const nodot = opts.dot ? NO_DOTS : NO_DOT;
      const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
      const capture = opts.capture ? "" : "?:";
      const state = { negated: false, prefix: "" };
      let star = opts.bash === true ? ".*?" : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      const globstar = (opts2) => {
        if (opts2.noglobstar === true) return star;
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const create = (str) => {
        switch (str) {
          case "*":
            return `${nodot}${ONE_CHAR}${star}`;
          case ".*":
            return `${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*.*":
            return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*/*":
            return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;
          case "**":
            return nodot + globstar(opts);
          case "**/*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;
          case "**/*.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "**/.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;
          default: {
            const match = /^(.*?)\.(\w+)$/.exec(str);
            if (!match) return;
            const source2 = create(match[1]);
            if (!source2) return;
            return source2 + DOT_LITERAL + match[2];
          }
        }
      };
      const output = utils.removePrefix(input, state);
      let source = create(output);
      if (source && opts.strictSlashes !== true) {
        source += `${SLASH_LITERAL}?`;
      }
      return source;
    };
    module.exports = parse;
  }
});

// node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/lib/picomatch.js
var require_picomatch = __commonJS({
  "node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/lib/picomatch.js"(exports, module) {
    "use strict";
    var scan = require_scan();
    var parse = require_parse();
    var utils = require_utils();
    var constants = require_constants();
    var isObject = (val) => val && typeof val === "object" && !Array.isArray(val);
    var picomatch2 = (glob, options, returnState = false) => {
      if (Array.isArray(glob)) {
        const fns = glob.map((input) => picomatch2(input, options, returnState));
        const arrayMatcher = (str) => {
          for (const isMatch of fns) {
            const state2 = isMatch(str);
            if (state2) return state2;
          }
          return false;
        };
        return arrayMatcher;
      }
      const isState = isObject(glob) && glob.tokens && glob.input;
      if (glob === "" || typeof glob !== "string" && !isState) {
        throw new TypeError("Expected pattern to be a non-empty string");
      }
      const opts = options || {};
      const posix = opts.windows;
      const regex = isState ? picomatch2.compileRe(glob, options) : picomatch2.makeRe(glob, options, false, true);
      const state = regex.state;
      delete regex.state;
      let isIgnored = () => false;
      if (opts.ignore) {
        const ignoreOpts = { ...options, ignore: null, onMatch: null, onResult: null };
        isIgnored = picomatch2(opts.ignore, ignoreOpts, returnState);
      }
      const matcher = (input, returnObject = false) => {
        const { isMatch, match, output } = picomatch2.test(input, regex, options, { glob, posix });
        const result = { glob, state, regex, posix, input, output, match, isMatch };
        if (typeof opts.onResult === "function") {
          opts.onResult(result);
        }
        if (isMatch === false) {
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (isIgnored(input)) {
          if (typeof opts.onIgnore === "function") {
            opts.onIgnore(result);
          }
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (typeof opts.onMatch === "function") {
          opts.onMatch(result);
        }
        return returnObject ? result : true;
      };
      if (returnState) {
        matcher.state = state;
      }
      return matcher;
    };
    picomatch2.test = (input, regex, options, { glob, posix } = {}) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected input to be a string");
      }
      if (input === "") {
        return { isMatch: false, output: "" };
      }
      const opts = options || {};
      const format = opts.format || (posix ? utils.toPosixSlashes : null);
      let match = input === glob;
      let output = match && format ? format(input) : input;
      if (match === false) {
        output = format ? format(input) : input;
        match = output === glob;
      }
      if (match === false || opts.capture === true) {
        if (opts.matchBase === true || opts.basename === true) {
          match = picomatch2.matchBase(input, regex, options, posix);
        } else {
          match = regex.exec(output);
        }
      }
      return { isMatch: Boolean(match), match, output };
    };
    picomatch2.matchBase = (input, glob, options, posix = options && options.windows) => {
      const regex = glob instanceof RegExp ? glob : picomatch2.makeRe(glob, options);
      return regex.test(utils.basename(input, { windows: posix }));
    };
    picomatch2.isMatch = (str, patterns, options) => picomatch2(patterns, options)(str);
    picomatch2.parse = (pattern, options) => {
      if (Array.isArray(pattern)) return pattern.map((p) => picomatch2.parse(p, options));
      return parse(pattern, { ...options, fastpaths: false });
    };
    picomatch2.scan = (input, options) => scan(input, options);
    picomatch2.compileRe = (state, options, returnOutput = false, returnState = false) => {
      if (returnOutput === true) {
        return state.output;
      }
      const opts = options || {};
      const prepend = opts.contains ? "" : "^";
      const append = opts.contains ? "" : "$";
      let source = `${prepend}(?:${state.output})${append}`;
      if (state && state.negated === true) {
        source = `^(?!${source}).*$`;
      }
      const regex = picomatch2.toRegex(source, options);
      if (returnState === true) {
        regex.state = state;
      }
      return regex;
    };
    picomatch2.makeRe = (input, options = {}, returnOutput = false, returnState = false) => {
      if (!input || typeof input !== "string") {
        throw new TypeError("Expected a non-empty string");
      }
      let parsed = { negated: false, fastpaths: true };
      if (options.fastpaths !== false && (input[0] === "." || input[0] === "*")) {
        parsed.output = parse.fastpaths(input, options);
      }
      if (!parsed.output) {
        parsed = parse(input, options);
      }
      return picomatch2.compileRe(parsed, options, returnOutput, returnState);
    };
    picomatch2.toRegex = (source, options) => {
      try {
        const opts = options || {};
        return new RegExp(source, opts.flags || (opts.nocase ? "i" : ""));
      } catch (err2) {
        if (options && options.debug === true) throw err2;
        return /$^/;
      }
    };
    picomatch2.constants = constants;
    module.exports = picomatch2;
  }
});

// node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/index.js
var require_picomatch2 = __commonJS({
  "node_modules/.pnpm/picomatch@4.0.7/node_modules/picomatch/index.js"(exports, module) {
    "use strict";
    var pico = require_picomatch();
    var utils = require_utils();
    function picomatch2(glob, options, returnState = false) {
      if (options && (options.windows === null || options.windows === void 0)) {
        options = { ...options, windows: utils.isWindows() };
      }
      return pico(glob, options, returnState);
    }
    Object.assign(picomatch2, pico);
    module.exports = picomatch2;
  }
});

// packages/cli/src/commands/plan.ts
import { promises as fs } from "node:fs";

// packages/schedule/src/schedule.ts
import path2 from "node:path";

// packages/schedule/src/errors.ts
var ScheduleErrorCode = {
  /** A recipe name asked for that no recipe has. */
  UnknownRecipe: "E_SCHEDULE_UNKNOWN_RECIPE",
  /** A glob asked for that matches no recipe. */
  NoMatch: "E_SCHEDULE_NO_MATCH",
  /** The recipes to build depend on each other in a circle. */
  Cycle: "E_SCHEDULE_CYCLE",
  /** An option out of range: a platform that is not one of the four, a matrix limit over GitHub's 256, a duration below 0. */
  Option: "E_SCHEDULE_OPTION",
  /** A version or a "name@version@platform" that cannot be used. */
  Version: "E_SCHEDULE_VERSION",
  /** The schedule needs more matrices than the workflow has build jobs for. */
  TooManyMatrices: "E_SCHEDULE_TOO_MANY_MATRICES",
  /** A run plan (the plan job's output) that is not JSON or not of this version's shape. */
  RunPlan: "E_SCHEDULE_RUN_PLAN",
  /** A leg's status record that cannot be read, or a value it is made from that does not fit. */
  LegRecord: "E_SCHEDULE_LEG_RECORD",
  /** The changed files since a ref could not be listed (the ref is unknown, or the history too shallow). */
  Changes: "E_SCHEDULE_CHANGES",
  /** The published manifest could not be read from any mirror, or is not signed by a trusted key. */
  Published: "E_SCHEDULE_PUBLISHED"
};

// packages/schedule/src/runners.ts
var DEFAULT_RUNNERS = {
  "darwin-x86_64": "macos-15-intel",
  "darwin-arm64": "macos-15",
  "linux-amd64": "ubuntu-24.04",
  "linux-arm64": "ubuntu-24.04-arm"
};
function runnersFor(overrides = {}) {
  const out = { ...DEFAULT_RUNNERS };
  for (const [key, label] of Object.entries(overrides)) {
    if (!isPlatform(key)) {
      throw new UserError(ScheduleErrorCode.Option, `runner map: "${key}" is not a platform`, { hint: `use one of: ${PLATFORMS.join(", ")}` });
    }
    if (typeof label !== "string" || label.trim() === "") {
      throw new UserError(ScheduleErrorCode.Option, `runner map: the runner label of ${key} is empty`, { hint: `e.g. ${key}: ${DEFAULT_RUNNERS[key]}` });
    }
    out[key] = label.trim();
  }
  return out;
}

// packages/schedule/src/select.ts
var import_picomatch = __toESM(require_picomatch2(), 1);
import path from "node:path";
var GLOB = /[*?[\]{}!]/;
function normalizeRepoPath(p) {
  return path.posix.normalize(p.trim().replaceAll("\\", "/")).replace(/^(\.\/)+/, "");
}
function ownFiles(c, root) {
  const file = root === void 0 ? c.file : path.relative(root, path.resolve(root, c.file));
  const files = [normalizeRepoPath(file)];
  const sigs = [c.recipe?.download.signature, c.recipe?.sourceBuild?.signature];
  for (const s of sigs) {
    const keys = s?.keysUrl;
    if (keys && !/^[a-z][a-z0-9+.-]*:/i.test(keys)) files.push(normalizeRepoPath(path.posix.join(path.posix.dirname(files[0]), keys)));
  }
  return files;
}
function selectRecipes(candidates, selection, root) {
  const names = [...new Set(candidates.map((c) => c.name))].sort();
  const patterns = (selection.patterns ?? []).map((p) => p.trim()).filter((p) => p !== "");
  const changed = (selection.changedFiles ?? []).map(normalizeRepoPath).filter((p) => p !== "" && p !== ".");
  const picked = /* @__PURE__ */ new Set();
  const ignoredChanges = [];
  if (patterns.length === 0 && selection.changedFiles === void 0) names.forEach((n) => picked.add(n));
  for (const p of patterns) {
    if (!GLOB.test(p)) {
      if (!names.includes(p)) {
        throw new UserError(ScheduleErrorCode.UnknownRecipe, `no recipe named "${p}"`, {
          hint: suggestion(candidates, p) ?? "check the name against the recipe folder"
        });
      }
      picked.add(p);
      continue;
    }
    const match = (0, import_picomatch.default)(p);
    const hits = names.filter((n) => match(n));
    if (hits.length === 0) {
      throw new UserError(ScheduleErrorCode.NoMatch, `the pattern "${p}" matches no recipe name`, {
        hint: 'patterns match recipe names, not files: e.g. "lib*" or "{jq,yq}"'
      });
    }
    hits.forEach((n) => picked.add(n));
  }
  if (changed.length > 0) {
    const byFile = /* @__PURE__ */ new Map();
    for (const c of candidates) {
      for (const f of ownFiles(c, root)) byFile.set(f, [...byFile.get(f) ?? [], c.name]);
    }
    for (const f of [...new Set(changed)].sort()) {
      const hit = byFile.get(f);
      if (hit) hit.forEach((n) => picked.add(n));
      else ignoredChanges.push(f);
    }
  }
  if (selection.withDependants) {
    for (const n of dependantsOf(candidates, [...picked])) picked.add(n);
  }
  return { names: [...picked].sort(), ignoredChanges };
}
function dependantsOf(candidates, names) {
  const users = /* @__PURE__ */ new Map();
  for (const c of candidates) {
    if (!c.recipe) continue;
    for (const dep of recipeEdges(c.recipe)) users.set(dep, [...users.get(dep) ?? [], c.name]);
  }
  const seen = new Set(names);
  const queue = [...names];
  for (let n = queue.shift(); n !== void 0; n = queue.shift()) {
    for (const u of users.get(n) ?? []) {
      if (!seen.has(u)) {
        seen.add(u);
        queue.push(u);
      }
    }
  }
  return [...seen].filter((n) => !names.includes(n));
}
function suggestion(candidates, name) {
  try {
    buildOrder(
      candidates.map((c) => c.recipe).filter((r) => r !== void 0),
      [name]
    );
  } catch (err2) {
    const hint = err2.hint;
    if (typeof hint === "string" && hint.startsWith("did you mean")) return hint;
  }
  return void 0;
}

// packages/schedule/src/schedule.ts
var GITHUB_MAX_MATRIX_LEGS = 256;
function planSchedule(input) {
  const platforms = platformsOf(input.platforms);
  const maxLegs = wholeOption("maxLegsPerMatrix", input.maxLegsPerMatrix ?? GITHUB_MAX_MATRIX_LEGS, GITHUB_MAX_MATRIX_LEGS);
  const maxParallel = input.maxParallel === void 0 ? null : wholeOption("maxParallel", input.maxParallel);
  const runners = runnersFor(input.runners);
  const fileOf = (file) => normalizeRepoPath(input.root === void 0 ? file : path2.relative(input.root, path2.resolve(input.root, file)));
  const { valid, invalid } = partition(input.recipes, fileOf);
  const candidates = [
    ...[...valid.values()].map((v) => ({ name: v.recipe.name, file: v.file, recipe: v.recipe })),
    ...invalid.filter((i) => i.name !== void 0 && !valid.has(i.name)).map((i) => ({ name: i.name, file: i.file }))
  ];
  const selection = selectRecipes(candidates, input.select ?? {}, input.root);
  const selected = new Set(selection.names);
  for (const i of invalid) i.selected = i.name !== void 0 && selected.has(i.name) && !valid.has(i.name);
  const invalidNames = new Set(invalid.filter((i) => i.name !== void 0 && !valid.has(i.name)).map((i) => i.name));
  const versions = versionsOf(input.versions, candidates);
  const durations = durationsOf(input.durations);
  const availableSet = new Set((input.available ?? []).map((b) => refKey(b.name, b.version, b.platform)));
  const recipes = [...valid.values()].map((v) => v.recipe);
  const roots = selection.names.filter((n) => valid.has(n));
  const order = orderOf(recipes, roots, valid);
  const host = order.host.filter((h) => !invalidNames.has(h));
  const legs = [];
  const skipped = [];
  const reused = [];
  const excluded = [];
  const unresolved = /* @__PURE__ */ new Set();
  for (const platform of platforms) {
    const state = /* @__PURE__ */ new Map();
    for (const name of order.order) {
      const recipe = valid.get(name).recipe;
      state.set(name, stateOf(recipe, platform, state, invalidNames, versions, availableSet, input.rebuild === true && selected.has(name)));
    }
    const needed = /* @__PURE__ */ new Set();
    const visit = (name) => {
      for (const dep of recipeEdges(valid.get(name).recipe)) {
        if (valid.has(dep) && !needed.has(dep)) {
          needed.add(dep);
          visit(dep);
        }
      }
    };
    for (const name of roots) {
      const s = state.get(name);
      if (s.kind === "build") visit(name);
      else if (s.kind === "available") skipped.push({ recipe: name, version: s.version, platform, reason: `${refKey(name, s.version, platform)} is in the cache or the manifest already` });
      else excluded.push({ recipe: name, platform, code: s.code, reason: s.reason });
    }
    const ready = /* @__PURE__ */ new Map();
    for (const name of order.order) {
      const s = state.get(name);
      const isRoot = selected.has(name) && s.kind === "build";
      if (!isRoot && !needed.has(name)) continue;
      const recipe = valid.get(name).recipe;
      let wave = 0;
      const needs = /* @__PURE__ */ new Set();
      for (const dep of recipeEdges(recipe)) {
        const r = ready.get(dep);
        if (!r) continue;
        wave = Math.max(wave, r.wave);
        r.needs.forEach((n) => needs.add(n));
      }
      if (s.kind === "build") {
        const id = `${name}-${platform}`;
        if (s.version === null) unresolved.add(name);
        legs.push({
          id,
          recipe: name,
          file: valid.get(name).file,
          version: s.version,
          platform,
          runner: runners[platform],
          wave,
          timeout: recipe.build.timeoutMinutes,
          needs: [...needs].sort(),
          duration: durations.of(name, platform),
          tail: 0
        });
        needs.add(id);
        ready.set(name, { wave: wave + 1, needs });
      } else {
        if (s.kind === "available" && !selected.has(name)) reused.push({ name, version: s.version, platform });
        ready.set(name, { wave, needs });
      }
    }
  }
  computeTails(legs);
  const critical = criticalPathOf(legs, platforms);
  const { waves, matrices } = shard(legs, platforms, maxLegs, maxParallel, durations.given);
  const schedule = {
    schemaVersion: 1,
    platforms,
    runners,
    maxParallel,
    maxLegsPerMatrix: maxLegs,
    selected: selection.names,
    waves,
    matrices,
    legs: legs.length,
    skipped,
    reused: reused.sort((a, b) => a.name.localeCompare(b.name) || PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform)),
    excluded: excluded.sort((a, b) => a.recipe.localeCompare(b.recipe) || PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform)),
    invalid: invalid.sort((a, b) => a.file.localeCompare(b.file)),
    host,
    unresolved: [...unresolved].sort(),
    ignoredChanges: selection.ignoredChanges,
    criticalPath: durations.given ? { legs: critical.legs, minutes: critical.minutes } : { legs: critical.legs }
  };
  if (durations.given) {
    schedule.minutes = matrices.reduce((sum, m) => sum + (m.minutes ?? 0), 0);
    schedule.missingDurations = [...new Set(legs.filter((l) => !durations.has(l.recipe, l.platform)).map((l) => l.recipe))].sort();
  }
  return schedule;
}
function refKey(name, version, platform) {
  return `${name}@${version}@${platform}`;
}
function parseBuildRef(text) {
  const parts = text.trim().split("@");
  const [name, version, platform] = parts;
  if (parts.length !== 3 || !name || !version || !platform || !isPlatform(platform) || !isSafeVersion(version)) {
    throw new UserError(ScheduleErrorCode.Version, `"${text}" is not name@version@platform`, {
      hint: `write e.g. zlib@1.3.1@linux-amd64 (platforms: ${PLATFORMS.join(", ")})`
    });
  }
  return { name, version, platform };
}
function platformsOf(given) {
  if (given === void 0) return [...PLATFORMS];
  for (const p of given) {
    if (!isPlatform(p)) throw new UserError(ScheduleErrorCode.Option, `unknown platform "${p}"`, { hint: `use some of: ${PLATFORMS.join(", ")}` });
  }
  if (given.length === 0) throw new UserError(ScheduleErrorCode.Option, "no platform to build for", { hint: `use some of: ${PLATFORMS.join(", ")}` });
  return PLATFORMS.filter((p) => given.includes(p));
}
function wholeOption(name, value, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UserError(ScheduleErrorCode.Option, `${name} must be a whole number from 1 to ${max === Number.MAX_SAFE_INTEGER ? "any" : max}, got ${value}`, {
      hint: max === GITHUB_MAX_MATRIX_LEGS ? "GitHub makes at most 256 jobs from one matrix" : void 0
    });
  }
  return value;
}
function partition(loaded, fileOf) {
  const valid = /* @__PURE__ */ new Map();
  const invalid = [];
  for (const l of [...loaded].sort((a, b) => fileOf(a.file).localeCompare(fileOf(b.file)))) {
    const file = fileOf(l.file);
    const error = l.issues.find((i) => i.severity === "error");
    if (!l.recipe || error) {
      invalid.push({ name: l.name, file, code: error?.code ?? "E_RECIPE", message: error?.message ?? "the recipe cannot be read", line: error?.line, field: error?.field, selected: false });
    } else if (valid.has(l.recipe.name)) {
      const first = valid.get(l.recipe.name);
      invalid.push({ name: l.recipe.name, file, code: "E_DUPLICATE_NAME", message: `recipe "${l.recipe.name}" is also defined in ${first.file}; that one is used`, line: l.lineOf?.(["name"]), field: "name", selected: false });
    } else valid.set(l.recipe.name, { file, recipe: l.recipe });
  }
  return { valid, invalid };
}
function versionsOf(given, candidates) {
  const names = new Set(candidates.map((c) => c.name));
  const map = /* @__PURE__ */ new Map();
  for (const [name, version] of Object.entries(given ?? {})) {
    if (!names.has(name)) throw new UserError(ScheduleErrorCode.Version, `a version is given for "${name}", which no recipe is`, { hint: "check the name against the recipe folder" });
    if (typeof version !== "string" || !isSafeVersion(version)) {
      throw new UserError(ScheduleErrorCode.Version, `the version of ${name}, ${JSON.stringify(version)}, is not a valid version`, { hint: 'a version is letters, digits, ".", "-", "_" and "+"' });
    }
    map.set(name, version);
  }
  return (recipe) => map.get(recipe.name) ?? (recipe.version.source.kind === "static" ? recipe.version.source.version : null);
}
function durationsOf(given) {
  const entries = Object.entries(given ?? {});
  for (const [key, minutes] of entries) {
    if (typeof minutes !== "number" || !Number.isFinite(minutes) || minutes < 0) {
      throw new UserError(ScheduleErrorCode.Option, `the duration of ${key} must be a number of minutes of at least 0, got ${JSON.stringify(minutes)}`);
    }
  }
  const map = new Map(entries);
  const sorted = entries.map(([, m]) => m).sort((a, b) => a - b);
  const median = sorted.length === 0 ? 1 : (sorted[Math.floor((sorted.length - 1) / 2)] + sorted[Math.ceil((sorted.length - 1) / 2)]) / 2;
  const has = (name, platform) => map.has(`${name}@${platform}`) || map.has(name);
  return {
    given: entries.length > 0,
    has,
    of: (name, platform) => map.get(`${name}@${platform}`) ?? map.get(name) ?? median
  };
}
function orderOf(recipes, roots, valid) {
  try {
    return buildOrder(recipes, roots);
  } catch (err2) {
    if (!hasCode(err2, RecipeErrorCode.Cycle)) throw err2;
    const message = err2.message;
    const first = /cycle: ([^ ]+)/.exec(message)?.[1];
    throw new UserError(ScheduleErrorCode.Cycle, message, {
      cause: err2,
      location: first && valid.has(first) ? { file: valid.get(first).file, field: "dependencies" } : void 0,
      hint: "a recipe cannot be built before itself: remove one of these dependencies"
    });
  }
}
function stateOf(recipe, platform, states, invalidNames, versionOf, available, rebuild) {
  const cannot = downloadProblem(recipe, platform);
  if (cannot) return { kind: "excluded", code: "no-platform", reason: cannot };
  for (const dep of recipeEdges(recipe)) {
    if (invalidNames.has(dep)) return { kind: "excluded", code: "dependency", reason: `needs ${dep}, whose recipe has errors` };
    const s = states.get(dep);
    if (s?.kind === "excluded") {
      const why = s.code === "no-platform" ? `which does not build for ${platform}` : `which cannot be built here: ${s.reason}`;
      return { kind: "excluded", code: "dependency", reason: `needs ${dep}, ${why}` };
    }
  }
  const version = versionOf(recipe);
  if (version !== null && !rebuild && available.has(refKey(recipe.name, version, platform))) return { kind: "available", version };
  return { kind: "build", version };
}
function downloadProblem(recipe, platform) {
  try {
    planDownloads(recipe, platform, "0");
    return void 0;
  } catch (err2) {
    if (!hasCode(err2, RecipeErrorCode.Platform) && !hasCode(err2, RecipeErrorCode.NoDownload)) throw err2;
    const listed = PLATFORMS.filter((p) => p in recipe.download.platforms);
    return hasCode(err2, RecipeErrorCode.NoDownload) ? `the recipe lists ${platform} but has nothing to download for it (no download_url, mirror or git_url)` : `the recipe lists no ${platform} download (it lists: ${listed.join(", ") || "none"})`;
  }
}
function computeTails(legs) {
  const dependants = /* @__PURE__ */ new Map();
  for (const l of legs) for (const n of l.needs) dependants.set(n, [...dependants.get(n) ?? [], l]);
  for (const l of [...legs].sort((a, b) => b.wave - a.wave)) {
    l.tail = l.duration + Math.max(0, ...(dependants.get(l.id) ?? []).map((d) => d.tail));
  }
}
var byPriority = (platforms) => (a, b) => b.tail - a.tail || a.recipe.localeCompare(b.recipe) || platforms.indexOf(a.platform) - platforms.indexOf(b.platform);
function criticalPathOf(legs, platforms) {
  const sorted = [...legs].sort(byPriority(platforms));
  const first = sorted[0];
  if (!first) return { legs: [], minutes: 0 };
  const path3 = [first];
  for (let at = first; at !== void 0; ) {
    const from = at;
    at = sorted.filter((l) => l.needs.includes(from.id) && Math.abs(l.tail - (from.tail - from.duration)) < 1e-9).sort((a, b) => a.wave - b.wave)[0];
    if (at) path3.push(at);
  }
  return { legs: path3.map((l) => l.id), minutes: first.tail };
}
function shard(legs, platforms, maxLegs, maxParallel, timed) {
  const waves = [];
  const matrices = [];
  const count = legs.reduce((n, l) => Math.max(n, l.wave + 1), 0);
  for (let w = 0; w < count; w++) {
    const inWave = legs.filter((l) => l.wave === w).sort(byPriority(platforms));
    const parts = Math.ceil(inWave.length / maxLegs);
    const wave = { index: w, legs: inWave.length, matrices: [] };
    let start = 0;
    for (let p = 0; p < parts; p++) {
      const size = Math.ceil((inWave.length - start) / (parts - p));
      const part = inWave.slice(start, start + size);
      start += size;
      const m = { index: matrices.length, wave: w, matrix: { include: part.map(publicLeg) } };
      if (timed) m.minutes = makespan(part.map((l) => l.duration), maxParallel);
      wave.matrices.push(m.index);
      matrices.push(m);
    }
    if (timed) wave.minutes = wave.matrices.reduce((sum, i) => sum + (matrices[i].minutes ?? 0), 0);
    waves.push(wave);
  }
  return { waves, matrices };
}
function publicLeg(l) {
  return { id: l.id, recipe: l.recipe, file: l.file, version: l.version, platform: l.platform, runner: l.runner, wave: l.wave, timeout: l.timeout, needs: l.needs };
}
function makespan(durations, workers) {
  if (workers === null || workers >= durations.length) return Math.max(0, ...durations);
  const free = new Array(workers).fill(0);
  for (const d of durations) {
    let i = 0;
    for (let j = 1; j < free.length; j++) if (free[j] < free[i]) i = j;
    free[i] = free[i] + d;
  }
  return Math.max(...free);
}

// packages/cli/src/commands/plan.ts
var collect = (value, previous = []) => [...previous, value];
var words = (value, previous = []) => [...previous, ...value.split(/[\s,]+/).filter(Boolean)];
function err(line) {
  process.stderr.write(`${line}
`);
}
async function readText(file, what, flag) {
  try {
    return await fs.readFile(file, "utf8");
  } catch (e) {
    throw new UserError("E_PLAN_INPUT", `cannot read ${what} ${file}: ${e.code ?? String(e)}`, { hint: `${flag} takes a file` });
  }
}
async function readLines(file, what, flag) {
  return (await readText(file, what, flag)).split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
}
function pairs(values, flag, what) {
  const out = {};
  for (const v of values) {
    const m = /^([^=\s]+)=(\S+)$/.exec(v.trim());
    if (!m) throw new UserError(USAGE_ERROR, `${flag} "${v}": expected ${what}`);
    out[m[1]] = m[2];
  }
  return out;
}
async function readDurations(file) {
  const text = await readText(file, "the durations file", "--durations");
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError("E_PLAN_INPUT", `${file} is not JSON: ${e.message}`, { hint: 'write {"recipe": minutes, "recipe@platform": minutes}' });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError("E_PLAN_INPUT", `${file} must hold one JSON object of minutes by recipe`, { hint: 'write {"recipe": minutes, "recipe@platform": minutes}' });
  }
  return value;
}
async function loadCorpus(dir) {
  try {
    const loaded = await loadRecipeDir(dir);
    if (loaded.length === 0) throw new UserError("E_RECIPE_PATH", `${dir} holds no *.yml or *.yaml recipe`, { hint: "pass the recipe folder with --corpus DIR" });
    return loaded;
  } catch (e) {
    if (e.code === "E_RECIPE_PATH") throw e;
    throw new UserError("E_RECIPE_PATH", `cannot read the recipe folder ${dir}: ${e.code ?? e.message}`, {
      hint: "pass the recipe folder with --corpus DIR (e.g. --corpus ../shared/potions-recipes)"
    });
  }
}
function some(names, max = 6) {
  const unique = [...new Set(names)];
  return unique.length <= max ? unique.join(", ") : `${unique.slice(0, max).join(", ")} and ${unique.length - max} more`;
}
function formatSchedule(s, opts = {}) {
  const out = [];
  const legs = (i) => s.matrices[i]?.matrix.include ?? [];
  const timed = s.minutes !== void 0;
  const rows = s.matrices.map((m) => [
    String(m.wave + 1),
    String(m.index + 1),
    String(m.matrix.include.length),
    ...timed ? [String(Math.round(m.minutes ?? 0))] : [],
    PLATFORMS.filter((p) => s.platforms.includes(p)).map((p) => `${p} ${m.matrix.include.filter((l) => l.platform === p).length}`).join(", "),
    some(m.matrix.include.map((l) => l.recipe))
  ]);
  if (rows.length > 0) {
    out.push(formatTable(["WAVE", "MATRIX", "LEGS", ...timed ? ["MINUTES"] : [], "PER PLATFORM", "RECIPES"], rows));
  }
  out.push(
    `${s.legs} legs in ${s.waves.length} waves, ${s.matrices.length} matrices (at most ${s.maxLegsPerMatrix} legs each${s.maxParallel === null ? "" : `, ${s.maxParallel} at a time`}); ${s.selected.length} recipes selected`
  );
  if (timed) out.push(`estimate: ${Math.round(s.minutes ?? 0)} minutes, the matrices one after another`);
  if (s.criticalPath.legs.length > 0) {
    const minutes = s.criticalPath.minutes === void 0 ? "" : `, ${Math.round(s.criticalPath.minutes)} minutes`;
    out.push(`critical path (${s.criticalPath.legs.length} builds${minutes}): ${s.criticalPath.legs.join(" -> ")}`);
  }
  if (opts.legs) {
    const all = s.matrices.flatMap((m) => legs(m.index));
    if (all.length > 0) {
      out.push(
        formatTable(
          ["WAVE", "LEG", "VERSION", "RUNNER", "NEEDS"],
          all.map((l) => [String(l.wave + 1), l.id, l.version ?? "unresolved", l.runner, l.needs.join(" ")])
        )
      );
    }
  }
  if (s.excluded.length > 0) {
    out.push(`left out (${s.excluded.length}):`);
    out.push(formatTable(["RECIPE", "PLATFORM", "WHY"], s.excluded.map((e) => [e.recipe, e.platform, e.reason])));
  }
  if (s.skipped.length > 0) out.push(`already available, not rebuilt: ${some(s.skipped.map((k) => `${k.recipe}@${k.version}@${k.platform}`), 10)}`);
  if (s.reused.length > 0) out.push(`dependencies taken from the cache or manifest: ${some(s.reused.map((r) => `${r.name}@${r.version}@${r.platform}`), 10)}`);
  if (s.invalid.length > 0) {
    out.push(`recipes with errors, not built (${s.invalid.length}):`);
    for (const i of s.invalid) out.push(`  ${i.file}${i.line === void 0 ? "" : `:${i.line}`}${i.field ? ` ${i.field}` : ""}: ${i.message}`);
  }
  if (s.host.length > 0) out.push(`from the build machine (no recipe): ${s.host.join(", ")}`);
  if (s.unresolved.length > 0) out.push(`unresolved versions (${s.unresolved.length}; give them with --version NAME=V): ${some(s.unresolved, 10)}`);
  if (s.ignoredChanges.length > 0) out.push(`changed files that are no recipe: ${some(s.ignoredChanges, 10)}`);
  return out.join("\n");
}
function registerPlanCommand(program) {
  program.command("plan").description("Plan a release of a recipe folder: waves by dependency level, matrices of legs, the critical path (offline)").requiredOption("--corpus <dir>", "the recipe folder (searched recursively)").option("--recipes <names>", "recipe names or globs over names, comma-separated, repeatable (default: all)", words).option("--changed-files <file>", "a file of changed paths, one per line (git diff --name-only REF...HEAD): the recipes whose files changed").option("--with-dependants", "also plan every recipe that depends on a selected one").option("--platforms <list>", `platforms, comma-separated (default: ${PLATFORMS.join(",")})`, words).option("--version <name=version>", "the version of a recipe, repeatable (default: its static version, else unresolved)", collect).option("--available <file>", "builds the cache or the manifest holds, one name@version@platform per line: not built again").option("--rebuild", "build selected recipes even when --available lists them").option("--durations <file>", 'JSON {"recipe": minutes, "recipe@platform": minutes}: the critical path and estimates in minutes').option("--max-parallel <n>", "legs of a matrix that run at once (strategy.max-parallel)", positiveInt("--max-parallel")).option("--max-legs <n>", "legs per matrix, at most 256 (GitHub's limit, the default)", positiveInt("--max-legs")).option("--runner <platform=label>", "the runs-on label of a platform, repeatable", collect).option("--root <dir>", "the repository root that file paths are relative to (default: the current folder)").option("--legs", "list every leg in the table").option("--json", "print the schedule as JSON: matrices[].matrix is what strategy.matrix takes").action(async (opts) => {
    if (opts.maxLegs !== void 0 && opts.maxLegs > GITHUB_MAX_MATRIX_LEGS) {
      throw new UserError(USAGE_ERROR, `--max-legs must be at most ${GITHUB_MAX_MATRIX_LEGS} (GitHub makes at most that many jobs from one matrix), got ${opts.maxLegs}`);
    }
    const recipes = await loadCorpus(opts.corpus);
    const changedFiles = opts.changedFiles === void 0 ? void 0 : await readLines(opts.changedFiles, "the changed-files list", "--changed-files");
    const available = opts.available === void 0 ? [] : (await readLines(opts.available, "the available-builds list", "--available")).map((l) => parseBuildRef(l));
    const schedule = planSchedule({
      recipes,
      root: opts.root ?? process.cwd(),
      select: { patterns: opts.recipes, changedFiles, withDependants: opts.withDependants },
      platforms: opts.platforms,
      versions: pairs(opts.version ?? [], "--version", "NAME=VERSION"),
      available,
      rebuild: opts.rebuild,
      durations: opts.durations === void 0 ? void 0 : await readDurations(opts.durations),
      maxParallel: opts.maxParallel,
      maxLegsPerMatrix: opts.maxLegs,
      runners: pairs(opts.runner ?? [], "--runner", "PLATFORM=LABEL")
    });
    const named = new Set(opts.recipes ?? []);
    const broken = schedule.invalid.filter((i) => i.name !== void 0 && named.has(i.name) && i.selected);
    if (opts.json) printJson({ ok: broken.length === 0, ...schedule });
    else err(formatSchedule(schedule, { legs: opts.legs }));
    for (const b of broken) err(`error: ${b.file}${b.line === void 0 ? "" : `:${b.line}`}: recipe "${b.name}" has errors (${b.message}); run: potions recipes check ${b.file}`);
    process.exitCode = broken.length > 0 ? ExitCode.Failure : ExitCode.Ok;
  });
}
export {
  formatSchedule,
  registerPlanCommand
};
