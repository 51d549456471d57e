/**
 * Test helpers other packages may use (`@potions/archive/testing`): write tar
 * archives entry by entry, including the hostile ones no honest tool makes.
 */
import { Header, Pax } from 'tar';

export interface TarEntrySpec {
  path: string;
  /** node-tar type name: 'File' (default), 'Directory', 'SymbolicLink', 'Link', 'CharacterDevice', 'FIFO', ... */
  type?: string;
  body?: string | Buffer;
  linkpath?: string;
  mode?: number;
  /** Declared size, when it should differ from the body (a header that lies). */
  size?: number;
  mtime?: Date;
}

/**
 * A tar archive as bytes; ends with the two zero blocks unless `truncate` is set.
 * A path or link target longer than the ustar header holds gets a pax
 * extended header before its entry, as GNU tar and node-tar write it.
 */
export function makeTar(entries: readonly TarEntrySpec[], options: { truncate?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = e.body === undefined ? Buffer.alloc(0) : Buffer.from(e.body);
    const type = e.type ?? 'File';
    const header = new Header({
      path: e.path,
      type: type as never,
      mode: e.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size: e.size ?? body.length,
      mtime: e.mtime ?? new Date(1_600_000_000_000),
      linkpath: e.linkpath,
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
    });
    const block = Buffer.alloc(512);
    const needsPax = header.encode(block);
    if (needsPax) blocks.push(new Pax({ path: e.path, linkpath: e.linkpath, mtime: e.mtime ?? new Date(1_600_000_000_000) }).encode());
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  if (!options.truncate) blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
