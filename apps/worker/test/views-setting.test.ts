import { describe, expect, it } from 'vitest';
import { viewPolicyOptions } from '@airlock/analysis';
import { workerConfigFromEnv } from '../src/config.js';

describe('AIRLOCK_VIEWS', () => {
  it('is auto by default; all and none switch every extra view; anything else, or the retired AIRLOCK_ALL_VIEWS, stops the worker at start', () => {
    expect(workerConfigFromEnv({}).views).toBe('auto');
    expect(workerConfigFromEnv({ AIRLOCK_VIEWS: 'all' }).views).toBe('all');
    expect(workerConfigFromEnv({ AIRLOCK_VIEWS: 'none' }).views).toBe('none');
    expect(() => workerConfigFromEnv({ AIRLOCK_VIEWS: 'windows' })).toThrow(/AIRLOCK_VIEWS must be auto, all or none \(got "windows"\)/);
    expect(() => workerConfigFromEnv({ AIRLOCK_ALL_VIEWS: '1' })).toThrow(/AIRLOCK_VIEWS=all/);
  });

  it('is one switch for every extra view: all forces each, none turns each off, auto leaves them to the planner', () => {
    expect(viewPolicyOptions('all')).toEqual({ allViews: true, platformViews: 'all' });
    expect(viewPolicyOptions('none')).toEqual({ platformViews: false, ciProfile: false, timeView: false, callView: false });
    expect(viewPolicyOptions('auto')).toEqual({ platformViews: 'auto' });
  });
});
