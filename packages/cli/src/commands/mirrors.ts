import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { ConsoleReporter, UserError, formatBytes, isUserError } from '@potions/core';
import { DEFAULT_LOCAL_PORTS, LocalMirrorsErrorCode, SERVE_STATE_FILE, findRunningLocalMirrors, startLocalMirrors } from '@potions/local-mirrors';
import {
  CHECK_REQUEST_TIMEOUT_MS,
  MirrorsErrorCode,
  checkMirrors,
  closeMirrors,
  loadMirrorsConfig,
  localObjectsFromDir,
  openS3Mirrors,
  syncToMirrors,
  type MirrorsConfig,
  type OpenMirrors,
  type VerifyMode,
} from '@potions/mirrors';
import { ExitCode, formatTable, printJson } from '../output';
import { ports, positiveInt } from '../options';

// The AWS SDK warns on every run that Node 20 support ends in 2027; the CLI
// targets Node >= 20 on purpose, so keep the terminal for our own messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Where `potions mirrors serve` keeps its data and its serve.json by default. */
export const DEFAULT_LOCAL_DIR = '.potions/mirrors';
export const LOCAL_DIR_HELP = 'data folder of a running `mirrors serve` (its serve.json says which ports)';

/** What the mirror commands make (injected by tests, which check that every client made is closed). */
export interface MirrorCommandDeps {
  /** Opens the mirrors' targets; the command closes every target it opened. Default `openS3Mirrors`. */
  openMirrors?: OpenMirrors;
}

/**
 * A user's mistake with this command line's hint added: library messages never
 * name options, so the command says which one to change. Anything else is returned as it is.
 */
export function withOptionHint(err: unknown, hints: Readonly<Partial<Record<string, string>>>): unknown {
  if (!isUserError(err)) return err;
  const extra = hints[err.code];
  if (extra === undefined) return err;
  return new UserError(err.code, err.message, {
    ...(err.location ? { location: err.location } : {}),
    hint: err.hint ? `${err.hint}; ${extra}` : extra,
    cause: err,
  });
}

/**
 * The mirrors of `--config`, else of a `potions mirrors serve` running on
 * `localDir` (its serve.json) or on the default ports.
 */
export async function mirrorsFromOptions(configFile: string | undefined, localDir: string): Promise<MirrorsConfig> {
  if (configFile) return loadMirrorsConfig(configFile);
  const running = await findRunningLocalMirrors(localDir);
  if (running) return { minMirrors: 1, mirrors: running };
  throw new UserError(
    LocalMirrorsErrorCode.NotRunning,
    `no --config given and no \`potions mirrors serve\` is running (looked for ${path.join(localDir, SERVE_STATE_FILE)} and ports ${DEFAULT_LOCAL_PORTS.join(', ')})`,
    { hint: 'pass --config mirrors.yaml (see docs/mirrors.md), or start local mirrors with `pnpm potions mirrors serve`' },
  );
}

/** Regular files are synced; symbolic links are skipped (a link could point anywhere). Count them to say so. */
async function skippedLinks(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isSymbolicLink() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

export function registerMirrorsCommand(program: Command, deps: MirrorCommandDeps = {}): void {
  const openMirrors = deps.openMirrors ?? openS3Mirrors;
  const mirrors = program.command('mirrors').description('Sync artifacts to S3-compatible mirrors, serve local ones, check health');

  mirrors
    .command('sync')
    .description('Upload every file in DIR to every mirror (content-addressed), read each back, report per mirror')
    .argument('<dir>', 'folder whose files are the artifacts')
    .option('--config <file>', 'mirrors configuration (YAML or JSON); default: the running `mirrors serve` mirrors')
    .option('--local-dir <dir>', LOCAL_DIR_HELP, DEFAULT_LOCAL_DIR)
    .option('--min-mirrors <n>', 'mirrors that must hold every object (default: the config, else 1)', positiveInt('--min-mirrors'))
    .addOption(
      new Option('--verify <mode>', "how uploads are read back (default: each mirror's; etag where the provider's ETag is the content MD5)").choices([
        'etag',
        'get',
        'head',
      ]),
    )
    .option('--concurrency <n>', 'objects in flight per mirror', positiveInt('--concurrency'), 16)
    .option('--dry-run', 'list the mirrors and print the plan without uploading')
    .option('--json', 'print one JSON document on stdout')
    .option('--verbose', 'debug output (retries)')
    .action(
      async (
        dir: string,
        opts: {
          config?: string;
          localDir: string;
          minMirrors?: number;
          verify?: VerifyMode;
          concurrency: number;
          dryRun?: boolean;
          json?: boolean;
          verbose?: boolean;
        },
      ) => {
        const reporter = new ConsoleReporter({ verbose: opts.verbose ?? false });
        const config = await mirrorsFromOptions(opts.config, path.resolve(opts.localDir));
        const objects = await localObjectsFromDir(dir);
        const links = await skippedLinks(dir);
        if (links.length > 0) {
          reporter.warn(`skipped ${links.length} symbolic link(s) in ${dir} (only regular files are synced): ${links.slice(0, 5).join(', ')}${links.length > 5 ? ', ...' : ''}`);
        }
        if (objects.length === 0) {
          throw new UserError(MirrorsErrorCode.NothingToSync, `no regular files in ${dir}${links.length > 0 ? ` (${links.length} symbolic link(s) skipped)` : ''}`, {
            location: { file: dir },
            hint: 'pass the folder the builds wrote their artifacts to',
          });
        }
        const mirrors = openMirrors(config.mirrors, { reporter });
        let outcome;
        try {
          outcome = await syncToMirrors(objects, {
            mirrors,
            minMirrors: opts.minMirrors ?? config.minMirrors,
            ...(opts.verify ? { verify: opts.verify } : {}),
            concurrency: opts.concurrency,
            dryRun: opts.dryRun ?? false,
            reporter,
          });
        } catch (err) {
          throw withOptionHint(err, { [MirrorsErrorCode.PolicyInvalid]: 'set --min-mirrors (or minMirrors in the configuration) to at most the number of mirrors' });
        } finally {
          await closeMirrors(mirrors);
        }
        if (!outcome.result) {
          if (opts.json) printJson({ dryRun: true, plan: outcome.plan });
          else {
            const rows = outcome.plan.mirrors.flatMap((mp) =>
              mp.error
                ? [[mp.mirror, '(unreachable)', '', mp.error]]
                : mp.actions.map((a) => {
                    const o = outcome.plan.objects[a.object]!;
                    return [mp.mirror, a.action, formatBytes(o.size), `${o.key} (${a.reason})`];
                  }),
            );
            process.stderr.write(`${formatTable(['MIRROR', 'ACTION', 'SIZE', 'KEY'], rows)}\n`);
          }
          // A plan against no reachable mirror plans nothing: that is a failure, not a dry run that passed.
          const reachable = outcome.plan.mirrors.filter((mp) => !mp.error);
          if (reachable.length === 0) {
            process.stderr.write(`dry run FAILED: none of the ${outcome.plan.mirrors.length} mirror(s) could be listed, so nothing could be planned\n`);
            process.exitCode = ExitCode.Failure;
          }
          return;
        }
        const r = outcome.result;
        if (opts.json) printJson(r);
        else {
          const rows = r.mirrors.map((m) => [
            m.mirror,
            String(m.uploaded),
            String(m.skipped),
            String(m.failed),
            formatBytes(m.bytesUploaded),
            `${(m.durationMs / 1000).toFixed(1)} s`,
            m.error ?? '',
          ]);
          process.stderr.write(`${formatTable(['MIRROR', 'UPLOADED', 'PRESENT', 'FAILED', 'BYTES', 'TIME', 'ERROR'], rows)}\n`);
          const short = r.objects.filter((o) => !o.policyMet);
          for (const o of short) process.stderr.write(`not on ${r.minMirrors} mirror(s): ${o.name} (on: ${o.presentOn.join(', ') || 'none'})\n`);
          process.stderr.write(
            r.policyMet
              ? `policy met: every object is on at least ${r.minMirrors} mirror(s)\n`
              : `policy NOT met: ${short.length} object(s) on fewer than ${r.minMirrors} mirror(s)\n`,
          );
        }
        if (!r.policyMet) process.exitCode = ExitCode.Failure;
      },
    );

  mirrors
    .command('serve')
    .description(`Run two embedded S3-protocol mirrors on 127.0.0.1 (ports ${DEFAULT_LOCAL_PORTS.join(', ')}) until interrupted`)
    .option('--dir <dir>', 'data folder (kept between runs)', '.potions/mirrors')
    .option('--ports <ports>', 'comma-separated ports, one per mirror', ports('--ports'), [...DEFAULT_LOCAL_PORTS])
    .option('--json', 'print the mirrors as one JSON document on stdout')
    .action(async (opts: { dir: string; ports: number[]; json?: boolean }) => {
      // announce: writes <dir>/serve.json while serving, so sync, check and publish find non-default ports.
      const local = await startLocalMirrors({
        dir: path.resolve(opts.dir),
        ports: opts.ports,
        count: opts.ports.length,
        reuseRunning: false,
        announce: true,
      }).catch((err: unknown) => {
        throw withOptionHint(err, { [LocalMirrorsErrorCode.PortInUse]: 'another `potions mirrors serve`? choose other ports with --ports (0 picks a free one)' });
      });
      const list = local.mirrors.map((m, i) => ({
        name: m.name,
        endpoint: m.endpoint,
        bucket: m.bucket,
        url: `${m.endpoint}/${m.bucket}/`,
        dataDir: local.dataDirs[i],
        accessKeyId: m.staticCredentials?.accessKeyId,
        secretAccessKey: m.staticCredentials?.secretAccessKey,
      }));
      if (opts.json) printJson({ mirrors: list });
      else {
        process.stderr.write(
          `${formatTable(
            ['NAME', 'ENDPOINT', 'BUCKET', 'DATA'],
            list.map((m) => [m.name, m.endpoint, m.bucket, m.dataDir ?? '']),
          )}\ncredentials: S3RVER / S3RVER (local only); anonymous GETs allowed. Ctrl-C to stop.\n`,
        );
      }
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await local.close();
    });

  mirrors
    .command('check')
    .description('List and read from each mirror; report latency')
    .option('--config <file>', 'mirrors configuration; default: the running `mirrors serve` mirrors')
    .option('--local-dir <dir>', LOCAL_DIR_HELP, DEFAULT_LOCAL_DIR)
    .option('--json', 'print one JSON document on stdout')
    .action(async (opts: { config?: string; localDir: string; json?: boolean }) => {
      const reporter = new ConsoleReporter();
      const config = await mirrorsFromOptions(opts.config, path.resolve(opts.localDir));
      // A health check should not wait two minutes for a dead mirror.
      const mirrors = openMirrors(config.mirrors, { reporter, requestTimeoutMs: CHECK_REQUEST_TIMEOUT_MS });
      let health;
      try {
        health = await checkMirrors(mirrors);
      } finally {
        await closeMirrors(mirrors);
      }
      if (opts.json) printJson({ mirrors: health });
      else {
        process.stderr.write(
          `${formatTable(
            ['MIRROR', 'STATUS', 'LIST', 'READ', 'DETAIL'],
            health.map((h) => [
              h.mirror,
              h.ok ? 'ok' : 'FAILED',
              h.listMs !== undefined ? `${h.listMs} ms` : '',
              h.readMs !== undefined ? `${h.readMs} ms` : '',
              h.error ?? (h.readKey ? `read ${h.readKey}` : 'no artifacts yet'),
            ]),
          )}\n`,
        );
      }
      if (health.some((h) => !h.ok)) process.exitCode = ExitCode.Failure;
    });
}
