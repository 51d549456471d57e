import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;

// packages/core/src/version-order.ts
var PRE_RELEASE_RANK = {
  dev: 0,
  snapshot: 0,
  nightly: 0,
  alpha: 1,
  a: 1,
  beta: 2,
  b: 2,
  m: 3,
  milestone: 3,
  pre: 4,
  preview: 4,
  rc: 5,
  c: 5,
  cr: 5
};
var NEUTRAL = /* @__PURE__ */ new Set(["final", "ga", "release", "stable"]);
var SHORT_MARKERS = /* @__PURE__ */ new Set(["a", "b", "c", "m"]);
function tokenize(version) {
  let v = version.trim();
  const plus = v.indexOf("+");
  if (plus >= 0) v = v.slice(0, plus);
  const firstDigit = v.search(/\d/);
  if (firstDigit > 0) v = v.slice(firstDigit);
  const parts = v.match(/\d+|[A-Za-z]+/g) ?? [];
  const tokens = [];
  for (let i = 0; i < parts.length; i++) {
    const text = parts[i];
    if (/^\d/.test(text)) {
      tokens.push({ kind: "num", value: BigInt(text), text });
      continue;
    }
    const word = text.toLowerCase();
    if (NEUTRAL.has(word)) continue;
    const rank = PRE_RELEASE_RANK[word];
    const nextIsNumber = i + 1 < parts.length && /^\d/.test(parts[i + 1]);
    if (rank !== void 0 && (!SHORT_MARKERS.has(word) || nextIsNumber)) tokens.push({ kind: "pre", rank, text: word });
    else tokens.push({ kind: "post", text: word });
  }
  return tokens;
}
function againstEnd(t) {
  return t.kind === "pre" ? -1 : 1;
}
function compareTokens(a, b) {
  if (a.kind === "num" && b.kind === "num") return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.kind === "pre" && b.kind === "pre") return a.rank - b.rank || cmpText(a.text, b.text);
  if (a.kind === "post" && b.kind === "post") return cmpText(a.text, b.text);
  const order = (t) => t.kind === "pre" ? 0 : t.kind === "post" ? 1 : 2;
  return order(a) - order(b);
}
function cmpText(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function compareVersions(a, b) {
  if (a === b) return 0;
  const ta = tokenize(a);
  const tb = tokenize(b);
  for (let i = 0; i < Math.max(ta.length, tb.length); i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === void 0) return -againstEnd(y);
    if (y === void 0) return againstEnd(x);
    const c = compareTokens(x, y);
    if (c !== 0) return Math.sign(c);
  }
  return cmpText(a, b);
}
function sameVersion(a, b) {
  const ta = tokenize(a);
  const tb = tokenize(b);
  return ta.length === tb.length && ta.every((t, i) => compareTokens(t, tb[i]) === 0);
}

export {
  compareVersions,
  sameVersion
};
