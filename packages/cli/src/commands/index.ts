/**
 * The command groups of `potions`, loaded lazily: `potions --help` lists the
 * groups from this table alone, and `potions NAME ...` imports only NAME's
 * module (and, through it, only the packages that group uses: the AWS SDK,
 * s3rver, openpgp, sigstore and cyclonedx each stay on disk until a command
 * that needs them runs). In the built CLI each `import()` below is a chunk of
 * its own (see scripts/build-cli.mjs).
 *
 * The table repeats each group's description and argument terms so that the
 * overview needs no import; index.test.ts checks them against the commands
 * the modules register, and that every command a module registers is listed.
 */
import { Command, Help } from 'commander';

/** Registers a module's commands on the program (the modules' `registerXCommand`). */
export type RegisterCommands = (program: Command) => void;

export interface CommandGroup {
  /** The first word after `potions`. */
  name: string;
  /** What `--help` shows after the name, as commander would write it (`[options] <recipe>`); empty for a group of subcommands. */
  args: string;
  /** The command's own description, word for word. */
  description: string;
  /** Import the module and return its register function (a module may register more than one group: sign and verify). */
  load: () => Promise<RegisterCommands>;
}

/** Every command group, in the order `--help` lists them. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    name: 'recipes',
    args: '',
    description: 'Read, check and plan recipes',
    load: async () => (await import('./recipes')).registerRecipesCommand,
  },
  {
    name: 'mirrors',
    args: '',
    description: 'Sync artifacts to S3-compatible mirrors, serve local ones, check health',
    load: async () => (await import('./mirrors')).registerMirrorsCommand,
  },
  {
    name: 'manifest',
    args: '',
    description: 'Publish, withdraw, recover, verify and key the signed manifest',
    load: async () => (await import('./manifest')).registerManifestCommand,
  },
  {
    name: 'build',
    args: '[options] <recipe>',
    description: 'Build a recipe for a platform into a deterministic artifact (.tar.gz, .tar.zst, .json)',
    load: async () => (await import('./build')).registerBuildCommand,
  },
  {
    name: 'smoke-test',
    args: '[options] <artifact>',
    description: "Check an artifact as a user would get it: every file for the platform, every library found, the recipe's commands run",
    load: async () => (await import('./smoke-test')).registerSmokeTestCommand,
  },
  {
    name: 'download',
    args: '[options] <url...>',
    description: 'Download one file from its mirrors (in priority order): retries, failover, resume, segments, verification',
    load: async () => (await import('./download')).registerDownloadCommand,
  },
  {
    name: 'release',
    args: '[options] <recipes...>',
    description: 'Build recipes for this machine, smoke-test, inventory (SBOM), scan and sign them, sync to every mirror, publish the signed manifest, fetch back as a check',
    load: async () => (await import('./release')).registerReleaseCommand,
  },
  {
    name: 'fetch',
    args: '[options] <package>',
    description: 'Install a package from a signed manifest: verify the manifest, download from the mirrors, verify, extract, relocate',
    load: async () => (await import('./fetch')).registerFetchCommand,
  },
  {
    name: 'plan',
    args: '[options]',
    description: 'Plan a release of a recipe folder: waves by dependency level, matrices of legs, the critical path (offline)',
    load: async () => (await import('./plan')).registerPlanCommand,
  },
  {
    name: 'sign',
    args: '[options] [files...]',
    description: 'Sign files into <file>.sigstore.json (Sigstore bundles): keyless with an OIDC token, else with a key',
    load: async () => (await import('./sign')).registerSignCommand,
  },
  {
    name: 'verify',
    args: '[options] <file>',
    description: 'Verify a file against its Sigstore bundle: a trusted key, or a pinned keyless identity and issuer',
    load: async () => (await import('./sign')).registerSignCommand,
  },
  {
    name: 'sbom',
    args: '[options] <artifact>',
    description: "Write the SBOM of an artifact: every file with its sha256, the package's purl, licence and source, its dependency recipes and system libraries",
    load: async () => (await import('./sbom')).registerSbomCommand,
  },
  {
    name: 'scan',
    args: '[options] <sbom...>',
    description: 'Scan SBOMs for known vulnerabilities (grype or trivy when installed, else a folder of OSV records); exit 1 when a finding is at or above --fail-on and not allowed',
    load: async () => (await import('./sbom')).registerSbomCommand,
  },
  {
    name: 'doctor',
    args: '[options]',
    description: 'What this machine has and lacks for each build type and platform, with the command that installs each',
    load: async () => (await import('./doctor')).registerDoctorCommand,
  },
];

/**
 * The group a command line runs: its first word that is not an option
 * (`potions` itself takes none but --help), or the word after `help`.
 */
export function groupOf(argv: readonly string[]): CommandGroup | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMAND_GROUPS.find((g) => g.name === name);
}

/**
 * Register what this command line needs: the one group it names, for real;
 * otherwise (`--help`, no arguments, an unknown word) a stub of every group,
 * which is enough for the overview and for commander's "unknown command ...
 * (Did you mean ...?)".
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const group = groupOf(argv);
  if (group) {
    (await group.load())(program);
    return;
  }
  registerStubs(program);
}

/** Every group, loaded for real: what the stubs stand for (tests compare the two). */
export async function registerAllCommands(program: Command): Promise<void> {
  const loaded = new Set<RegisterCommands>();
  for (const group of COMMAND_GROUPS) {
    const register = await group.load();
    if (loaded.has(register)) continue;
    loaded.add(register);
    register(program);
  }
}

const stubArgs = new WeakMap<Command, string>();

function registerStubs(program: Command): void {
  for (const group of COMMAND_GROUPS) {
    const stub = new Command(group.name).description(group.description);
    stubArgs.set(stub, group.args);
    program.addCommand(stub);
  }
  // Commander writes a command's terms from its registered options and arguments, which a stub has none of.
  const standard = new Help();
  program.configureHelp({
    subcommandTerm: (cmd) => {
      const args = stubArgs.get(cmd);
      return args === undefined ? standard.subcommandTerm(cmd) : [cmd.name(), args].filter(Boolean).join(' ');
    },
  });
}
