import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordingReporter } from '@potions/core';
import { checkRecipes } from './index';

const recipe = (name: string, deps: string[] = []): string => `name: ${name}
version:
  source: "static:1.0.0"
build_type: gnu_autotools
download:
  download_url: "https://example.com/${name}-{version}.tar.gz"
  platforms:
    linux-amd64:
dependencies: [${deps.join(', ')}]
`;

describe('checkRecipes on one file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-recipe-check-'));
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  const write = async (name: string, text: string): Promise<string> => {
    const file = path.join(dir, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
    return file;
  };
  const sparse = async (name: string): Promise<void> => {
    await write(name, recipe('huge'));
    await fs.truncate(path.join(dir, name), 200 * 1024 * 1024);
  };
  const warnings = (r: Awaited<ReturnType<typeof checkRecipes>>): string[] => r.entries.flatMap((e) => e.warnings.map((w) => w.message));

  it('resolves dependencies from the same folder only, following them, and skips files it cannot read', async () => {
    const file = await write('app.yml', recipe('app', ['zlib', 'ssl', 'deep']));
    await write('zlib.yml', recipe('zlib', ['crc']));
    await write('crc.yml', recipe('crc'));
    await write('libssl.yml', recipe('ssl')); // a name that differs from its file name
    await write('sub/deep.yml', recipe('deep')); // below the folder: not context
    await sparse('huge.yml');
    execFileSync('mkfifo', [path.join(dir, 'pipe.yml')]);
    const reporter = new RecordingReporter();
    const report = await checkRecipes([file], { reporter });
    expect(report.entries.map((e) => e.file)).toEqual([file]);
    expect(warnings(report)).toEqual(['dependency "deep" has no recipe here; the build host must provide it']);
    const debug = reporter.lines.filter((l) => l.level === 'debug').map((l) => l.message);
    expect(debug).toEqual([
      // The FIFO is not a file: never opened, so never waited on.
      expect.stringContaining(`recipe ${path.join(dir, 'huge.yml')} is 200.0 MiB`),
    ]);
  }, 20_000);

  it('reads nothing else when the recipe has no dependencies', async () => {
    const file = await write('solo.yml', recipe('solo'));
    await sparse('huge.yml');
    await write('broken.yml', 'name: [');
    const reporter = new RecordingReporter();
    const report = await checkRecipes([file], { reporter });
    expect(report.entries).toEqual([{ recipe: 'solo', file, errors: [], warnings: [] }]);
    expect(reporter.lines).toEqual([]);
  }, 20_000);
});
