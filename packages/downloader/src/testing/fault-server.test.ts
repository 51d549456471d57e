import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startFaultServer } from './fault-server';
import type { FaultServer } from './fault-server';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('startFaultServer as a plain mirror', () => {
  let server: FaultServer;
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-fs-'));
    await fs.mkdir(path.join(dir, 'sub'));
    await fs.writeFile(path.join(dir, 'sub', 'disk.txt'), 'from disk');
    server = await startFaultServer({ files: { '/mem.txt': '0123456789' }, root: dir });
  });
  afterAll(async () => {
    await server.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves files from the map and the folder, 404 otherwise, and logs each request', async () => {
    expect((await get(server.url('/mem.txt'))).body).toBe('0123456789');
    expect((await get(server.url('/sub/disk.txt'))).body).toBe('from disk');
    expect((await get(server.url('/nope'))).status).toBe(404);
    expect((await get(server.url('/../etc/passwd'))).status).toBe(404);
    expect(server.requestsFor('/mem.txt')).toEqual([expect.objectContaining({ method: 'GET', status: 200 })]);
  });

  it('answers ranges, honouring If-Range', async () => {
    const full = await get(server.url('/mem.txt'));
    const etag = full.headers.etag as string;
    const part = await get(server.url('/mem.txt'), { range: 'bytes=3-5', 'if-range': etag });
    expect(part).toMatchObject({ status: 206, body: '345', headers: expect.objectContaining({ 'content-range': 'bytes 3-5/10' }) });
    const stale = await get(server.url('/mem.txt'), { range: 'bytes=3-5', 'if-range': '"old"' });
    expect(stale).toMatchObject({ status: 200, body: '0123456789' });
    expect((await get(server.url('/mem.txt'), { range: 'bytes=20-' })).status).toBe(416);
  });

  it('injects the faults it is told to, a given number of times', async () => {
    server.setFaults([{ path: '/mem.txt', times: 1, fault: { kind: 'status', status: 503, retryAfter: '7' } }]);
    const first = await get(server.url('/mem.txt'));
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('7');
    expect((await get(server.url('/mem.txt'))).status).toBe(200);
    server.setFaults([{ times: 1, fault: { kind: 'wrong-range' } }]);
    const wrong = await get(server.url('/mem.txt'), { range: 'bytes=2-5' });
    expect(wrong.headers['content-range']).toBe('bytes 3-5/10');
    server.setFaults([]);
  });
});
