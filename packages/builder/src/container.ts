/**
 * Build steps inside a container image (podman, or docker): the same steps
 * as on the host, each one a `run --rm` of the image pinned by its ID, with
 * only the build's folders mounted, no network, no capabilities and none of
 * this process's environment. See docs/build-environments.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { UserError, captureOutput, type Exec } from '@potions/core';
import { BuilderErrorCode } from './errors';
import { SANDBOX_HOSTNAME, findProgram, type IsolationSpec } from './sandbox';
import { onInterrupt } from './work-dirs';

export type ContainerEngineName = 'podman' | 'docker';
export const CONTAINER_ENGINES: readonly ContainerEngineName[] = ['podman', 'docker'];

/** The image a build runs in, resolved once before the build. */
export interface ContainerImage {
  engine: ContainerEngineName;
  /** The engine's absolute path. */
  enginePath: string;
  /** Its version line, e.g. `podman version 4.3.1`. */
  engineVersion: string;
  /** The name the user gave, e.g. `localhost/potions-build:bookworm`. */
  image: string;
  /** The image ID (`sha256:` + 64 hex): every step runs this, whatever the name points at later. */
  digest: string;
}

/** The default image: what `build-env/build-image.sh` tags. */
export const DEFAULT_BUILD_IMAGE = 'localhost/potions-build:bookworm';

/**
 * What the engine process itself gets of this environment: where its
 * storage and runtime folders are, nothing else. The container never sees
 * even this (its own PID namespace, its own environment).
 */
const ENGINE_ENV = ['PATH', 'HOME', 'USER', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'TMPDIR', 'DOCKER_HOST', 'CONTAINER_HOST', 'CONTAINERS_CONF', 'CONTAINERS_STORAGE_CONF'];

function engineEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ENGINE_ENV) {
    const v = env[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/**
 * The `--ulimit`s for podman: this process's own limits. podman asks the
 * OCI runtime for 1048576 open files and processes by default, which runc
 * cannot set where the hard limits are lower (a CI container, a VM with
 * `nofile` 20000): "error setting rlimit ... operation not permitted". podman
 * 4 runs conmon with at most 32768 processes, hence that cap.
 */
export function podmanUlimits(limitsText: string | undefined): string[] {
  const hard = (name: string): number | undefined => {
    const line = limitsText?.split('\n').find((l) => l.startsWith(name));
    const cols = line?.slice(name.length).trim().split(/\s+/);
    const v = cols?.[1];
    return v === undefined ? undefined : v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v);
  };
  const files = Math.min(hard('Max open files') ?? 1024, 1_048_576);
  const procs = Math.min(hard('Max processes') ?? 4096, 32_768);
  return ['--ulimit', `nofile=${files}:${files}`, '--ulimit', `nproc=${procs}:${procs}`];
}

function ownLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}

/** The `run` command line of one step, in a container called `name`. */
export function containerArgv(
  image: ContainerImage,
  spec: IsolationSpec,
  req: { argv: string[]; cwd: string; env: Record<string, string> },
  name: string,
  limits = ownLimits(),
): string[] {
  const args = [image.enginePath, 'run', '--rm', `--name=${name}`, '--pull=never', '--log-driver=none'];
  if (!spec.network) args.push('--network=none');
  args.push('--cap-drop=all', '--security-opt=no-new-privileges', `--hostname=${SANDBOX_HOSTNAME}`, '--tmpfs=/tmp');
  if (image.engine === 'podman') args.push(...podmanUlimits(limits));
  // docker runs containers as root whoever asks: files the steps write into the work folder would
  // be root's, and this process could not remove them. (podman maps the container's root to the user.)
  if (image.engine === 'docker' && process.getuid && process.getuid() !== 0) args.push(`--user=${process.getuid()}:${process.getgid?.() ?? process.getuid()}`);
  for (const dir of spec.writable) args.push('--volume', `${dir}:${dir}`);
  for (const dir of spec.readOnly) args.push('--volume', `${dir}:${dir}:ro`);
  for (const [key, value] of Object.entries(req.env)) args.push('--env', `${key}=${value}`);
  args.push('--workdir', req.cwd, image.digest, ...req.argv);
  return args;
}

const containerName = (): string => `potions-build-${randomBytes(6).toString('hex')}`;

/**
 * Every step in a fresh container of `image` (see the file comment). The
 * container runs under the engine, not as a child of this process: if the
 * process is interrupted, the step's container is removed with it.
 */
export function containerExec(base: Exec, image: ContainerImage, spec: IsolationSpec, env: NodeJS.ProcessEnv): Exec {
  const outer = engineEnv(env);
  return async (req) => {
    const name = containerName();
    const rm = image.engine === 'podman' ? ['rm', '--force', '--time=0', name] : ['rm', '--force', name];
    const stop = onInterrupt(() => spawnSync(image.enginePath, rm, { env: outer, stdio: 'ignore', timeout: 30_000 }));
    // A read-only folder that is not there yet (no dependencies) is not mounted: the engine would refuse it.
    const present = { ...spec, readOnly: spec.readOnly.filter((d) => existsSync(d)) };
    try {
      return await base({ ...req, argv: containerArgv(image, present, req, name), env: outer });
    } finally {
      stop();
    }
  };
}

/**
 * Find the engine and the image, before the build: the image's ID (what
 * every step runs), the engine's version, and one `true` in it, so that an
 * engine that cannot start containers here fails now, not at configure.
 */
export async function resolveContainerImage(opts: { exec: Exec; env: NodeJS.ProcessEnv; image: string; engine?: ContainerEngineName }): Promise<ContainerImage> {
  const engines = opts.engine ? [opts.engine] : CONTAINER_ENGINES;
  const found = engines.map((e) => ({ engine: e, path: findProgram(e, opts.env.PATH) })).find((e) => e.path);
  if (!found?.path) {
    throw new UserError(BuilderErrorCode.ContainerEngine, `no container engine is installed here (looked for ${engines.join(' and ')} on PATH)`, {
      hint: 'install podman (apt-get install podman) or docker, or build without a container',
    });
  }
  const env = engineEnv(opts.env);
  const run = (argv: string[]): Promise<string | undefined> => captureOutput(opts.exec, [found.path as string, ...argv], env, '/');
  const id = (await run(['image', 'inspect', '--format', '{{.Id}}', opts.image]))?.trim();
  if (!id) {
    throw new UserError(BuilderErrorCode.ContainerImage, `there is no container image ${opts.image} in ${found.engine}'s image store`, {
      hint: 'make the build image with build-env/build-image.sh (see docs/build-environments.md), or name an image that is there',
    });
  }
  const digest = id.startsWith('sha256:') ? id : `sha256:${id}`;
  const image: ContainerImage = {
    engine: found.engine,
    enginePath: found.path,
    engineVersion: (await run(['--version']))?.trim().split('\n')[0] ?? found.engine,
    image: opts.image,
    digest,
  };
  const chunks: Buffer[] = [];
  const probe = await opts.exec({
    argv: containerArgv(image, { writable: [], readOnly: [], network: false }, { argv: ['true'], cwd: '/', env: {} }, containerName()),
    cwd: '/',
    env,
    timeoutMs: 120_000,
    onOutput: (c) => chunks.push(c),
  }).catch((err: unknown) => ({ exitCode: null, tail: (err as Error).message }));
  if (probe.exitCode !== 0) {
    const said = (Buffer.concat(chunks).toString('utf8') || probe.tail).trim().split('\n').slice(-3).join(' ');
    throw new UserError(BuilderErrorCode.ContainerEngine, `${found.engine} cannot start a container of ${opts.image} here: ${said || `exit ${probe.exitCode}`}`, {
      hint: `check that "${found.engine} run --rm ${opts.image} true" works on this machine`,
    });
  }
  return image;
}
