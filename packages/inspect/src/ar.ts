/**
 * The members of a Unix `ar` archive (static libraries: `libz.a`), so that the
 * objects inside can be checked against the platform like any other code. Both
 * variants: GNU (`/` symbol table, `//` long names, `name/`) and BSD (`#1/<n>`
 * names stored before the data). Bounded like every other reader here.
 */
import { ByteView } from './byte-view';

const AR_MAGIC = '!<arch>\n';
const HEADER = 60;

export interface ArMember {
  name: string;
  /** The member's data, without a BSD long name. */
  offset: number;
  size: number;
}

export function isArArchive(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).toString('latin1') === AR_MAGIC;
}

function field(view: ByteView, at: number, size: number): string {
  return Buffer.from(view.bytes.subarray(at, at + size)).toString('latin1').trimEnd();
}

/** The data members (symbol tables and the long-name table left out), at most `limit` of them. */
export function arMembers(bytes: Uint8Array, file?: string, limit = 100_000): ArMember[] {
  const view = new ByteView(bytes, true, file, 'ar archive');
  if (!isArArchive(bytes)) throw view.malformed('it does not start with "!<arch>"');
  const members: ArMember[] = [];
  let longNames = '';
  let at = 8;
  while (at + HEADER <= bytes.length && members.length < limit) {
    const what = `the member header at offset ${at}`;
    view.check(at, HEADER, what);
    if (bytes[at + 58] !== 0x60 || bytes[at + 59] !== 0x0a) throw view.malformed(`${what} does not end with "\`\\n"`);
    const rawName = field(view, at, 16);
    const sizeText = field(view, at + 48, 10);
    if (!/^\d+$/.test(sizeText)) throw view.malformed(`${what} has size ${JSON.stringify(sizeText)}`);
    let size = Number(sizeText);
    let offset = at + HEADER;
    view.check(offset, size, `member ${JSON.stringify(rawName)}`);
    const next = offset + size + ((offset + size) % 2);
    let name = rawName;
    if (rawName === '//') {
      longNames = Buffer.from(bytes.subarray(offset, offset + size)).toString('latin1');
      at = next;
      continue;
    }
    if (rawName === '/' || rawName === '/SYM64/' || rawName.startsWith('__.SYMDEF')) {
      at = next;
      continue;
    }
    const bsd = /^#1\/(\d+)$/.exec(rawName);
    const gnuLong = /^\/(\d+)$/.exec(rawName);
    if (bsd) {
      const n = Number(bsd[1]);
      if (n > size) throw view.malformed(`member name length ${n} is longer than the member (${size} bytes)`);
      name = view.fixedString(offset, n, 'a member name');
      offset += n;
      size -= n;
      if (name.startsWith('__.SYMDEF')) {
        at = next;
        continue;
      }
    } else if (gnuLong) {
      const start = Number(gnuLong[1]);
      const end = longNames.indexOf('/\n', start);
      name = end > start ? longNames.slice(start, end) : rawName;
    } else if (name.endsWith('/')) {
      name = name.slice(0, -1);
    }
    members.push({ name, offset, size });
    at = next;
  }
  return members;
}
