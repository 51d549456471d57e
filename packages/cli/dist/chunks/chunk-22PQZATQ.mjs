import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  ManifestErrorCode
} from "./chunk-N7G7XWGO.mjs";
import {
  UserError
} from "./chunk-HUJ2RKNL.mjs";

// packages/manifest/src/keys.ts
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { promises as fs } from "node:fs";
var MANIFEST_KEY_ENV = "POTIONS_MANIFEST_KEY";
function keyidOf(publicKey) {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex");
}
function assertEd25519(key, source) {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new UserError(
      ManifestErrorCode.Key,
      `${source} holds a ${key.asymmetricKeyType ?? "symmetric"} key, expected an Ed25519 key`,
      { hint: "generate one with `openssl genpkey -algorithm ed25519` or generateManifestKey()" }
    );
  }
}
var Ed25519Verifier = class {
  keyid;
  publicKey;
  constructor(publicKey, source = "the public key") {
    assertEd25519(publicKey, source);
    this.publicKey = publicKey;
    this.keyid = keyidOf(publicKey);
  }
  async verify(data, signature) {
    try {
      return verify(null, data, this.publicKey, signature);
    } catch {
      return false;
    }
  }
  publicKeyPem() {
    return this.publicKey.export({ type: "spki", format: "pem" }).toString();
  }
};
var LocalKeySigner = class _LocalKeySigner {
  keyid;
  #privateKey;
  #verifier;
  constructor(privateKey) {
    this.#privateKey = privateKey;
    this.#verifier = new Ed25519Verifier(createPublicKey(privateKey));
    this.keyid = this.#verifier.keyid;
  }
  /** From PEM text (PKCS#8 `-----BEGIN PRIVATE KEY-----`). `source` names it in errors. */
  static fromPem(pem, source = "the manifest key") {
    let key;
    try {
      key = createPrivateKey(pem);
    } catch {
      throw new UserError(ManifestErrorCode.Key, `${source} is not a PEM private key`, {
        hint: 'expected PKCS#8 PEM text starting with "-----BEGIN PRIVATE KEY-----" (or base64 of it)'
      });
    }
    assertEd25519(key, source);
    return new _LocalKeySigner(key);
  }
  async sign(data) {
    return new Uint8Array(sign(null, data, this.#privateKey));
  }
  verify(data, signature) {
    return this.#verifier.verify(data, signature);
  }
  /** The matching public key, to hand to readers as a trusted key. */
  publicKeyPem() {
    return this.#verifier.publicKeyPem();
  }
  verifier() {
    return this.#verifier;
  }
  toJSON() {
    return { keyid: this.keyid };
  }
};
async function localKeySignerFromFile(file, options = {}) {
  let pem;
  let mode;
  try {
    pem = await fs.readFile(file, "utf8");
    mode = (await fs.stat(file)).mode;
  } catch (err) {
    throw new UserError(ManifestErrorCode.Key, `cannot read the manifest key file ${file}: ${err.message}`, {
      location: { file }
    });
  }
  const signer = LocalKeySigner.fromPem(pem, `key file ${file}`);
  if ((options.platform ?? process.platform) !== "win32" && (mode & 63) !== 0) {
    options.reporter?.warn(
      `the private key ${file} is readable by ${mode & 56 ? mode & 7 ? "group and others" : "its group" : "others"} (mode ${(mode & 511).toString(8).padStart(4, "0")}): run \`chmod 600 ${file}\``,
      { file }
    );
  }
  return signer;
}
function localKeySignerFromEnv(options = {}) {
  const name = options.name ?? MANIFEST_KEY_ENV;
  const raw = (options.env ?? process.env)[name];
  if (!raw || raw.trim() === "") {
    throw new UserError(ManifestErrorCode.Key, `${name} is not set: the manifest cannot be signed`, {
      hint: `store the private key PEM in a secret and expose it as ${name} (see docs/manifest.md, "Key management")`
    });
  }
  options.reporter?.secret(raw);
  const trimmed = raw.trim();
  const pem = trimmed.startsWith("-----BEGIN") ? trimmed : Buffer.from(trimmed, "base64").toString("utf8");
  if (pem !== trimmed) options.reporter?.secret(pem);
  return LocalKeySigner.fromPem(pem, `environment variable ${name}`);
}
function generateManifestKey() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    keyid: keyidOf(publicKey),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString()
  };
}
function trustedKeysFromPem(text, source = "the trusted keys") {
  const blocks = text.match(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g) ?? [];
  if (blocks.length === 0) {
    throw new UserError(ManifestErrorCode.Key, `${source} holds no PEM key`, {
      hint: 'expected "-----BEGIN PUBLIC KEY-----" blocks (the output of generateManifestKey().publicKeyPem)'
    });
  }
  return blocks.map((block, i) => {
    let key;
    try {
      key = createPublicKey(block);
    } catch {
      throw new UserError(ManifestErrorCode.Key, `${source}: PEM block ${i + 1} is not a public key`);
    }
    return new Ed25519Verifier(key, `${source} (block ${i + 1})`);
  });
}

export {
  MANIFEST_KEY_ENV,
  keyidOf,
  LocalKeySigner,
  localKeySignerFromFile,
  localKeySignerFromEnv,
  generateManifestKey,
  trustedKeysFromPem
};
