import { createHash } from 'node:crypto';
import { CircuitBreaker } from './breaker';
import { downloadToBuffer, fetchText } from './download-buffer';
import { startFaultServer } from './testing/fault-server';
import type { FaultServer } from './testing/fault-server';

const fast = {
  breaker: undefined as CircuitBreaker | undefined,
  timeouts: { firstByteMs: 1_000, idleMs: 300, deadlineMs: 10_000 },
  retry: { baseMs: 2, maxMs: 20 },
  hedgeDelayMs: 100,
};

describe('downloadToBuffer / fetchText', () => {
  const json = JSON.stringify({ version: '1.2.3' });
  const servers: FaultServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('fails over and retries like downloadFile, and returns the text', async () => {
    const a = await startFaultServer({ files: { '/v.json': json }, faults: [{ fault: { kind: 'status', status: 404 } }] });
    const b = await startFaultServer({ files: { '/v.json': json }, faults: [{ times: 2, fault: [{ kind: 'reset-mid' }, { kind: 'status', status: 503 }] }] });
    servers.push(a, b);
    const text = await fetchText({ ...fast, breaker: new CircuitBreaker(), urls: [a.url('/v.json'), b.url('/v.json')] });
    expect(JSON.parse(text)).toEqual({ version: '1.2.3' });
    expect(b.requests).toHaveLength(3);
  });

  it('verifies a pinned digest and names the mirrors when none matches', async () => {
    const a = await startFaultServer({ files: { '/v.json': json }, faults: [{ fault: { kind: 'corrupt' } }] });
    const b = await startFaultServer({ files: { '/v.json': json } });
    servers.push(a, b);
    const sha256 = createHash('sha256').update(json).digest('hex');
    const r = await downloadToBuffer({ ...fast, breaker: new CircuitBreaker(), urls: [a.url('/v.json'), b.url('/v.json')], sha256 });
    expect(r.data.toString()).toBe(json);
    expect(r.url).toBe(b.url('/v.json'));
    await expect(
      downloadToBuffer({ ...fast, breaker: new CircuitBreaker(), urls: [a.url('/v.json')], sha256 }),
    ).rejects.toMatchObject({ code: 'E_DOWNLOAD_FAILED', mirrors: [expect.objectContaining({ errorClass: 'integrity' })] });
  });

  it('refuses a body larger than maxBytes', async () => {
    const a = await startFaultServer({ files: { '/big': Buffer.alloc(10_000) } });
    servers.push(a);
    await expect(
      downloadToBuffer({ ...fast, breaker: new CircuitBreaker(), urls: [a.url('/big')], maxBytes: 1_000 }),
    ).rejects.toMatchObject({ code: 'E_DOWNLOAD_FAILED', message: expect.stringContaining('more than the 1000') });
  });
});
