import path from 'node:path';
import { metricsRecorderFromSettings, metricsSettingsFromEnv } from './settings';

const stateDir = '/home/u/.local/state/potions';

describe('metricsSettingsFromEnv', () => {
  it('is off unless asked for', () => {
    expect(metricsSettingsFromEnv({}, { stateDir })).toBeUndefined();
    expect(metricsSettingsFromEnv({ POTIONS_METRICS: 'off' }, { stateDir })).toBeUndefined();
    expect(metricsSettingsFromEnv({ POTIONS_METRICS: '0' }, { stateDir })).toBeUndefined();
  });

  it('records to the state folder when turned on, to a given file, or to an endpoint', () => {
    expect(metricsSettingsFromEnv({ POTIONS_METRICS: 'on' }, { stateDir })).toEqual({ file: path.join(stateDir, 'metrics', 'downloads.jsonl') });
    expect(metricsSettingsFromEnv({ POTIONS_METRICS_FILE: 'm.jsonl' }, { stateDir })).toEqual({ file: path.resolve('m.jsonl') });
    expect(metricsSettingsFromEnv({ POTIONS_METRICS_URL: 'https://m.example/in', POTIONS_METRICS_TOKEN: 'tok' }, { stateDir })).toEqual({
      url: 'https://m.example/in',
      token: 'tok',
    });
    expect(metricsSettingsFromEnv({ POTIONS_METRICS_URL: 'https://m.example/in', POTIONS_METRICS_FILE: '/tmp/m.jsonl' }, { stateDir })).toEqual({
      url: 'https://m.example/in',
      file: '/tmp/m.jsonl',
    });
  });

  it('refuses a value it does not understand, naming the variable', () => {
    expect(() => metricsSettingsFromEnv({ POTIONS_METRICS: 'maybe' }, { stateDir })).toThrow(
      expect.objectContaining({ code: 'E_METRICS_SETTINGS', message: 'POTIONS_METRICS must be "on" or "off", got "maybe"' }),
    );
    expect(() => metricsSettingsFromEnv({ POTIONS_METRICS_URL: 'file:///tmp/x' }, { stateDir })).toThrow(
      expect.objectContaining({ code: 'E_METRICS_SETTINGS', location: { field: 'POTIONS_METRICS_URL' } }),
    );
  });
});

describe('metricsRecorderFromSettings', () => {
  it('makes no recorder when metrics are off', () => {
    expect(metricsRecorderFromSettings(undefined)).toBeUndefined();
    expect(metricsRecorderFromSettings({})).toBeUndefined();
  });
});
