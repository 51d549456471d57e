/**
 * Licences: the recipe's `license` checked as an SPDX expression, and the
 * licence files an artifact ships identified by their text.
 *
 * Identifying a licence file is done with care, because a wrong licence in an
 * SBOM is worse than none:
 * - a `SPDX-License-Identifier:` line in the file is taken as written (and
 *   checked as an expression);
 * - otherwise the text is compared with every current (not deprecated)
 *   licence of the SPDX License List (`spdx-license-list`), as sets of
 *   adjacent word pairs, ignoring case, punctuation, white space, a title
 *   line, copyright lines, e-mail addresses, URLs and anything after "END OF
 *   TERMS AND CONDITIONS" (the optional appendices). A file is identified only
 *   when it is at least 95% similar to one licence (Dice coefficient) and no
 *   other licence comes within two points of it: ISC and 0BSD, or Apache-2.0
 *   and its Pixar variant, stay unidentified rather than guessed. GNU licences have the
 *   same text for `-only` and `-or-later`, so a COPYING file of the GPL is
 *   never identified: which one applies is said in the source files, not in
 *   COPYING, and the recipe's `license` is the place to say it.
 * No library here compares licence texts (the npm ones read package.json
 * fields), hence the small comparison below.
 */
import deprecatedIds from 'spdx-license-ids/deprecated.json';
import parseSpdx from 'spdx-expression-parse';
import { UserError } from '@potions/core';
import { SbomErrorCode } from './errors';

/** The licence files looked at: `LICENSE`, `LICENCE`, `COPYING`, `UNLICENSE`, with any suffix (`LICENSE-MIT`, `COPYING.LIB`, `LICENSE.md`). */
const LICENSE_FILE = /^(licen[cs]e|copying|unlicense)([._-][^/]*)?$/i;

/** Licence files that speak for the package itself: at the root, or in its own doc folders (not those of bundled components). */
export function isLicenseFilePath(filePath: string, packageName: string): boolean {
  const parts = filePath.split('/');
  const base = parts[parts.length - 1]!;
  if (!LICENSE_FILE.test(base)) return false;
  const dir = parts.slice(0, -1).join('/').toLowerCase();
  const name = packageName.toLowerCase();
  return ['', 'doc', 'licenses', `share/doc/${name}`, `share/licenses/${name}`].includes(dir);
}

/** True when `expression` is a valid SPDX license expression (`MIT`, `Apache-2.0 OR MIT`, `GPL-2.0-only WITH Classpath-exception-2.0`, `LicenseRef-x`). */
export function isSpdxExpression(expression: string): boolean {
  try {
    parseSpdx(expression);
    return true;
  } catch {
    return false;
  }
}

type SpdxNode = { license?: string; left?: SpdxNode; right?: SpdxNode };

/** The SPDX List licence ids an expression names, without exceptions and `LicenseRef-` (for `licenseInfo*` fields, which take ids). */
export function spdxLicenseIds(expression: string): string[] {
  let tree: SpdxNode;
  try {
    tree = parseSpdx(expression) as SpdxNode;
  } catch {
    return [];
  }
  const out = new Set<string>();
  const visit = (n: SpdxNode | undefined): void => {
    if (!n) return;
    if (n.license && !n.license.startsWith('LicenseRef-')) out.add(n.license);
    visit(n.left);
    visit(n.right);
  };
  visit(tree);
  return [...out].sort();
}

/** The recipe's `license`, checked; a mistake names the recipe file and the field. */
export function checkRecipeLicense(expression: string, recipeFile?: string): string {
  const value = expression.trim();
  if (!isSpdxExpression(value)) {
    throw new UserError(SbomErrorCode.License, `license "${expression}" is not a valid SPDX license expression`, {
      location: { file: recipeFile, field: 'license' },
      hint: 'use SPDX identifiers joined by AND, OR and WITH, e.g. "MIT", "Apache-2.0 OR MIT", "GPL-3.0-or-later" (https://spdx.org/licenses/)',
    });
  }
  return value;
}

export interface LicenseIdentification {
  /** The SPDX expression the file states, when it was identified. */
  expression?: string;
  /** How: the file's own `SPDX-License-Identifier:` line, or its text. */
  method?: 'spdx-identifier' | 'text';
  /** How similar the text is to the licence (0..1), for `text`. */
  similarity?: number;
  /** When the text fits several licences equally (GPL `-only` and `-or-later`): those licences, and no `expression`. */
  candidates?: string[];
}

/** The file must be this similar to a licence (Dice coefficient over word pairs)... */
const ACCEPT = 0.95;
/** ...and no other licence this close to the best: otherwise the file is ambiguous. */
const MARGIN = 0.01;

/** Identify the licence a licence file states (see the module comment for the rules). */
export async function identifyLicenseText(text: string): Promise<LicenseIdentification> {
  const tag = /SPDX-License-Identifier:\s*(.+?)\s*(?:\*\/|-->)?\s*$/im.exec(text.split('\n').slice(0, 20).join('\n'));
  if (tag && isSpdxExpression(tag[1]!)) return { expression: tag[1]!, method: 'spdx-identifier' };
  const pairs = wordPairs(text);
  if (pairs.size === 0) return {};
  const scored: { id: string; score: number }[] = [];
  for (const [id, ref] of await referenceTexts()) {
    const common = countCommon(pairs, ref);
    const score = Math.min(common / ref.size, common / pairs.size);
    if (score >= ACCEPT - MARGIN) scored.push({ id, score });
  }
  scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  const best = scored[0];
  if (!best || best.score < ACCEPT) return {};
  const close = scored.filter((s) => s.score >= best.score - MARGIN).map((s) => s.id);
  const similarity = Math.round(best.score * 1000) / 1000;
  return close.length === 1 ? { expression: best.id, method: 'text', similarity } : { candidates: close.sort(), similarity };
}

type PairSet = Set<string>;

/** Deprecated ids (`GPL-2.0`, `GPL-2.0+`...): their texts are those of their successors, which are the ones to name. */
const DEPRECATED = new Set<string>(deprecatedIds as string[]);
/** `GPL-2.0+` and the like: the deprecated spelling of `-or-later`, which the list of deprecated ids leaves out. */
const isDeprecated = (id: string): boolean => DEPRECATED.has(id) || id.endsWith('+');

/**
 * Copyright-holder variables of the SPDX templates that the plain texts spell
 * with one holder's name, replaced by the words files use most: the ISC text
 * says "ISC DISCLAIMS" where almost every ISC-licensed file says "THE AUTHOR".
 */
const HOLDER: Readonly<Record<string, (text: string) => string>> = {
  ISC: (text) => text.replace(/\bISC\b(?=\s+(DISCLAIMS|BE\s+LIABLE))/g, 'THE AUTHOR'),
};
let references: Promise<Map<string, PairSet>> | undefined;

/** Word pairs of every current SPDX licence text, computed once. */
function referenceTexts(): Promise<Map<string, PairSet>> {
  references ??= (async () => {
    // Loaded on first use (5 MB of licence texts); a plain dynamic import, so that bundlers carry it.
    type Texts = Record<string, { licenseText: string }>;
    const mod = (await import('spdx-license-list/full.js')) as unknown as Texts & { default?: Texts };
    const full: Texts = mod.default ?? mod;
    const out = new Map<string, PairSet>();
    for (const [id, { licenseText }] of Object.entries(full)) if (!isDeprecated(id)) out.set(id, wordPairs(HOLDER[id]?.(licenseText) ?? licenseText));
    return out;
  })();
  return references;
}

/** A copyright statement (`Copyright (c) 2020 Someone`, `(C) 1995-2022 ...`, `Copyright notice:`), not licence text that starts with "copyright notice and...". */
const COPYRIGHT_LINE = /^[\s#*/-]*(copyright\s*(\(c\)|©|\d{4}|<|\[|by\b|notice:?\s*$|holders?:?\s*$)|\(c\)\s*\d{4}|©\s*\d{4}|all rights reserved)/i;

/** The set of adjacent word pairs of a licence text, without copyright lines, case, punctuation or spacing. */
function wordPairs(text: string): PairSet {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  // A first line that only names the licence ("MIT License", "Apache License"): files often drop or reword it.
  if (lines[0] && /^[\s#*=-]*[\w .,()/-]{0,60}\blicen[cs]e\b[\w .,()/-]{0,30}$/i.test(lines[0]) && !/\b(permission|granted|provided|software)\b/i.test(lines[0])) lines.shift();
  const body = lines
    .filter((line) => !COPYRIGHT_LINE.test(line))
    .join(' ')
    .toLowerCase()
    .replace(/licence/g, 'license')
    // The appendix after the terms (Apache's, the GPL's "How to apply") is optional in the licence itself.
    .replace(/\bend of terms and conditions\b[\s\S]*$/, ' ')
    .replace(/<[^>]*>|\S+@\S+|https?:\/\/\S+/g, ' ');
  const words = body.split(/[^a-z0-9]+/).filter(Boolean);
  const out = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]} ${words[i + 1]}`);
  return out;
}

function countCommon(a: PairSet, b: PairSet): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const p of small) if (large.has(p)) common++;
  return common;
}
