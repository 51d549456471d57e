import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeTar } from '@potions/archive/testing';
import { restoreEnv, saveEnv } from '@potions/action-common/testing';
import { installPinnedScanner, pinnedRelease } from './install-scanner';

/**
 * The real download-and-verify path of the pinned-release installer, against a
 * local HTTP server serving a fake grype archive (GitHub is not reachable here).
 */
describe('installing a pinned scanner release with @actions/tool-cache', () => {
  const saved = saveEnv();
  let dir: string;
  let server: http.Server;
  let base: string;
  const requests: string[] = [];
  const archive = gzipSync(makeTar([{ path: 'grype', body: '#!/bin/sh\necho "grype 0.119.0"\n', mode: 0o755 }, { path: 'LICENSE', body: 'Apache-2.0\n' }]));
  const sha256 = createHash('sha256').update(archive).digest('hex');

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-install-scanner-'));
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/grype.tar.gz') res.writeHead(200, { 'content-length': String(archive.length) }).end(archive);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    restoreEnv(saved);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await fs.rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const step = await fs.mkdtemp(path.join(dir, 'run-'));
    Object.assign(process.env, { RUNNER_TOOL_CACHE: path.join(step, 'tool-cache'), RUNNER_TEMP: path.join(step, 'temp') });
    requests.length = 0;
  });

  test('downloads, checks the sha256, extracts and caches; the second time it comes from the tool cache', async () => {
    const release = { version: '0.119.0', url: `${base}/grype.tar.gz`, sha256, program: 'grype' };
    const program = await installPinnedScanner('grype', release);
    expect(program).toBe(path.join(process.env.RUNNER_TOOL_CACHE!, 'grype', '0.119.0', process.arch, 'grype'));
    expect(await fs.readFile(program, 'utf8')).toContain('grype 0.119.0');
    expect((await fs.stat(program)).mode & 0o111).not.toBe(0);
    expect(await installPinnedScanner('grype', release)).toBe(program);
    expect(requests).toEqual(['/grype.tar.gz']);
  });

  test('a download whose sha256 is not the pinned one is refused, and nothing is installed', async () => {
    const release = { version: '0.119.0', url: `${base}/grype.tar.gz`, sha256: '0'.repeat(64), program: 'grype' };
    await expect(installPinnedScanner('grype', release)).rejects.toMatchObject({ code: 'E_SBOM_SCANNER_CHECKSUM', message: expect.stringContaining(`has sha256 ${sha256}, not the pinned ${'0'.repeat(64)}`) });
    await expect(fs.readdir(path.join(process.env.RUNNER_TOOL_CACHE!, 'grype'))).rejects.toThrow();
  });

  test('the pins: real releases with a sha256 each; a platform without a pin is a clear error', () => {
    expect(pinnedRelease('grype', 'linux-x64')).toMatchObject({ version: '0.119.0', url: expect.stringContaining('/v0.119.0/grype_0.119.0_linux_amd64.tar.gz'), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(pinnedRelease('trivy', 'linux-arm64')).toMatchObject({ version: '0.74.0', url: expect.stringContaining('trivy_0.74.0_Linux-ARM64.tar.gz') });
    expect(() => pinnedRelease('trivy', 'darwin-arm64')).toThrow(expect.objectContaining({ code: 'E_SBOM_SCANNER_MISSING', message: expect.stringContaining('pins no trivy release for darwin-arm64') }));
  });
});
