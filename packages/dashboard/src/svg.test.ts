import { escapeHtml, html } from './html';
import { barChart, lineChart, niceMax, stripChart } from './svg';

describe('escapeHtml and html``', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(html`<td title="${'"><b>'}">${['<i>', html`<em>ok</em>`]}</td>`.text).toBe('<td title="&quot;&gt;&lt;b&gt;">&lt;i&gt;<em>ok</em></td>');
  });
});

describe('charts', () => {
  it('round the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([niceMax(0), niceMax(0.3), niceMax(42), niceMax(100), niceMax(101), niceMax(3100)]).toEqual([1, 0.5, 50, 100, 200, 5000]);
  });

  it('line chart: a circle per value, a mark per missing value, the path broken at the gap', () => {
    const svg = lineChart({
      id: 'c',
      title: 'Latency of <m>',
      description: 'd',
      unit: 'ms',
      points: [
        { time: '2026-11-30T00:00:00Z', value: 10, label: 'a' },
        { time: '2026-11-30T06:00:00Z', value: null, label: 'down <x>' },
        { time: '2026-11-30T12:00:00Z', value: 30, label: 'b' },
        { time: '2026-11-30T18:00:00Z', value: 20, label: 'c' },
      ],
    }).text;
    expect(svg.match(/<circle class="point"/g)).toHaveLength(3);
    expect(svg.match(/<rect class="down"/g)).toHaveLength(1);
    expect(svg).toContain('<path class="line" d="M56.0 122.4 M410.7 67.2 L588.0 94.8"/>');
    expect(svg).toContain('aria-label="Latency of &lt;m&gt;"');
    expect(svg).toContain('<title>down &lt;x&gt;</title>');
    expect(svg).toContain('role="img"');
  });

  it('bar chart: one bar per row, past-target bars marked, long labels shortened on the chart but whole in the tooltip', () => {
    const long = 'a-very-long-artifact-name-1.2.3-linux-amd64.tar.gz';
    const svg = barChart({ id: 'b', title: 't', description: 'd', bars: [{ label: long, value: 12, display: '12 s', tone: 'over' }, { label: 'x', value: 2, display: '2 s' }], target: { value: 10, label: '10 s' } }).text;
    expect(svg.match(/<rect class="bar/g)).toHaveLength(2);
    expect(svg.match(/<rect class="bar over"/g)).toHaveLength(1);
    expect(svg).toContain(`<title>${long}: 12 s</title>`);
    expect(svg).toContain('>a-very-long-artifact-name-1.2.3-l…</text>');
    expect(svg).toContain('<g class="target">');
  });

  it('strip chart: a cell per period, toned by its share', () => {
    const svg = stripChart({ id: 's', title: 't', description: 'd', cells: [{ label: 'a', value: 1 }, { label: 'b', value: 0.95 }, { label: 'c', value: 0.5 }, { label: 'd', value: null }] }).text;
    expect([...svg.matchAll(/class="cell (\w+)"/g)].map((m) => m[1])).toEqual(['full', 'most', 'low', 'none']);
  });
});
