import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { docUrl } from './doc-url';

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs');

describe('docUrl', () => {
  it('links a page of docs/, with an anchor when given', () => {
    expect(docUrl('recipe-format.md')).toBe('https://github.com/potions/actions/blob/main/docs/recipe-format.md');
    expect(docUrl('recipe-format.md', 'security')).toBe('https://github.com/potions/actions/blob/main/docs/recipe-format.md#security');
    expect(docUrl('manifest.md', '#key-management')).toBe('https://github.com/potions/actions/blob/main/docs/manifest.md#key-management');
  });

  it('refuses what is not a page name (a caller bug)', () => {
    expect(() => docUrl('../README.md')).toThrow(/not a docs page/);
    expect(() => docUrl('docs/x.md')).toThrow(/not a docs page/);
  });

  it('every page a package links to exists', async () => {
    const packages = path.resolve(DOCS, '../packages');
    const pages = new Set<string>();
    for (const pkg of await fs.readdir(packages)) {
      const src = path.join(packages, pkg, 'src');
      const files = await fs.readdir(src, { recursive: true }).catch(() => [] as string[]);
      for (const f of files) {
        if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
        for (const m of (await fs.readFile(path.join(src, f), 'utf8')).matchAll(/docUrl\('([^']+)'/g)) pages.add(m[1] as string);
      }
    }
    expect(pages.size).toBeGreaterThan(0);
    for (const page of pages) await expect(fs.access(path.join(DOCS, page))).resolves.toBeUndefined();
  });
});
