/**
 * Test helpers other packages may use: a manifest body with available,
 * unavailable and withdrawn platforms, and a whole dashboard input made of
 * the sample health records, download records and cost estimate of the
 * metrics and costs packages.
 */
import { createHash } from 'node:crypto';
import { PLATFORMS } from '@potions/core';
import { costsReport } from '@potions/costs';
import { sampleCostInput } from '@potions/costs/testing';
import { sampleMetrics } from '@potions/metrics/testing';
import type { DashboardEntry, DashboardInput, DashboardManifest } from './render';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** An available entry as the manifest has it (well-formed digests made from the names). */
export function availableEntry(name: string, version: string, platform: string, mirrors: readonly string[] = ['https://r2.example.com/potions']): DashboardEntry {
  const file = `${name}-${version}-${platform}.tar.gz`;
  const ref = (f: string, size: number) => ({ file: f, sha256: sha(f), size, urls: mirrors.map((m) => `${m}/artifacts/sha256/${sha(f)}/${f}`) });
  return {
    status: 'available',
    revision: 1,
    build: { version, platform, builtAt: '2026-11-20T10:00:00.000Z', method: 'source' },
    artifacts: [{ format: 'tar.gz', ...ref(file, 1_500_000 + name.length * 1000) }],
    metadata: ref(`${file}.json`, 2048),
  } as DashboardEntry;
}

export interface SampleManifestOptions {
  /** A name to give the first package instead of `jq` (an injection attempt, for escaping tests). */
  firstName?: string;
  /** The reason of the unavailable entry. */
  reason?: string;
}

/**
 * Three packages: jq in two versions (all four platforms in the newest),
 * ripgrep (darwin-x86_64 unavailable with a reason), hello (linux-arm64
 * withdrawn with a reason).
 */
export function sampleManifest(options: SampleManifestOptions = {}): DashboardManifest {
  const all = (name: string, version: string) => Object.fromEntries(PLATFORMS.map((p) => [p, availableEntry(name, version, p)]));
  const jq = options.firstName ?? 'jq';
  return {
    version: 42,
    expires: '2026-12-30T00:00:00.000Z',
    packages: {
      [jq]: { '1.7.1': all(jq, '1.7.1'), '1.6': all(jq, '1.6') },
      ripgrep: {
        '14.1.1': {
          ...all('ripgrep', '14.1.1'),
          'darwin-x86_64': { status: 'unavailable', reason: options.reason ?? 'the build failed: linker error (ld: symbol not found)' },
        },
      },
      hello: {
        '2.12': {
          ...all('hello', '2.12'),
          'linux-arm64': { status: 'withdrawn', reason: 'miscompiled by a broken cross toolchain', withdrawnAt: '2026-11-25T09:00:00.000Z' },
        },
      },
    },
  };
}

/** A full input: the sample manifest, a week of health runs every 6 hours, 200 downloads, and a cost estimate. */
export function sampleDashboardInput(overrides: Partial<DashboardInput> = {}): DashboardInput {
  const until = new Date('2026-11-30T12:00:00.000Z');
  const { records, health } = sampleMetrics({ until });
  return {
    manifest: sampleManifest(),
    health,
    records,
    costs: costsReport(sampleCostInput({ now: until }), {
      now: () => until,
      scenarios: [
        { kind: 'keep-last', versions: 3 },
        { kind: 'move', mirror: 'wasabi', provider: 'r2' },
      ],
    }),
    now: () => until,
    ...overrides,
  };
}
