import path from 'node:path';
import { booleanInput, listInput, optionalInput, requiredInput } from '@potions/action-common';
import { assertPlatform, hostPlatform, UserError, type Platform, type Reporter } from '@potions/core';
import { MAX_BUILD_JOBS, SANDBOX_MODES, parseSourceMirrors, sourceMirrorsFromEnv, type SandboxMode } from '@potions/builder';
import { Inputs } from './constants';

export interface BuildRecipeInputs {
  recipe: string;
  platform: Platform;
  version?: string;
  sourceMirrors: string[];
  cache: boolean;
  outputDir: string;
  recipesDir: string;
  /** Only find the recipe and resolve its version (outputs name and version); build nothing. */
  resolveOnly: boolean;
  sandbox: SandboxMode;
  /** Parallel jobs; undefined: the number of CPUs. */
  jobs?: number;
}

function sandboxInput(env: NodeJS.ProcessEnv): SandboxMode {
  const value = optionalInput(Inputs.Sandbox, env) ?? 'auto';
  if ((SANDBOX_MODES as readonly string[]).includes(value)) return value as SandboxMode;
  throw new UserError('E_INPUT', `the input "${Inputs.Sandbox}" must be one of ${SANDBOX_MODES.join(', ')}, got "${value}"`);
}

function jobsInput(env: NodeJS.ProcessEnv): number | undefined {
  const value = optionalInput(Inputs.Jobs, env);
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_BUILD_JOBS) return Number(value);
  throw new UserError('E_INPUT', `the input "${Inputs.Jobs}" must be a whole number from 1 to ${MAX_BUILD_JOBS}, got "${value}"`);
}

/** The action's inputs (`INPUT_*` in `env`), checked and typed; source mirror credentials are marked secret on `reporter`. */
export function readInputs(env: NodeJS.ProcessEnv, reporter?: Reporter): BuildRecipeInputs {
  const platformInput = optionalInput(Inputs.Platform, env);
  const platform = platformInput ? assertPlatform(platformInput, `input "${Inputs.Platform}"`) : hostPlatform();
  if (!platform) {
    throw new UserError('E_INPUT', `this runner (${process.platform}/${process.arch}) is not one of the platforms Potions builds for`, {
      hint: `set the "${Inputs.Platform}" input`,
    });
  }
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  return {
    recipe: requiredInput(Inputs.Recipe, env),
    platform,
    version: optionalInput(Inputs.Version, env),
    sourceMirrors: [
      ...parseSourceMirrors(listInput(Inputs.SourceMirrors, env), `input "${Inputs.SourceMirrors}"`, reporter),
      ...sourceMirrorsFromEnv(env, reporter),
    ],
    cache: booleanInput(Inputs.Cache, true, env),
    outputDir: path.resolve(workspace, optionalInput(Inputs.OutputDir, env) ?? 'artifacts'),
    recipesDir: path.resolve(workspace, optionalInput(Inputs.RecipesDir, env) ?? 'recipes'),
    resolveOnly: booleanInput(Inputs.ResolveOnly, false, env),
    sandbox: sandboxInput(env),
    jobs: jobsInput(env),
  };
}
