import { describe, expect, it } from 'vitest';
import { workerConfigFromEnv } from '../src/config.js';

describe('AIRLOCK_VIEWS', () => {
  it('is auto by default; all and none force every platform view or none; anything else stops the worker at start', () => {
    expect(workerConfigFromEnv({}).platformViews).toBe('auto');
    expect(workerConfigFromEnv({ AIRLOCK_VIEWS: 'all' }).platformViews).toBe('all');
    expect(workerConfigFromEnv({ AIRLOCK_VIEWS: 'none' }).platformViews).toBe(false);
    expect(() => workerConfigFromEnv({ AIRLOCK_VIEWS: 'windows' })).toThrow(/AIRLOCK_VIEWS must be auto, all or none \(got "windows"\)/);
  });
});
