/**
 * The dashboard in a real browser: Debian's headless Chromium loads the page
 * from an HTTP server on 127.0.0.1 (as a mirror would serve it), a screenshot
 * is taken and checked, and the test reads what the page shows through the
 * DOM. Every request the page makes is recorded: there must be only the page.
 */
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { DASHBOARD_CONTENT_TYPE, DASHBOARD_FILE, renderDashboard } from './render';
import { sampleDashboardInput, sampleManifest } from './testing';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const INJECTION = '<img src=x onerror=alert(1)>';
const VIEWPORT = { width: 1280, height: 900 };

const browserTests = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  console.warn(`dashboard browser test skipped: ${CHROMIUM} is missing (install the Debian package chromium; CI does, from .ci/apt-packages.txt)`);
}

browserTests(`the dashboard in headless Chromium (${CHROMIUM})`, () => {
  let server: http.Server;
  let origin: string;
  let browser: Browser;
  let shots: string;
  const page = renderDashboard(sampleDashboardInput({ manifest: sampleManifest({ reason: `${INJECTION} linker error` }) }));

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === `/potions/${DASHBOARD_FILE}`) {
        res.writeHead(200, { 'content-type': DASHBOARD_CONTENT_TYPE });
        res.end(page);
        return;
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    shots = await fs.mkdtemp(path.join(os.tmpdir(), 'potions-dashboard-'));
  });
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await fs.rm(shots, { recursive: true, force: true });
  });

  it('shows the packages, a withdrawn badge, the charts and the reason as text, loading nothing but the page', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const tab = await context.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    const errors: string[] = [];
    tab.on('request', (r) => requests.push(r.url()));
    tab.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const response = await tab.goto(`${origin}/potions/${DASHBOARD_FILE}`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);

    // Rows: one per package version, in name order, newest version first.
    const rows = await tab.$$eval('#packages-table tbody tr.pkg', (trs) => trs.map((tr) => `${tr.getAttribute('data-package')} ${tr.getAttribute('data-version')}`));
    expect(rows).toEqual(['hello 2.12', 'jq 1.7.1', 'jq 1.6', 'ripgrep 14.1.1']);
    const withdrawn = await tab.$$eval('td.entry.withdrawn', (tds) => tds.map((td) => ({ platform: td.getAttribute('data-platform'), badge: td.querySelector('.badge')?.textContent, reason: td.querySelector('.reason')?.textContent })));
    expect(withdrawn).toEqual([{ platform: 'linux-arm64', badge: 'withdrawn', reason: 'miscompiled by a broken cross toolchain' }]);
    expect(await tab.isVisible('td.entry.withdrawn .badge')).toBe(true);

    // The injected reason is text on the page, not an element.
    const reason = await tab.$eval('td.entry.unavailable .reason', (el) => el.textContent);
    expect(reason).toBe(`${INJECTION} linker error`);
    expect(await tab.$$eval('img, script, iframe, object', (els) => els.length)).toBe(0);

    // The latency chart of each mirror: a circle per answered run, a mark per run that was not.
    const charts = await tab.$$eval('section.mirror', (sections) =>
      sections.map((s) => ({
        mirror: s.getAttribute('data-mirror'),
        label: s.querySelector('svg.chart')?.getAttribute('aria-label'),
        role: s.querySelector('svg.chart')?.getAttribute('role'),
        points: s.querySelectorAll('svg.chart circle.point').length,
        down: s.querySelectorAll('svg.chart rect.down').length,
        tableRows: s.querySelectorAll('table.runs tbody tr').length,
        width: Math.round(s.querySelector('svg.chart')!.getBoundingClientRect().width),
      })),
    );
    expect(charts).toEqual([
      { mirror: 'r2', label: 'Latency of r2 per health run', role: 'img', points: 28, down: 0, tableRows: 28, width: 600 },
      { mirror: 'wasabi', label: 'Latency of wasabi per health run', role: 'img', points: 27, down: 1, tableRows: 28, width: 600 },
    ]);
    const verdicts = await tab.$$eval('#success-metrics .card', (cards) => cards.map((c) => [c.getAttribute('data-metric'), c.querySelector('.verdict')?.textContent]));
    expect(verdicts).toEqual([
      ['availability', 'met'],
      ['download-failure-rate', 'not met'],
      ['download-time', 'met'],
    ]);
    expect(await tab.$$eval('#download-time rect.bar', (bars) => bars.length)).toBe(3);
    expect(await tab.textContent('#costs-table-0 tbody tr:last-child')).toContain('$6.99');

    // The style applied (the CSP let it through): the withdrawn badge has its background.
    // (The callback runs in the page; its window is typed here by hand: the project compiles without the DOM library.)
    const badgeBackground = await tab.$eval(
      'td.entry.withdrawn .badge',
      (el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor,
    );
    expect(badgeBackground).toBe('rgb(255, 248, 197)');

    // A screenshot of the viewport: a PNG of the expected size that is not blank.
    const file = path.join(shots, 'dashboard.png');
    await tab.screenshot({ path: file });
    const png = PNG.sync.read(await fs.readFile(file));
    expect([png.width, png.height]).toEqual([VIEWPORT.width, VIEWPORT.height]);
    const colours = new Set<number>();
    let dark = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      colours.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);
      if (png.data[i]! < 100 && png.data[i + 1]! < 100 && png.data[i + 2]! < 100) dark++;
    }
    expect(colours.size).toBeGreaterThan(50);
    // Text is drawn: well over 0.5% of the pixels are dark.
    expect(dark / (png.width * png.height)).toBeGreaterThan(0.005);

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([`${origin}/potions/${DASHBOARD_FILE}`]);
    await context.close();
  });
});
