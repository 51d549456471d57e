/**
 * Where build steps run: on the host, in the build sandbox (bubblewrap), or
 * in a container image. Chosen once, before anything is downloaded, and
 * recorded in the artifact's metadata (`buildEnvironment`) and cache key.
 * See docs/build-environments.md for what each mode guarantees.
 */
import { UserError, platformOs, type BuildEnvironment, type Exec, type Platform, type Reporter } from '@potions/core';
import { containerExec, resolveContainerImage, type ContainerEngineName } from './container';
import { BuilderErrorCode } from './errors';
import { bubblewrapExec, probeSandbox, type IsolationSpec } from './sandbox';

/** `required`: fail before the build when no sandbox can be made; `auto`: the sandbox where it can be made; `off`: never. */
export type SandboxMode = 'required' | 'auto' | 'off';
export const SANDBOX_MODES: readonly SandboxMode[] = ['required', 'auto', 'off'];

export interface IsolationOptions {
  /** Default `auto`. Ignored with `container`, which isolates the steps itself. */
  sandbox?: SandboxMode;
  /** Run the steps in this image (podman or docker) instead. */
  container?: { image: string; engine?: ContainerEngineName };
}

/** How the build steps of one `buildRecipe` run. */
export interface BuildIsolation {
  /** As recorded in the metadata. */
  environment: BuildEnvironment;
  /** An `Exec` whose processes see only the spec's folders (on the host: everything). */
  execFor(spec: IsolationSpec): Exec;
  /** Part of the cache key: a build made with less isolation is never taken for one made with more. */
  cacheTag: string;
}

/** What build steps on the host can reach, said plainly (the output and docs/build-environments.md). */
export const HOST_MODE_EXPOSURE =
  'they run as this user, with its network and files, and can read the environment and command line of every process of this user (Potions itself and whatever started it: signing keys, mirror credentials)';

/**
 * Decide where the steps run, before the build: a container when one is
 * asked for (the image must be there and start), else the sandbox unless it
 * is off (with `required`, a machine that cannot make one is an error now),
 * else the host. What is and is not isolated is said on `reporter`.
 */
export async function resolveIsolation(opts: IsolationOptions & { exec: Exec; env: NodeJS.ProcessEnv; host: Platform | undefined; reporter: Reporter }): Promise<BuildIsolation> {
  const { exec, reporter } = opts;
  if (opts.container) {
    const image = await resolveContainerImage({ exec, env: opts.env, image: opts.container.image, engine: opts.container.engine });
    reporter.info(`build steps run in the container image ${image.image} (${image.digest}, ${image.engineVersion}): only the build's folders are mounted, no network, none of this process's environment`);
    return {
      environment: { mode: 'container', engine: image.engineVersion, image: image.image, digest: image.digest, network: false },
      execFor: (spec) => containerExec(exec, image, spec, opts.env),
      cacheTag: `container:${image.digest}`,
    };
  }
  const mode = opts.sandbox ?? 'auto';
  if (mode === 'off') {
    reporter.warn(`the build sandbox is off: build steps run on this machine without isolation; ${HOST_MODE_EXPOSURE}`, { title: 'build steps not isolated' });
    return hostIsolation(exec, 'the build sandbox is off');
  }
  const os = opts.host ? platformOs(opts.host) : process.platform === 'darwin' ? 'darwin' : 'linux';
  const probe = await probeSandbox({ exec, env: opts.env, platformOs: os });
  if (probe.ok) {
    reporter.info(`build steps run in a bubblewrap sandbox (${probe.version}): no other process, no network, only the build's folders and the system's programs`);
    return {
      environment: { mode: 'sandbox', tool: probe.version, network: false },
      execFor: (spec) => bubblewrapExec(exec, probe.bwrap, spec),
      cacheTag: 'sandbox',
    };
  }
  if (mode === 'required') {
    throw new UserError(BuilderErrorCode.SandboxUnavailable, `build steps must run in the build sandbox, and none can be made on this machine: ${probe.reason}`, {
      hint:
        os === 'darwin'
          ? 'build on Linux, or in a container, to isolate the build steps'
          : 'install bubblewrap (apt-get install bubblewrap) and allow user namespaces, or build in a container',
    });
  }
  reporter.warn(`no build sandbox on this machine (${probe.reason}): build steps run without isolation; ${HOST_MODE_EXPOSURE}`, { title: 'build steps not isolated' });
  return hostIsolation(exec, probe.reason);
}

function hostIsolation(exec: Exec, reason: string): BuildIsolation {
  return { environment: { mode: 'host', reason }, execFor: () => exec, cacheTag: 'host' };
}
