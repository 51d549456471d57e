import { PLATFORMS, UserError, isPlatform, type Platform } from '@potions/core';
import { ScheduleErrorCode } from './errors';

/**
 * The GitHub-hosted runner each platform builds on by default: a real machine
 * of that platform (no cross builds), on the current images. Callers override
 * any of them (larger runners, self-hosted labels).
 */
export const DEFAULT_RUNNERS: Readonly<Record<Platform, string>> = {
  'darwin-x86_64': 'macos-15-intel',
  'darwin-arm64': 'macos-15',
  'linux-amd64': 'ubuntu-24.04',
  'linux-arm64': 'ubuntu-24.04-arm',
};

/** The runner map with the caller's overrides; a key that is not a platform, or an empty label, is a UserError. */
export function runnersFor(overrides: Readonly<Record<string, string>> = {}): Record<Platform, string> {
  const out: Record<Platform, string> = { ...DEFAULT_RUNNERS };
  for (const [key, label] of Object.entries(overrides)) {
    if (!isPlatform(key)) {
      throw new UserError(ScheduleErrorCode.Option, `runner map: "${key}" is not a platform`, { hint: `use one of: ${PLATFORMS.join(', ')}` });
    }
    if (typeof label !== 'string' || label.trim() === '') {
      throw new UserError(ScheduleErrorCode.Option, `runner map: the runner label of ${key} is empty`, { hint: `e.g. ${key}: ${DEFAULT_RUNNERS[key]}` });
    }
    out[key] = label.trim();
  }
  return out;
}
