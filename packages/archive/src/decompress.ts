/**
 * Decompression streams.
 *
 * gzip goes through node:zlib. xz, bzip2 and zstd go through the system's
 * `xz`, `bzip2` and `zstd` programs, spawned with an argument vector and
 * streaming the file on stdin to stdout. Why programs rather than npm
 * libraries: they are the reference implementations (multi-stream and
 * multi-block xz, every zstd frame type), fast, maintained by their authors,
 * already present on GitHub's runners and in Debian (`.ci/apt-packages.txt`),
 * and need neither a native addon build nor a WASM blob; the pure-JS ports
 * (e.g. for bzip2) are slow and thinly maintained. Node 20's zlib has no zstd.
 * The exit status is checked, so a truncated or damaged stream is an error,
 * not a short archive.
 */
import { spawn } from 'node:child_process';
import { createReadStream, promises as fs } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Compression } from './detect';
import { ArchiveErrorCode, archiveError } from './errors';

interface Tool {
  program: string;
  args: string[];
  hint: string;
}

const TOOLS: Record<'xz' | 'bzip2' | 'zstd', Tool> = {
  xz: { program: 'xz', args: ['-d', '-c', '-q'], hint: 'install xz-utils (apt) or xz (Homebrew)' },
  bzip2: { program: 'bzip2', args: ['-d', '-c', '-q'], hint: 'install bzip2 (apt, Homebrew)' },
  zstd: { program: 'zstd', args: ['-d', '-c', '-q'], hint: 'install zstd (apt, Homebrew)' },
};

const STDERR_KEEP = 4096;

/**
 * The decompressed bytes of `file`. The generator ends normally only when the
 * whole stream decompressed cleanly; damage is an `E_ARCHIVE_CORRUPT` error.
 * Stopping early (break/return) kills the decompressor.
 */
export async function* decompressFile(file: string, compression: Compression): AsyncGenerator<Buffer> {
  if (compression === 'none') {
    yield* readChunks(createReadStream(file), file);
    return;
  }
  if (compression === 'gzip') {
    const src = createReadStream(file);
    const gunzip = createGunzip();
    src.on('error', (err) => gunzip.destroy(err));
    src.pipe(gunzip);
    try {
      yield* readChunks(gunzip, file);
    } finally {
      src.destroy();
      gunzip.destroy();
    }
    return;
  }
  yield* spawnTool(TOOLS[compression], file);
}

async function* readChunks(stream: AsyncIterable<unknown>, file: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    if (isUserErrorLike(err)) throw err;
    throw archiveError(ArchiveErrorCode.Corrupt, `${file} cannot be decompressed: ${(err as Error).message}`, { cause: err, file });
  }
}

function isUserErrorLike(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { userError?: unknown }).userError === true;
}

async function* spawnTool(tool: Tool, file: string): AsyncGenerator<Buffer> {
  const fh = await fs.open(file, 'r');
  let spawnError: NodeJS.ErrnoException | undefined;
  let stderr = '';
  // Every listener is attached before the first await, so no event is missed.
  const child = spawn(tool.program, tool.args, { stdio: [fh.fd, 'pipe', 'pipe'] });
  child.on('error', (err) => (spawnError = err));
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => resolve([code, signal])),
  );
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < STDERR_KEEP) stderr += d.toString('utf8');
  });
  let finished = false;
  try {
    for await (const chunk of child.stdout!) yield chunk as Buffer;
    const [code, signal] = await closed;
    finished = true;
    if (spawnError) throw toolError(tool, file, spawnError);
    if (code !== 0) {
      const why = stderr.trim() || (signal ? `killed by ${signal}` : `exit status ${code}`);
      throw archiveError(ArchiveErrorCode.Corrupt, `${file} cannot be decompressed with ${tool.program}: ${why}`, { file });
    }
  } catch (err) {
    if (spawnError) throw toolError(tool, file, spawnError);
    throw err;
  } finally {
    if (!finished && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await fh.close();
  }
}

function toolError(tool: Tool, file: string, err: NodeJS.ErrnoException): Error {
  if (err.code === 'ENOENT') {
    return archiveError(ArchiveErrorCode.ToolMissing, `${file} needs the ${tool.program} program, which is not installed`, {
      hint: tool.hint,
      file,
    });
  }
  return archiveError(ArchiveErrorCode.Corrupt, `${file}: running ${tool.program} failed: ${err.message}`, { cause: err, file });
}
