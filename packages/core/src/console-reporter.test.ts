import { Writable } from 'node:stream';
import { ConsoleReporter } from './console-reporter';

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
});
