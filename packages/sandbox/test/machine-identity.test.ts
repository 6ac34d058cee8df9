import { describe, expect, it } from 'vitest';
import { machineIdentity } from '../src/machine-identity.js';

describe('the per-run machine identity', () => {
  it('is the same for a seed and differs across seeds, so no constant name fingerprints the sandbox', () => {
    expect(machineIdentity(42)).toEqual(machineIdentity(42));
    const seen = new Set(Array.from({ length: 200 }, (_, seed) => machineIdentity(seed).hostname));
    expect(seen.size).toBeGreaterThan(100);
    expect(seen.has('jordan-thinkpad')).toBe(false);
  });

  it('gives plausible names: a hostname of at least 8 characters (searched in egress) and a lowercase account name', () => {
    for (let seed = 0; seed < 500; seed += 1) {
      const { hostname, user } = machineIdentity(seed * 7919);
      expect(hostname, String(seed)).toMatch(/^[a-z][a-z0-9-]{7,30}$/);
      expect(user, String(seed)).toMatch(/^[a-z][a-z.]{2,20}$/);
    }
  });
});
