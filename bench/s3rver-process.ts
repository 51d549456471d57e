/** One local s3rver in its own process for bench/sync.ts: argv = data dir, comma-separated extra buckets. Prints the port. */
import { startLocalMirrors } from '../packages/local-mirrors/src/index';

const [dir, buckets] = process.argv.slice(2);
const local = await startLocalMirrors({ dir: dir!, count: 1, extraBuckets: buckets ? buckets.split(',') : [] });
process.stdout.write(`${new URL(local.mirrors[0]!.endpoint).port}\n`);
process.on('SIGTERM', () => void local.close().then(() => process.exit(0)));
