import type { Command } from 'commander';
import { registerRecipesCommand } from './recipes';
import { registerMirrorsCommand } from './mirrors';
import { registerManifestCommand } from './manifest';
import { registerBuildCommand } from './build';
import { registerDownloadCommand } from './download';
import { registerReleaseCommand } from './release';
import { registerFetchCommand } from './fetch';
import { registerPlanCommand } from './plan';
import { registerSmokeTestCommand } from './smoke-test';
import { registerSignCommand } from './sign';
import { registerSbomCommand } from './sbom';

/** Every command group of `potions`, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerRecipesCommand(program);
  registerMirrorsCommand(program);
  registerManifestCommand(program);
  registerBuildCommand(program);
  registerSmokeTestCommand(program);
  registerDownloadCommand(program);
  registerReleaseCommand(program);
  registerFetchCommand(program);
  registerPlanCommand(program);
  registerSignCommand(program);
  registerSbomCommand(program);
}
