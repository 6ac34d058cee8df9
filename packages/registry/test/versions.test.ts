import { describe, expect, it } from 'vitest';
import { compareVersions, previousVersion } from '../src/versions.js';

describe('previousVersion', () => {
  it('picks the highest lower npm version by semver, not by string order', () => {
    expect(previousVersion('npm', '1.10.0', ['1.9.0', '1.2.0', '1.10.1', '2.0.0', 'not-a-version'])).toBe('1.9.0');
    expect(previousVersion('npm', '1.0.0', ['1.0.0', '2.0.0'])).toBeNull();
    expect(previousVersion('npm', '2.0.0', ['2.0.0-rc.1', '1.9.9'])).toBe('2.0.0-rc.1');
  });

  it('orders PyPI versions by PEP 440', () => {
    expect(previousVersion('pypi', '2.0', ['1.10', '1.9', '2.0rc1', '2.0.post1'])).toBe('2.0rc1');
    expect(compareVersions('pypi', '1.0.post1', '1.0')).toBeGreaterThan(0);
    expect(compareVersions('npm', 'x', '1.0.0')).toBeNull();
  });
});
