import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localMirrorConfig } from '@potions/local-mirrors';
import { LocalKeySigner, generateManifestKey } from '@potions/manifest';
import { runRelease } from './release';
import type { ReleaseOptions } from './release';
import { localPortsOf, maxBuildJobs } from './release-setup';
import { GREET_RECIPE } from './test-support';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-release-setup-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const signer = LocalKeySigner.fromPem(generateManifestKey().privateKeyPem);
const configured = { minMirrors: 1, mirrors: [localMirrorConfig(0, 1)] };
/** No grype or trivy on this PATH, whatever the machine has. */
const noScanners = { PATH: '/nonexistent' };

// Issue 9: each of these was refused only after a key and mirrors were made or a build ran.
test.each<[string, Partial<ReleaseOptions>, string, RegExp]>([
  ['a version that is a path', { version: '../../../etc' }, 'E_PIPELINE_VERSION', /^"\.\.\/\.\.\/\.\.\/etc" \(the release version\) is not a version$/],
  ['a pinned version that is not one', { recipes: ['greet@1.0~rc1'], recipesDirs: [path.dirname(GREET_RECIPE)] }, 'E_PIPELINE_VERSION', /^"1\.0~rc1" \(greet@1\.0~rc1\) is not a version$/],
  ['more mirrors than the release has', { minMirrors: 3 }, 'E_PIPELINE_MIN_MIRRORS', /^3 mirrors must hold every file, but the release has 2 \(the two local mirrors\)$/],
  ['more mirrors than are configured', { mirrors: configured, signer, minMirrors: 2 }, 'E_PIPELINE_MIN_MIRRORS', /but the release has 1 \(in the mirrors configuration\)/],
  ['a missing source folder', { sourceDirs: ['/nonexistent/upstream'] }, 'E_PIPELINE_SOURCE_DIR', /^source folder \/nonexistent\/upstream: there is no such folder$/],
  ['the same port twice', { localPorts: [45681, 45681] }, 'E_PIPELINE_LOCAL_PORTS', /^both local mirrors would listen on port 45681$/],
  ['one port', { localPorts: [45681] }, 'E_PIPELINE_LOCAL_PORTS', /^the local mirrors need two ports, got 1 \(45681\)$/],
  ['a fixed port beside a free one', { localPorts: [45681, 0] }, 'E_PIPELINE_LOCAL_PORTS', /mix a fixed port with a free one/],
  ['local ports with configured mirrors', { mirrors: configured, signer, localPorts: [0, 0] }, 'E_PIPELINE_LOCAL_PORTS', /release publishes to configured mirrors/],
  ['far too many jobs', { jobs: 100000 }, 'E_PIPELINE_JOBS', new RegExp(`^100000 parallel build jobs: expected 1 to ${maxBuildJobs()} on this machine`)],
  ['no jobs', { jobs: 0 }, 'E_PIPELINE_JOBS', /^0 parallel build jobs/],
  ['an allow-list that cannot be read', { allowList: '/nonexistent/allow.yml' }, 'E_SBOM_ALLOW_LIST', /cannot read the allow-list/],
  ['a scanner asked for by name and missing', { scanner: 'grype', env: noScanners }, 'E_SBOM_SCANNER_MISSING', /grype is not installed/],
  ['configured mirrors with no scanner', { mirrors: configured, signer, env: noScanners }, 'E_SBOM_SCANNER_MISSING', /no vulnerability scanner/],
  ['an OSV folder that is not one', { osvDir: '/nonexistent/osv' }, 'E_SBOM_OSV_FOLDER', /.+/],
])('%s is refused before anything is made', async (_what, extra, code, message) => {
  const work = path.join(dir, `work-${code}-${Math.random().toString(16).slice(2)}`);
  const err = await runRelease({ recipes: [GREET_RECIPE], version: '1.0.0', workDir: work, env: noScanners, ...extra }).catch((e: unknown) => e);
  expect(err).toMatchObject({ code, message: expect.stringMatching(message) });
  // No key, no mirror data, no build output: the work folder was not even made.
  await expect(fs.stat(work)).rejects.toMatchObject({ code: 'ENOENT' });
});

test('a work folder that is a file, or lies under one, is a clear mistake', async () => {
  const file = path.join(dir, 'a-file');
  await fs.writeFile(file, 'not a folder');
  for (const [work, says] of [
    [file, `the work folder ${file} is a file, not a folder`],
    [path.join(file, 'below'), `the work folder ${path.join(file, 'below')} lies under a file`],
  ] as const) {
    await expect(runRelease({ recipes: [GREET_RECIPE], version: '1.0.0', workDir: work })).rejects.toMatchObject({ code: 'E_PIPELINE_WORK_DIR', message: says });
  }
  expect(await fs.readFile(file, 'utf8')).toBe('not a folder');
});

test('local ports: two fixed ones are kept, 0 (or 0,0) is two free throw-away ones', () => {
  expect(localPortsOf(undefined)).toEqual({ ports: [4568, 4569], throwaway: false, given: false });
  expect(localPortsOf([0])).toEqual({ ports: [0, 0], throwaway: true, given: true });
  expect(localPortsOf([0, 0])).toEqual({ ports: [0, 0], throwaway: true, given: true });
  expect(localPortsOf([5000, 5001])).toEqual({ ports: [5000, 5001], throwaway: false, given: true });
  expect(() => localPortsOf([1, 2, 3])).toThrow(expect.objectContaining({ code: 'E_PIPELINE_LOCAL_PORTS' }));
  expect(() => localPortsOf([70000, 1])).toThrow(expect.objectContaining({ code: 'E_PIPELINE_LOCAL_PORTS' }));
});

test('jobs are bounded by the CPUs, and by 256 however many there are', () => {
  expect(maxBuildJobs(1)).toBe(4);
  expect(maxBuildJobs(2)).toBe(8);
  expect(maxBuildJobs(64)).toBe(256);
  expect(maxBuildJobs(1024)).toBe(256);
});
