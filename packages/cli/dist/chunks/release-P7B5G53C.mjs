import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  LocalFolderBuildCache,
  SOURCE_MIRRORS_ENV,
  buildFromRecipeRef,
  parseSourceMirrors,
  sourceMirrorsFromEnv
} from "./chunk-R2PK7INS.mjs";
import "./chunk-S2GWYNR3.mjs";
import {
  smokeTestArtifact
} from "./chunk-67JUOEHD.mjs";
import "./chunk-72MDNXWJ.mjs";
import "./chunk-2OL6CIZP.mjs";
import {
  PipelineErrorCode,
  ensureLocalSigningKey,
  fetchPackage,
  localKeysDir,
  maxBuildJobs,
  prepareRelease,
  serveSourceDirs
} from "./chunk-RQHZWWAY.mjs";
import "./chunk-KZ3XLZPR.mjs";
import "./chunk-XJIVFK5C.mjs";
import "./chunk-2WPBWRMN.mjs";
import {
  SBOM_FORMATS,
  defaultSbomPath,
  writeSboms
} from "./chunk-SMGVNFBN.mjs";
import {
  FAIL_ON_LEVELS,
  SCANNER_CHOICES,
  SbomErrorCode,
  scanSboms
} from "./chunk-GILNPOEJ.mjs";
import "./chunk-FYQXNLY7.mjs";
import {
  isBuildError
} from "./chunk-XPDYRYHA.mjs";
import {
  versionDepsFromEnv
} from "./chunk-JPVXRUO3.mjs";
import "./chunk-QHOKOGRP.mjs";
import "./chunk-Q5AYDNPM.mjs";
import "./chunk-34KJHGJW.mjs";
import {
  MANIFEST_KEY,
  artifactMetadataFileFromBytes,
  manifestStoreFromMirror,
  publishRelease
} from "./chunk-AK44MLVN.mjs";
import "./chunk-22PQZATQ.mjs";
import "./chunk-55UCJZ7D.mjs";
import {
  DEFAULT_LOCAL_PORTS,
  LocalMirrorsErrorCode,
  closeMirrors,
  isLocalMirrorRunning,
  localMirrorConfig,
  localObjectsFromFiles,
  openS3Mirrors,
  require_graceful_fs,
  runningLocalMirrors,
  startLocalMirrors,
  syncToMirrors,
  withOptionHint
} from "./chunk-XZQUAKJM.mjs";
import {
  Option
} from "./chunk-XJAPUB6H.mjs";
import "./chunk-L5QZX5WR.mjs";
import "./chunk-EHDWN6R2.mjs";
import "./chunk-5USGNDUQ.mjs";
import {
  FileTrustStore,
  GITHUB_ACTIONS_ISSUER,
  OIDC_TOKEN_ENV,
  SigningErrorCode,
  bundlePathFor,
  claimsOfIdToken,
  ensureSigningKey,
  localBuildContext,
  provenanceBundleName,
  provenanceStatement,
  signFiles,
  signProvenance,
  sigstoreServicesFromJson,
  verifyArtifactFile,
  verifyStatement
} from "./chunk-N7G7XWGO.mjs";
import "./chunk-FO7BXKCA.mjs";
import "./chunk-MVPDWXOW.mjs";
import {
  PLATFORMS,
  assertPlatform
} from "./chunk-EE5EUXX6.mjs";
import "./chunk-H25O6PGM.mjs";
import "./chunk-DWDGEZWY.mjs";
import {
  ports,
  positiveInt
} from "./chunk-AFBQJMGN.mjs";
import "./chunk-L5AWN5ZP.mjs";
import "./chunk-XJANFZUV.mjs";
import "./chunk-FLLDZBEK.mjs";
import {
  ConsoleReporter,
  ExitCode,
  UserError,
  errorMessage,
  formatBytes,
  formatTable,
  hasCode,
  isUserError,
  printJson
} from "./chunk-HUJ2RKNL.mjs";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-B3VT5A5J.mjs";

// node_modules/.pnpm/retry@0.12.0/node_modules/retry/lib/retry_operation.js
var require_retry_operation = __commonJS({
  "node_modules/.pnpm/retry@0.12.0/node_modules/retry/lib/retry_operation.js"(exports, module) {
    function RetryOperation(timeouts, options) {
      if (typeof options === "boolean") {
        options = { forever: options };
      }
      this._originalTimeouts = JSON.parse(JSON.stringify(timeouts));
      this._timeouts = timeouts;
      this._options = options || {};
      this._maxRetryTime = options && options.maxRetryTime || Infinity;
      this._fn = null;
      this._errors = [];
      this._attempts = 1;
      this._operationTimeout = null;
      this._operationTimeoutCb = null;
      this._timeout = null;
      this._operationStart = null;
      if (this._options.forever) {
        this._cachedTimeouts = this._timeouts.slice(0);
      }
    }
    module.exports = RetryOperation;
    RetryOperation.prototype.reset = function() {
      this._attempts = 1;
      this._timeouts = this._originalTimeouts;
    };
    RetryOperation.prototype.stop = function() {
      if (this._timeout) {
        clearTimeout(this._timeout);
      }
      this._timeouts = [];
      this._cachedTimeouts = null;
    };
    RetryOperation.prototype.retry = function(err) {
      if (this._timeout) {
        clearTimeout(this._timeout);
      }
      if (!err) {
        return false;
      }
      var currentTime = (/* @__PURE__ */ new Date()).getTime();
      if (err && currentTime - this._operationStart >= this._maxRetryTime) {
        this._errors.unshift(new Error("RetryOperation timeout occurred"));
        return false;
      }
      this._errors.push(err);
      var timeout = this._timeouts.shift();
      if (timeout === void 0) {
        if (this._cachedTimeouts) {
          this._errors.splice(this._errors.length - 1, this._errors.length);
          this._timeouts = this._cachedTimeouts.slice(0);
          timeout = this._timeouts.shift();
        } else {
          return false;
        }
      }
      var self = this;
      var timer = setTimeout(function() {
        self._attempts++;
        if (self._operationTimeoutCb) {
          self._timeout = setTimeout(function() {
            self._operationTimeoutCb(self._attempts);
          }, self._operationTimeout);
          if (self._options.unref) {
            self._timeout.unref();
          }
        }
        self._fn(self._attempts);
      }, timeout);
      if (this._options.unref) {
        timer.unref();
      }
      return true;
    };
    RetryOperation.prototype.attempt = function(fn, timeoutOps) {
      this._fn = fn;
      if (timeoutOps) {
        if (timeoutOps.timeout) {
          this._operationTimeout = timeoutOps.timeout;
        }
        if (timeoutOps.cb) {
          this._operationTimeoutCb = timeoutOps.cb;
        }
      }
      var self = this;
      if (this._operationTimeoutCb) {
        this._timeout = setTimeout(function() {
          self._operationTimeoutCb();
        }, self._operationTimeout);
      }
      this._operationStart = (/* @__PURE__ */ new Date()).getTime();
      this._fn(this._attempts);
    };
    RetryOperation.prototype.try = function(fn) {
      console.log("Using RetryOperation.try() is deprecated");
      this.attempt(fn);
    };
    RetryOperation.prototype.start = function(fn) {
      console.log("Using RetryOperation.start() is deprecated");
      this.attempt(fn);
    };
    RetryOperation.prototype.start = RetryOperation.prototype.try;
    RetryOperation.prototype.errors = function() {
      return this._errors;
    };
    RetryOperation.prototype.attempts = function() {
      return this._attempts;
    };
    RetryOperation.prototype.mainError = function() {
      if (this._errors.length === 0) {
        return null;
      }
      var counts = {};
      var mainError = null;
      var mainErrorCount = 0;
      for (var i = 0; i < this._errors.length; i++) {
        var error = this._errors[i];
        var message = error.message;
        var count = (counts[message] || 0) + 1;
        counts[message] = count;
        if (count >= mainErrorCount) {
          mainError = error;
          mainErrorCount = count;
        }
      }
      return mainError;
    };
  }
});

// node_modules/.pnpm/retry@0.12.0/node_modules/retry/lib/retry.js
var require_retry = __commonJS({
  "node_modules/.pnpm/retry@0.12.0/node_modules/retry/lib/retry.js"(exports) {
    var RetryOperation = require_retry_operation();
    exports.operation = function(options) {
      var timeouts = exports.timeouts(options);
      return new RetryOperation(timeouts, {
        forever: options && options.forever,
        unref: options && options.unref,
        maxRetryTime: options && options.maxRetryTime
      });
    };
    exports.timeouts = function(options) {
      if (options instanceof Array) {
        return [].concat(options);
      }
      var opts = {
        retries: 10,
        factor: 2,
        minTimeout: 1 * 1e3,
        maxTimeout: Infinity,
        randomize: false
      };
      for (var key in options) {
        opts[key] = options[key];
      }
      if (opts.minTimeout > opts.maxTimeout) {
        throw new Error("minTimeout is greater than maxTimeout");
      }
      var timeouts = [];
      for (var i = 0; i < opts.retries; i++) {
        timeouts.push(this.createTimeout(i, opts));
      }
      if (options && options.forever && !timeouts.length) {
        timeouts.push(this.createTimeout(i, opts));
      }
      timeouts.sort(function(a, b) {
        return a - b;
      });
      return timeouts;
    };
    exports.createTimeout = function(attempt, opts) {
      var random = opts.randomize ? Math.random() + 1 : 1;
      var timeout = Math.round(random * opts.minTimeout * Math.pow(opts.factor, attempt));
      timeout = Math.min(timeout, opts.maxTimeout);
      return timeout;
    };
    exports.wrap = function(obj, options, methods) {
      if (options instanceof Array) {
        methods = options;
        options = null;
      }
      if (!methods) {
        methods = [];
        for (var key in obj) {
          if (typeof obj[key] === "function") {
            methods.push(key);
          }
        }
      }
      for (var i = 0; i < methods.length; i++) {
        var method = methods[i];
        var original = obj[method];
        obj[method] = function retryWrapper(original2) {
          var op = exports.operation(options);
          var args = Array.prototype.slice.call(arguments, 1);
          var callback = args.pop();
          args.push(function(err) {
            if (op.retry(err)) {
              return;
            }
            if (err) {
              arguments[0] = op.mainError();
            }
            callback.apply(this, arguments);
          });
          op.attempt(function() {
            original2.apply(obj, args);
          });
        }.bind(obj, original);
        obj[method].options = options;
      }
    };
  }
});

// node_modules/.pnpm/retry@0.12.0/node_modules/retry/index.js
var require_retry2 = __commonJS({
  "node_modules/.pnpm/retry@0.12.0/node_modules/retry/index.js"(exports, module) {
    module.exports = require_retry();
  }
});

// node_modules/.pnpm/signal-exit@3.0.7/node_modules/signal-exit/signals.js
var require_signals = __commonJS({
  "node_modules/.pnpm/signal-exit@3.0.7/node_modules/signal-exit/signals.js"(exports, module) {
    module.exports = [
      "SIGABRT",
      "SIGALRM",
      "SIGHUP",
      "SIGINT",
      "SIGTERM"
    ];
    if (process.platform !== "win32") {
      module.exports.push(
        "SIGVTALRM",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGUSR2",
        "SIGTRAP",
        "SIGSYS",
        "SIGQUIT",
        "SIGIOT"
        // should detect profiler and enable/disable accordingly.
        // see #21
        // 'SIGPROF'
      );
    }
    if (process.platform === "linux") {
      module.exports.push(
        "SIGIO",
        "SIGPOLL",
        "SIGPWR",
        "SIGSTKFLT",
        "SIGUNUSED"
      );
    }
  }
});

// node_modules/.pnpm/signal-exit@3.0.7/node_modules/signal-exit/index.js
var require_signal_exit = __commonJS({
  "node_modules/.pnpm/signal-exit@3.0.7/node_modules/signal-exit/index.js"(exports, module) {
    var process2 = global.process;
    var processOk = function(process3) {
      return process3 && typeof process3 === "object" && typeof process3.removeListener === "function" && typeof process3.emit === "function" && typeof process3.reallyExit === "function" && typeof process3.listeners === "function" && typeof process3.kill === "function" && typeof process3.pid === "number" && typeof process3.on === "function";
    };
    if (!processOk(process2)) {
      module.exports = function() {
        return function() {
        };
      };
    } else {
      assert = __require("assert");
      signals = require_signals();
      isWin = /^win/i.test(process2.platform);
      EE = __require("events");
      if (typeof EE !== "function") {
        EE = EE.EventEmitter;
      }
      if (process2.__signal_exit_emitter__) {
        emitter = process2.__signal_exit_emitter__;
      } else {
        emitter = process2.__signal_exit_emitter__ = new EE();
        emitter.count = 0;
        emitter.emitted = {};
      }
      if (!emitter.infinite) {
        emitter.setMaxListeners(Infinity);
        emitter.infinite = true;
      }
      module.exports = function(cb, opts) {
        if (!processOk(global.process)) {
          return function() {
          };
        }
        assert.equal(typeof cb, "function", "a callback must be provided for exit handler");
        if (loaded === false) {
          load();
        }
        var ev = "exit";
        if (opts && opts.alwaysLast) {
          ev = "afterexit";
        }
        var remove = function() {
          emitter.removeListener(ev, cb);
          if (emitter.listeners("exit").length === 0 && emitter.listeners("afterexit").length === 0) {
            unload();
          }
        };
        emitter.on(ev, cb);
        return remove;
      };
      unload = function unload2() {
        if (!loaded || !processOk(global.process)) {
          return;
        }
        loaded = false;
        signals.forEach(function(sig) {
          try {
            process2.removeListener(sig, sigListeners[sig]);
          } catch (er) {
          }
        });
        process2.emit = originalProcessEmit;
        process2.reallyExit = originalProcessReallyExit;
        emitter.count -= 1;
      };
      module.exports.unload = unload;
      emit = function emit2(event, code, signal) {
        if (emitter.emitted[event]) {
          return;
        }
        emitter.emitted[event] = true;
        emitter.emit(event, code, signal);
      };
      sigListeners = {};
      signals.forEach(function(sig) {
        sigListeners[sig] = function listener() {
          if (!processOk(global.process)) {
            return;
          }
          var listeners = process2.listeners(sig);
          if (listeners.length === emitter.count) {
            unload();
            emit("exit", null, sig);
            emit("afterexit", null, sig);
            if (isWin && sig === "SIGHUP") {
              sig = "SIGINT";
            }
            process2.kill(process2.pid, sig);
          }
        };
      });
      module.exports.signals = function() {
        return signals;
      };
      loaded = false;
      load = function load2() {
        if (loaded || !processOk(global.process)) {
          return;
        }
        loaded = true;
        emitter.count += 1;
        signals = signals.filter(function(sig) {
          try {
            process2.on(sig, sigListeners[sig]);
            return true;
          } catch (er) {
            return false;
          }
        });
        process2.emit = processEmit;
        process2.reallyExit = processReallyExit;
      };
      module.exports.load = load;
      originalProcessReallyExit = process2.reallyExit;
      processReallyExit = function processReallyExit2(code) {
        if (!processOk(global.process)) {
          return;
        }
        process2.exitCode = code || /* istanbul ignore next */
        0;
        emit("exit", process2.exitCode, null);
        emit("afterexit", process2.exitCode, null);
        originalProcessReallyExit.call(process2, process2.exitCode);
      };
      originalProcessEmit = process2.emit;
      processEmit = function processEmit2(ev, arg) {
        if (ev === "exit" && processOk(global.process)) {
          if (arg !== void 0) {
            process2.exitCode = arg;
          }
          var ret = originalProcessEmit.apply(this, arguments);
          emit("exit", process2.exitCode, null);
          emit("afterexit", process2.exitCode, null);
          return ret;
        } else {
          return originalProcessEmit.apply(this, arguments);
        }
      };
    }
    var assert;
    var signals;
    var isWin;
    var EE;
    var emitter;
    var unload;
    var emit;
    var sigListeners;
    var loaded;
    var load;
    var originalProcessReallyExit;
    var processReallyExit;
    var originalProcessEmit;
    var processEmit;
  }
});

// node_modules/.pnpm/proper-lockfile@4.1.2/node_modules/proper-lockfile/lib/mtime-precision.js
var require_mtime_precision = __commonJS({
  "node_modules/.pnpm/proper-lockfile@4.1.2/node_modules/proper-lockfile/lib/mtime-precision.js"(exports, module) {
    "use strict";
    var cacheSymbol = /* @__PURE__ */ Symbol();
    function probe(file, fs6, callback) {
      const cachedPrecision = fs6[cacheSymbol];
      if (cachedPrecision) {
        return fs6.stat(file, (err, stat) => {
          if (err) {
            return callback(err);
          }
          callback(null, stat.mtime, cachedPrecision);
        });
      }
      const mtime = new Date(Math.ceil(Date.now() / 1e3) * 1e3 + 5);
      fs6.utimes(file, mtime, mtime, (err) => {
        if (err) {
          return callback(err);
        }
        fs6.stat(file, (err2, stat) => {
          if (err2) {
            return callback(err2);
          }
          const precision = stat.mtime.getTime() % 1e3 === 0 ? "s" : "ms";
          Object.defineProperty(fs6, cacheSymbol, { value: precision });
          callback(null, stat.mtime, precision);
        });
      });
    }
    function getMtime(precision) {
      let now = Date.now();
      if (precision === "s") {
        now = Math.ceil(now / 1e3) * 1e3;
      }
      return new Date(now);
    }
    module.exports.probe = probe;
    module.exports.getMtime = getMtime;
  }
});

// node_modules/.pnpm/proper-lockfile@4.1.2/node_modules/proper-lockfile/lib/lockfile.js
var require_lockfile = __commonJS({
  "node_modules/.pnpm/proper-lockfile@4.1.2/node_modules/proper-lockfile/lib/lockfile.js"(exports, module) {
    "use strict";
    var path7 = __require("path");
    var fs6 = require_graceful_fs();
    var retry = require_retry2();
    var onExit = require_signal_exit();
    var mtimePrecision = require_mtime_precision();
    var locks = {};
    function getLockFile(file, options) {
      return options.lockfilePath || `${file}.lock`;
    }
    function resolveCanonicalPath(file, options, callback) {
      if (!options.realpath) {
        return callback(null, path7.resolve(file));
      }
      options.fs.realpath(file, callback);
    }
    function acquireLock(file, options, callback) {
      const lockfilePath = getLockFile(file, options);
      options.fs.mkdir(lockfilePath, (err) => {
        if (!err) {
          return mtimePrecision.probe(lockfilePath, options.fs, (err2, mtime, mtimePrecision2) => {
            if (err2) {
              options.fs.rmdir(lockfilePath, () => {
              });
              return callback(err2);
            }
            callback(null, mtime, mtimePrecision2);
          });
        }
        if (err.code !== "EEXIST") {
          return callback(err);
        }
        if (options.stale <= 0) {
          return callback(Object.assign(new Error("Lock file is already being held"), { code: "ELOCKED", file }));
        }
        options.fs.stat(lockfilePath, (err2, stat) => {
          if (err2) {
            if (err2.code === "ENOENT") {
              return acquireLock(file, { ...options, stale: 0 }, callback);
            }
            return callback(err2);
          }
          if (!isLockStale(stat, options)) {
            return callback(Object.assign(new Error("Lock file is already being held"), { code: "ELOCKED", file }));
          }
          removeLock(file, options, (err3) => {
            if (err3) {
              return callback(err3);
            }
            acquireLock(file, { ...options, stale: 0 }, callback);
          });
        });
      });
    }
    function isLockStale(stat, options) {
      return stat.mtime.getTime() < Date.now() - options.stale;
    }
    function removeLock(file, options, callback) {
      options.fs.rmdir(getLockFile(file, options), (err) => {
        if (err && err.code !== "ENOENT") {
          return callback(err);
        }
        callback();
      });
    }
    function updateLock(file, options) {
      const lock3 = locks[file];
      if (lock3.updateTimeout) {
        return;
      }
      lock3.updateDelay = lock3.updateDelay || options.update;
      lock3.updateTimeout = setTimeout(() => {
        lock3.updateTimeout = null;
        options.fs.stat(lock3.lockfilePath, (err, stat) => {
          const isOverThreshold = lock3.lastUpdate + options.stale < Date.now();
          if (err) {
            if (err.code === "ENOENT" || isOverThreshold) {
              return setLockAsCompromised(file, lock3, Object.assign(err, { code: "ECOMPROMISED" }));
            }
            lock3.updateDelay = 1e3;
            return updateLock(file, options);
          }
          const isMtimeOurs = lock3.mtime.getTime() === stat.mtime.getTime();
          if (!isMtimeOurs) {
            return setLockAsCompromised(
              file,
              lock3,
              Object.assign(
                new Error("Unable to update lock within the stale threshold"),
                { code: "ECOMPROMISED" }
              )
            );
          }
          const mtime = mtimePrecision.getMtime(lock3.mtimePrecision);
          options.fs.utimes(lock3.lockfilePath, mtime, mtime, (err2) => {
            const isOverThreshold2 = lock3.lastUpdate + options.stale < Date.now();
            if (lock3.released) {
              return;
            }
            if (err2) {
              if (err2.code === "ENOENT" || isOverThreshold2) {
                return setLockAsCompromised(file, lock3, Object.assign(err2, { code: "ECOMPROMISED" }));
              }
              lock3.updateDelay = 1e3;
              return updateLock(file, options);
            }
            lock3.mtime = mtime;
            lock3.lastUpdate = Date.now();
            lock3.updateDelay = null;
            updateLock(file, options);
          });
        });
      }, lock3.updateDelay);
      if (lock3.updateTimeout.unref) {
        lock3.updateTimeout.unref();
      }
    }
    function setLockAsCompromised(file, lock3, err) {
      lock3.released = true;
      if (lock3.updateTimeout) {
        clearTimeout(lock3.updateTimeout);
      }
      if (locks[file] === lock3) {
        delete locks[file];
      }
      lock3.options.onCompromised(err);
    }
    function lock2(file, options, callback) {
      options = {
        stale: 1e4,
        update: null,
        realpath: true,
        retries: 0,
        fs: fs6,
        onCompromised: (err) => {
          throw err;
        },
        ...options
      };
      options.retries = options.retries || 0;
      options.retries = typeof options.retries === "number" ? { retries: options.retries } : options.retries;
      options.stale = Math.max(options.stale || 0, 2e3);
      options.update = options.update == null ? options.stale / 2 : options.update || 0;
      options.update = Math.max(Math.min(options.update, options.stale / 2), 1e3);
      resolveCanonicalPath(file, options, (err, file2) => {
        if (err) {
          return callback(err);
        }
        const operation = retry.operation(options.retries);
        operation.attempt(() => {
          acquireLock(file2, options, (err2, mtime, mtimePrecision2) => {
            if (operation.retry(err2)) {
              return;
            }
            if (err2) {
              return callback(operation.mainError());
            }
            const lock3 = locks[file2] = {
              lockfilePath: getLockFile(file2, options),
              mtime,
              mtimePrecision: mtimePrecision2,
              options,
              lastUpdate: Date.now()
            };
            updateLock(file2, options);
            callback(null, (releasedCallback) => {
              if (lock3.released) {
                return releasedCallback && releasedCallback(Object.assign(new Error("Lock is already released"), { code: "ERELEASED" }));
              }
              unlock(file2, { ...options, realpath: false }, releasedCallback);
            });
          });
        });
      });
    }
    function unlock(file, options, callback) {
      options = {
        fs: fs6,
        realpath: true,
        ...options
      };
      resolveCanonicalPath(file, options, (err, file2) => {
        if (err) {
          return callback(err);
        }
        const lock3 = locks[file2];
        if (!lock3) {
          return callback(Object.assign(new Error("Lock is not acquired/owned by you"), { code: "ENOTACQUIRED" }));
        }
        lock3.updateTimeout && clearTimeout(lock3.updateTimeout);
        lock3.released = true;
        delete locks[file2];
        removeLock(file2, options, callback);
      });
    }
    function check(file, options, callback) {
      options = {
        stale: 1e4,
        realpath: true,
        fs: fs6,
        ...options
      };
      options.stale = Math.max(options.stale || 0, 2e3);
      resolveCanonicalPath(file, options, (err, file2) => {
        if (err) {
          return callback(err);
        }
        options.fs.stat(getLockFile(file2, options), (err2, stat) => {
          if (err2) {
            return err2.code === "ENOENT" ? callback(null, false) : callback(err2);
          }
          return callback(null, !isLockStale(stat, options));
        });
      });
    }
    function getLocks() {
      return locks;
    }
    onExit(() => {
      for (const file in locks) {
        const options = locks[file].options;
        try {
          options.fs.rmdirSync(getLockFile(file, options));
        } catch (e) {
        }
      }
    });
    module.exports.lock = lock2;
    module.exports.unlock = unlock;
    module.exports.check = check;
    module.exports.getLocks = getLocks;
  }
});

// node_modules/.pnpm/proper-lockfile@4.1.2/node_modules/proper-lockfile/lib/adapter.js
var require_adapter = __commonJS({
  "node_modules/.pnpm/proper-lockfile@4.1.2/node_modules/proper-lockfile/lib/adapter.js"(exports, module) {
    "use strict";
    var fs6 = require_graceful_fs();
    function createSyncFs(fs7) {
      const methods = ["mkdir", "realpath", "stat", "rmdir", "utimes"];
      const newFs = { ...fs7 };
      methods.forEach((method) => {
        newFs[method] = (...args) => {
          const callback = args.pop();
          let ret;
          try {
            ret = fs7[`${method}Sync`](...args);
          } catch (err) {
            return callback(err);
          }
          callback(null, ret);
        };
      });
      return newFs;
    }
    function toPromise(method) {
      return (...args) => new Promise((resolve, reject) => {
        args.push((err, result) => {
          if (err) {
            reject(err);
          } else {
            resolve(result);
          }
        });
        method(...args);
      });
    }
    function toSync(method) {
      return (...args) => {
        let err;
        let result;
        args.push((_err, _result) => {
          err = _err;
          result = _result;
        });
        method(...args);
        if (err) {
          throw err;
        }
        return result;
      };
    }
    function toSyncOptions(options) {
      options = { ...options };
      options.fs = createSyncFs(options.fs || fs6);
      if (typeof options.retries === "number" && options.retries > 0 || options.retries && typeof options.retries.retries === "number" && options.retries.retries > 0) {
        throw Object.assign(new Error("Cannot use retries with the sync api"), { code: "ESYNC" });
      }
      return options;
    }
    module.exports = {
      toPromise,
      toSync,
      toSyncOptions
    };
  }
});

// node_modules/.pnpm/proper-lockfile@4.1.2/node_modules/proper-lockfile/index.js
var require_proper_lockfile = __commonJS({
  "node_modules/.pnpm/proper-lockfile@4.1.2/node_modules/proper-lockfile/index.js"(exports, module) {
    "use strict";
    var lockfile = require_lockfile();
    var { toPromise, toSync, toSyncOptions } = require_adapter();
    async function lock2(file, options) {
      const release = await toPromise(lockfile.lock)(file, options);
      return toPromise(release);
    }
    function lockSync(file, options) {
      const release = toSync(lockfile.lock)(file, toSyncOptions(options));
      return toSync(release);
    }
    function unlock(file, options) {
      return toPromise(lockfile.unlock)(file, options);
    }
    function unlockSync(file, options) {
      return toSync(lockfile.unlock)(file, toSyncOptions(options));
    }
    function check(file, options) {
      return toPromise(lockfile.check)(file, options);
    }
    function checkSync(file, options) {
      return toSync(lockfile.check)(file, toSyncOptions(options));
    }
    module.exports = lock2;
    module.exports.lock = lock2;
    module.exports.unlock = unlock;
    module.exports.lockSync = lockSync;
    module.exports.unlockSync = unlockSync;
    module.exports.check = check;
    module.exports.checkSync = checkSync;
  }
});

// packages/cli/src/commands/release.ts
import { promises as fs5 } from "node:fs";
import path6 from "node:path";

// packages/pipeline/src/release.ts
import { randomBytes } from "node:crypto";
import { promises as fs4 } from "node:fs";
import path5 from "node:path";

// packages/pipeline/src/local-mirrors.ts
import { promises as fs } from "node:fs";
import path from "node:path";
var THROWAWAY_MIRRORS_PREFIX = "throwaway-mirrors-";
async function sweepThrowaway(potionsDir) {
  const names = await fs.readdir(potionsDir).catch(() => []);
  for (const name of names.filter((n) => n.startsWith(THROWAWAY_MIRRORS_PREFIX))) {
    await fs.rm(path.join(potionsDir, name), { recursive: true, force: true }).catch(() => void 0);
  }
}
async function openLocalMirrors(potionsDir, local) {
  await sweepThrowaway(potionsDir);
  if (local.throwaway) {
    const scratch = await fs.mkdtemp(path.join(potionsDir, THROWAWAY_MIRRORS_PREFIX));
    try {
      const started2 = await startLocalMirrors({ dir: path.join(scratch, "mirrors"), ports: local.ports, count: local.ports.length, reuseRunning: false });
      return {
        mirrors: started2.mirrors,
        started: true,
        throwaway: true,
        scratch,
        close: async () => {
          await started2.close();
          await fs.rm(scratch, { recursive: true, force: true });
        }
      };
    } catch (err) {
      await fs.rm(scratch, { recursive: true, force: true });
      throw err;
    }
  }
  const dir = path.join(potionsDir, "mirrors");
  if (!local.given) {
    const announced = await runningLocalMirrors(dir);
    if (announced) return { mirrors: announced, started: false, throwaway: false, close: async () => void 0 };
  }
  const { ports: ports2 } = local;
  const running = await Promise.all(ports2.map((p) => isLocalMirrorRunning(p)));
  if (running.every(Boolean)) {
    return { mirrors: ports2.map((p, i) => localMirrorConfig(i, p)), started: false, throwaway: false, close: async () => void 0 };
  }
  if (running.some(Boolean)) {
    const up = ports2.filter((_, i) => running[i]);
    throw new UserError(PipelineErrorCode.LocalPorts, `a local mirror answers on port ${up.join(", ")} but not on every port of ${ports2.join(", ")}`, {
      hint: "restart the running local mirrors, or choose other ports"
    });
  }
  const started = await startLocalMirrors({ dir, ports: ports2, count: ports2.length, reuseRunning: false });
  return { mirrors: started.mirrors, started: true, throwaway: false, close: () => started.close() };
}
function signatureKeyids(bytes) {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes));
    const ids = (doc.signatures ?? []).map((s) => s.keyid).filter((k) => typeof k === "string");
    return ids.length > 0 ? ids : void 0;
  } catch {
    return void 0;
  }
}
async function assertRunningMirrorsAreOurs(mirrors, ourKeyids) {
  if (ourKeyids.length === 0) return;
  for (const m of mirrors) {
    const stored = await m.store.get(MANIFEST_KEY).catch(() => void 0);
    const theirs = stored ? signatureKeyids(stored.bytes) : void 0;
    if (!theirs || theirs.some((k) => ourKeyids.includes(k))) continue;
    const hostPorts = mirrors.map((x) => new URL(x.endpoint)).map((u, i) => i === 0 ? u.host : u.port).join("/");
    throw new UserError(
      PipelineErrorCode.ForeignMirrors,
      `the mirrors on ${hostPorts} belong to another work dir (their manifest is signed by key ${theirs.map((k) => k.slice(0, 16)).join(", ")}, this work dir's key is ${ourKeyids[0].slice(0, 16)})`,
      { hint: "local mirrors started from another work folder answer on these ports, and their manifest cannot be extended with this folder's signing key: stop them, or use other ports or that work folder" }
    );
  }
}

// packages/pipeline/src/release-lock.ts
var import_proper_lockfile = __toESM(require_proper_lockfile(), 1);
import { promises as fs2 } from "node:fs";
import path2 from "node:path";
var RELEASE_LOCK = "release.lock";
var DEFAULT_STALE_MS = 3e4;
async function lockWorkDir(potionsDir, reporter, options = {}) {
  try {
    await fs2.mkdir(potionsDir, { recursive: true });
  } catch (err) {
    throw new UserError(PipelineErrorCode.WorkDir, `cannot make the work folder ${potionsDir}: ${errorMessage(err)}`, {
      location: { file: potionsDir },
      hint: "give a work folder this user can write"
    });
  }
  const lockfilePath = path2.join(potionsDir, RELEASE_LOCK);
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const base = {
    lockfilePath,
    stale: staleMs,
    realpath: false,
    // The event loop was held up longer than the lock's lifetime: say so rather than crash the release.
    onCompromised: (err) => reporter.warn(`the work folder's release lock ${lockfilePath} was lost: ${err.message}`)
  };
  try {
    return { waited: false, release: await (0, import_proper_lockfile.lock)(potionsDir, { ...base, retries: 0 }) };
  } catch (err) {
    if (!hasCode(err, "ELOCKED")) throw err;
  }
  reporter.warn(
    `another release is running in this work folder (${lockfilePath} is held): waiting for it to finish (a lock left by a killed release is taken over after ${Math.round(staleMs / 1e3)} s)`
  );
  const release = await (0, import_proper_lockfile.lock)(potionsDir, { ...base, retries: { forever: true, minTimeout: 250, maxTimeout: 2e3, factor: 1.5 } });
  reporter.info("the other release finished; this one goes on");
  return { waited: true, release };
}

// packages/pipeline/src/release-sign.ts
import { promises as fs3 } from "node:fs";
import path3 from "node:path";
import { isDeepStrictEqual } from "node:util";
function publicKeyOf(signer) {
  const pem = signer.publicKeyPem;
  return signer.kind === "key" && typeof pem === "function" ? pem.call(signer) : void 0;
}
async function openArtifactSigner(plan, workDir, reporter) {
  if (plan.kind === "given") {
    const publicKeyPem = publicKeyOf(plan.signer);
    const keyId = plan.signer.keyId;
    return {
      signer: plan.signer,
      info: { kind: plan.signer.kind, description: `${plan.signer.description} (${plan.source})`, ...typeof keyId === "string" ? { keyId } : {} },
      ...plan.token ? { token: plan.token } : {},
      ...publicKeyPem ? { publicKeyPem } : {}
    };
  }
  const key = await ensureSigningKey(localKeysDir(workDir));
  if (key.created) {
    reporter.info(`made an artifact signing key: ${path3.relative(workDir, key.privateKeyFile)} (public: ${path3.relative(workDir, key.publicKeyFile)}); the manifest names its public key for readers`);
  }
  return {
    signer: key.signer,
    info: { kind: "key", description: key.signer.description, keyId: key.signer.keyId, publicKeyFile: key.publicKeyFile },
    publicKeyPem: key.publicKeyPem
  };
}
async function keepFileBundle(file, bundleFile, trust, keyId) {
  try {
    const v = await verifyArtifactFile(file, bundleFile, { trust });
    return v.kind === "key" && v.keyId === keyId;
  } catch {
    return false;
  }
}
async function keepProvenance(bundleFile, statement, trust, keyId) {
  try {
    const v = await verifyStatement(JSON.parse(await fs3.readFile(bundleFile, "utf8")), { trust });
    return v.kind === "key" && v.keyId === keyId && isDeepStrictEqual(v.statement, JSON.parse(JSON.stringify(statement)));
  } catch {
    return false;
  }
}
function signatureOf(signed, fallbackKeyId) {
  return {
    kind: signed.kind,
    ...(signed.keyId ?? fallbackKeyId) !== void 0 ? { keyId: signed.keyId ?? fallbackKeyId } : {},
    ...signed.certificateIdentity !== void 0 ? { identity: signed.certificateIdentity } : {}
  };
}
async function signStage(items, signing, reporter) {
  const context = localBuildContext();
  const trust = signing.publicKeyPem ? { keys: [{ publicKey: signing.publicKeyPem }] } : void 0;
  const keyId = signing.info.keyId;
  let identity;
  for (const item of items) {
    if (item.row.withheld) continue;
    const { result } = item;
    const archives = [result.artifact, result.artifactZst];
    const kept = [];
    const toSign = [];
    for (const file of archives) {
      if (trust && await keepFileBundle(file, bundlePathFor(file), trust, keyId)) kept.push(file);
      else toSign.push(file);
    }
    const signed = await signFiles(toSign, { signer: signing.signer, reporter });
    const provenanceFile = path3.join(path3.dirname(result.metadataFile), provenanceBundleName(result.metadata));
    const keepProv = trust !== void 0 && await keepProvenance(provenanceFile, provenanceStatement(result.metadata, context), trust, keyId);
    const provenance = keepProv ? [] : await signProvenance([result.metadataFile], { signer: signing.signer, context, reporter });
    const first = signed[0] ?? provenance[0];
    identity ??= first?.certificateIdentity;
    item.row.signature = {
      ...first ? signatureOf(first, keyId) : { kind: signing.signer.kind, ...keyId !== void 0 ? { keyId } : {} },
      bundles: [...archives.map((f) => path3.basename(bundlePathFor(f))), path3.basename(provenanceFile)],
      reused: kept.length + (keepProv ? 1 : 0)
    };
    if (kept.length > 0 || keepProv) reporter.info(`${path3.basename(result.artifact)}: kept ${kept.length + (keepProv ? 1 : 0)} signature(s) of an earlier run (same key, same bytes)`);
    item.files = [...archives, result.metadataFile, ...(item.sboms ?? []).map((s) => s.file), ...archives.map((f) => bundlePathFor(f)), provenanceFile];
    item.row.files = item.files.map((f) => path3.basename(f));
  }
  return identity !== void 0 ? { identity } : {};
}
var escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
async function artifactTrustOf(signing, signedIdentity) {
  if (signing.publicKeyPem) return { keys: [{ publicKey: signing.publicKeyPem }] };
  if (signing.signer.kind !== "keyless" || !signing.token || signedIdentity === void 0) return void 0;
  const claims = claimsOfIdToken(await signing.token());
  const issuer = typeof claims.iss === "string" ? claims.iss : void 0;
  if (!issuer) return void 0;
  const repository = issuer === GITHUB_ACTIONS_ISSUER && typeof claims.repository === "string" ? `https://github.com/${claims.repository}` : void 0;
  return { identities: [{ identity: `^${escapeRegExp(signedIdentity)}$`, issuer, ...repository ? { sourceRepository: repository } : {} }] };
}

// packages/pipeline/src/release-summary.ts
var REASON_MAX = 500;
function firstLine(s) {
  const line = s.split("\n").map((l) => l.trim()).filter((l) => l !== "").join(" ");
  return line.length > REASON_MAX ? `${line.slice(0, REASON_MAX - 3)}...` : line;
}
function noManifestWritten(report) {
  const why = report.mirrors.map((m) => `${m.name}: ${m.error?.message ?? m.status}`).join("; ");
  return `the manifest reached no mirror${why ? `: ${why}` : ""}`;
}
function buildLabel(p) {
  return `${p.name} ${p.version} ${p.platform}`;
}
function buildError(packages) {
  const failed = packages.filter((p) => p.status === "failed");
  if (failed.length === 0) return void 0;
  if (failed.length < packages.length) return `${failed.length} build(s) failed`;
  const reasons = failed.map((p) => `${buildLabel(p)}: build failed${p.step ? ` (${p.step})` : ""}: ${p.error ?? "unknown error"}`);
  return firstLine(`nothing was built: ${reasons.join("; ")}`);
}
function withheldError(packages, stage) {
  const held = packages.filter((p) => p.withheldBy === stage);
  if (held.length === 0) return void 0;
  return firstLine(`${held.length} build(s) withheld: ${held.map((p) => `${buildLabel(p)}: ${p.withheld}`).join("; ")}`);
}
function stageOf(t, facts) {
  const base = { name: t.name, seconds: t.seconds };
  if (t.skipped !== void 0) return { ...base, ok: false, skipped: true, error: t.skipped };
  if (t.error !== void 0) return { ...base, ok: false, error: t.error };
  let error;
  if (t.name === "build") error = buildError(facts.packages);
  else if (t.name === "smoke" || t.name === "sbom" || t.name === "scan") error = withheldError(facts.packages, t.name);
  else if (t.name === "sync" && facts.sync && !facts.sync.policyMet) {
    const short = facts.sync.objects.filter((o) => !o.policyMet).length;
    error = `${short} file(s) on fewer than ${facts.sync.minMirrors} mirror(s)`;
  } else if (t.name === "publish" && facts.published && !facts.published.report.ok) error = noManifestWritten(facts.published.report);
  else if (t.name === "check") {
    const bad = facts.checks.filter((c) => !c.ok).length;
    if (bad > 0) error = `${bad} check(s) failed`;
  }
  return { ...base, ok: error === void 0, ...error !== void 0 ? { error } : {} };
}
function mirrorRow(m, facts) {
  const synced = facts.sync?.mirrors.find((r) => r.mirror === m.name);
  const manifest = facts.published?.report.mirrors.find((r) => r.name === m.name);
  return {
    name: m.name,
    endpoint: m.endpoint,
    ...facts.mirrors.startedForRun !== void 0 ? { startedForRun: facts.mirrors.startedForRun } : {},
    uploaded: synced?.uploaded ?? 0,
    present: synced ? synced.uploaded + synced.skipped : 0,
    failed: synced?.failed ?? 0,
    ok: synced?.ok ?? false,
    ...synced?.error ? { error: synced.error } : {},
    ...manifest ? { manifest: manifest.status, ...manifest.error ? { manifestError: manifest.error.message } : {} } : {}
  };
}
function packageRow(p, facts) {
  const objects = facts.sync?.objects ?? [];
  const o = objects.find((x) => x.name === p.file && x.sha256 === p.sha256);
  const urls = o ? o.mirrors.filter((m) => m.present).map((m) => m.url) : [];
  const row = { ...p, urls };
  if (p.files && p.files.length > 0 && objects.length > 0) {
    const mine = p.files.map((f) => objects.find((x) => x.name === f));
    if (mine.every((x) => x !== void 0)) {
      row.syncedTo = facts.mirrors.configs.map((m) => m.name).filter((name) => mine.every((x) => x.mirrors.some((m) => m.mirror === name && m.present)));
    }
  }
  const listed = facts.published?.report.ok ? facts.published.rows.find((r) => r.name === p.name && r.version === p.version && r.platform === p.platform) : void 0;
  if (listed) row.published = listed.status;
  return row;
}
function summarizeRelease(facts) {
  const stages = facts.timings.map((t) => stageOf(t, facts));
  const packages = facts.packages.map((p) => packageRow(p, facts));
  const report = facts.published?.report;
  const holding = new Set(report?.mirrors.filter((m) => m.status === "written" || m.status === "unchanged").map((m) => m.name));
  const manifestUrls = (facts.published?.manifestUrls ?? []).filter((u) => holding.has(u.mirror)).map((u) => ({ ...u }));
  const local = facts.mode === "local" && facts.mirrors.startedForRun !== void 0;
  return {
    ok: stages.every((s) => s.ok || s.skipped === true && s.error === "disabled"),
    mode: facts.mode,
    platform: facts.platform,
    manifestUrl: manifestUrls[0]?.url,
    manifestUrls,
    manifestVersion: report?.ok ? report.version : void 0,
    manifestChanged: report?.ok ? report.changed : false,
    ...facts.trustedKeyFile !== void 0 ? { trustedKeyFile: facts.trustedKeyFile } : {},
    ...local ? { mirrorsRunning: !facts.mirrors.startedForRun, mirrorsStopped: facts.mirrors.startedForRun === true } : {},
    ...local && facts.mirrors.throwaway ? { mirrorsThrowaway: true } : {},
    ...facts.signer ? { signer: { ...facts.signer } } : {},
    ...facts.scanner !== void 0 ? { scanner: facts.scanner } : {},
    mirrors: facts.mirrors.configs.map((m) => mirrorRow(m, facts)),
    packages,
    manifest: [...facts.published?.rows ?? []],
    checks: [...facts.checks],
    stages,
    warnings: [...facts.warnings]
  };
}

// packages/pipeline/src/release-verify.ts
import path4 from "node:path";
function withhold(row, by, reason, warn) {
  row.withheld = firstLine(reason);
  row.withheldBy = by;
  warn(`${buildLabel(row)}: not published: ${row.withheld}`);
}
var MORE = (n) => n > 0 ? ` (and ${n} more)` : "";
function smokeOutcome(report) {
  const base = {
    commands: report.run.commands.map((c) => ({ argv: [...c.argv], ok: c.ok, ...c.error !== void 0 ? { error: c.error } : {} })),
    files: report.summary.files,
    errors: report.summary.errors,
    warnings: report.summary.warnings,
    systemLibraries: report.systemLibraries.map((s) => s.name)
  };
  if (!report.ok) {
    const errors = report.problems.filter((p) => p.severity === "error");
    return { status: "failed", reason: `${errors[0]?.message ?? "failed"}${MORE(errors.length - 1)}`, ...base };
  }
  if (!report.run.ran) return { status: "not-run", reason: report.run.reason ?? "the commands were not run", ...base };
  return { status: "passed", runner: report.run.runner?.kind ?? "native", ...base };
}
function scanOutcome(report) {
  const failures = report.findings.filter((f) => f.status === "fails").map((f) => ({ id: f.id, severity: f.severity, package: f.package.name, ...f.package.version !== void 0 ? { version: f.package.version } : {} }));
  const base = {
    failOn: report.failOn,
    findings: report.findings.length,
    failing: report.failing,
    allowed: report.findings.filter((f) => f.status === "allowed").length,
    maxSeverity: report.maxSeverity,
    failures,
    ...report.scanner ? { scanner: report.scanner.description } : {}
  };
  if (!report.scanned) return { status: "skipped", reason: report.skipped ?? "not scanned", ...base };
  Object.assign(base, { scannedAt: report.scannedAt });
  if (report.passed) return { status: "passed", ...base };
  const shown = failures.slice(0, 3).map((f) => `${f.id} (${f.severity}) in ${f.package}${f.version ? ` ${f.version}` : ""}`);
  return { status: "failed", reason: `${shown.join(", ")}${MORE(failures.length - shown.length)}`, ...base };
}
function scanNotRun(reason, failOn) {
  return { status: "not-run", reason, failOn, findings: 0, failing: 0, allowed: 0, maxSeverity: "none", failures: [] };
}
function userFailure(err, row, reporter) {
  if (!isUserError(err)) throw err;
  reporter.debug(`${buildLabel(row)}: ${errorMessage(err)}`);
  return errorMessage(err);
}
async function smokeStage(items, ctx, warn) {
  for (const item of items) {
    if (item.row.withheld) continue;
    let report;
    try {
      report = await smokeTestArtifact({
        artifact: item.result.artifact,
        platform: ctx.platform,
        recipe: item.recipe,
        version: item.result.version,
        ...ctx.smokeTimeoutMs !== void 0 ? { timeoutMs: ctx.smokeTimeoutMs } : {},
        reporter: ctx.reporter
      });
    } catch (err) {
      withhold(item.row, "smoke", `smoke test failed: ${userFailure(err, item.row, ctx.reporter)}`, warn);
      continue;
    }
    const smoke = smokeOutcome(report);
    item.row.smoke = smoke;
    item.systemLibraries = smoke.systemLibraries;
    if (smoke.status === "failed") withhold(item.row, "smoke", `smoke test failed: ${smoke.reason}`, warn);
    else if (smoke.status === "not-run") ctx.reporter.info(`${buildLabel(item.row)}: smoke test commands not run: ${smoke.reason}`);
  }
}
function recipeFileForSbom(file, workDir) {
  const rel = path4.relative(workDir, file);
  return rel.startsWith("..") || path4.isAbsolute(rel) ? void 0 : rel;
}
async function sbomStage(items, ctx, warn) {
  for (const item of items) {
    if (item.row.withheld) continue;
    const recipeFile = recipeFileForSbom(item.recipeFile, ctx.workDir);
    try {
      const { sboms } = await writeSboms({
        artifact: item.result.artifact,
        metadata: item.result.metadata,
        metadataFile: item.result.metadataFile,
        recipe: item.recipe,
        ...recipeFile !== void 0 ? { recipeFile } : {},
        systemLibraries: (item.systemLibraries ?? []).map((name) => ({ name, platform: ctx.platform })),
        outputs: SBOM_FORMATS.map((format) => ({ format, file: defaultSbomPath(item.result.artifact, format) })),
        reporter: ctx.reporter
      });
      item.sboms = sboms;
      item.row.sboms = sboms.map((s) => ({ format: s.format, file: path4.basename(s.file), sha256: s.sha256, size: s.size }));
    } catch (err) {
      withhold(item.row, "sbom", `SBOM: ${userFailure(err, item.row, ctx.reporter)}`, warn);
    }
  }
}
async function scanStage(items, plan, ctx, warn) {
  for (const item of items) {
    if (item.row.withheld || !item.sboms) continue;
    if (item.recipe.scanVulnerabilities && !plan.scanner) {
      item.row.scan = scanNotRun(`no vulnerability scanner: ${plan.missing ?? "none was chosen"}`, plan.failOn);
      continue;
    }
    let report;
    try {
      report = await scanSboms({
        sboms: item.sboms.map((s) => s.file),
        scan: item.recipe.scanVulnerabilities,
        scanDecidedBy: item.recipeFile,
        ...plan.scanner ? { scanner: plan.scanner } : {},
        failOn: plan.failOn,
        ...plan.allowList ? { allowList: plan.allowList } : {},
        now: ctx.now,
        reporter: ctx.reporter
      });
    } catch (err) {
      withhold(item.row, "scan", `vulnerability scan failed: ${userFailure(err, item.row, ctx.reporter)}`, warn);
      continue;
    }
    const scan = scanOutcome(report);
    item.row.scan = scan;
    for (const e of report.expiredAllows) warn(`allow-list entry for ${e.id} expired on ${e.expires} and no longer allows it (${e.reason})`);
    if (scan.status === "failed") withhold(item.row, "scan", `vulnerability scan: ${scan.reason}`, warn);
  }
}

// packages/pipeline/src/release.ts
function localOnlyReason(host) {
  return `not built: local release builds only ${host}`;
}
var Stopwatch = class {
  timings = [];
  async time(name, fn) {
    const start = performance.now();
    try {
      const value = await fn();
      this.timings.push({ name, seconds: secondsSince(start) });
      return value;
    } catch (err) {
      this.timings.push({ name, seconds: secondsSince(start), error: firstLine(errorMessage(err)) });
      throw err;
    }
  }
  skip(names, why) {
    for (const name of names) this.timings.push({ name, seconds: 0, skipped: why });
  }
};
function secondsSince(start) {
  return Math.round((performance.now() - start) / 10) / 100;
}
async function runRelease(options) {
  const setup = await prepareRelease(options);
  const { reporter } = setup;
  const lock2 = await lockWorkDir(setup.potionsDir, reporter);
  const clock = new Stopwatch();
  const warnings = [];
  const warn = (message) => {
    warnings.push(message);
    reporter.warn(message);
  };
  const cleanups = [];
  try {
    const keys = await manifestKeys(setup, options);
    const mirrors = await clock.time("mirrors", () => openReleaseMirrors(setup, options, keys, cleanups, warn));
    const facts = {
      mode: setup.local ? "local" : "config",
      platform: setup.platform,
      trustedKeyFile: keys.trustedKeyFile,
      mirrors,
      ...setup.scan.scanner ? { scanner: setup.scan.scanner.description } : setup.scan.missing ? { scanner: `none (${setup.scan.missing})` } : {}
    };
    const outcomes = await clock.time("build", () => buildAll(setup, options, cleanups, warn));
    const items = outcomes.flatMap((o) => o.item ? [o.item] : []);
    const packages = outcomes.map((o) => o.row);
    const done = (extra = {}) => summarizeRelease({ ...facts, packages, checks: [], timings: clock.timings, warnings, ...extra });
    if (items.length === 0) {
      clock.skip(["smoke", "sbom", "scan", "sign", "sync", "publish", "check"], "nothing was built");
      return done();
    }
    const verify = { platform: setup.platform, workDir: setup.workDir, reporter, now: setup.now, ...options.smokeTimeoutMs !== void 0 ? { smokeTimeoutMs: options.smokeTimeoutMs } : {} };
    await clock.time("smoke", () => smokeStage(items, verify, warn));
    await clock.time("sbom", () => sbomStage(items, verify, warn));
    await clock.time("scan", () => scanStage(items, setup.scan, verify, warn));
    const passed = items.filter((i) => !i.row.withheld);
    if (passed.length === 0) {
      clock.skip(["sign", "sync", "publish", "check"], "every build was withheld");
      return done();
    }
    let signing;
    let trust;
    try {
      trust = await clock.time("sign", async () => {
        signing = await openArtifactSigner(setup.artifactSigner, setup.workDir, reporter);
        const { identity } = await signStage(items, signing, reporter);
        return artifactTrustOf(signing, identity);
      });
    } catch (err) {
      if (!isUserError(err)) throw err;
      warn(`signing failed: ${firstLine(errorMessage(err))}; nothing was uploaded`);
      clock.skip(["sync", "publish", "check"], "signing failed");
      return done(signing ? { signer: signing.info } : {});
    }
    const signer = signing;
    if (!trust) warn("the manifest names no trust settings for the artifacts: the keyless signer's identity and issuer are not known here");
    const sync = await clock.time("sync", () => syncPassed(passed, mirrors, reporter));
    for (const m of sync.mirrors) if (!m.ok) warn(`mirror ${m.mirror}: ${m.error ?? `${m.failed} file(s) failed`}`);
    let published;
    try {
      published = await clock.time("publish", () => publishPassed(setup, options, keys, passed, unavailablePlatforms(packages, setup), sync, mirrors, trust, warn));
      if (!published.report.ok) warn(`publish: ${noManifestWritten(published.report)}`);
    } catch (err) {
      if (!isUserError(err)) throw err;
      warn(`publish: ${errorMessage(err)}`);
    }
    const manifestUrls = published?.manifestUrls.map((u) => u.url) ?? [];
    let checks = [];
    if (options.check === false) clock.skip(["check"], "disabled");
    else if (manifestUrls.length === 0) clock.skip(["check"], "no manifest was published");
    else checks = await clock.time("check", () => checkPassed(setup, options, keys, mirrors, passed, manifestUrls, warn));
    return done({ signer: signer.info, sync, ...published ? { published } : {}, checks });
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => void 0);
    await lock2.release().catch(() => void 0);
  }
}
async function manifestKeys(setup, options) {
  let signer = setup.manifestSigner;
  let trustedKeyFile;
  if (!signer) {
    const key = await ensureLocalSigningKey(setup.workDir);
    if (key.created) setup.reporter.info(`made a manifest signing key: ${path5.relative(setup.workDir, key.privateKeyFile)} (public: ${path5.relative(setup.workDir, key.publicKeyFile)})`);
    trustedKeyFile = key.publicKeyFile;
    signer = key.signer;
  }
  const trustedKeys = options.trustedKeys ?? (isVerifier(signer) ? [signer] : []);
  return { signer, trustedKeys, ...trustedKeyFile !== void 0 ? { trustedKeyFile } : {} };
}
async function openReleaseMirrors(setup, options, keys, cleanups, warn) {
  const { reporter } = setup;
  let mirrors;
  if (setup.configured) {
    mirrors = { configs: setup.configured.mirrors, minMirrors: setup.minMirrors };
  } else {
    const local = await openLocalMirrors(setup.potionsDir, setup.localPorts);
    cleanups.push(() => local.close());
    const endpoints = local.mirrors.map((m) => m.endpoint).join(", ");
    if (local.throwaway) {
      warn(
        `the local mirrors run on throw-away ports (${endpoints}) for this run only: the release is published and checked there, and their data goes when the run ends (a manifest naming ports that are gone would be of no use); release on fixed ports to keep it`
      );
    } else {
      reporter.info(
        local.started ? `started ${local.mirrors.length} local mirrors for this run (${endpoints}); \`potions mirrors serve\` keeps them running` : `using the running local mirrors (${endpoints})`
      );
    }
    mirrors = {
      configs: local.mirrors,
      minMirrors: setup.minMirrors,
      startedForRun: local.started,
      ...local.throwaway ? { throwaway: true } : {},
      ...local.scratch ? { scratch: local.scratch } : {}
    };
  }
  const opened = (options.openMirrors ?? openS3Mirrors)(mirrors.configs, { ...options.s3, env: setup.env, reporter });
  cleanups.push(() => closeMirrors(opened));
  if (mirrors.startedForRun === false) {
    await assertRunningMirrorsAreOurs(
      opened.flatMap((m) => m.target ? [{ endpoint: m.config.endpoint, store: manifestStoreFromMirror(m.target) }] : []),
      [keys.signer.keyid, ...keys.trustedKeys.map((k) => k.keyid).filter((k) => k !== keys.signer.keyid)]
    );
  }
  return { ...mirrors, opened };
}
async function buildAll(setup, options, cleanups, warn) {
  const { platform, potionsDir, reporter } = setup;
  const sourceMirrors = [...options.sourceMirrors ?? []];
  if (setup.sourceDirs.length > 0) {
    const server = await serveSourceDirs(setup.sourceDirs);
    cleanups.push(() => server.close());
    sourceMirrors.push(server.base);
  }
  const cache = options.cache === false ? void 0 : new LocalFolderBuildCache(options.cacheDir ?? path5.join(potionsDir, "cache"));
  const outcomes = [];
  for (const req of setup.requests) {
    const name = req.recipe.name;
    let version = req.version ?? options.dependencyVersions?.[name];
    try {
      const result = await buildFromRecipeRef({
        ref: req.file,
        recipeDirs: setup.recipesDirs,
        platform,
        version,
        // One set of pins serves every recipe of the release: a pin another recipe needs is not a mistake here.
        dependencyVersions: options.dependencyVersions,
        strictDependencyVersions: false,
        versionDeps: { ...versionDepsFromEnv(setup.env), reporter },
        outDir: (planned) => path5.join(potionsDir, "release", `${planned.name}-${planned.version}-${platform}`),
        onPlanned: (planned) => {
          version = planned.version;
        },
        sourceMirrors,
        cache,
        jobs: options.jobs,
        reporter,
        env: setup.env
      });
      const row = builtRow(name, platform, result);
      outcomes.push({ row, item: { recipe: req.recipe, recipeFile: req.file, result, row } });
    } catch (err) {
      const message = firstLine(errorMessage(err));
      const step = isBuildError(err) ? err.step : void 0;
      if (!isUserError(err)) reporter.error(`${name}: ${errorMessage(err)} (a bug in Potions?)`);
      warn(`${name} ${version ?? "(version unknown)"} ${platform}: build failed: ${message}`);
      outcomes.push({ row: { name, version: version ?? "unknown", platform, status: "failed", urls: [], ...step ? { step } : {}, error: message } });
    }
  }
  return outcomes;
}
function builtRow(name, platform, result) {
  return {
    name,
    version: result.version,
    platform,
    status: result.status,
    cached: result.cached,
    method: result.method,
    file: path5.basename(result.artifact),
    sha256: result.sha256,
    size: result.metadata.artifact.tarGz.size,
    urls: [],
    artifact: result.artifact
  };
}
function unavailablePlatforms(packages, setup) {
  const failures = packages.filter((p) => p.status === "failed" && p.version !== "unknown").map((p) => ({ name: p.name, version: p.version, platform: p.platform, reason: `build failed${p.step ? ` (${p.step})` : ""}: ${p.error ?? "unknown error"}` }));
  for (const p of packages) if (p.status !== "failed" && p.withheld) failures.push({ name: p.name, version: p.version, platform: p.platform, reason: p.withheld });
  if (!setup.local) return failures;
  const versions = new Map(packages.filter((p) => p.version !== "unknown").map((p) => [`${p.name}@${p.version}`, p]));
  for (const p of versions.values()) {
    for (const other of PLATFORMS) if (other !== setup.platform) failures.push({ name: p.name, version: p.version, platform: other, reason: localOnlyReason(setup.platform) });
  }
  return failures;
}
async function syncPassed(passed, mirrors, reporter) {
  const files = passed.flatMap((i) => i.files ?? []);
  const outcome = await syncToMirrors(await localObjectsFromFiles(files), { mirrors: mirrors.opened, minMirrors: mirrors.minMirrors, reporter });
  return outcome.result;
}
async function publishPassed(setup, options, keys, passed, failures, sync, mirrors, trust, warn) {
  const metadata = await Promise.all(
    passed.map(async (i) => artifactMetadataFileFromBytes(i.result.metadataFile, new Uint8Array(await fs4.readFile(i.result.metadataFile))))
  );
  const request = {
    metadata,
    sync,
    syncSource: "this release's sync",
    mirrors: mirrors.opened,
    signer: keys.signer,
    ...keys.trustedKeys.length > 0 ? { trustedKeys: keys.trustedKeys } : {},
    platforms: [setup.platform],
    failures,
    ...options.expiresInDays !== void 0 ? { expiresInDays: options.expiresInDays } : {},
    now: setup.now,
    reporter: setup.reporter,
    // Who signed the artifacts: the manifest's trust settings, against which fetch verifies each bundle.
    ...trust ? { artifactTrust: trust } : {},
    checks: passed.map((i) => ({ name: i.result.name, version: i.result.version, platform: setup.platform, checks: manifestChecks(i.row) }))
  };
  const published = await publishRelease(request);
  for (const w of published.warnings) {
    if (setup.local && w.includes("does not support conditional writes")) setup.reporter.debug(w);
    else warn(w);
  }
  for (const m of published.report.mirrors) {
    if (m.status === "failed") warn(`mirror ${m.name}: the manifest was not written: ${m.error?.message ?? "unknown error"}`);
  }
  return published;
}
function verifiedSignature(got) {
  const s = got.signature;
  if (!s.verified) return void 0;
  return { kind: s.kind, ...s.keyId !== void 0 ? { keyId: s.keyId } : {}, ...s.certificateIdentity !== void 0 ? { identity: s.certificateIdentity } : {} };
}
function manifestChecks(row) {
  const checks = {};
  const smoke = row.smoke;
  if (smoke?.status === "passed") checks.smokeTest = { status: "passed", runner: smoke.runner ?? "native" };
  else if (smoke?.status === "not-run") checks.smokeTest = { status: "static-only", reason: smoke.reason ?? "the commands were not run" };
  const scan = row.scan;
  if (scan?.status === "passed" && scan.scannedAt !== void 0) {
    checks.scan = { status: "passed", scanner: scan.scanner ?? "unknown", maxSeverity: scan.maxSeverity, scannedAt: scan.scannedAt };
  } else if (scan?.status === "skipped" || scan?.status === "not-run") checks.scan = { status: "not-run", reason: scan.reason ?? "not scanned" };
  return checks;
}
async function checkPassed(setup, options, keys, mirrors, passed, manifestUrls, warn) {
  const stateDir = mirrors.scratch ?? path5.join(setup.potionsDir, "state");
  const trustStore = new FileTrustStore(path5.join(stateDir, "manifest-trust.json"));
  const checkRoot = path5.join(setup.potionsDir, "check");
  const checks = [];
  for (const { result } of passed) {
    const dir = path5.join(checkRoot, `${result.name}-${result.version}-${randomBytes(4).toString("hex")}`);
    const check = { name: result.name, version: result.version, platform: setup.platform, ok: false };
    try {
      const got = await fetchPackage({
        manifestUrl: manifestUrls,
        name: result.name,
        version: result.version,
        platform: setup.platform,
        outDir: dir,
        trustedKeys: keys.trustedKeys,
        trustStore,
        reporter: setup.reporter,
        now: setup.now,
        ...options.download ? { download: options.download } : {}
      });
      check.mirror = got.mirror;
      check.seconds = got.seconds;
      const signature = verifiedSignature(got);
      if (signature) check.signature = signature;
      if (got.sha256 !== result.sha256) {
        throw new UserError(PipelineErrorCode.Manifest, `fetched ${got.sha256}, but this release built ${result.sha256}`, {
          hint: "the manifest already listed another build of this version: a published digest never changes; publish a new version"
        });
      }
      check.ok = true;
    } catch (err) {
      if (!isUserError(err)) throw err;
      check.error = firstLine(errorMessage(err));
      warn(`check ${buildLabel({ name: result.name, version: result.version, platform: setup.platform })}: ${check.error}`);
    } finally {
      await fs4.rm(dir, { recursive: true, force: true });
    }
    checks.push(check);
  }
  await fs4.rmdir(checkRoot).catch(() => void 0);
  return checks;
}
function isVerifier(s) {
  return typeof s.verify === "function";
}

// packages/cli/src/commands/release.ts
var collect = (value, previous = []) => [...previous, value];
async function sigstoreServices(file) {
  let json;
  try {
    json = JSON.parse(await fs5.readFile(file, "utf8"));
  } catch (err) {
    throw new UserError(SigningErrorCode.Service, `cannot read --sigstore ${file}: ${errorMessage(err)}`, { location: { file } });
  }
  return sigstoreServicesFromJson(json, file);
}
var dash = "-";
function buildCell(p) {
  if (p.status === "failed") return `FAILED${p.step ? ` (${p.step})` : ""}`;
  return p.cached ? `${p.status} (cached)` : p.status;
}
function smokeCell(p) {
  if (!p.smoke) return p.withheldBy === "smoke" ? "FAILED" : dash;
  if (p.smoke.status === "failed") return "FAILED";
  if (p.smoke.status === "not-run") return "not run";
  return `passed (${p.smoke.commands.filter((c) => c.ok).length}/${p.smoke.commands.length})`;
}
function scanCell(p) {
  const s = p.scan;
  if (!s) return p.withheldBy === "scan" ? "FAILED" : dash;
  if (s.status === "skipped") return "off (recipe)";
  if (s.status === "not-run") return "not run";
  const found = `${s.findings} finding(s)${s.findings > 0 ? `, max ${s.maxSeverity}` : ""}`;
  return s.status === "failed" ? `FAILED (${found})` : `passed (${found})`;
}
function signedCell(p) {
  const s = p.signature;
  if (!s) return dash;
  return s.kind === "keyless" ? `keyless` : `key ${s.keyId?.slice(0, 12) ?? ""}`;
}
function checkCell(c) {
  if (!c) return dash;
  if (!c.ok) return "FAILED";
  return c.signature ? "fetched, signature verified" : "fetched (signature not verified)";
}
function notes(s) {
  const out = [];
  for (const p of s.packages) {
    const label = `${p.name} ${p.version} ${p.platform}`;
    if (p.status === "failed") out.push(`${label}: build failed${p.step ? ` (${p.step})` : ""}: ${p.error ?? "unknown error"}`);
    if (p.withheld) out.push(`${label}: not published: ${p.withheld}`);
    if (p.smoke?.status === "not-run") out.push(`${label}: smoke test commands not run: ${p.smoke.reason}`);
    if (p.scan?.status === "skipped") out.push(`${label}: not scanned: ${p.scan.reason}`);
    if (p.sboms) out.push(`${label}: SBOMs ${p.sboms.map((x) => x.file).join(", ")}`);
    if (p.signature) out.push(`${label}: signatures ${p.signature.bundles.join(", ")}${p.signature.reused > 0 ? ` (${p.signature.reused} kept from an earlier run)` : ""}`);
  }
  return out;
}
function verdict(s) {
  if (s.ok) return "release complete";
  const stage = (name) => s.stages.find((st) => st.name === name);
  const nothingBuilt = stage("build")?.error?.startsWith("nothing was built") ? stage("build") : void 0;
  if (nothingBuilt) return `release FAILED: ${nothingBuilt.error}; nothing was published`;
  const sign = stage("sign");
  if (sign && sign.error && !sign.skipped) return `release FAILED: signing failed: ${sign.error}; nothing was uploaded`;
  if (stage("sync")?.error === "every build was withheld") return "release FAILED: every build was withheld (see above); nothing was uploaded";
  return "release INCOMPLETE: see the warnings above";
}
function printSummary(s, workDir, ports2) {
  const out = [];
  const mirrorCount = s.mirrors.length;
  out.push(
    formatTable(
      ["PACKAGE", "VERSION", "PLATFORM", "BUILD", "SMOKE", "SBOM", "SCAN", "SIGNED", "SYNCED", "PUBLISHED", "CHECKED"],
      s.packages.map((p) => [
        p.name,
        p.version,
        p.platform,
        buildCell(p),
        smokeCell(p),
        p.sboms ? p.sboms.map((x) => x.format).join(", ") : p.withheldBy === "sbom" ? "FAILED" : dash,
        scanCell(p),
        signedCell(p),
        p.syncedTo ? `${p.syncedTo.length}/${mirrorCount}` : dash,
        p.published ?? dash,
        checkCell(s.checks.find((c) => c.name === p.name && c.version === p.version && !p.withheld && p.status !== "failed"))
      ])
    )
  );
  const detail = notes(s);
  if (detail.length > 0) out.push("", ...detail);
  out.push("");
  out.push(
    formatTable(
      ["MIRROR", "ENDPOINT", "UPLOADED", "PRESENT", "FAILED", "MANIFEST"],
      s.mirrors.map((m) => [m.name, m.endpoint, String(m.uploaded), String(m.present), String(m.failed), m.manifest ?? dash])
    )
  );
  for (const p of s.packages.filter((x) => x.urls.length > 0)) {
    out.push("", `${p.file} (${p.size !== void 0 ? formatBytes(p.size) : "?"}, sha256 ${p.sha256}):`);
    for (const u of p.urls) out.push(`  ${u}`);
  }
  out.push("");
  if (s.manifestUrls.length > 0) {
    out.push(`manifest version ${s.manifestVersion}${s.manifestChanged ? "" : " (unchanged)"}:`);
    for (const u of s.manifestUrls) out.push(`  ${u.url}`);
  } else out.push("manifest: not published");
  const rel = (p) => path6.relative(process.cwd(), p) || ".";
  if (s.trustedKeyFile && s.manifestUrls.length > 0) out.push(`manifest key readers trust: ${rel(s.trustedKeyFile)}`);
  if (s.signer) out.push(`artifacts signed by: ${s.signer.description}${s.signer.publicKeyFile ? ` (public key ${rel(s.signer.publicKeyFile)})` : ""}`);
  if (s.scanner) out.push(`vulnerability scanner: ${s.scanner}`);
  for (const c of s.checks) {
    const sig = c.signature ? `, signature verified (${c.signature.kind === "key" ? `key ${c.signature.keyId?.slice(0, 12) ?? ""}` : c.signature.identity ?? "keyless"})` : "";
    out.push(c.ok ? `check: ${c.name} ${c.version} fetched back through the manifest from ${c.mirror}${sig}` : `check FAILED: ${c.name} ${c.version}: ${c.error}`);
  }
  out.push(`stages: ${s.stages.map((st) => `${st.name} ${st.skipped ? "skipped" : `${st.seconds.toFixed(2)} s${st.ok ? "" : " FAILED"}`}`).join(", ")}`);
  if (s.mode === "local" && s.mirrorsThrowaway) {
    out.push("", "the local mirrors ran on throw-away ports and are gone with their data; release on fixed ports (the default 4568,4569) to keep a release");
  } else if (s.mode === "local" && s.mirrorsStopped === true && s.manifestUrl) {
    const first = s.packages.find((p) => p.published === "available");
    const sameDir = path6.resolve(workDir) === process.cwd();
    const serve = ["pnpm potions mirrors serve", ...sameDir ? [] : [`--dir ${rel(path6.join(workDir, ".potions", "mirrors"))}`], ...ports2 ? [`--ports ${ports2.join(",")}`] : []];
    out.push("", "the local mirrors ran for this release only and are stopped now; to serve the URLs above run", `  ${serve.join(" ")}`);
    if (first) {
      const fetch = [`pnpm potions fetch ${first.name}@${first.version}`, `--manifest ${s.manifestUrl}`, `--out /tmp/${first.name}`, ...sameDir || !s.trustedKeyFile ? [] : [`--trusted-key ${rel(s.trustedKeyFile)}`]];
      out.push("then install it with", `  ${fetch.join(" ")}`);
    }
  }
  out.push(verdict(s));
  process.stderr.write(`${out.join("\n")}
`);
}
var RELEASE_HINTS = {
  [LocalMirrorsErrorCode.PortInUse]: "choose other ports with --local-ports (0 for two free ones)",
  [PipelineErrorCode.ForeignMirrors]: "stop that `potions mirrors serve`, or use --local-ports / --work-dir",
  [PipelineErrorCode.Options]: "`potions release --help` lists the options (--platform, --local-ports)",
  [PipelineErrorCode.LocalPorts]: `set --local-ports to two ports (default ${DEFAULT_LOCAL_PORTS.join(",")}), or 0 for two free ones (throw-away mirrors); --local-ports goes without --config`,
  [PipelineErrorCode.Jobs]: "lower --jobs, or leave it out",
  [PipelineErrorCode.MinMirrors]: "lower --min-mirrors",
  [PipelineErrorCode.Version]: "fix --version, or the @VERSION of the recipe",
  [PipelineErrorCode.WorkDir]: "choose another --work-dir",
  [PipelineErrorCode.SourceDir]: "check --source-dir",
  [SbomErrorCode.ScannerMissing]: "install grype or trivy, or pass --osv DIR (a folder of OSV records)",
  [SbomErrorCode.AllowList]: "check --allow-list",
  [SbomErrorCode.OsvFolder]: "check --osv"
};
function registerReleaseCommand(program, deps = {}) {
  program.command("release").description(
    "Build recipes for this machine, smoke-test, inventory (SBOM), scan and sign them, sync to every mirror, publish the signed manifest, fetch back as a check"
  ).argument("<recipes...>", "recipe files (.yml) or names looked up in --recipes; NAME@VERSION pins a version").option("--version <version>", "the version to build (recipes without @VERSION); without it the latest is looked up on the network").option("--recipes <dir>", "recipe folder for names and dependencies, repeatable (default: recipes)", collect).option("--config <file>", "mirrors configuration (YAML/JSON, docs/mirrors.md); signs with POTIONS_MANIFEST_KEY. Default: two local mirrors").option("--source-mirror <base>", `mirror of upstream files (BASE/<host>/<path>), repeatable; also ${SOURCE_MIRRORS_ENV}`, collect).option("--source-dir <dir>", "folder of upstream files served by file name as a source mirror (offline builds), repeatable", collect).option("--platform <platform>", `one of ${PLATFORMS.join(", ")} (default: this machine's)`).option("--work-dir <dir>", "where .potions/ (local mirrors, keys, cache, build output) lives (default: the current folder)").option(
    "--local-ports <ports>",
    `the two local mirrors' ports (default ${DEFAULT_LOCAL_PORTS.join(",")}, kept between runs); 0 (or 0,0): two free ports, throw-away mirrors gone with their data at the end of the run`,
    ports("--local-ports")
  ).option("--min-mirrors <n>", "mirrors that must hold every file (default: the configuration, else 1; at most the number of mirrors)", positiveInt("--min-mirrors")).option("--no-cache", "build even when the build cache has the artifact").option("--no-check", "do not fetch the result back through the manifest").option("--jobs <n>", `parallel build jobs, 1 to ${maxBuildJobs()} here (default: the number of CPUs)`, positiveInt("--jobs")).addOption(new Option("--fail-on <severity>", "the lowest vulnerability severity that keeps a build from being published (none: report only)").choices([...FAIL_ON_LEVELS]).default("high")).option("--allow-list <file>", "vulnerabilities allowed anyway (YAML: - id, reason, expires: YYYY-MM-DD [, package])").option("--osv <dir>", "folder of OSV records to scan against (offline), when neither grype nor trivy is installed").addOption(new Option("--scanner <name>", "which scanner: auto is grype, else trivy, else --osv").choices([...SCANNER_CHOICES]).default("auto")).option("--signing-key <pem>", "sign the artifacts with this ECDSA P-256 private key (default: keyless with an OIDC token, else the work folder's key)").option("--sigstore <file>", "JSON {fulcioUrl, rekorUrl, tsaUrl, rekorDsseEntryType} of a private Sigstore instance for keyless signing").option("--json", "print the summary as one JSON object (with manifestUrl) on stdout").addHelpText(
    "after",
    `
Artifacts are signed keyless when an OIDC token is at hand (${OIDC_TOKEN_ENV}, or GitHub's token endpoint in a job with \`id-token: write\`),
else with --signing-key, else with a key made on first use in <work-dir>/.potions/keys/signing-key.pem; the manifest names whom to trust.`
  ).action(async (recipes, opts) => {
    const reporter = new ConsoleReporter();
    const platform = opts.platform ? assertPlatform(opts.platform, "--platform") : void 0;
    const ports2 = opts.localPorts;
    const refs = recipes.map((r) => r.includes("/") || /\.ya?ml$/i.test(r) ? path6.resolve(r) : r);
    const run = async () => runRelease({
      ...deps.openMirrors ? { openMirrors: deps.openMirrors } : {},
      recipes: refs,
      ...opts.version !== void 0 ? { version: opts.version } : {},
      recipesDirs: (opts.recipes ?? ["recipes"]).map((d) => path6.resolve(d)),
      ...opts.config !== void 0 ? { config: path6.resolve(opts.config) } : {},
      sourceMirrors: [...parseSourceMirrors(opts.sourceMirror ?? [], "--source-mirror", reporter), ...sourceMirrorsFromEnv(process.env, reporter)],
      ...opts.sourceDir ? { sourceDirs: opts.sourceDir.map((d) => path6.resolve(d)) } : {},
      ...platform ? { platform } : {},
      workDir: path6.resolve(opts.workDir ?? process.cwd()),
      ...ports2 ? { localPorts: ports2 } : {},
      ...opts.minMirrors !== void 0 ? { minMirrors: opts.minMirrors } : {},
      cache: opts.cache,
      check: opts.check,
      ...opts.jobs !== void 0 ? { jobs: opts.jobs } : {},
      failOn: opts.failOn,
      scanner: opts.scanner,
      ...opts.allowList !== void 0 ? { allowList: path6.resolve(opts.allowList) } : {},
      ...opts.osv !== void 0 ? { osvDir: path6.resolve(opts.osv) } : {},
      ...opts.signingKey !== void 0 ? { signingKey: path6.resolve(opts.signingKey) } : {},
      ...opts.sigstore !== void 0 ? { sigstore: await sigstoreServices(opts.sigstore) } : {},
      reporter
    });
    const summary = await run().catch((err) => {
      throw withOptionHint(err, RELEASE_HINTS);
    });
    if (opts.json) printJson(summary);
    else printSummary(summary, path6.resolve(opts.workDir ?? process.cwd()), ports2);
    if (!summary.ok) process.exitCode = ExitCode.Failure;
  });
}
export {
  registerReleaseCommand
};
