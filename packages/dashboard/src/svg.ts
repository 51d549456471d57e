/**
 * Small charts as inline SVG, drawn here (no chart library, no script, no
 * request): a line chart over time, horizontal bars, and a strip of daily
 * cells. Each is an `<svg role="img">` with a `<title>`, a `<desc>` and an
 * `aria-label`; every mark carries its own `<title>` (a tooltip, and what a
 * screen reader reads), and the page puts a table with the same numbers next
 * to it. Coordinates are rounded to one decimal so the output is the same on
 * every machine.
 */
import { html, trusted } from './html';
import type { Html } from './html';

const r1 = (n: number): string => (Math.round(n * 10) / 10).toFixed(1);

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * power >= max) return m * power;
  return 10 * power;
}

/** `2026-11-30 06:00 UTC` */
export function shortTime(iso: string): string {
  const d = new Date(iso).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)} UTC`;
}

function frame(id: string, width: number, height: number, title: string, description: string, body: Html): Html {
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${id}" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-label="${title}" aria-describedby="${id}-desc"><title>${title}</title><desc id="${id}-desc">${description}</desc>${body}</svg>`;
}

export interface TimePoint {
  time: string;
  /** Null: no measurement (the mirror did not answer), drawn as a mark on the axis. */
  value: number | null;
  /** What the point's tooltip says. */
  label: string;
}

export interface LineChartOptions {
  /** A unique id made by the page (never from data). */
  id: string;
  title: string;
  description: string;
  points: readonly TimePoint[];
  /** Appended to axis labels: `ms`. */
  unit: string;
  width?: number;
  height?: number;
}

/** Values over time: a line through the measured points, a circle per point (`.point`), a mark per missing one (`.down`). */
export function lineChart(o: LineChartOptions): Html {
  const width = o.width ?? 600;
  const height = o.height ?? 180;
  const left = 56;
  const right = 12;
  const top = 12;
  const bottom = 30;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const times = o.points.map((p) => Date.parse(p.time));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (t: number): number => left + (t1 > t0 ? ((t - t0) / (t1 - t0)) * plotW : plotW / 2);
  const yMax = niceMax(Math.max(0, ...o.points.flatMap((p) => (p.value === null ? [] : [p.value]))));
  const y = (v: number): number => top + plotH - (v / yMax) * plotH;
  const axis = html`<g class="axis"><line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}"/><line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}"/>${[0, yMax / 2, yMax].map(
    (v) => html`<line class="grid" x1="${left}" y1="${r1(y(v))}" x2="${left + plotW}" y2="${r1(y(v))}"/><text x="${left - 6}" y="${r1(y(v) + 4)}" text-anchor="end">${formatTick(v)} ${o.unit}</text>`,
  )}${
    o.points.length > 0
      ? html`<text x="${left}" y="${height - 8}">${shortTime(o.points[0]!.time)}</text><text x="${left + plotW}" y="${height - 8}" text-anchor="end">${shortTime(o.points[o.points.length - 1]!.time)}</text>`
      : ''
  }</g>`;
  // One path, broken where a measurement is missing.
  let d = '';
  let pen = false;
  o.points.forEach((p, i) => {
    if (p.value === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${r1(x(times[i]!))} ${r1(y(p.value))} `;
    pen = true;
  });
  const marks = o.points.map((p, i) =>
    p.value === null
      ? html`<rect class="down" x="${r1(x(times[i]!) - 3)}" y="${top + plotH - 8}" width="6" height="8"><title>${p.label}</title></rect>`
      : html`<circle class="point" cx="${r1(x(times[i]!))}" cy="${r1(y(p.value))}" r="3"><title>${p.label}</title></circle>`,
  );
  const body = html`${axis}${d ? html`<path class="line" d="${d.trim()}"/>` : ''}<g class="marks">${marks}</g>${
    o.points.length === 0 ? html`<text class="empty" x="${left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle">no data</text>` : ''
  }`;
  return frame(o.id, width, height, o.title, o.description, body);
}

function formatTick(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

export interface Bar {
  label: string;
  value: number;
  /** The value as printed at the end of the bar. */
  display: string;
  /** `over` marks a bar past the target. */
  tone?: 'ok' | 'over';
}

export interface BarChartOptions {
  id: string;
  title: string;
  description: string;
  bars: readonly Bar[];
  /** A dashed line across the bars, e.g. the 10 s target. */
  target?: { value: number; label: string };
  width?: number;
}

const LABEL_CHARS = 34;

/** Horizontal bars (`.bar`), one per row, with an optional target line. */
export function barChart(o: BarChartOptions): Html {
  const width = o.width ?? 600;
  const rowH = 22;
  const left = 230;
  const right = 90;
  const top = 8;
  const height = top * 2 + Math.max(1, o.bars.length) * rowH + (o.target ? 16 : 0);
  const plotW = width - left - right;
  const max = niceMax(Math.max(o.target?.value ?? 0, ...o.bars.map((b) => b.value)));
  const w = (v: number): number => (Math.max(0, v) / max) * plotW;
  const rows = o.bars.map((b, i) => {
    const yTop = top + i * rowH;
    const label = b.label.length > LABEL_CHARS ? `${b.label.slice(0, LABEL_CHARS - 1)}…` : b.label;
    return html`<g class="row"><text x="${left - 8}" y="${yTop + 15}" text-anchor="end">${label}</text><rect class="bar${b.tone === 'over' ? ' over' : ''}" x="${left}" y="${yTop + 3}" width="${r1(w(b.value))}" height="${rowH - 6}"><title>${b.label}: ${b.display}</title></rect><text x="${r1(left + w(b.value) + 6)}" y="${yTop + 15}">${b.display}</text></g>`;
  });
  const target = o.target
    ? html`<g class="target"><line x1="${r1(left + w(o.target.value))}" y1="${top}" x2="${r1(left + w(o.target.value))}" y2="${height - 14}"/><text x="${r1(left + w(o.target.value))}" y="${height - 3}" text-anchor="middle">${o.target.label}</text></g>`
    : '';
  const body = html`${rows}${target}${o.bars.length === 0 ? html`<text class="empty" x="${width / 2}" y="${top + 15}" text-anchor="middle">no data</text>` : ''}`;
  return frame(o.id, width, height, o.title, o.description, body);
}

export interface StripCell {
  label: string;
  /** 0 to 1; null: nothing measured. */
  value: number | null;
}

/** One cell per period (`.cell`), toned by its share: all, most, less than 90%, none measured. */
export function stripChart(o: { id: string; title: string; description: string; cells: readonly StripCell[]; width?: number }): Html {
  const width = o.width ?? 600;
  const height = 26;
  const n = Math.max(1, o.cells.length);
  const cellW = Math.min(24, (width - 4) / n);
  const cells = o.cells.map((c, i) => {
    const tone = c.value === null ? 'none' : c.value >= 1 ? 'full' : c.value >= 0.9 ? 'most' : 'low';
    return html`<rect class="cell ${trusted(tone)}" x="${r1(2 + i * cellW)}" y="3" width="${r1(Math.max(1, cellW - 2))}" height="20"><title>${c.label}</title></rect>`;
  });
  return frame(o.id, width, height, o.title, o.description, html`${cells}`);
}
