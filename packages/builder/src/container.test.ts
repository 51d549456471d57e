import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RecordingReporter, hostPlatform, spawnExec } from '@potions/core';
import { buildFromRecipeRef } from './build-from-ref';
import { containerArgv, podmanUlimits, resolveContainerImage, type ContainerImage } from './container';
import { findProgram } from './sandbox';
import {
  TEST_BUILD_IMAGE,
  TINY_UPSTREAM,
  artifactBytes,
  containerTestSkip,
  leakedSecrets,
  plantSecrets,
  runWithSecretParent,
  secretProbeRecipe,
  startSourceMirror,
  testBuildImage,
  tinySourceTarball,
  type SourceMirror,
} from './testing';

const IMAGE: ContainerImage = { engine: 'podman', enginePath: '/usr/bin/podman', engineVersion: 'podman version 4.3.1', image: 'localhost/potions-build:bookworm', digest: `sha256:${'a'.repeat(64)}` };
const LIMITS = 'Limit                     Soft Limit           Hard Limit           Units\nMax processes             96364                96364                processes\nMax open files            1024                 20000                files\n';

describe('the container command line', () => {
  test('the image by its ID, no network, no capabilities, only the spec folders, the environment as --env', () => {
    const argv = containerArgv(IMAGE, { writable: ['/w/b'], readOnly: ['/w/b/deps'], network: false }, { argv: ['make', '-j2'], cwd: '/w/b/src', env: { PATH: '/usr/bin', CFLAGS: '-O2 -g' } }, 'potions-build-x', LIMITS);
    expect(argv).toEqual([
      '/usr/bin/podman', 'run', '--rm', '--name=potions-build-x', '--pull=never', '--log-driver=none', '--network=none',
      '--cap-drop=all', '--security-opt=no-new-privileges', '--hostname=potions-build', '--tmpfs=/tmp',
      '--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=32768:32768',
      '--volume', '/w/b:/w/b', '--volume', '/w/b/deps:/w/b/deps:ro',
      '--env', 'PATH=/usr/bin', '--env', 'CFLAGS=-O2 -g',
      '--workdir', '/w/b/src', IMAGE.digest, 'make', '-j2',
    ]);
  });

  test("podman gets this process's hard limits: its defaults (1048576) fail where the limits are lower", () => {
    expect(podmanUlimits(LIMITS)).toEqual(['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=32768:32768']);
    expect(podmanUlimits('Max processes             unlimited            unlimited            processes\nMax open files            4096                 4096                 files\n')).toEqual([
      '--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=32768:32768',
    ]);
    expect(podmanUlimits(undefined)).toEqual(['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096']);
  });
});

describe('finding the engine and the image, before the build', () => {
  test('no engine on PATH: E_BUILD_CONTAINER_ENGINE saying what was looked for', async () => {
    await expect(resolveContainerImage({ exec: spawnExec, env: { PATH: '/nonexistent' }, image: 'x' })).rejects.toMatchObject({
      code: 'E_BUILD_CONTAINER_ENGINE',
      message: 'no container engine is installed here (looked for podman and docker on PATH)',
    });
  });

  (findProgram('podman', process.env.PATH) ? test : test.skip)('an image that is not there: E_BUILD_CONTAINER_IMAGE naming it and how to make the build image', async () => {
    await expect(resolveContainerImage({ exec: spawnExec, env: process.env, image: 'localhost/potions-no-such-image:1' })).rejects.toMatchObject({
      code: 'E_BUILD_CONTAINER_IMAGE',
      message: "there is no container image localhost/potions-no-such-image:1 in podman's image store",
      hint: expect.stringContaining('build-env/build-image.sh'),
    });
  });
});

/**
 * A real build in the build image (build-env/, made by build-image.sh with
 * its root file system cached in $POTIONS_TEST_CACHE): the steps run in the
 * container, the artifact runs on the host, the metadata names the image by
 * its ID; and the secret probe, through `potions build --container` as a
 * real process under a parent holding secrets, finds none of them.
 */
const skip = hostPlatform()?.startsWith('linux') ? containerTestSkip() : 'container builds are tested on Linux';
if (skip) console.warn(`container build tests skipped: ${skip}`);
(skip ? describe.skip : describe)('building in the build image', () => {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  let dir: string;
  let mirror: SourceMirror;
  let id: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-container-'));
    mirror = await startSourceMirror({ [TINY_UPSTREAM]: tinySourceTarball() });
    id = (await testBuildImage()).id;
  }, 15 * 60_000);
  afterAll(async () => {
    await mirror?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('a C program built in the container: steps in there (no network, its own host name), the image ID in the metadata, the program runs here', async () => {
    const recipe = path.join(dir, 'cdemo.yml');
    await fs.writeFile(
      recipe,
      `name: cdemo
version:
  source: "static:1.0"
build_type: custom
download:
  download_url: "http://127.0.0.1:1/pkg/pkg-{version}.tar.gz"
  platforms:
    linux-amd64:
    linux-arm64:
build:
  timeout_minutes: 5
  custom_build: |
    printf '#include <stdio.h>\\nint main(void) { puts("hello from the build image"); return 0; }\\n' > cdemo.c
    cc $CFLAGS -o cdemo cdemo.c
    { [ -e /run/.containerenv ] && echo in-a-container; hostname; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; } > facts.txt
  custom_install: |
    mkdir -p "$PREFIX/bin" "$PREFIX/share/cdemo"
    cp cdemo "$PREFIX/bin/"
    cp facts.txt "$PREFIX/share/cdemo/"
`,
    );
    const reporter = new RecordingReporter();
    const result = await buildFromRecipeRef({
      ref: recipe,
      recipeDirs: [],
      platform: hostPlatform() as NonNullable<ReturnType<typeof hostPlatform>>,
      version: '1.0',
      sourceMirrors: [mirror.base],
      outDir: path.join(dir, 'out'),
      workRoot: dir,
      container: { image: TEST_BUILD_IMAGE },
      reporter,
    });
    expect(result.metadata.buildEnvironment).toEqual({ mode: 'container', engine: expect.stringMatching(/^podman version /), image: TEST_BUILD_IMAGE, digest: id, network: false });
    // The toolchain is the image's, as packages.lock pins it.
    const lock = await fs.readFile(path.join(repo, 'build-env', 'packages.lock'), 'utf8');
    const gcc = /^gcc-12=(\S+)$/m.exec(lock)?.[1] as string;
    expect(result.metadata.toolchain.cc).toContain(gcc.replace(/^\d+:/, '').split('-')[0] as string);
    expect(reporter.lines.map((l) => l.message).join('\n')).toContain(`build steps run in the container image ${TEST_BUILD_IMAGE} (${id}`);
    const installed = path.join(dir, 'installed');
    await fs.mkdir(installed);
    execFileSync('tar', ['-xzf', result.artifact, '-C', installed]);
    expect(execFileSync(path.join(installed, 'bin', 'cdemo'), { encoding: 'utf8' })).toBe('hello from the build image\n');
    expect((await fs.readFile(path.join(installed, 'share', 'cdemo', 'facts.txt'), 'utf8')).split('\n')).toEqual(['in-a-container', 'potions-build', 'lo', '']);
  }, 10 * 60_000);

  test('potions build --container under a parent holding secrets: the probe finds none of them', async () => {
    const planted = await plantSecrets(path.join(dir, 'secrets'), mirror.base);
    const recipe = path.join(planted.workDir, 'probe.yml');
    await fs.writeFile(recipe, secretProbeRecipe(planted));
    const out = path.join(dir, 'out-probe');
    const tmp = path.join(dir, 'tmp-probe');
    await fs.mkdir(tmp);
    const loader = pathToFileURL(path.join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const run = await runWithSecretParent(
      [process.execPath, '--import', loader, path.join(repo, 'packages', 'cli', 'src', 'bin.ts'), 'build', recipe, '--version', '1.0', '--source-mirror', planted.sourceMirror, '--out', out, '--no-cache', '--keep-work-dir', '--image', TEST_BUILD_IMAGE, '--json'],
      { cwd: planted.workDir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmp }, secrets: planted },
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, buildEnvironment: { mode: 'container', image: TEST_BUILD_IMAGE, digest: id } });
    const logs = await Promise.all((await fs.readdir(tmp)).filter((n) => n.startsWith('potions-build-')).map((n) => fs.readFile(path.join(tmp, n, 'build.log'))));
    const bytes = await artifactBytes(out);
    expect(bytes.map((b) => b.toString('latin1')).join('')).toContain('== /proc/1/cmdline');
    expect(leakedSecrets(planted, [run.stdout, run.stderr, ...logs, ...bytes])).toEqual([]);
  }, 10 * 60_000);
});
