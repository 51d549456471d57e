import type { Command } from 'commander';
import { registerRecipesCommand } from './recipes';
import { registerMirrorsCommand } from './mirrors';
import { registerBuildCommand } from './build';
import { registerDownloadCommand } from './download';

/** Every command group of `potions`, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerRecipesCommand(program);
  registerMirrorsCommand(program);
  registerBuildCommand(program);
  registerDownloadCommand(program);
}
