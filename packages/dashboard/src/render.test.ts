import { createHash } from 'node:crypto';
import { ManifestSchema } from '@potions/manifest';
import type { Manifest } from '@potions/manifest';
import { healthRecord, healthSample } from '@potions/metrics/testing';
import { renderDashboard } from './render';
import type { DashboardManifest } from './render';
import { sampleDashboardInput, sampleManifest } from './testing';

const INJECTION = '<img src=x onerror=alert(1)>';

describe('renderDashboard', () => {
  it('gives the same bytes for the same input', () => {
    const a = renderDashboard(sampleDashboardInput());
    expect(renderDashboard(sampleDashboardInput())).toBe(a);
    expect(a.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
  });

  it('escapes names and reasons from the data: an injection attempt shows as text, never as markup', () => {
    const page = renderDashboard(
      sampleDashboardInput({ manifest: sampleManifest({ firstName: INJECTION, reason: `${INJECTION} and <script>alert("x")</script> & 'quotes'` }) }),
    );
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<script');
    expect(page).toContain('<th scope="row">&lt;img src=x onerror=alert(1)&gt;</th>');
    expect(page).toContain('data-package="&lt;img src=x onerror=alert(1)&gt;"');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt; and &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
  });

  it('escapes mirror names, object keys and error text from health records too', () => {
    const page = renderDashboard({
      manifest: { packages: {} },
      health: [healthRecord({ time: '2026-11-30T00:00:00Z', mirrors: [healthSample({ mirror: `"><svg onload=alert(1)>`, objects: { checked: 1, missing: [`k<b>`], corrupt: [] } })] })],
      now: () => new Date('2026-11-30T12:00:00Z'),
    });
    expect(page).not.toMatch(/<svg onload/);
    expect(page).not.toContain('<b>');
    expect(page).toContain('data-mirror="&quot;&gt;&lt;svg onload=alert(1)&gt;"');
    expect(page).toContain('<code>k&lt;b&gt;</code>');
  });

  it('loads nothing and runs nothing: no script, no src or href, and a CSP that allows only its own style', () => {
    const page = renderDashboard(sampleDashboardInput());
    expect(page).not.toMatch(/<script|\ssrc=|\shref=|<link|<iframe|<object|@import|url\(/i);
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}'; img-src 'none'; base-uri 'none'; form-action 'none'">`);
  });

  it('shows every package version and platform: available, unavailable with its reason, withdrawn with its reason', () => {
    const page = renderDashboard(sampleDashboardInput());
    expect(page.match(/<tr class="pkg"/g)).toHaveLength(4);
    expect(page.match(/<span class="badge available">/g)).toHaveLength(14);
    expect(page).toContain('<span class="badge unavailable">unavailable</span><span class="reason">the build failed: linker error (ld: symbol not found)</span>');
    expect(page).toContain('<span class="badge withdrawn">withdrawn</span> <span class="detail">2026-11-25</span><span class="reason">miscompiled by a broken cross toolchain</span>');
    // Newest version first within a package.
    expect(page.indexOf('data-version="1.7.1"')).toBeLessThan(page.indexOf('data-version="1.6"'));
    expect(page).toContain('Newest versions with binaries for all four platforms: 1 of 3 (33.333%; target 95%).');
  });

  it('draws a latency point per answered health run and marks the runs that did not answer', () => {
    const page = renderDashboard(sampleDashboardInput());
    const wasabi = /<svg[^>]*id="mirror-1-latency"[\s\S]*?<\/svg>/.exec(page)![0];
    expect(wasabi.match(/<circle class="point"/g)).toHaveLength(27);
    expect(wasabi.match(/<rect class="down"/g)).toHaveLength(1);
    expect(wasabi).toContain('aria-label="Latency of wasabi per health run"');
    expect(wasabi).toContain('<title>Latency of wasabi per health run</title>');
  });

  it('renders with no records and no costs, saying "no data" rather than inventing numbers', () => {
    const page = renderDashboard({ manifest: sampleManifest(), now: () => new Date('2026-11-30T12:00:00Z') });
    expect(page.match(/<div class="value">no data<\/div>/g)).toHaveLength(3);
    expect(page).toContain('No cost estimate was given.');
    expect(page).toContain('No health record, download record or cost estimate names a mirror.');
  });

  it('takes a manifest as @potions/manifest types and validates it', () => {
    const body = sampleManifest();
    const hello = body.packages.hello!['2.12']!;
    const valid = {
      schemaVersion: 2,
      version: 42,
      expires: '2026-12-30T00:00:00.000Z',
      packages: { ...body.packages, hello: { '2.12': { ...hello, 'linux-arm64': { status: 'unavailable', reason: 'withdrawn later' } } } },
    };
    const manifest: Manifest = ManifestSchema.parse(valid);
    // A Manifest is a DashboardManifest: the page takes it as it is.
    const asDashboard: DashboardManifest = manifest;
    expect(renderDashboard({ manifest: asDashboard, now: () => new Date('2026-11-30T12:00:00Z') })).toContain('withdrawn later');
  });

  it('refuses an entry whose status it does not know, naming where', () => {
    const manifest = sampleManifest();
    (manifest.packages.jq!['1.6']! as Record<string, unknown>)['linux-amd64'] = { status: 'pending' };
    expect(() => renderDashboard({ manifest })).toThrow(
      expect.objectContaining({ code: 'E_DASHBOARD_INPUT', location: { field: 'packages.jq.1.6.linux-amd64.status' } }),
    );
    expect(() => renderDashboard({ manifest: sampleManifest(), maxPoints: 0 })).toThrow(expect.objectContaining({ code: 'E_DASHBOARD_OPTION' }));
  });
});
