import type { Command } from 'commander';
import { registerRecipesCommand } from './recipes';

/** Every command group of `potions`, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerRecipesCommand(program);
}
