import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalArtifactStore, expandMatrix, parseKeyValueFile } from './index';

describe('expandMatrix', () => {
  it('expands as GitHub documents: product, exclude, include extending or adding, an empty matrix refused', () => {
    // The example of "Expanding or adding matrix configurations" in GitHub's docs.
    expect(
      expandMatrix({
        fruit: ['apple', 'pear'],
        animal: ['cat', 'dog'],
        include: [{ color: 'green' }, { color: 'pink', animal: 'cat' }, { fruit: 'apple', shape: 'circle' }, { fruit: 'banana' }, { fruit: 'banana', animal: 'cat' }],
      }),
    ).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
    expect(expandMatrix({ os: ['a', 'b'], node: [1, 2], exclude: [{ os: 'a', node: 2 }] })).toEqual([{ os: 'a', node: 1 }, { os: 'b', node: 1 }, { os: 'b', node: 2 }]);
    expect(expandMatrix({ include: [{ id: 'x' }, { id: 'y' }] })).toEqual([{ id: 'x' }, { id: 'y' }]);
    expect(() => expandMatrix({ include: [] })).toThrow('the matrix makes no job');
  });
});

describe('parseKeyValueFile', () => {
  it('reads name=value lines and heredoc blocks as @actions/core writes them', () => {
    expect(parseKeyValueFile('a=1\nplan<<ghadelimiter_1\n{"x":\n1}\nghadelimiter_1\nb=x=y\n')).toEqual({ a: '1', plan: '{"x":\n1}', b: 'x=y' });
    expect(() => parseKeyValueFile('a<<EOF\nno end')).toThrow('no closing EOF for a');
  });
});

describe('LocalArtifactStore', () => {
  it('behaves as upload-artifact and download-artifact v4+: paths, overwrite, ids, patterns, hidden files', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-artifacts-'));
    try {
      const ws = path.join(dir, 'ws');
      await fs.mkdir(path.join(ws, 'out', 'sub'), { recursive: true });
      for (const f of ['out/a-1-x.tar.gz', 'out/a-1-x.tar.gz.json', 'out/dep-1-x.tar.gz', 'out/sub/r.json', 'out/.hidden']) await fs.writeFile(path.join(ws, f), f);
      const store = new LocalArtifactStore(path.join(dir, 'store'));
      const up = await store.upload({ name: 'build-a', path: 'out/a-1-x.*' }, ws, 1);
      expect(store.list()).toEqual([expect.objectContaining({ id: up.outputs['artifact-id'], name: 'build-a', files: ['a-1-x.tar.gz', 'a-1-x.tar.gz.json'], attempt: 1 })]);
      await expect(store.upload({ name: 'build-a', path: 'out/a-1-x.*' }, ws, 2)).rejects.toThrow('(409) Conflict');
      const again = await store.upload({ name: 'build-a', path: 'out/a-1-x.*', overwrite: 'true' }, ws, 2);
      expect(again.outputs['artifact-id']).not.toBe(up.outputs['artifact-id']);
      const records = await store.upload({ name: 'leg-a', path: 'out/' }, ws, 2);
      expect(store.list().find((a) => a.name === 'leg-a')?.files).toEqual(['a-1-x.tar.gz', 'a-1-x.tar.gz.json', 'dep-1-x.tar.gz', 'sub/r.json']);
      expect(await store.upload({ name: 'none', path: 'out/nothing-*', 'if-no-files-found': 'warn' }, ws, 2)).toEqual({ outputs: {}, warnings: [expect.stringContaining('No files were found')] });
      await expect(store.upload({ name: 'none', path: 'out/nothing-*', 'if-no-files-found': 'error' }, ws, 2)).rejects.toThrow('No files were found');

      await store.download({ 'artifact-ids': again.outputs['artifact-id']!, path: 'got', 'merge-multiple': 'true' }, ws);
      expect((await fs.readdir(path.join(ws, 'got'))).sort()).toEqual(['a-1-x.tar.gz', 'a-1-x.tar.gz.json']);
      await expect(store.download({ 'artifact-ids': up.outputs['artifact-id']! }, ws)).rejects.toThrow(`Artifact IDs not found: ${up.outputs['artifact-id']}`);
      await store.download({ pattern: 'leg-*', path: 'per-artifact' }, ws);
      expect(await fs.readdir(path.join(ws, 'per-artifact'))).toEqual(['leg-a']);
      expect(records.outputs['artifact-digest']).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
