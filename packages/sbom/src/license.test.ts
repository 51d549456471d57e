import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkRecipeLicense, identifyLicenseText, isLicenseFilePath, spdxLicenseIds } from './license';

const UPSTREAM = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/upstream');
const fromTarball = (tarball: string, member: string, flags = 'xzf'): string => execFileSync('tar', [flags, path.join(UPSTREAM, tarball), '-O', member], { encoding: 'utf8' });

const MIT = `MIT License

Copyright (c) 2019-2024 Jane Doe <jane@example.org>

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

const ISC = `The ISC License

Copyright (c) Isaac Z. Schlueter and Contributors

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF OR
IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
`;

describe('licence files identified with care', () => {
  test("zlib's own LICENSE (zlib 1.2.13 tarball), with its authors' names around the text, is Zlib", async () => {
    expect(await identifyLicenseText(fromTarball('zlib-1.2.13.tar.gz', 'zlib-1.2.13/LICENSE'))).toMatchObject({ expression: 'Zlib', method: 'text' });
  });

  test('an MIT licence with its copyright line, and an ISC licence (whose text contains all of 0BSD) are told apart', async () => {
    expect(await identifyLicenseText(MIT)).toMatchObject({ expression: 'MIT', method: 'text' });
    expect(await identifyLicenseText(ISC)).toMatchObject({ expression: 'ISC' });
  });

  test('GNU COPYING files are not guessed: -only and -or-later have the same text', async () => {
    expect(await identifyLicenseText(fromTarball('hello-2.10.tar.gz', 'hello-2.10/COPYING'))).toEqual({ candidates: ['GPL-3.0-only', 'GPL-3.0-or-later'], similarity: 1 });
    const tree = await identifyLicenseText(fromTarball('tree-2.1.0.tgz', 'tree-2.1.0/LICENSE'));
    expect(tree.expression).toBeUndefined();
    expect(tree.candidates).toEqual(['GPL-2.0-only', 'GPL-2.0-or-later']);
  });

  test('a file with two licences, or prose, is not identified', async () => {
    expect(await identifyLicenseText(`${MIT}\n\n${ISC}`)).toEqual({});
    expect(await identifyLicenseText('This project is dual-licensed under the MIT license or the Unlicense, at your option.\n')).toEqual({});
    expect(await identifyLicenseText('')).toEqual({});
  });

  test('an SPDX-License-Identifier line is taken as written when it is a valid expression', async () => {
    expect(await identifyLicenseText('/* SPDX-License-Identifier: Apache-2.0 OR MIT */\nsome text\n')).toEqual({ expression: 'Apache-2.0 OR MIT', method: 'spdx-identifier' });
    expect(await identifyLicenseText('SPDX-License-Identifier: not a licence\n')).toEqual({});
  });

  test('which files speak for the package: the root and its own doc folders, not bundled components', () => {
    expect(['LICENSE', 'COPYING', 'LICENSE-MIT', 'LICENCE.txt', 'UNLICENSE', 'share/doc/zlib/LICENSE', 'share/licenses/zlib/COPYING.LIB'].every((p) => isLicenseFilePath(p, 'zlib'))).toBe(true);
    expect(['lib/node_modules/x/LICENSE', 'share/doc/other/LICENSE', 'bin/license-tool', 'README'].some((p) => isLicenseFilePath(p, 'zlib'))).toBe(false);
  });

  test("the recipe's license must be a valid SPDX expression; the error names the recipe and the field", () => {
    expect(checkRecipeLicense(' Apache-2.0 OR MIT ')).toBe('Apache-2.0 OR MIT');
    expect(() => checkRecipeLicense('Apache 2', 'recipes/x.yml')).toThrow(expect.objectContaining({ code: 'E_SBOM_LICENSE', location: { file: 'recipes/x.yml', field: 'license' } }));
  });

  test('licence ids of an expression, without exceptions and LicenseRef-', () => {
    expect(spdxLicenseIds('(MIT OR Apache-2.0) AND GPL-2.0-only WITH Classpath-exception-2.0 AND LicenseRef-x')).toEqual(['Apache-2.0', 'GPL-2.0-only', 'MIT']);
  });
});
