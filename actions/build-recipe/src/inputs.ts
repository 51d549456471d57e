import path from 'node:path';
import { booleanInput, listInput, optionalInput, requiredInput } from '@potions/action-common';
import { assertPlatform, hostPlatform, UserError, type Platform, type Reporter } from '@potions/core';
import { parseSourceMirrors, sourceMirrorsFromEnv } from '@potions/builder';
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
  };
}
