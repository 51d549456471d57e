import { Command, Help } from 'commander';
import { COMMAND_GROUPS, groupOf, registerAllCommands, registerCommands } from './index';
import { runCli as cli } from '../testing';

/** The help text of a program, as `potions --help` prints it (stdout). */
function helpOf(program: Command): string {
  program.configureOutput({ getOutHelpWidth: () => 100, getErrHelpWidth: () => 100 });
  return program.helpInformation();
}

describe('the command table', () => {
  it('names every command the modules register, once, with their own description and argument terms', async () => {
    const real = new Command('potions');
    await registerAllCommands(real);
    const help = new Help();
    expect(COMMAND_GROUPS.map((g) => g.name)).toEqual(real.commands.map((c) => c.name()));
    for (const group of COMMAND_GROUPS) {
      const cmd = real.commands.find((c) => c.name() === group.name)!;
      expect({ name: group.name, description: group.description, term: [group.name, group.args].filter(Boolean).join(' ') }).toEqual({
        name: group.name,
        description: cmd.description(),
        term: help.subcommandTerm(cmd),
      });
    }
  });

  it('lists the groups in --help exactly as the loaded commands would, without importing any', async () => {
    const stubs = new Command('potions').description('d');
    await registerCommands(stubs, ['--help']);
    const real = new Command('potions').description('d');
    await registerAllCommands(real);
    expect(helpOf(stubs)).toBe(helpOf(real));
  });

  it('loads only the group the command line names (also after help, and after options)', async () => {
    expect(groupOf(['release', 'hello'])?.name).toBe('release');
    expect(groupOf(['--help', 'recipes'])?.name).toBe('recipes');
    expect(groupOf(['help', 'sbom'])?.name).toBe('sbom');
    expect(groupOf(['--help'])).toBeUndefined();
    expect(groupOf([])).toBeUndefined();
    expect(groupOf(['relase'])).toBeUndefined();
    const program = new Command('potions');
    await registerCommands(program, ['verify', 'x']);
    // sign.ts registers sign and verify together; nothing else is loaded.
    expect(program.commands.map((c) => c.name())).toEqual(['sign', 'verify']);
  });
});

describe('potions with no group or an unknown one', () => {
  it('--help lists every group and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const g of COMMAND_GROUPS) expect(r.stdout).toContain(`  ${g.name}`);
  });

  it('an unknown group is a usage error (exit 2) with a "did you mean"', async () => {
    const r = await cli(['relase', 'hello']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'relase'");
    expect(r.stderr).toContain('(Did you mean release?)');
  });

  it('help GROUP prints that group\'s own help', async () => {
    const r = await cli(['help', 'release']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: potions release [options] <recipes...>');
    expect(r.stdout).toContain('--local-ports');
  });
});
