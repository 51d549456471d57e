import path from 'node:path';
import { type Command, Option } from 'commander';
import { ConsoleReporter, UserError, formatBytes } from '@potions/core';
import {
  DEFAULT_LOCAL_PORTS,
  checkMirrors,
  isLocalMirrorRunning,
  loadMirrorsConfig,
  localMirrorConfig,
  localObjectsFromDir,
  startLocalMirrors,
  syncToMirrors,
  type MirrorsConfig,
  type VerifyMode,
} from '@potions/mirrors';
import { ExitCode, formatTable, printJson } from '../output';

// The AWS SDK warns on every run that Node 20 support ends in 2027; the CLI
// targets Node >= 20 on purpose, so keep the terminal for our own messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UserError('CLI_BAD_OPTION', `${name} must be a whole number of at least 1, got ${JSON.stringify(v)}`);
    return n;
  };
}

function parsePorts(v: string): number[] {
  const ports = v.split(',').map((p) => Number(p.trim()));
  if (ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) {
    throw new UserError('CLI_BAD_OPTION', `--ports must be comma-separated port numbers, got ${JSON.stringify(v)}`);
  }
  return ports;
}

/** The configured mirrors, or the embedded ones started by `potions mirrors serve`. */
async function mirrorsFrom(config: string | undefined): Promise<MirrorsConfig> {
  if (config) return loadMirrorsConfig(config);
  const up = await Promise.all(DEFAULT_LOCAL_PORTS.map((p) => isLocalMirrorRunning(p)));
  if (up.every(Boolean)) return { minMirrors: 1, mirrors: DEFAULT_LOCAL_PORTS.map((p, i) => localMirrorConfig(i, p)) };
  throw new UserError('MIRRORS_NO_CONFIG', 'no --config given and the embedded mirrors are not running', {
    hint: 'pass --config mirrors.yaml (see docs/mirrors.md), or start local mirrors with `pnpm potions mirrors serve`',
  });
}

export function registerMirrorsCommand(program: Command): void {
  const mirrors = program.command('mirrors').description('Sync artifacts to S3-compatible mirrors, serve local ones, check health');

  mirrors
    .command('sync')
    .description('Upload every file in DIR to every mirror (content-addressed), read each back, report per mirror')
    .argument('<dir>', 'folder whose files are the artifacts')
    .option('--config <file>', 'mirrors configuration (YAML or JSON); default: the running `mirrors serve` mirrors')
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
        opts: { config?: string; minMirrors?: number; verify?: VerifyMode; concurrency: number; dryRun?: boolean; json?: boolean; verbose?: boolean },
      ) => {
        const reporter = new ConsoleReporter({ verbose: opts.verbose ?? false });
        const config = await mirrorsFrom(opts.config);
        const objects = await localObjectsFromDir(dir);
        if (objects.length === 0) throw new UserError('MIRRORS_NOTHING_TO_SYNC', `no files in ${dir}`, { location: { file: dir } });
        const outcome = await syncToMirrors(objects, {
          mirrors: config.mirrors,
          minMirrors: opts.minMirrors ?? config.minMirrors,
          verify: opts.verify,
          concurrency: opts.concurrency,
          dryRun: opts.dryRun ?? false,
          reporter,
        });
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
    .option('--ports <ports>', 'comma-separated ports, one per mirror', parsePorts, [...DEFAULT_LOCAL_PORTS])
    .option('--json', 'print the mirrors as one JSON document on stdout')
    .action(async (opts: { dir: string; ports: number[]; json?: boolean }) => {
      const local = await startLocalMirrors({ dir: path.resolve(opts.dir), ports: opts.ports, count: opts.ports.length, reuseRunning: false });
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
    .option('--json', 'print one JSON document on stdout')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const reporter = new ConsoleReporter();
      const config = await mirrorsFrom(opts.config);
      const health = await checkMirrors(config.mirrors, { reporter });
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
