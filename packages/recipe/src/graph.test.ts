import { buildOrder, checkGraph, parseRecipe } from './index';
import type { LoadedRecipe } from './index';

function recipe(name: string, deps: string[] = [], buildDeps: string[] = []): LoadedRecipe {
  const text = `name: ${name}
version: {source: "static:1.0"}
build_type: make
download: {download_url: "https://e.com/${name}-{version}.tgz", platforms: {linux-amd64: }}
dependencies: [${deps.join(', ')}]
build_dependencies: [${buildDeps.join(', ')}]
`;
  const l = parseRecipe(text, `recipes/${name}.yml`);
  if (!l.recipe) throw new Error(JSON.stringify(l.issues));
  return l;
}

describe('dependency graph', () => {
  it('computes a deterministic topological order with host tools apart', () => {
    const set = [recipe('app', ['libb', 'liba'], ['cmake']), recipe('liba', ['zlib']), recipe('libb', ['zlib']), recipe('zlib')];
    const recipes = set.map((l) => l.recipe!);
    expect(buildOrder(recipes, ['app'])).toEqual({ order: ['zlib', 'libb', 'liba', 'app'], host: ['cmake'] });
    expect(buildOrder([...recipes].reverse(), ['app'])).toEqual({ order: ['zlib', 'libb', 'liba', 'app'], host: ['cmake'] });
  });

  it('names cycles and dangling dependencies', () => {
    const set = [recipe('a', ['b']), recipe('b', ['c']), recipe('c', ['a']), recipe('d', ['jpeg-turbo']), recipe('libjpeg-turbo')];
    const issues = checkGraph(set);
    const cycles = issues.filter((i) => i.code === 'E_CYCLE');
    expect(cycles.map((i) => i.file)).toEqual(['recipes/a.yml', 'recipes/b.yml', 'recipes/c.yml']);
    expect(cycles[0]?.message).toBe('dependency cycle: a -> b -> c -> a');
    const dangling = issues.find((i) => i.code === 'W_DANGLING');
    expect(dangling).toMatchObject({ file: 'recipes/d.yml', line: 5, field: 'dependencies.0', severity: 'warning' });
    expect(dangling?.message).toContain('"jpeg-turbo" has no recipe here (did you mean "libjpeg-turbo"?)');
    expect(() => buildOrder(set.map((l) => l.recipe!), ['a'])).toThrow('dependency cycle: a -> b -> c -> a');
  });

  it('reports two recipes with one name', () => {
    const one = recipe('x');
    const two = { ...recipe('x'), file: 'other/x.yml' };
    expect(checkGraph([one, two]).map((i) => [i.code, i.file])).toEqual([['E_DUPLICATE_NAME', 'other/x.yml']]);
  });
});
