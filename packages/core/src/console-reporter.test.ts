import { Writable } from 'node:stream';
import { ConsoleReporter, escapeControlChars } from './console-reporter';

/** A stream that keeps what is written, TTY or not. */
function sink(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const w = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  (w as { isTTY?: boolean }).isTTY = isTTY;
  return { stream: w, text: () => out };
}

describe('ConsoleReporter', () => {
  it('prints a progress line every few seconds when the output is a log, not a TTY', () => {
    let now = 0;
    const s = sink(false);
    const r = new ConsoleReporter({ stream: s.stream, lineInterval: 5, clock: () => now });
    const p = r.progress('jq.tar.gz', 4 * 1024 * 1024);
    p.update(0);
    now = 1000;
    p.update(1024 * 1024);
    expect(s.text()).toBe('');
    now = 6000;
    p.update(2 * 1024 * 1024);
    expect(s.text()).toBe('jq.tar.gz 50% 2.0 MiB/4.0 MiB 341.3 KiB/s\n');
    p.done('done');
    expect(s.text().split('\n')).toContain('jq.tar.gz done');
  });

  it('redraws one bar in place on a TTY', () => {
    let now = 0;
    const s = sink(true);
    const r = new ConsoleReporter({ stream: s.stream, clock: () => now });
    const p = r.progress('file', 100);
    now = 200;
    p.update(50);
    expect(s.text()).toContain('\r');
    expect(s.text()).toContain('[############............] 50%');
  });

  it('counts lines of build output without a byte rate', () => {
    let now = 0;
    const s = sink(false);
    const r = new ConsoleReporter({ stream: s.stream, lineInterval: 1, clock: () => now });
    const p = r.progress('hello make', undefined, 'lines');
    p.update(1);
    now = 2000;
    p.update(120);
    expect(s.text()).toBe('hello make: 120 lines of output\n');
  });

  it('masks secrets in everything it prints', () => {
    const s = sink(false);
    const r = new ConsoleReporter({ stream: s.stream });
    r.secret('hunter2');
    r.info('token hunter2 used');
    r.warn('again hunter2');
    expect(s.text()).not.toContain('hunter2');
    expect(s.text()).toContain('token *** used');
  });

  it('shows control characters and ESC sequences from its messages as escapes, so they cannot drive the terminal', () => {
    const s = sink(true);
    const r = new ConsoleReporter({ stream: s.stream, clock: () => 0 });
    // A file name that would set the window title, clear the screen, and a carriage return that hides the warning.
    const name = 'evil\x1b]0;owned\x07\x1b[2J\rok.tar.gz';
    r.info(`uploaded ${name}`);
    r.warn('bad file', { file: `x\x1b[31m.yml`, line: 3 });
    r.error('C1 CSI \u009b31m and a bidi override \u202etxt.exe');
    const p = r.progress(`get ${name}`, 10);
    p.done('done');
    const out = s.text();
    expect(out).toContain('uploaded evil\\u001b]0;owned\\u0007\\u001b[2J\\u000dok.tar.gz\n');
    expect(out).toContain('warning: x\\u001b[31m.yml:3: bad file\n');
    expect(out).toContain('error: C1 CSI \\u009b31m and a bidi override \\u202etxt.exe\n');
    expect(out).toContain('get evil\\u001b]0;owned\\u0007\\u001b[2J\\u000dok.tar.gz done\n');
    // What reaches the terminal raw is only the bar's own erase-line, after its carriage return.
    expect(out.replaceAll('\r\x1b[K', '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('keeps newlines and tabs, masks a secret before escaping', () => {
    const s = sink(false);
    const r = new ConsoleReporter({ stream: s.stream });
    r.secret('se\x1bcret');
    r.info('a\tb\nc se\x1bcret');
    expect(s.text()).toBe('a\tb\nc ***\n');
  });
});

describe('escapeControlChars', () => {
  it('writes every C0, DEL and C1 character but newline and tab as \\uXXXX', () => {
    expect(escapeControlChars('\x00\x01\x08\x0b\x0c\x0d\x1b\x7f\x80\x9f')).toBe('\\u0000\\u0001\\u0008\\u000b\\u000c\\u000d\\u001b\\u007f\\u0080\\u009f');
    expect(escapeControlChars('line\n\tindented, ünïcödé, 名前')).toBe('line\n\tindented, ünïcödé, 名前');
  });
});
