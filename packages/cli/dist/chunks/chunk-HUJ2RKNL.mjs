import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;

// packages/core/src/errors.ts
var CoreErrorCode = {
  /** A platform name that is not one of the four (`assertPlatform`). */
  UnknownPlatform: "E_CORE_PLATFORM",
  /** A build metadata file (`<artifact>.json`) that cannot be read or is not what the builder writes. */
  ArtifactMetadata: "E_CORE_ARTIFACT_METADATA"
};
var PotionsError = class extends Error {
  code;
  constructor(code, message, options) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
};
var UserError = class extends PotionsError {
  userError = true;
  location;
  /** What to do about it, printed after the message. */
  hint;
  constructor(code, message, options) {
    super(code, message, options);
    this.location = options?.location;
    this.hint = options?.hint;
  }
};
function withHint(err, hint) {
  const out = new UserError(err.code, err.message, { cause: err, location: err.location, hint });
  for (const [key, value] of Object.entries(err)) {
    if (!Object.prototype.hasOwnProperty.call(out, key)) out[key] = value;
  }
  return out;
}
function isUserError(err) {
  return typeof err === "object" && err !== null && err.userError === true && typeof err.code === "string";
}
function hasCode(err, code) {
  return typeof err === "object" && err !== null && err.code === code;
}
function formatLocation(loc) {
  if (!loc) return "";
  const where = [loc.file, loc.line !== void 0 ? String(loc.line) : void 0].filter((p) => p !== void 0).join(":");
  return [where, loc.field].filter(Boolean).join(" ");
}
function describeError(err) {
  if (isUserError(err)) {
    const where = formatLocation(err.location);
    const head = where ? `${where}: ${err.message}` : err.message;
    return err.hint ? `${head}
  hint: ${err.hint}` : head;
  }
  const message = err instanceof Error ? err.stack ?? err.message : String(err);
  return `internal error (a bug in Potions; please report it with this output):
${message}`;
}
function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}

// packages/core/src/reporter.ts
var noProgress = { update() {
}, done() {
} };
var silentReporter = {
  debug() {
  },
  info() {
  },
  warn() {
  },
  error() {
  },
  secret() {
  },
  progress: () => noProgress
};
function formatBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

// packages/core/src/monotonic-clock.ts
var monotonicClock = () => performance.now();

// packages/core/src/console-reporter.ts
var TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
function escapeControlChars(text) {
  return text.replace(TERMINAL_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
var ConsoleReporter = class {
  stream;
  verbose;
  lineInterval;
  clock;
  secrets = /* @__PURE__ */ new Set();
  constructor(options = {}) {
    this.stream = options.stream ?? process.stderr;
    this.verbose = options.verbose ?? false;
    this.lineInterval = (options.lineInterval ?? 5) * 1e3;
    this.clock = options.clock ?? monotonicClock;
  }
  mask(message) {
    let out = message;
    for (const s of this.secrets) out = out.split(s).join("***");
    return out;
  }
  /** Masked first (a secret is matched as it was given), then escaped. */
  safe(text) {
    return escapeControlChars(this.mask(text));
  }
  write(line) {
    this.stream.write(`${this.safe(line)}
`);
  }
  debug(message) {
    if (this.verbose) this.write(`debug: ${message}`);
  }
  info(message) {
    this.write(message);
  }
  warn(message, where) {
    const loc = where?.file ? `${where.file}${where.line ? `:${where.line}` : ""}: ` : "";
    this.write(`warning: ${loc}${message}`);
  }
  error(message, where) {
    const loc = where?.file ? `${where.file}${where.line ? `:${where.line}` : ""}: ` : "";
    this.write(`error: ${loc}${message}`);
  }
  secret(value) {
    if (value) this.secrets.add(value);
  }
  progress(label, total, unit = "bytes") {
    const tty = this.stream.isTTY === true;
    const started = this.clock();
    let last = 0;
    let lastLine = started;
    let finished = false;
    const render = (done, t) => {
      if (unit === "lines") return `${label}: ${done} lines of output`;
      const elapsed = Math.max((this.clock() - started) / 1e3, 1e-3);
      const rate = `${formatBytes(done / elapsed)}/s`;
      if (t && t > 0) {
        const pct = Math.min(100, done / t * 100);
        const width = 24;
        const filled = Math.round(pct / 100 * width);
        const bar = tty ? `[${"#".repeat(filled)}${".".repeat(width - filled)}] ` : "";
        return `${label} ${bar}${pct.toFixed(0)}% ${formatBytes(done)}/${formatBytes(t)} ${rate}`;
      }
      return `${label} ${formatBytes(done)} ${rate}`;
    };
    return {
      update: (done, t = total) => {
        if (finished) return;
        const now = this.clock();
        if (tty) {
          if (now - last < 100) return;
          last = now;
          this.stream.write(`\r${this.safe(render(done, t))}\x1B[K`);
        } else if (now - lastLine >= this.lineInterval) {
          lastLine = now;
          this.write(render(done, t));
        }
      },
      done: (message) => {
        if (finished) return;
        finished = true;
        if (tty) this.stream.write("\r\x1B[K");
        if (message) this.write(`${label} ${message}`);
      }
    };
  }
};

// packages/cli/src/output.ts
var ExitCode = {
  Ok: 0,
  /** The work failed, or the input has errors (a recipe defect, a failed download). */
  Failure: 1,
  /** The command line itself was wrong: an unknown option, a missing argument, an option value of the wrong form (`E_USAGE`). */
  Usage: 2,
  /** A bug in Potions. */
  Internal: 70
};
function printHuman(text) {
  process.stderr.write(`${escapeControlChars(text)}
`);
}
function printJson(value) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}
`);
}
function formatTable(headers, rawRows) {
  const rows = rawRows.map((r) => r.map(escapeControlChars));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells) => cells.map((c, i) => i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
var JSON_REPORTED = /* @__PURE__ */ Symbol.for("potions.cli.jsonReported");
function jsonReported(err) {
  if (typeof err === "object" && err !== null) err[JSON_REPORTED] = true;
  return err;
}
function isJsonReported(err) {
  return typeof err === "object" && err !== null && err[JSON_REPORTED] === true;
}

export {
  CoreErrorCode,
  PotionsError,
  UserError,
  withHint,
  isUserError,
  hasCode,
  formatLocation,
  describeError,
  errorMessage,
  monotonicClock,
  silentReporter,
  formatBytes,
  escapeControlChars,
  ConsoleReporter,
  ExitCode,
  printHuman,
  printJson,
  formatTable,
  jsonReported,
  isJsonReported
};
