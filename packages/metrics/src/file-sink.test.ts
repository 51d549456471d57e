import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonLinesFileSink, readMetricsFiles, rotatedMetricsFiles } from './file-sink';
import { parseMetricsLines } from './records';
import { downloadRecord } from './testing';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-metrics-file-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('JsonLinesFileSink', () => {
  it('appends one line per record, creating the folder, readable back in order', async () => {
    const file = path.join(dir, 'state', 'metrics', 'downloads.jsonl');
    const sink = new JsonLinesFileSink({ file });
    await sink.write([downloadRecord({ id: 'a' }), downloadRecord({ id: 'b' })]);
    await sink.write([downloadRecord({ id: 'c' })]);
    const text = await fs.readFile(file, 'utf8');
    expect(text.split('\n')).toHaveLength(4);
    expect(text.endsWith('\n')).toBe(true);
    const back = await readMetricsFiles(file);
    expect(back.records.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(back.files).toEqual([file]);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('never interleaves lines of writers appending at the same time', async () => {
    const file = path.join(dir, 'downloads.jsonl');
    // Separate sinks, separate file handles, writes in flight together on the thread pool.
    const writers = Array.from({ length: 40 }, (_, w) =>
      new JsonLinesFileSink({ file, maxBytes: 64 * 1024 * 1024 }).write(
        Array.from({ length: 25 }, (_, i) => downloadRecord({ id: `w${w}-${i}`, artifact: `artifact-${'x'.repeat(200)}-${w}` })),
      ),
    );
    await Promise.all(writers);
    const parsed = parseMetricsLines(await fs.readFile(file, 'utf8'), file);
    expect(parsed.skipped).toEqual([]);
    expect(parsed.records).toHaveLength(1000);
    // Each writer's batch stays together and in order.
    for (let w = 0; w < 40; w++) {
      const ids = parsed.records.map((r) => r.id).filter((id) => id.startsWith(`w${w}-`));
      expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `w${w}-${i}`));
      const first = parsed.records.findIndex((r) => r.id === `w${w}-0`);
      expect(parsed.records.slice(first, first + 25).every((r) => r.id.startsWith(`w${w}-`))).toBe(true);
    }
  });

  it('rotates before the cap, keeps the newest rotated files, and reads them all back oldest first', async () => {
    const file = path.join(dir, 'downloads.jsonl');
    let tick = Date.parse('2026-11-30T00:00:00Z');
    const sink = new JsonLinesFileSink({ file, maxBytes: 4096, keep: 2, now: () => new Date((tick += 1000)) });
    const line = JSON.stringify(downloadRecord({ id: 'x0' })).length + 1;
    const perFile = Math.floor(4096 / line);
    const total = perFile * 5 + 3;
    for (let i = 0; i < total; i++) await sink.write([downloadRecord({ id: `x${i}` })]);

    const rotated = await rotatedMetricsFiles(file);
    expect(rotated).toHaveLength(2);
    for (const f of rotated) expect(path.basename(f)).toMatch(/^downloads\.\d{8}T\d{6}Z-[0-9a-f]{6}\.jsonl$/);
    for (const f of [...rotated, file]) expect((await fs.stat(f)).size).toBeLessThanOrEqual(4096);

    const back = await readMetricsFiles(file);
    const ids = back.records.map((r) => Number(r.id.slice(1)));
    // What is left is the newest records, contiguous, oldest first.
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => total - ids.length + i));
    expect(ids.length).toBeGreaterThan(perFile * 2);
    expect(ids[ids.length - 1]).toBe(total - 1);
  });

  it('skips a line cut short by a crash, and says where', async () => {
    const file = path.join(dir, 'downloads.jsonl');
    await new JsonLinesFileSink({ file }).write([downloadRecord({ id: 'whole' })]);
    await fs.appendFile(file, '{"type":"download","v":1,"ti');
    const back = await readMetricsFiles(file);
    expect(back.records.map((r) => r.id)).toEqual(['whole']);
    expect(back.skipped).toEqual([{ source: file, line: 2, reason: 'an incomplete last line (the writer was interrupted)' }]);
  });

  it('reads a missing file as no records, and refuses a cap too small to be useful', async () => {
    expect(await readMetricsFiles(path.join(dir, 'none.jsonl'))).toEqual({ records: [], skipped: [], files: [] });
    expect(() => new JsonLinesFileSink({ file: path.join(dir, 'x'), maxBytes: 10 })).toThrow(
      expect.objectContaining({ code: 'E_METRICS_SETTINGS', message: expect.stringContaining('at least 4096 bytes') }),
    );
  });

  it('reports a metrics path that is a folder as a read error naming it', async () => {
    await expect(readMetricsFiles(dir)).rejects.toMatchObject({ code: 'E_METRICS_READ', message: expect.stringContaining(dir) });
  });
});
