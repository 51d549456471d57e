import { Command } from 'commander';
import { collect, pathList, pathOption } from './options';

describe('pathOption', () => {
  it('takes a path as it is, spaces and non-ASCII included', () => {
    expect(pathOption('--out')('dist/my tools/ünï')).toBe('dist/my tools/ünï');
  });

  it.each([
    ['a newline', 'out\ninjected', '\\u000a', 4],
    ['a carriage return', 'out\r', '\\u000d', 4],
    ['ESC', 'a\x1b[2Jb', '\\u001b', 2],
    ['NUL', 'a\0', '\\u0000', 2],
    ['a tab', '\tx', '\\u0009', 1],
    ['DEL', 'x\x7f', '\\u007f', 2],
    ['C1 CSI', 'x\u009b31m', '\\u009b', 2],
  ])('refuses %s as a usage error naming the option', (_what, value, code, position) => {
    expect(() => pathOption('--out')(value)).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: `--out must be a path without control characters, got ${JSON.stringify(value)} (${code} at position ${position})` }),
    );
  });

  it('refuses an empty path', () => {
    expect(() => pathOption('--work-dir')('')).toThrow(expect.objectContaining({ code: 'E_USAGE', message: '--work-dir must be a path, got an empty string' }));
  });

  it('checks each value of a repeatable option and of a variadic argument', async () => {
    const seen: unknown[] = [];
    const program = new Command()
      .exitOverride()
      .argument('<paths...>', 'p', pathList('PATH'))
      .option('--recipes <dir>', 'r', pathList('--recipes'))
      .action((paths: string[], opts: { recipes?: string[] }) => {
        seen.push(paths, opts.recipes);
      });
    await program.parseAsync(['a', 'b c', '--recipes', 'x', '--recipes', 'y'], { from: 'user' });
    expect(seen).toEqual([['a', 'b c'], ['x', 'y']]);
    await expect(program.parseAsync(['a', 'b\nc'], { from: 'user' })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('PATH must be a path without control characters') });
  });
});

describe('collect', () => {
  it('gathers a repeatable option into a list', () => {
    expect(collect('b', collect('a'))).toEqual(['a', 'b']);
  });
});
