import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  ArchiveErrorCode,
  BuilderErrorCode,
  archiveError,
  detectFileFormat,
  entryError,
  isExecutableContent,
  isTarHeader,
  readHead,
  rt,
  stripCompressionSuffix
} from "./chunk-XPDYRYHA.mjs";
import {
  buildOrder,
  findRecipeFiles,
  loadRecipeFile,
  planDownloads,
  recipeDigest
} from "./chunk-Q5AYDNPM.mjs";
import {
  isSafeVersion
} from "./chunk-34KJHGJW.mjs";
import {
  assertPlatform
} from "./chunk-EE5EUXX6.mjs";
import {
  tempPathFor
} from "./chunk-DWDGEZWY.mjs";
import {
  UserError,
  silentReporter
} from "./chunk-HUJ2RKNL.mjs";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-B3VT5A5J.mjs";

// node_modules/.pnpm/pend@1.2.0/node_modules/pend/index.js
var require_pend = __commonJS({
  "node_modules/.pnpm/pend@1.2.0/node_modules/pend/index.js"(exports, module) {
    module.exports = Pend;
    function Pend() {
      this.pending = 0;
      this.max = Infinity;
      this.listeners = [];
      this.waiting = [];
      this.error = null;
    }
    Pend.prototype.go = function(fn) {
      if (this.pending < this.max) {
        pendGo(this, fn);
      } else {
        this.waiting.push(fn);
      }
    };
    Pend.prototype.wait = function(cb) {
      if (this.pending === 0) {
        cb(this.error);
      } else {
        this.listeners.push(cb);
      }
    };
    Pend.prototype.hold = function() {
      return pendHold(this);
    };
    function pendHold(self) {
      self.pending += 1;
      var called = false;
      return onCb;
      function onCb(err) {
        if (called) throw new Error("callback called twice");
        called = true;
        self.error = self.error || err;
        self.pending -= 1;
        if (self.waiting.length > 0 && self.pending < self.max) {
          pendGo(self, self.waiting.shift());
        } else if (self.pending === 0) {
          var listeners = self.listeners;
          self.listeners = [];
          listeners.forEach(cbListener);
        }
      }
      function cbListener(listener) {
        listener(self.error);
      }
    }
    function pendGo(self, fn) {
      fn(pendHold(self));
    }
  }
});

// node_modules/.pnpm/yauzl@3.4.0/node_modules/yauzl/fd-slicer.js
var require_fd_slicer = __commonJS({
  "node_modules/.pnpm/yauzl@3.4.0/node_modules/yauzl/fd-slicer.js"(exports) {
    var fs5 = __require("fs");
    var util = __require("util");
    var stream = __require("stream");
    var Readable = stream.Readable;
    var PassThrough = stream.PassThrough;
    var Pend = require_pend();
    var EventEmitter = __require("events").EventEmitter;
    exports.BufferSlicer = BufferSlicer;
    exports.FdSlicer = FdSlicer;
    util.inherits(FdSlicer, EventEmitter);
    function FdSlicer(fd) {
      EventEmitter.call(this);
      this.fd = fd;
      this.pend = new Pend();
      this.pend.max = 1;
      this.refCount = 0;
    }
    FdSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      var self = this;
      self.pend.go(function(cb) {
        fs5.read(self.fd, buffer, offset, length, position, function(err, bytesRead, buffer2) {
          cb();
          callback(err, bytesRead, buffer2);
        });
      });
    };
    FdSlicer.prototype.createReadStream = function(options2) {
      return new ReadStream(this, options2);
    };
    FdSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    FdSlicer.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount < 0) throw new Error("invalid unref");
      if (self.refCount > 0) return;
      fs5.close(self.fd, onCloseDone);
      function onCloseDone(err) {
        if (err) {
          self.emit("error", err);
        } else {
          self.emit("close");
        }
      }
    };
    util.inherits(ReadStream, Readable);
    function ReadStream(context, options2) {
      options2 = options2 || {};
      Readable.call(this, options2);
      this.context = context;
      this.context.ref();
      this.start = options2.start || 0;
      this.endOffset = options2.end;
      this.pos = this.start;
    }
    ReadStream.prototype._read = function(n) {
      var self = this;
      var toRead = Math.min(self._readableState.highWaterMark, n);
      if (self.endOffset != null) {
        toRead = Math.min(toRead, self.endOffset - self.pos);
      }
      if (toRead <= 0) {
        self.push(null);
        this._cleanup();
        return;
      }
      self.context.pend.go(function(cb) {
        var buffer = Buffer.allocUnsafe(toRead);
        fs5.read(self.context.fd, buffer, 0, toRead, self.pos, function(err, bytesRead) {
          if (err) {
            self.destroy(err);
          } else if (bytesRead === 0) {
            self.push(null);
            self._cleanup();
          } else {
            self.pos += bytesRead;
            self.push(buffer.slice(0, bytesRead));
          }
          cb();
        });
      });
    };
    ReadStream.prototype._destroy = function(err, cb) {
      this._cleanup();
      cb(err);
    };
    ReadStream.prototype._cleanup = function() {
      if (this.context != null) {
        this.context.unref();
        this.context = null;
      }
    };
    util.inherits(BufferSlicer, EventEmitter);
    function BufferSlicer(buffer) {
      EventEmitter.call(this);
      this.refCount = 0;
      this.buffer = buffer;
    }
    BufferSlicer.prototype.read = function(buffer, offset, length, position, callback) {
      if (!(0 <= offset && offset <= buffer.length)) throw new RangeError("offset outside buffer: 0 <= " + offset + " <= " + buffer.length);
      if (position < 0) throw new RangeError("position is negative: " + position);
      if (offset + length > buffer.length) {
        length = buffer.length - offset;
      }
      if (position + length > this.buffer.length) {
        length = this.buffer.length - position;
      }
      if (length <= 0) {
        setImmediate(function() {
          callback(null, 0);
        });
        return;
      }
      this.buffer.copy(buffer, offset, position, position + length);
      setImmediate(function() {
        callback(null, length);
      });
    };
    BufferSlicer.prototype.createReadStream = function(options2) {
      options2 = options2 || {};
      var readStream = new PassThrough(options2);
      readStream.start = options2.start || 0;
      readStream.endOffset = options2.end;
      readStream.pos = readStream.endOffset || this.buffer.length;
      var entireSlice = this.buffer.slice(readStream.start, readStream.pos);
      var maxChunkSize = 65536;
      var offset = 0;
      while (true) {
        var nextOffset = offset + maxChunkSize;
        if (nextOffset >= entireSlice.length) {
          if (offset < entireSlice.length) {
            readStream.write(entireSlice.slice(offset, entireSlice.length));
          }
          break;
        }
        readStream.write(entireSlice.slice(offset, nextOffset));
        offset = nextOffset;
      }
      readStream.end();
      return readStream;
    };
    BufferSlicer.prototype.ref = function() {
      this.refCount += 1;
    };
    BufferSlicer.prototype.unref = function() {
      this.refCount -= 1;
      if (this.refCount < 0) {
        throw new Error("invalid unref");
      }
    };
  }
});

// node_modules/.pnpm/yauzl@3.4.0/node_modules/yauzl/crc32.js
var require_crc32 = __commonJS({
  "node_modules/.pnpm/yauzl@3.4.0/node_modules/yauzl/crc32.js"(exports, module) {
    var CRC_TABLE = new Int32Array([
      0,
      1996959894,
      3993919788,
      2567524794,
      124634137,
      1886057615,
      3915621685,
      2657392035,
      249268274,
      2044508324,
      3772115230,
      2547177864,
      162941995,
      2125561021,
      3887607047,
      2428444049,
      498536548,
      1789927666,
      4089016648,
      2227061214,
      450548861,
      1843258603,
      4107580753,
      2211677639,
      325883990,
      1684777152,
      4251122042,
      2321926636,
      335633487,
      1661365465,
      4195302755,
      2366115317,
      997073096,
      1281953886,
      3579855332,
      2724688242,
      1006888145,
      1258607687,
      3524101629,
      2768942443,
      901097722,
      1119000684,
      3686517206,
      2898065728,
      853044451,
      1172266101,
      3705015759,
      2882616665,
      651767980,
      1373503546,
      3369554304,
      3218104598,
      565507253,
      1454621731,
      3485111705,
      3099436303,
      671266974,
      1594198024,
      3322730930,
      2970347812,
      795835527,
      1483230225,
      3244367275,
      3060149565,
      1994146192,
      31158534,
      2563907772,
      4023717930,
      1907459465,
      112637215,
      2680153253,
      3904427059,
      2013776290,
      251722036,
      2517215374,
      3775830040,
      2137656763,
      141376813,
      2439277719,
      3865271297,
      1802195444,
      476864866,
      2238001368,
      4066508878,
      1812370925,
      453092731,
      2181625025,
      4111451223,
      1706088902,
      314042704,
      2344532202,
      4240017532,
      1658658271,
      366619977,
      2362670323,
      4224994405,
      1303535960,
      984961486,
      2747007092,
      3569037538,
      1256170817,
      1037604311,
      2765210733,
      3554079995,
      1131014506,
      879679996,
      2909243462,
      3663771856,
      1141124467,
      855842277,
      2852801631,
      3708648649,
      1342533948,
      654459306,
      3188396048,
      3373015174,
      1466479909,
      544179635,
      3110523913,
      3462522015,
      1591671054,
      702138776,
      2966460450,
      3352799412,
      1504918807,
      783551873,
      3082640443,
      3233442989,
      3988292384,
      2596254646,
      62317068,
      1957810842,
      3939845945,
      2647816111,
      81470997,
      1943803523,
      3814918930,
      2489596804,
      225274430,
      2053790376,
      3826175755,
      2466906013,
      167816743,
      2097651377,
      4027552580,
      2265490386,
      503444072,
      1762050814,
      4150417245,
      2154129355,
      426522225,
      1852507879,
      4275313526,
      2312317920,
      282753626,
      1742555852,
      4189708143,
      2394877945,
      397917763,
      1622183637,
      3604390888,
      2714866558,
      953729732,
      1340076626,
      3518719985,
      2797360999,
      1068828381,
      1219638859,
      3624741850,
      2936675148,
      906185462,
      1090812512,
      3747672003,
      2825379669,
      829329135,
      1181335161,
      3412177804,
      3160834842,
      628085408,
      1382605366,
      3423369109,
      3138078467,
      570562233,
      1426400815,
      3317316542,
      2998733608,
      733239954,
      1555261956,
      3268935591,
      3050360625,
      752459403,
      1541320221,
      2607071920,
      3965973030,
      1969922972,
      40735498,
      2617837225,
      3943577151,
      1913087877,
      83908371,
      2512341634,
      3803740692,
      2075208622,
      213261112,
      2463272603,
      3855990285,
      2094854071,
      198958881,
      2262029012,
      4057260610,
      1759359992,
      534414190,
      2176718541,
      4139329115,
      1873836001,
      414664567,
      2282248934,
      4279200368,
      1711684554,
      285281116,
      2405801727,
      4167216745,
      1634467795,
      376229701,
      2685067896,
      3608007406,
      1308918612,
      956543938,
      2808555105,
      3495958263,
      1231636301,
      1047427035,
      2932959818,
      3654703836,
      1088359270,
      936918e3,
      2847714899,
      3736837829,
      1202900863,
      817233897,
      3183342108,
      3401237130,
      1404277552,
      615818150,
      3134207493,
      3453421203,
      1423857449,
      601450431,
      3009837614,
      3294710456,
      1567103746,
      711928724,
      3020668471,
      3272380065,
      1510334235,
      755167117
    ]);
    function crc32(buf) {
      let crc = -1;
      for (let x of buf) {
        crc = CRC_TABLE[(crc ^ x) & 255] ^ crc >>> 8;
      }
      return (crc ^ -1) >>> 0;
    }
    module.exports = crc32;
  }
});

// node_modules/.pnpm/yauzl@3.4.0/node_modules/yauzl/index.js
var require_yauzl = __commonJS({
  "node_modules/.pnpm/yauzl@3.4.0/node_modules/yauzl/index.js"(exports) {
    var fs5 = __require("fs");
    var zlib = __require("zlib");
    var fd_slicer = require_fd_slicer();
    var util = __require("util");
    var EventEmitter = __require("events").EventEmitter;
    var Transform = __require("stream").Transform;
    var PassThrough = __require("stream").PassThrough;
    var Writable = __require("stream").Writable;
    var crc32 = typeof zlib.crc32 === "function" ? zlib.crc32 : require_crc32();
    exports.open = open;
    exports.fromFd = fromFd;
    exports.fromBuffer = fromBuffer;
    exports.fromRandomAccessReader = fromRandomAccessReader;
    exports.openPromise = openPromise;
    exports.fromFdPromise = fromFdPromise;
    exports.fromBufferPromise = fromBufferPromise;
    exports.fromRandomAccessReaderPromise = fromRandomAccessReaderPromise;
    exports.dosDateTimeToDate = dosDateTimeToDate;
    exports.getFileNameLowLevel = getFileNameLowLevel;
    exports.validateFileName = validateFileName;
    exports.parseExtraFields = parseExtraFields;
    exports.ZipFile = ZipFile;
    exports.Entry = Entry;
    exports.LocalFileHeader = LocalFileHeader;
    exports.RandomAccessReader = RandomAccessReader;
    function openPromise(path4, options2) {
      return new Promise((resolve, reject) => {
        open(path4, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromFdPromise(fd, options2) {
      return new Promise((resolve, reject) => {
        fromFd(fd, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromBufferPromise(buffer, options2) {
      return new Promise((resolve, reject) => {
        fromBuffer(buffer, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function fromRandomAccessReaderPromise(reader, totalSize, options2) {
      return new Promise((resolve, reject) => {
        fromRandomAccessReader(reader, totalSize, { ...options2, lazyEntries: true }, function(err, zipfile) {
          if (err) return reject(err);
          resolve(zipfile);
        });
      });
    }
    function open(path4, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs5.open(path4, "r", function(err, fd) {
        if (err) return callback(err);
        fromFd(fd, options2, function(err2, zipfile) {
          if (err2) fs5.close(fd, defaultCallback);
          callback(err2, zipfile);
        });
      });
    }
    function fromFd(fd, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      fs5.fstat(fd, function(err, stats) {
        if (err) return callback(err);
        var reader = new fd_slicer.FdSlicer(fd);
        fromRandomAccessReader(reader, stats.size, options2, callback);
      });
    }
    function fromBuffer(buffer, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      options2.autoClose = false;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      var reader = new fd_slicer.BufferSlicer(buffer);
      fromRandomAccessReader(reader, buffer.length, options2, callback);
    }
    function fromRandomAccessReader(reader, totalSize, options2, callback) {
      if (typeof options2 === "function") {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      if (options2.autoClose == null) options2.autoClose = true;
      if (options2.lazyEntries == null) options2.lazyEntries = false;
      if (options2.decodeStrings == null) options2.decodeStrings = true;
      var decodeStrings = !!options2.decodeStrings;
      if (options2.validateEntrySizes == null) options2.validateEntrySizes = true;
      if (options2.strictFileNames == null) options2.strictFileNames = false;
      if (callback == null) callback = defaultCallback;
      if (typeof totalSize !== "number") throw new Error("expected totalSize parameter to be a number");
      if (totalSize > Number.MAX_SAFE_INTEGER) {
        throw new Error("zip file too large. only file sizes up to 2^52 are supported due to JavaScript's Number type being an IEEE 754 double.");
      }
      reader.ref();
      var eocdrWithoutCommentSize = 22;
      var zip64EocdlSize = 20;
      var maxCommentSize = 65535;
      var bufferSize = Math.min(zip64EocdlSize + eocdrWithoutCommentSize + maxCommentSize, totalSize);
      var buffer = newBuffer(bufferSize);
      var bufferReadStart = totalSize - buffer.length;
      readAndAssertNoEof(reader, buffer, 0, bufferSize, bufferReadStart, function(err) {
        if (err) return callback(err);
        for (var i = bufferSize - eocdrWithoutCommentSize; i >= 0; i -= 1) {
          if (buffer.readUInt32LE(i) !== 101010256) continue;
          var eocdrBuffer = buffer.subarray(i);
          var diskNumber = eocdrBuffer.readUInt16LE(4);
          var entryCount = eocdrBuffer.readUInt16LE(10);
          var centralDirectoryOffset = eocdrBuffer.readUInt32LE(16);
          var commentLength = eocdrBuffer.readUInt16LE(20);
          var expectedCommentLength = eocdrBuffer.length - eocdrWithoutCommentSize;
          if (commentLength !== expectedCommentLength) {
            return callback(new Error("Invalid comment length. Expected: " + expectedCommentLength + ". Found: " + commentLength + ". Are there extra bytes at the end of the file? Or is the end of central dir signature `PK\u263A\u263B` in the comment?"));
          }
          var comment = decodeStrings ? decodeBuffer(eocdrBuffer.subarray(22), false) : eocdrBuffer.subarray(22);
          if (i - zip64EocdlSize >= 0 && buffer.readUInt32LE(i - zip64EocdlSize) === 117853008) {
            var zip64EocdlBuffer = buffer.subarray(i - zip64EocdlSize, i - zip64EocdlSize + zip64EocdlSize);
            var zip64EocdrOffset = readUInt64LE(zip64EocdlBuffer, 8);
            var zip64EocdrBuffer = newBuffer(56);
            return readAndAssertNoEof(reader, zip64EocdrBuffer, 0, zip64EocdrBuffer.length, zip64EocdrOffset, function(err2) {
              if (err2) return callback(err2);
              if (zip64EocdrBuffer.readUInt32LE(0) !== 101075792) {
                return callback(new Error("invalid zip64 end of central directory record signature"));
              }
              diskNumber = zip64EocdrBuffer.readUInt32LE(16);
              if (diskNumber !== 0) {
                return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
              }
              entryCount = readUInt64LE(zip64EocdrBuffer, 32);
              centralDirectoryOffset = readUInt64LE(zip64EocdrBuffer, 48);
              return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
            });
          }
          if (diskNumber !== 0) {
            return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
          }
          return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options2.autoClose, options2.lazyEntries, decodeStrings, options2.validateEntrySizes, options2.strictFileNames));
        }
        callback(new Error("End of central directory record signature not found. Either not a zip file, or file is truncated."));
      });
    }
    util.inherits(ZipFile, EventEmitter);
    function ZipFile(reader, centralDirectoryOffset, fileSize, entryCount, comment, autoClose, lazyEntries, decodeStrings, validateEntrySizes, strictFileNames) {
      var self = this;
      EventEmitter.call(self);
      self.reader = reader;
      self.reader.on("error", function(err) {
        emitError(self, err);
      });
      self.reader.once("close", function() {
        self.emit("close");
      });
      self.readEntryCursor = centralDirectoryOffset;
      self.fileSize = fileSize;
      self.entryCount = entryCount;
      self.comment = comment;
      self.entriesRead = 0;
      self.autoClose = !!autoClose;
      self.lazyEntries = !!lazyEntries;
      self.decodeStrings = !!decodeStrings;
      self.validateEntrySizes = !!validateEntrySizes;
      self.strictFileNames = !!strictFileNames;
      self.isOpen = true;
      self.emittedError = false;
      self.hasEachEntryBeenCalled = false;
      if (!self.lazyEntries) self._readEntry();
    }
    ZipFile.prototype.close = function() {
      if (!this.isOpen) return;
      this.isOpen = false;
      this.reader.unref();
    };
    function emitErrorAndAutoClose(self, err) {
      if (self.autoClose) self.close();
      emitError(self, err);
    }
    function emitError(self, err) {
      if (self.emittedError) return;
      self.emittedError = true;
      self.emit("error", err);
    }
    ZipFile.prototype.readEntry = function() {
      if (!this.lazyEntries) throw new Error("readEntry() called without lazyEntries:true");
      this._readEntry();
    };
    ZipFile.prototype._readEntry = function() {
      var self = this;
      if (self.entryCount === self.entriesRead) {
        setImmediate(function() {
          if (self.autoClose) self.close();
          if (self.emittedError) return;
          self.emit("end");
        });
        return;
      }
      if (self.emittedError) return;
      var buffer = newBuffer(46);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err) {
        if (err) return emitErrorAndAutoClose(self, err);
        if (self.emittedError) return;
        var entry = new Entry();
        var signature = buffer.readUInt32LE(0);
        if (signature !== 33639248) return emitErrorAndAutoClose(self, new Error("invalid central directory file header signature: 0x" + signature.toString(16)));
        entry.versionMadeBy = buffer.readUInt16LE(4);
        entry.versionNeededToExtract = buffer.readUInt16LE(6);
        entry.generalPurposeBitFlag = buffer.readUInt16LE(8);
        entry.compressionMethod = buffer.readUInt16LE(10);
        entry.lastModFileTime = buffer.readUInt16LE(12);
        entry.lastModFileDate = buffer.readUInt16LE(14);
        entry.crc32 = buffer.readUInt32LE(16);
        entry.compressedSize = buffer.readUInt32LE(20);
        entry.uncompressedSize = buffer.readUInt32LE(24);
        entry.fileNameLength = buffer.readUInt16LE(28);
        entry.extraFieldLength = buffer.readUInt16LE(30);
        entry.fileCommentLength = buffer.readUInt16LE(32);
        entry.internalFileAttributes = buffer.readUInt16LE(36);
        entry.externalFileAttributes = buffer.readUInt32LE(38);
        entry.relativeOffsetOfLocalHeader = buffer.readUInt32LE(42);
        if (entry.generalPurposeBitFlag & 64) return emitErrorAndAutoClose(self, new Error("strong encryption is not supported"));
        self.readEntryCursor += 46;
        buffer = newBuffer(entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength);
        readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err2) {
          if (err2) return emitErrorAndAutoClose(self, err2);
          if (self.emittedError) return;
          entry.fileNameRaw = buffer.subarray(0, entry.fileNameLength);
          var fileCommentStart = entry.fileNameLength + entry.extraFieldLength;
          entry.extraFieldRaw = buffer.subarray(entry.fileNameLength, fileCommentStart);
          entry.fileCommentRaw = buffer.subarray(fileCommentStart, fileCommentStart + entry.fileCommentLength);
          try {
            entry.extraFields = parseExtraFields(entry.extraFieldRaw);
          } catch (err3) {
            return emitErrorAndAutoClose(self, err3);
          }
          if (self.decodeStrings) {
            var isUtf8 = (entry.generalPurposeBitFlag & 2048) !== 0;
            entry.fileComment = decodeBuffer(entry.fileCommentRaw, isUtf8);
            entry.fileName = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, self.strictFileNames);
            var errorMessage = validateFileName(entry.fileName);
            if (errorMessage != null) return emitErrorAndAutoClose(self, new Error(errorMessage));
          } else {
            entry.fileComment = entry.fileCommentRaw;
            entry.fileName = entry.fileNameRaw;
          }
          entry.comment = entry.fileComment;
          self.readEntryCursor += buffer.length;
          self.entriesRead += 1;
          for (var i = 0; i < entry.extraFields.length; i++) {
            var extraField = entry.extraFields[i];
            if (extraField.id !== 1) continue;
            var zip64EiefBuffer = extraField.data;
            var index = 0;
            if (entry.uncompressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include uncompressed size"));
              }
              entry.uncompressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.compressedSize === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include compressed size"));
              }
              entry.compressedSize = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            if (entry.relativeOffsetOfLocalHeader === 4294967295) {
              if (index + 8 > zip64EiefBuffer.length) {
                return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include relative header offset"));
              }
              entry.relativeOffsetOfLocalHeader = readUInt64LE(zip64EiefBuffer, index);
              index += 8;
            }
            break;
          }
          if (self.validateEntrySizes && entry.compressionMethod === 0) {
            var expectedCompressedSize = entry.uncompressedSize;
            if (entry.isEncrypted()) {
              expectedCompressedSize += 12;
            }
            if (entry.compressedSize !== expectedCompressedSize) {
              var msg = "compressed/uncompressed size mismatch for stored file: " + entry.compressedSize + " != " + entry.uncompressedSize;
              return emitErrorAndAutoClose(self, new Error(msg));
            }
          }
          self.emit("entry", entry);
          if (!self.lazyEntries) self._readEntry();
        });
      });
    };
    ZipFile.prototype.eachEntry = function() {
      const self = this;
      if (!self.lazyEntries) throw new Error("eachEntry() requires lazyEntries: true");
      if (self.hasEachEntryBeenCalled) throw new Error("eachEntry() must only be called once per ZipFile");
      self.hasEachEntryBeenCalled = true;
      let pendingResolveReject = null;
      self.on("entry", onEntry);
      self.on("end", onEnd);
      self.on("error", onError);
      function cleanup() {
        self.removeListener("entry", onEntry);
        self.removeListener("end", onEnd);
        self.removeListener("error", onError);
        if (self.autoClose) self.close();
      }
      function onEntry(entry) {
        let { resolve } = pendingResolveReject;
        pendingResolveReject = null;
        resolve({ value: entry });
      }
      function onEnd() {
        let { resolve } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        resolve({ done: true });
      }
      function onError(err) {
        let { reject } = pendingResolveReject;
        pendingResolveReject = null;
        cleanup();
        reject(err);
      }
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        next() {
          const promise = new Promise((resolve, reject) => {
            if (pendingResolveReject != null) throw new Error("next() called before previous Promise was resolved.");
            pendingResolveReject = { resolve, reject };
          });
          self.readEntry();
          return promise;
        },
        return(value) {
          cleanup();
          return Promise.resolve({ done: true, value });
        },
        throw(value) {
          cleanup();
          return Promise.reject(value);
        }
      };
    };
    ZipFile.prototype.openReadStream = function(entry, options2, callback) {
      var self = this;
      var relativeStart = 0;
      var relativeEnd = entry.compressedSize;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) {
        options2 = {};
      } else {
        if (options2.decodeFileData === false) {
          if (options2.decrypt != null) {
            throw new Error("cannot use options.decrypt when options.decodeFileData === false");
          }
          if (options2.decompress != null) {
            throw new Error("cannot use options.decompress when options.decodeFileData === false");
          }
        } else {
          if (options2.decrypt != null) {
            if (!entry.isEncrypted()) {
              throw new Error("options.decrypt can only be specified for encrypted entries. See also option decodeFileData.");
            }
            if (options2.decrypt !== false) throw new Error("invalid options.decrypt value: " + options2.decrypt);
            if (entry.isCompressed()) {
              if (options2.decompress !== false) throw new Error("entry is encrypted and compressed, and options.decompress !== false. See also option decodeFileData.");
            }
          }
          if (options2.decompress != null) {
            if (!entry.isCompressed()) {
              throw new Error("options.decompress can only be specified for compressed entries. See also option decodeFileData.");
            }
            if (!(options2.decompress === false || options2.decompress === true)) {
              throw new Error("invalid options.decompress value: " + options2.decompress);
            }
            decompress = options2.decompress;
          }
        }
        if (options2.start != null) {
          relativeStart = options2.start;
          if (relativeStart < 0) throw new Error("options.start < 0");
          if (relativeStart > entry.compressedSize) throw new Error("options.start > entry.compressedSize");
        }
        if (options2.end != null) {
          relativeEnd = options2.end;
          if (relativeEnd < 0) throw new Error("options.end < 0");
          if (relativeEnd > entry.compressedSize) throw new Error("options.end > entry.compressedSize");
          if (relativeEnd < relativeStart) throw new Error("options.end < options.start");
        }
      }
      var rawMode = options2.decodeFileData === false || // Explicitly requested raw.
      (entry.compressionMethod === 0 || // Naturally without compression.
      entry.compressionMethod === 8 && options2.decompress === false) && (!entry.isEncrypted() || // Naturally without encryption.
      options2.decrypt === false);
      if (options2.start != null || options2.end != null) {
        if (!rawMode) throw new Error("start/end range require options.decodeFileData === false for non-trivial encoded entries.");
      }
      if (!self.isOpen) return callback(new Error("closed"));
      if (entry.isEncrypted() && !rawMode) {
        if (options2.decrypt !== false) return callback(new Error("entry is encrypted, and options.decodeFileData !== false"));
      }
      var decompress;
      if (rawMode) {
        decompress = false;
      } else if (entry.compressionMethod === 8) {
        decompress = options2.decodeFileData !== true;
      } else {
        return callback(new Error("unsupported compression method: " + entry.compressionMethod));
      }
      self.readLocalFileHeader(entry, { minimal: true }, function(err, localFileHeader) {
        if (err) return callback(err);
        self.openReadStreamLowLevel(
          localFileHeader.fileDataStart,
          entry.compressedSize,
          relativeStart,
          relativeEnd,
          decompress,
          entry.uncompressedSize,
          callback
        );
      });
    };
    ZipFile.prototype.openReadStreamLowLevel = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, callback) {
      var self = this;
      var fileDataEnd = fileDataStart + compressedSize;
      var readStream = self.reader.createReadStream({
        start: fileDataStart + relativeStart,
        end: fileDataStart + relativeEnd
      });
      var endpointStream = readStream;
      if (decompress) {
        var destroyed = false;
        var inflateFilter = zlib.createInflateRaw();
        readStream.on("error", function(err) {
          setImmediate(function() {
            if (!destroyed) inflateFilter.emit("error", err);
          });
        });
        readStream.pipe(inflateFilter);
        if (self.validateEntrySizes) {
          endpointStream = new AssertByteCountStream(uncompressedSize);
          inflateFilter.on("error", function(err) {
            setImmediate(function() {
              if (!destroyed) endpointStream.emit("error", err);
            });
          });
          inflateFilter.pipe(endpointStream);
        } else {
          endpointStream = inflateFilter;
        }
        installDestroyFn(endpointStream, function() {
          destroyed = true;
          if (inflateFilter !== endpointStream) inflateFilter.unpipe(endpointStream);
          readStream.unpipe(inflateFilter);
          readStream.destroy();
        });
      }
      callback(null, endpointStream);
    };
    ZipFile.prototype.readLocalFileHeader = function(entry, options2, callback) {
      var self = this;
      if (callback == null) {
        callback = options2;
        options2 = null;
      }
      if (options2 == null) options2 = {};
      self.reader.ref();
      var buffer = newBuffer(30);
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader, function(err) {
        try {
          if (err) return callback(err);
          var signature = buffer.readUInt32LE(0);
          if (signature !== 67324752) {
            return callback(new Error("invalid local file header signature: 0x" + signature.toString(16)));
          }
          var fileNameLength = buffer.readUInt16LE(26);
          var extraFieldLength = buffer.readUInt16LE(28);
          var fileDataStart = entry.relativeOffsetOfLocalHeader + 30 + fileNameLength + extraFieldLength;
          if (fileDataStart + entry.compressedSize > self.fileSize) {
            return callback(new Error("file data overflows file bounds: " + fileDataStart + " + " + entry.compressedSize + " > " + self.fileSize));
          }
          if (options2.minimal) {
            return callback(null, { fileDataStart });
          }
          var localFileHeader = new LocalFileHeader();
          localFileHeader.fileDataStart = fileDataStart;
          localFileHeader.versionNeededToExtract = buffer.readUInt16LE(4);
          localFileHeader.generalPurposeBitFlag = buffer.readUInt16LE(6);
          localFileHeader.compressionMethod = buffer.readUInt16LE(8);
          localFileHeader.lastModFileTime = buffer.readUInt16LE(10);
          localFileHeader.lastModFileDate = buffer.readUInt16LE(12);
          localFileHeader.crc32 = buffer.readUInt32LE(14);
          localFileHeader.compressedSize = buffer.readUInt32LE(18);
          localFileHeader.uncompressedSize = buffer.readUInt32LE(22);
          localFileHeader.fileNameLength = fileNameLength;
          localFileHeader.extraFieldLength = extraFieldLength;
          buffer = newBuffer(fileNameLength + extraFieldLength);
          self.reader.ref();
          readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader + 30, function(err2) {
            try {
              if (err2) return callback(err2);
              localFileHeader.fileName = buffer.subarray(0, fileNameLength);
              localFileHeader.extraField = buffer.subarray(fileNameLength);
              return callback(null, localFileHeader);
            } finally {
              self.reader.unref();
            }
          });
        } finally {
          self.reader.unref();
        }
      });
    };
    ZipFile.prototype.openReadStreamPromise = function(entry, options2) {
      return new Promise((resolve, reject) => {
        this.openReadStream(entry, options2, function(err, readStream) {
          if (err) return reject(err);
          resolve(readStream);
        });
      });
    };
    ZipFile.prototype.openReadStreamLowLevelPromise = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize) {
      return new Promise((resolve, reject) => {
        this.openReadStream(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, function(err, readStream) {
          if (err) return reject(err);
          resolve(readStream);
        });
      });
    };
    ZipFile.prototype.readLocalFileHeaderPromise = function(entry, options2) {
      return new Promise((resolve, reject) => {
        this.readLocalFileHeader(entry, options2, function(err, localFileHeader) {
          if (err) return reject(err);
          resolve(localFileHeader);
        });
      });
    };
    function Entry() {
    }
    Entry.prototype.getLastModDate = function(options2) {
      if (options2 == null) options2 = {};
      if (!options2.forceDosFormat) {
        for (var i = 0; i < this.extraFields.length; i++) {
          var extraField = this.extraFields[i];
          if (extraField.id === 21589) {
            var data = extraField.data;
            if (data.length < 5) continue;
            var flags = data[0];
            var HAS_MTIME = 1;
            if (!(flags & HAS_MTIME)) continue;
            var posixTimestamp = data.readInt32LE(1);
            return new Date(posixTimestamp * 1e3);
          } else if (extraField.id === 10) {
            var data = extraField.data;
            if (data.length !== 32) continue;
            if (data.readUInt16LE(4) !== 1) continue;
            if (data.readUInt16LE(6) !== 24) continue;
            var hundredNanoSecondsSince1601 = data.readUInt32LE(8) + 4294967296 * data.readInt32LE(12);
            var millisecondsSince1970 = hundredNanoSecondsSince1601 / 1e4 - 116444736e5;
            return new Date(millisecondsSince1970);
          }
        }
      }
      return dosDateTimeToDate(this.lastModFileDate, this.lastModFileTime, options2.timezone);
    };
    Entry.prototype.canDecodeFileData = function() {
      return !this.isEncrypted() && (this.compressionMethod === 0 || this.compressionMethod === 8);
    };
    Entry.prototype.isEncrypted = function() {
      return (this.generalPurposeBitFlag & 1) !== 0;
    };
    Entry.prototype.isCompressed = function() {
      return this.compressionMethod === 8;
    };
    function LocalFileHeader() {
    }
    function dosDateTimeToDate(date, time, timezone) {
      var day = date & 31;
      var month = (date >> 5 & 15) - 1;
      var year = (date >> 9 & 127) + 1980;
      var millisecond = 0;
      var second = (time & 31) * 2;
      var minute = time >> 5 & 63;
      var hour = time >> 11 & 31;
      if (timezone == null || timezone === "local") {
        return new Date(year, month, day, hour, minute, second, millisecond);
      } else if (timezone === "UTC") {
        return new Date(Date.UTC(year, month, day, hour, minute, second, millisecond));
      } else {
        throw new Error("unrecognized options.timezone: " + options.timezone);
      }
    }
    function getFileNameLowLevel(generalPurposeBitFlag, fileNameBuffer, extraFields, strictFileNames) {
      var fileName = null;
      for (var i = 0; i < extraFields.length; i++) {
        var extraField = extraFields[i];
        if (extraField.id === 28789) {
          if (extraField.data.length < 6) {
            continue;
          }
          if (extraField.data.readUInt8(0) !== 1) {
            continue;
          }
          var oldNameCrc32 = extraField.data.readUInt32LE(1);
          if (crc32(fileNameBuffer) !== oldNameCrc32) {
            continue;
          }
          fileName = decodeBuffer(extraField.data.subarray(5), true);
          break;
        }
      }
      if (fileName == null) {
        var isUtf8 = (generalPurposeBitFlag & 2048) !== 0;
        fileName = decodeBuffer(fileNameBuffer, isUtf8);
      }
      if (!strictFileNames) {
        fileName = fileName.replace(/\\/g, "/");
      }
      return fileName;
    }
    function validateFileName(fileName) {
      if (fileName.indexOf("\\") !== -1) {
        return "invalid characters in fileName: " + fileName;
      }
      if (/^[a-zA-Z]:/.test(fileName) || /^\//.test(fileName)) {
        return "absolute path: " + fileName;
      }
      if (fileName.split("/").indexOf("..") !== -1) {
        return "invalid relative path: " + fileName;
      }
      return null;
    }
    function parseExtraFields(extraFieldBuffer) {
      var extraFields = [];
      var i = 0;
      while (i < extraFieldBuffer.length - 3) {
        var headerId = extraFieldBuffer.readUInt16LE(i + 0);
        var dataSize = extraFieldBuffer.readUInt16LE(i + 2);
        var dataStart = i + 4;
        var dataEnd = dataStart + dataSize;
        if (dataEnd > extraFieldBuffer.length) throw new Error("extra field length exceeds extra field buffer size");
        var dataBuffer = extraFieldBuffer.subarray(dataStart, dataEnd);
        extraFields.push({
          id: headerId,
          data: dataBuffer
        });
        i = dataEnd;
      }
      return extraFields;
    }
    function readAndAssertNoEof(reader, buffer, offset, length, position, callback) {
      if (length === 0) {
        return setImmediate(function() {
          callback(null, newBuffer(0));
        });
      }
      reader.read(buffer, offset, length, position, function(err, bytesRead) {
        if (err) return callback(err);
        if (bytesRead < length) {
          return callback(new Error("unexpected EOF"));
        }
        callback();
      });
    }
    util.inherits(AssertByteCountStream, Transform);
    function AssertByteCountStream(byteCount) {
      Transform.call(this);
      this.actualByteCount = 0;
      this.expectedByteCount = byteCount;
    }
    AssertByteCountStream.prototype._transform = function(chunk, encoding, cb) {
      this.actualByteCount += chunk.length;
      if (this.actualByteCount > this.expectedByteCount) {
        var msg = "too many bytes in the stream. expected " + this.expectedByteCount + ". got at least " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb(null, chunk);
    };
    AssertByteCountStream.prototype._flush = function(cb) {
      if (this.actualByteCount < this.expectedByteCount) {
        var msg = "not enough bytes in the stream. expected " + this.expectedByteCount + ". got only " + this.actualByteCount;
        return cb(new Error(msg));
      }
      cb();
    };
    util.inherits(RandomAccessReader, EventEmitter);
    function RandomAccessReader() {
      EventEmitter.call(this);
      this.refCount = 0;
    }
    RandomAccessReader.prototype.ref = function() {
      this.refCount += 1;
    };
    RandomAccessReader.prototype.unref = function() {
      var self = this;
      self.refCount -= 1;
      if (self.refCount > 0) return;
      if (self.refCount < 0) throw new Error("invalid unref");
      self.close(onCloseDone);
      function onCloseDone(err) {
        if (err) return self.emit("error", err);
        self.emit("close");
      }
    };
    RandomAccessReader.prototype.createReadStream = function(options2) {
      if (options2 == null) options2 = {};
      var start = options2.start;
      var end = options2.end;
      if (start === end) {
        var emptyStream = new PassThrough();
        setImmediate(function() {
          emptyStream.end();
        });
        return emptyStream;
      }
      var stream = this._readStreamForRange(start, end);
      var destroyed = false;
      var refUnrefFilter = new RefUnrefFilter(this);
      stream.on("error", function(err) {
        setImmediate(function() {
          if (!destroyed) refUnrefFilter.emit("error", err);
        });
      });
      installDestroyFn(refUnrefFilter, function() {
        stream.unpipe(refUnrefFilter);
        refUnrefFilter.unref();
        stream.destroy();
      });
      var byteCounter = new AssertByteCountStream(end - start);
      refUnrefFilter.on("error", function(err) {
        setImmediate(function() {
          if (!destroyed) byteCounter.emit("error", err);
        });
      });
      installDestroyFn(byteCounter, function() {
        destroyed = true;
        refUnrefFilter.unpipe(byteCounter);
        refUnrefFilter.destroy();
      });
      return stream.pipe(refUnrefFilter).pipe(byteCounter);
    };
    RandomAccessReader.prototype._readStreamForRange = function(start, end) {
      throw new Error("not implemented");
    };
    RandomAccessReader.prototype.read = function(buffer, offset, length, position, callback) {
      var readStream = this.createReadStream({ start: position, end: position + length });
      var writeStream = new Writable();
      var written = 0;
      writeStream._write = function(chunk, encoding, cb) {
        chunk.copy(buffer, offset + written, 0, chunk.length);
        written += chunk.length;
        cb();
      };
      writeStream.on("finish", callback);
      readStream.on("error", function(error) {
        callback(error);
      });
      readStream.pipe(writeStream);
    };
    RandomAccessReader.prototype.close = function(callback) {
      setImmediate(callback);
    };
    util.inherits(RefUnrefFilter, PassThrough);
    function RefUnrefFilter(context) {
      PassThrough.call(this);
      this.context = context;
      this.context.ref();
      this.unreffedYet = false;
    }
    RefUnrefFilter.prototype._flush = function(cb) {
      this.unref();
      cb();
    };
    RefUnrefFilter.prototype.unref = function(cb) {
      if (this.unreffedYet) return;
      this.unreffedYet = true;
      this.context.unref();
    };
    var cp437 = "\0\u263A\u263B\u2665\u2666\u2663\u2660\u2022\u25D8\u25CB\u25D9\u2642\u2640\u266A\u266B\u263C\u25BA\u25C4\u2195\u203C\xB6\xA7\u25AC\u21A8\u2191\u2193\u2192\u2190\u221F\u2194\u25B2\u25BC !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2302\xC7\xFC\xE9\xE2\xE4\xE0\xE5\xE7\xEA\xEB\xE8\xEF\xEE\xEC\xC4\xC5\xC9\xE6\xC6\xF4\xF6\xF2\xFB\xF9\xFF\xD6\xDC\xA2\xA3\xA5\u20A7\u0192\xE1\xED\xF3\xFA\xF1\xD1\xAA\xBA\xBF\u2310\xAC\xBD\xBC\xA1\xAB\xBB\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255D\u255C\u255B\u2510\u2514\u2534\u252C\u251C\u2500\u253C\u255E\u255F\u255A\u2554\u2569\u2566\u2560\u2550\u256C\u2567\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256B\u256A\u2518\u250C\u2588\u2584\u258C\u2590\u2580\u03B1\xDF\u0393\u03C0\u03A3\u03C3\xB5\u03C4\u03A6\u0398\u03A9\u03B4\u221E\u03C6\u03B5\u2229\u2261\xB1\u2265\u2264\u2320\u2321\xF7\u2248\xB0\u2219\xB7\u221A\u207F\xB2\u25A0\xA0";
    function decodeBuffer(buffer, isUtf8) {
      if (isUtf8) {
        return buffer.toString("utf8");
      } else {
        var result = "";
        for (var i = 0; i < buffer.length; i++) {
          result += cp437[buffer[i]];
        }
        return result;
      }
    }
    function readUInt64LE(buffer, offset) {
      var lower32 = buffer.readUInt32LE(offset);
      var upper32 = buffer.readUInt32LE(offset + 4);
      return upper32 * 4294967296 + lower32;
    }
    var newBuffer;
    if (typeof Buffer.allocUnsafe === "function") {
      newBuffer = function(len) {
        return Buffer.allocUnsafe(len);
      };
    } else {
      newBuffer = function(len) {
        return new Buffer(len);
      };
    }
    function installDestroyFn(stream, fn) {
      if (typeof stream.destroy === "function") {
        stream._destroy = function(err, cb) {
          fn();
          if (cb != null) cb(err);
        };
      } else {
        stream.destroy = fn;
      }
    }
    function defaultCallback(err) {
      if (err) throw err;
    }
  }
});

// packages/builder/src/from-recipe.ts
import path from "node:path";
function sourceFrom(attempts) {
  const first = attempts[0];
  if (first?.kind === "git") return { kind: "git", url: first.url, ref: first.ref ?? "" };
  const sig = first?.signature;
  return {
    kind: "http",
    urls: attempts.map((a) => a.url),
    sha256: first?.sha256?.toLowerCase(),
    signature: sig ? {
      // The signature sits beside the file: each URL tried for the file
      // has its own, and the recipe's signature_url comes first.
      urls: [sig.url],
      keys: sig.keysUrl ? [sig.keysUrl] : [],
      fingerprints: sig.fingerprints
    } : void 0
  };
}
function buildJobFromRecipe(recipe, platformName, version, file) {
  const platform = assertPlatform(platformName, "the platform");
  const plan = planDownloads(recipe, platform, version);
  const primary = plan.attempts.filter((a) => !a.fallback);
  const fallbackAttempts = plan.attempts.filter((a) => a.fallback);
  const digest = recipeDigest(recipe);
  const base = {
    name: recipe.name,
    version,
    platform,
    method: recipe.officialBinary ? "official-binary" : "source",
    buildType: recipe.buildType,
    source: sourceFrom(primary),
    configure: {
      script: recipe.configure.script,
      prepareScript: recipe.configure.prepareScript,
      flags: recipe.configure.flags,
      cmakeFlags: recipe.configure.cmakeFlags,
      sourceDir: recipe.configure.sourceDir
    },
    build: {
      outOfTree: recipe.build.outOfTree,
      makeArgs: recipe.build.makeArgs,
      customBuild: recipe.build.customBuild,
      customInstall: recipe.build.customInstall,
      timeoutMinutes: recipe.build.timeoutMinutes
    },
    dependencies: [.../* @__PURE__ */ new Set([...recipe.dependencies, ...recipe.buildDependencies])],
    recipeDigest: digest,
    recipeFile: file,
    ...recipe.officialBinary && recipe.binaryRelpath !== void 0 ? { binaryRelpath: recipe.binaryRelpath } : {}
  };
  const sb = recipe.sourceBuild;
  if (recipe.officialBinary && sb && fallbackAttempts.length > 0) {
    base.fallback = {
      name: recipe.name,
      version,
      platform,
      method: "source",
      buildType: sb.buildType,
      source: sourceFrom(fallbackAttempts),
      configure: {
        script: sb.configure.script,
        prepareScript: sb.configure.prepareScript,
        flags: sb.configure.flags,
        cmakeFlags: sb.configure.cmakeFlags,
        sourceDir: sb.configure.sourceDir
      },
      build: {
        outOfTree: sb.build.outOfTree,
        makeArgs: sb.build.makeArgs,
        customBuild: sb.build.customBuild,
        customInstall: sb.build.customInstall,
        timeoutMinutes: sb.build.timeoutMinutes
      },
      dependencies: [.../* @__PURE__ */ new Set([...sb.dependencies, ...sb.buildDependencies])],
      recipeDigest: digest,
      recipeFile: file
    };
  }
  return base;
}
async function loadRecipeOrThrow(file) {
  const loaded = await loadRecipeFile(file);
  const errors = loaded.issues.filter((i) => i.severity === "error");
  if (!loaded.recipe || errors.length > 0) {
    const first = errors[0];
    throw new UserError(
      BuilderErrorCode.Recipe,
      `${errors.length || 1} error(s) in the recipe:
${errors.map((e) => `  ${e.file}${e.line ? `:${e.line}` : ""} ${e.field ?? ""}: ${e.message}`).join("\n")}`,
      { location: first ? { file: first.file, line: first.line, field: first.field } : { file } }
    );
  }
  return loaded;
}
async function findRecipe(ref, dirs) {
  if (/\.ya?ml$/i.test(ref) || ref.includes("/")) return path.resolve(ref);
  for (const dir of dirs) {
    for (const ext of [".yml", ".yaml"]) {
      const candidate = path.join(dir, `${ref}${ext}`);
      try {
        await loadRecipeFile(candidate);
        return candidate;
      } catch {
      }
    }
  }
  for (const dir of dirs) {
    let files;
    try {
      files = await findRecipeFiles(dir);
    } catch {
      continue;
    }
    for (const f of files) {
      const loaded = await loadRecipeFile(f);
      if (loaded.name === ref) return f;
    }
  }
  throw new UserError(BuilderErrorCode.UnknownRecipe, `no recipe named "${ref}" in ${dirs.join(", ")}`, {
    hint: "give a path to a .yml file, or the folder that holds the recipes"
  });
}
var VERSION_RULE = "letters, digits and . _ + - only, starting with a letter or digit, at most 128 characters";
function checkDependencyVersions(pinned, recipe, names) {
  for (const [name, version] of pinned) {
    if (!isSafeVersion(version)) {
      throw new UserError(BuilderErrorCode.DependencyVersion, `the version "${version}" given for the dependency ${name} is not a valid version`, {
        hint: `use ${VERSION_RULE}`
      });
    }
    if (!names || names.built.includes(name)) continue;
    const known = names.built.length > 0 ? `the dependencies built for it are: ${names.built.join(", ")}` : "it has no dependency built from a recipe";
    const why = names.host.includes(name) ? `${name} has no recipe here (it is expected on the build machine)` : `${name} is not a dependency of ${recipe}`;
    throw new UserError(BuilderErrorCode.DependencyVersion, `a version was given for ${name}, but ${why}; ${known}`, {
      hint: "give versions only for the dependencies listed, or add the folder that holds their recipes"
    });
  }
}
async function planRecipeBuild(opts) {
  const pinned = opts.dependencyVersions ?? /* @__PURE__ */ new Map();
  checkDependencyVersions(pinned, path.basename(opts.file));
  const root = await loadRecipeOrThrow(opts.file);
  const job = buildJobFromRecipe(root.recipe, opts.platform, opts.version, opts.file);
  const needed = [...job.dependencies, ...job.fallback?.dependencies ?? []];
  if (needed.length === 0) {
    if (opts.strictDependencyVersions) checkDependencyVersions(pinned, root.recipe.name, { built: [], host: [] });
    return { job, dependencies: [], host: [] };
  }
  const known = [{ recipe: root.recipe, file: opts.file }];
  for (const dir of opts.recipeDirs) {
    let files;
    try {
      files = await findRecipeFiles(dir);
    } catch {
      continue;
    }
    for (const f of files) {
      if (path.resolve(f) === path.resolve(opts.file)) continue;
      const loaded = await loadRecipeFile(f);
      if (loaded.recipe && !known.some((k) => k.recipe.name === loaded.recipe?.name)) known.push({ recipe: loaded.recipe, file: f });
    }
  }
  const order = buildOrder(
    known.map((k) => k.recipe),
    [root.recipe.name]
  );
  const built = order.order.filter((name) => name !== root.recipe.name && known.some((x) => x.recipe.name === name));
  if (opts.strictDependencyVersions) checkDependencyVersions(pinned, root.recipe.name, { built, host: order.host });
  const deps = [];
  for (const name of built) {
    const k = known.find((x) => x.recipe.name === name);
    deps.push(buildJobFromRecipe(k.recipe, opts.platform, pinned.get(name) ?? await opts.dependencyVersion(k.recipe), k.file));
  }
  return { job, dependencies: deps, host: order.host };
}

// packages/archive/src/extract.ts
import { promises as fs4 } from "node:fs";
import path3 from "node:path";

// packages/archive/src/decompress.ts
import { spawn } from "node:child_process";
import { createReadStream, promises as fs } from "node:fs";
import { createGunzip } from "node:zlib";
var TOOLS = {
  xz: { program: "xz", args: ["-d", "-c", "-q"], hint: "install xz-utils (apt) or xz (Homebrew)" },
  bzip2: { program: "bzip2", args: ["-d", "-c", "-q"], hint: "install bzip2 (apt, Homebrew)" },
  zstd: { program: "zstd", args: ["-d", "-c", "-q"], hint: "install zstd (apt, Homebrew)" }
};
var STDERR_KEEP = 4096;
async function* decompressFile(file, compression) {
  if (compression === "none") {
    yield* readChunks(createReadStream(file), file);
    return;
  }
  if (compression === "gzip") {
    const src = createReadStream(file);
    const gunzip = createGunzip();
    src.on("error", (err) => gunzip.destroy(err));
    src.pipe(gunzip);
    try {
      yield* readChunks(gunzip, file);
    } finally {
      src.destroy();
      gunzip.destroy();
    }
    return;
  }
  yield* spawnTool(TOOLS[compression], file);
}
async function* readChunks(stream, file) {
  try {
    for await (const chunk of stream) yield chunk;
  } catch (err) {
    if (isUserErrorLike(err)) throw err;
    throw archiveError(ArchiveErrorCode.Corrupt, `${file} cannot be decompressed: ${err.message}`, { cause: err, file });
  }
}
function isUserErrorLike(err) {
  return typeof err === "object" && err !== null && err.userError === true;
}
async function* spawnTool(tool, file) {
  const fh = await fs.open(file, "r");
  let spawnError;
  let stderr = "";
  const child = spawn(tool.program, tool.args, { stdio: [fh.fd, "pipe", "pipe"] });
  child.on("error", (err) => spawnError = err);
  const closed = new Promise(
    (resolve) => child.on("close", (code, signal) => resolve([code, signal]))
  );
  child.stderr.on("data", (d) => {
    if (stderr.length < STDERR_KEEP) stderr += d.toString("utf8");
  });
  let finished = false;
  try {
    for await (const chunk of child.stdout) yield chunk;
    const [code, signal] = await closed;
    finished = true;
    if (spawnError) throw toolError(tool, file, spawnError);
    if (code !== 0) {
      const why = stderr.trim() || (signal ? `killed by ${signal}` : `exit status ${code}`);
      throw archiveError(ArchiveErrorCode.Corrupt, `${file} cannot be decompressed with ${tool.program}: ${why}`, { file });
    }
  } catch (err) {
    if (spawnError) throw toolError(tool, file, spawnError);
    throw err;
  } finally {
    if (!finished && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await fh.close();
  }
}
function toolError(tool, file, err) {
  if (err.code === "ENOENT") {
    return archiveError(ArchiveErrorCode.ToolMissing, `${file} needs the ${tool.program} program, which is not installed`, {
      hint: tool.hint,
      file
    });
  }
  return archiveError(ArchiveErrorCode.Corrupt, `${file}: running ${tool.program} failed: ${err.message}`, { cause: err, file });
}

// packages/archive/src/tar-read.ts
import { once } from "node:events";

// packages/archive/src/reader.ts
function isUserErrorLike2(err) {
  return typeof err === "object" && err !== null && err.userError === true;
}

// packages/archive/src/tar-read.ts
var TYPES = {
  File: "file",
  OldFile: "file",
  ContiguousFile: "file",
  Link: "hardlink",
  SymbolicLink: "symlink",
  Directory: "directory",
  GNUDumpDir: "directory",
  CharacterDevice: "character-device",
  BlockDevice: "block-device",
  FIFO: "fifo"
};
function toEntry(re) {
  let type = TYPES[re.type] ?? "unsupported";
  if (type === "file" && re.path.endsWith("/") && !re.size) type = "directory";
  return {
    path: re.path,
    type,
    size: type === "file" ? re.size : 0,
    mode: re.mode ?? 0,
    mtime: re.mtime,
    linkpath: re.linkpath,
    rawType: type === "unsupported" ? re.type : void 0
  };
}
async function readTar(chunks, archive, visit) {
  const parser = new rt({ strict: true, brotli: false, zstd: false });
  let failure;
  let sawEof = false;
  const stopped = new AbortController();
  const fail = (err) => {
    if (failure !== void 0) return;
    failure = err;
    stopped.abort();
  };
  parser.on("eof", () => sawEof = true);
  parser.on("error", (err) => {
    fail(archiveError(ArchiveErrorCode.Corrupt, `${archive} is not a valid tar archive: ${err.message}`, { cause: err, file: archive }));
  });
  parser.on("ignoredEntry", (re) => {
    const why = re.meta ? `its ${re.type} header is larger than the 1 MiB we read` : `tar entry type ${re.type} is not supported`;
    fail(entryError(ArchiveErrorCode.UnsupportedEntry, archive, re.path, why));
  });
  const aborted = whenAborted(stopped.signal);
  let chain = Promise.resolve();
  parser.on("entry", (re) => {
    chain = chain.then(async () => {
      if (failure === void 0) {
        try {
          await visit({ entry: toEntry(re), body: async () => untilStopped(re, aborted) });
        } catch (err) {
          fail(err);
        }
      }
      if (!re.emittedEnd) re.resume();
    });
  });
  const ended = once(parser, "end", { signal: stopped.signal }).catch(() => void 0);
  try {
    for await (const chunk of chunks) {
      if (failure !== void 0) break;
      if (sawEof) continue;
      if (!parser.write(chunk)) await Promise.race([once(parser, "drain").catch(() => void 0), aborted]);
    }
  } catch (err) {
    fail(isUserErrorLike2(err) ? err : archiveError(ArchiveErrorCode.Corrupt, `${archive}: ${err.message}`, { cause: err }));
  }
  if (failure === void 0) {
    parser.end();
    await Promise.race([ended, aborted]);
  }
  for (let seen = chain; ; seen = chain) {
    await seen;
    if (seen === chain) break;
  }
  if (failure !== void 0) throw failure;
}
function whenAborted(signal) {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
async function* untilStopped(re, stop) {
  const it = re[Symbol.asyncIterator]();
  const aborted = stop.then(() => ({ stopped: true }));
  for (; ; ) {
    const r = await Promise.race([it.next(), aborted]);
    if ("stopped" in r) throw new Error("extraction stopped");
    if (r.done) return;
    yield r.value;
  }
}

// packages/archive/src/zip-read.ts
var import_yauzl = __toESM(require_yauzl(), 1);
import { promises as fs2 } from "node:fs";
var DEFLATE_MAX_RATIO = 1032;
var MAX_LINK_TARGET = 4096;
var S_IFMT = 61440;
var FILE_TYPES = {
  32768: "file",
  16384: "directory",
  40960: "symlink",
  8192: "character-device",
  24576: "block-device",
  4096: "fifo",
  49152: "socket"
};
var UNIX_HOSTS = /* @__PURE__ */ new Set([3, 19]);
async function readZip(file, options2, visit) {
  const corrupt = (err) => isUserErrorLike2(err) ? err : archiveError(ArchiveErrorCode.Corrupt, `${file} is not a valid zip archive: ${err.message}`, { cause: err, file });
  let zip;
  try {
    zip = await import_yauzl.default.openPromise(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (err) {
    throw corrupt(err);
  }
  try {
    if (zip.entryCount > options2.maxEntries) {
      throw archiveError(
        ArchiveErrorCode.Limit,
        `${file} holds ${zip.entryCount} entries, more than the limit of ${options2.maxEntries}`,
        { file, hint: "raise maxEntries if this archive is trusted" }
      );
    }
    const fileSize = (await fs2.stat(file)).size;
    let compressedTotal = 0;
    for await (const ze of zip.eachEntry()) {
      const name = import_yauzl.default.getFileNameLowLevel(ze.generalPurposeBitFlag, ze.fileNameRaw, ze.extraFields, false);
      const entry = zipEntry(ze, name);
      if (name.includes("\\")) {
        throw entryError(ArchiveErrorCode.UnsafeEntry, file, name, "the path contains a backslash, which zip paths must not");
      }
      if (ze.isEncrypted()) throw entryError(ArchiveErrorCode.UnsupportedEntry, file, name, "the entry is encrypted");
      if (ze.compressionMethod !== 0 && ze.compressionMethod !== 8) {
        throw entryError(ArchiveErrorCode.UnsupportedEntry, file, name, `compression method ${ze.compressionMethod} is not supported (only stored and deflate)`);
      }
      if (ze.compressionMethod === 8 && ze.uncompressedSize > ze.compressedSize * DEFLATE_MAX_RATIO + 1024) {
        throw entryError(
          ArchiveErrorCode.Limit,
          file,
          name,
          `it claims ${ze.uncompressedSize} bytes from ${ze.compressedSize} compressed, a ratio deflate cannot reach (a zip bomb)`
        );
      }
      compressedTotal += ze.compressedSize;
      if (compressedTotal > fileSize) {
        throw entryError(ArchiveErrorCode.Limit, file, name, "the entries overlap each other in the file (a zip bomb)");
      }
      const open = async () => guard(await zip.openReadStreamPromise(ze), corrupt);
      if (entry.type === "symlink") {
        if (ze.uncompressedSize > MAX_LINK_TARGET) {
          throw entryError(ArchiveErrorCode.UnsafeEntry, file, name, `the symbolic link target is longer than ${MAX_LINK_TARGET} bytes`);
        }
        const parts = [];
        for await (const chunk of await open()) parts.push(chunk);
        entry.linkpath = Buffer.concat(parts).toString("utf8");
        await visit({ entry, body: async () => [] });
      } else {
        await visit({ entry, body: open });
      }
    }
  } catch (err) {
    throw corrupt(err);
  } finally {
    if (zip.isOpen) zip.close();
  }
}
function zipEntry(ze, name) {
  const unixMode = UNIX_HOSTS.has(ze.versionMadeBy >> 8) ? ze.externalFileAttributes >>> 16 & 65535 : 0;
  let type = name.endsWith("/") ? "directory" : "file";
  if (unixMode & S_IFMT) type = FILE_TYPES[unixMode & S_IFMT] ?? "unsupported";
  const mode = unixMode & 4095 || (type === "directory" ? 493 : 420);
  return {
    path: name,
    type,
    size: type === "file" ? ze.uncompressedSize : 0,
    mode,
    mtime: ze.getLastModDate()
  };
}
async function* guard(stream, corrupt) {
  try {
    for await (const chunk of stream) yield chunk;
  } catch (err) {
    throw corrupt(err);
  }
}

// packages/archive/src/safe-writer.ts
import { constants, promises as fs3 } from "node:fs";
import path2 from "node:path";

// packages/archive/src/entry.ts
function normalizeEntryPath(raw) {
  if (raw.includes("\0")) return { ok: false, why: "the path contains a NUL byte" };
  if (raw.startsWith("/")) return { ok: false, why: "the path is absolute" };
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) return { ok: false, why: "the path has a '..' component that would leave the folder" };
  return { ok: true, parts };
}

// packages/archive/src/symlink-check.ts
var MAX_LINK_HOPS = 40;
function symlinkEscape(linkPath, target, linkTargetOf) {
  if (target === "") return "its target is empty";
  if (target.includes("\0")) return "its target contains a NUL byte";
  if (target.startsWith("/")) return `its target ${JSON.stringify(target)} is an absolute path, outside the folder`;
  const stack = linkPath.split("/").slice(0, -1);
  const pending = target.split("/").reverse();
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.pop();
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (stack.length === 0) return `its target ${JSON.stringify(target)} resolves outside the folder`;
      stack.pop();
      continue;
    }
    stack.push(part);
    const through = linkTargetOf(stack.join("/"));
    if (through === void 0) continue;
    if (++hops > MAX_LINK_HOPS) return `its target ${JSON.stringify(target)} goes round a loop of symbolic links`;
    if (through.startsWith("/")) {
      return `its target ${JSON.stringify(target)} goes through ${stack.join("/")}, a link to an absolute path`;
    }
    stack.pop();
    pending.push(...through.split("/").reverse());
  }
  return void 0;
}

// packages/archive/src/safe-writer.ts
var CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
var MAX_NAME_BYTES = 255;
var MAX_PATH_BYTES = process.platform === "darwin" ? 1024 : 4096;
function nameTooLong(root, parts) {
  const longest = parts.reduce((a, p) => Math.max(a, Buffer.byteLength(p)), 0);
  if (longest > MAX_NAME_BYTES) return `name too long: a name in it has ${longest} bytes; the limit is ${MAX_NAME_BYTES} bytes per name`;
  const total = Buffer.byteLength(path2.join(root, ...parts));
  if (total >= MAX_PATH_BYTES) return `path too long: it would be ${total} bytes with the folder it is extracted into; the limit is ${MAX_PATH_BYTES} bytes for a whole path here`;
  return void 0;
}
function normalizedMode(mode, kind) {
  return mode & 493 | (kind === "dir" ? 448 : 384);
}
var SafeTreeWriter = class {
  constructor(root, archive, limits, stripComponents = 0) {
    this.root = root;
    this.archive = archive;
    this.limits = limits;
    this.stripComponents = stripComponents;
  }
  root;
  archive;
  limits;
  stripComponents;
  kinds = /* @__PURE__ */ new Map();
  links = /* @__PURE__ */ new Map();
  dirs = /* @__PURE__ */ new Map();
  entries = 0;
  bytes = 0;
  async add(source) {
    const e = source.entry;
    this.entries++;
    if (this.entries > this.limits.maxEntries) {
      throw this.refuse(ArchiveErrorCode.Limit, e, `the archive has more than ${this.limits.maxEntries} entries (the limit)`);
    }
    if (e.type !== "file" && e.type !== "directory" && e.type !== "symlink" && e.type !== "hardlink") {
      const what = e.type === "unsupported" ? `entry type ${e.rawType ?? "unknown"} is not supported` : `it is a ${e.type}, which is never extracted`;
      throw this.refuse(ArchiveErrorCode.UnsupportedEntry, e, what);
    }
    const rel = this.relative(e, e.path);
    if (rel === void 0) return;
    switch (e.type) {
      case "directory":
        return this.addDir(e, rel);
      case "file":
        return this.addFile(e, rel, source);
      case "hardlink":
        return this.addHardLink(e, rel);
      case "symlink":
        return this.addSymlink(e, rel);
    }
  }
  /** A single file (a plain download, or one compressed file): mode 0755 when it is a program. */
  async addPlainFile(name, chunks, head) {
    if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\0")) {
      throw archiveError(ArchiveErrorCode.UnsafeEntry, `cannot store a plain file as ${JSON.stringify(name)}: expected a single file name`);
    }
    const entry = { path: name, type: "file", size: -1, mode: isExecutableContent(head) ? 493 : 420 };
    this.entries++;
    await this.addFile(entry, name, { entry, body: async () => chunks });
  }
  /** Creates the recorded symbolic links, then applies folder modes and times (deepest first). */
  async finish() {
    const targetOf = (p) => this.links.get(p)?.target;
    for (const [rel, link] of this.links) {
      const why = symlinkEscape(rel, link.target, targetOf);
      if (why) throw entryError(ArchiveErrorCode.UnsafeEntry, this.archive, link.raw, why);
    }
    for (const [rel, link] of [...this.links].sort(([a], [b]) => a < b ? -1 : 1)) {
      const abs = this.abs(rel);
      await this.guardCollision(link.raw, () => fs3.symlink(link.target, abs));
      if (link.mtime) await fs3.lutimes(abs, link.mtime, link.mtime).catch(() => void 0);
    }
    const byDepth = [...this.dirs].sort(([a], [b]) => b.split("/").length - a.split("/").length);
    for (const [rel, meta] of byDepth) {
      const abs = this.abs(rel);
      await fs3.chmod(abs, normalizedMode(meta.mode, "dir"));
      if (meta.mtime) await fs3.utimes(abs, meta.mtime, meta.mtime);
    }
  }
  relative(e, raw) {
    const n = normalizeEntryPath(raw);
    if (!n.ok) throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, n.why);
    if (n.parts.length <= this.stripComponents) return void 0;
    const parts = n.parts.slice(this.stripComponents);
    const tooLong = nameTooLong(this.root, parts);
    if (tooLong) throw this.refuse(ArchiveErrorCode.NameTooLong, e, tooLong);
    return parts.join("/");
  }
  refuse(code, e, why) {
    return entryError(code, this.archive, e.path, why);
  }
  abs(rel) {
    return path2.join(this.root, ...rel.split("/"));
  }
  /** Creates missing parent folders; refuses a parent that is a link or a file. Returns the kind already at `rel`. */
  async prepare(e, rel) {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      const kind = this.kinds.get(parent);
      if (kind === "symlink") {
        throw this.refuse(
          ArchiveErrorCode.UnsafeEntry,
          e,
          `its folder ${JSON.stringify(parent)} is a symbolic link earlier in the archive, and extraction never writes through a link`
        );
      }
      if (kind === "file") throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, `its folder ${JSON.stringify(parent)} is a file earlier in the archive`);
      if (kind === void 0) {
        await this.guardCollision(e.path, () => fs3.mkdir(this.abs(parent), { mode: 448 }));
        this.kinds.set(parent, "dir");
        this.dirs.set(parent, { mode: 493 });
      }
    }
    return this.kinds.get(rel);
  }
  conflict(e, existing) {
    const what = existing === "dir" ? "folder" : existing === "symlink" ? "symbolic link" : "file";
    return this.refuse(ArchiveErrorCode.UnsafeEntry, e, `it would replace the ${what} of the same name earlier in the archive`);
  }
  async addDir(e, rel) {
    const existing = await this.prepare(e, rel);
    if (existing !== void 0 && existing !== "dir") throw this.conflict(e, existing);
    if (existing === void 0) {
      await this.guardCollision(e.path, () => fs3.mkdir(this.abs(rel), { mode: 448 }));
      this.kinds.set(rel, "dir");
    }
    this.dirs.set(rel, { mode: e.mode || 493, mtime: e.mtime });
  }
  async addFile(e, rel, source) {
    if (e.size > 0 && this.bytes + e.size > this.limits.maxBytes) {
      throw this.refuse(ArchiveErrorCode.Limit, e, `its ${e.size} bytes would take the archive past the limit of ${this.limits.maxBytes} uncompressed bytes`);
    }
    await this.replaceable(e, rel);
    const abs = this.abs(rel);
    const fh = await this.guardCollision(e.path, () => fs3.open(abs, CREATE_FLAGS, 384));
    this.kinds.set(rel, "file");
    let written = 0;
    try {
      for await (const chunk of await source.body()) {
        written += chunk.length;
        if (this.bytes + written > this.limits.maxBytes) {
          throw this.refuse(ArchiveErrorCode.Limit, e, `it takes the archive past the limit of ${this.limits.maxBytes} uncompressed bytes`);
        }
        let off = 0;
        while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
      }
      await fh.chmod(normalizedMode(e.mode, "file"));
      if (e.mtime) await fh.utimes(e.mtime, e.mtime);
    } finally {
      await fh.close();
    }
    if (e.size >= 0 && written !== e.size) {
      throw this.refuse(ArchiveErrorCode.Corrupt, e, `it declares ${e.size} bytes but holds ${written}`);
    }
    this.bytes += written;
  }
  /** A file may replace an earlier file of the same path (tar's "last one wins"), nothing else. */
  async replaceable(e, rel) {
    const existing = await this.prepare(e, rel);
    if (existing === "file") await fs3.unlink(this.abs(rel));
    else if (existing !== void 0) throw this.conflict(e, existing);
  }
  async addHardLink(e, rel) {
    const raw = e.linkpath ?? "";
    const n = normalizeEntryPath(raw);
    if (!n.ok || n.parts.length === 0) {
      throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, `it is a hard link to ${JSON.stringify(raw)}, outside the folder (${n.ok ? "empty target" : n.why})`);
    }
    if (n.parts.length <= this.stripComponents) {
      throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, `it is a hard link to ${JSON.stringify(raw)}, which stripComponents removes`);
    }
    const target = n.parts.slice(this.stripComponents).join("/");
    if (target === rel) throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, "it is a hard link to itself");
    if (this.kinds.get(target) !== "file") {
      throw this.refuse(
        ArchiveErrorCode.UnsafeEntry,
        e,
        `it is a hard link to ${JSON.stringify(raw)}, which is not a regular file earlier in the archive`
      );
    }
    await this.replaceable(e, rel);
    await this.guardCollision(e.path, () => fs3.link(this.abs(target), this.abs(rel)));
    this.kinds.set(rel, "file");
  }
  async addSymlink(e, rel) {
    const target = e.linkpath ?? "";
    const tooLong = nameTooLong("", target.split("/"));
    if (tooLong) throw this.refuse(ArchiveErrorCode.NameTooLong, e, `its link target: ${tooLong}`);
    const targetOf = (p) => p === rel ? target : this.links.get(p)?.target;
    const why = symlinkEscape(rel, target, targetOf);
    if (why) throw this.refuse(ArchiveErrorCode.UnsafeEntry, e, why);
    const existing = await this.prepare(e, rel);
    if (existing !== void 0 && existing !== "symlink") throw this.conflict(e, existing);
    this.kinds.set(rel, "symlink");
    this.links.set(rel, { target, raw: e.path, mtime: e.mtime });
  }
  /**
   * EEXIST here means two names that the file system folds together (case,
   * Unicode); ENAMETOOLONG, a file system with shorter limits than checked.
   */
  async guardCollision(entryPath, op) {
    try {
      return await op();
    } catch (err) {
      if (err.code === "ENAMETOOLONG") {
        throw entryError(ArchiveErrorCode.NameTooLong, this.archive, entryPath, "name too long for this file system");
      }
      if (err.code === "EEXIST") {
        throw entryError(
          ArchiveErrorCode.UnsafeEntry,
          this.archive,
          entryPath,
          "it collides with another entry on this file system (names that differ only in case or Unicode form?)"
        );
      }
      throw err;
    }
  }
};

// packages/archive/src/extract.ts
var DEFAULT_MAX_BYTES = 8 * 1024 ** 3;
var DEFAULT_MAX_ENTRIES = 2e5;
var SUFFIX = {
  gzip: "gz",
  xz: "xz",
  bzip2: "bz2",
  zstd: "zst"
};
async function extractArchive(file, destDir, options2 = {}) {
  const reporter = options2.reporter ?? silentReporter;
  const limits = {
    maxBytes: options2.maxBytes ?? DEFAULT_MAX_BYTES,
    maxEntries: options2.maxEntries ?? DEFAULT_MAX_ENTRIES
  };
  const strip = options2.stripComponents ?? 0;
  if (!Number.isInteger(strip) || strip < 0) {
    throw archiveError(ArchiveErrorCode.UnsafeEntry, `stripComponents must be a whole number >= 0, got ${String(strip)}`);
  }
  const dest = path3.resolve(destDir);
  await assertFreeDestination(dest);
  const outer = await detectFileFormat(file);
  await fs4.mkdir(path3.dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  await fs4.mkdir(tmp, { mode: 448 });
  try {
    const writer = new SafeTreeWriter(tmp, file, limits, strip);
    const format = await extractInto(file, outer, writer, limits, options2);
    await writer.finish();
    await fs4.chmod(tmp, 493);
    await fs4.rename(tmp, dest);
    reporter.debug(`extracted ${file} (${format}, ${writer.entries} entries, ${writer.bytes} bytes) into ${dest}`);
    return { dir: dest, format, entries: writer.entries, bytes: writer.bytes };
  } catch (err) {
    await fs4.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
async function extractInto(file, outer, writer, limits, options2) {
  const add = (s) => writer.add(s);
  switch (outer.kind) {
    case "zip":
      await readZip(file, limits, add);
      return "zip";
    case "tar":
      await readTar(decompressFile(file, "none"), file, add);
      return "tar";
    case "plain": {
      const head = await readHead(file);
      await writer.addPlainFile(options2.plainFileName ?? path3.basename(file), decompressFile(file, "none"), head);
      return "plain";
    }
    case "compressed": {
      const stream = capBytes(decompressFile(file, outer.compression), streamCap(limits), file);
      try {
        const { head, chunks } = await peek(stream, 512);
        const suffix = SUFFIX[outer.compression];
        if (isTarHeader(head)) {
          await readTar(chunks, file, add);
          return `tar.${suffix}`;
        }
        const name = options2.plainFileName ?? stripCompressionSuffix(path3.basename(file));
        await writer.addPlainFile(name, chunks, head);
        return suffix;
      } finally {
        await stream.return(void 0);
      }
    }
  }
}
async function assertFreeDestination(dest) {
  let entries;
  try {
    entries = await fs4.readdir(dest);
  } catch (err) {
    const code = err.code;
    if (code === "ENOENT") return;
    if (code === "ENOTDIR") throw archiveError(ArchiveErrorCode.DestinationExists, `cannot extract into ${dest}: it is a file`);
    throw err;
  }
  if (entries.length > 0) {
    throw archiveError(ArchiveErrorCode.DestinationExists, `cannot extract into ${dest}: the folder exists and is not empty`, {
      hint: "extract into a new folder, or remove this one first"
    });
  }
}
function streamCap(limits) {
  return limits.maxBytes + 4096 * limits.maxEntries + 64 * 1024 * 1024;
}
async function* capBytes(chunks, cap, file) {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > cap) {
      throw archiveError(ArchiveErrorCode.Limit, `${file} decompresses to more than ${cap} bytes, past the size limit`, { file });
    }
    yield chunk;
  }
}
async function peek(gen, n) {
  const held = [];
  let length = 0;
  let done = false;
  while (length < n) {
    const r = await gen.next();
    if (r.done) {
      done = true;
      break;
    }
    held.push(r.value);
    length += r.value.length;
  }
  const head = Buffer.concat(held);
  async function* rest() {
    if (head.length > 0) yield head;
    if (!done) yield* gen;
  }
  return { head, chunks: rest() };
}

export {
  normalizeEntryPath,
  symlinkEscape,
  extractArchive,
  loadRecipeOrThrow,
  findRecipe,
  checkDependencyVersions,
  planRecipeBuild
};
