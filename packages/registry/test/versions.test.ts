import { describe, expect, it } from 'vitest';
import { compareVersions, isExactVersion, isValidRange, previousVersion, versionInRange } from '../src/versions.js';

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

describe('exact versions', () => {
  it('accepts every PEP 440 release spelling and canonical semver, and refuses ranges, tags and wildcards', () => {
    for (const v of ['1.0-1', 'v1.0', '1.0.post1', '2!1.0', '1.0rc1', '1.0+local.7']) expect(isExactVersion('pypi', v), v).toBe(true);
    for (const v of ['>=1.0', '1.*', '1.0,<2', 'latest', '']) expect(isExactVersion('pypi', v), v).toBe(false);
    for (const v of ['1.2.3', '1.2.3-beta.1', '1.2.3+build']) expect(isExactVersion('npm', v), v).toBe(true);
    for (const v of ['^1.2.3', 'v1.2.3', '1.2', 'latest', '1.2.x']) expect(isExactVersion('npm', v), v).toBe(false);
  });
});

describe('version ranges (accepted false positives by range)', () => {
  it('npm: semver ranges', () => {
    expect(versionInRange('npm', '7.0.1', '>=7.0.0 <8')).toBe(true);
    expect(versionInRange('npm', '8.0.0', '>=7.0.0 <8')).toBe(false);
    expect(versionInRange('npm', '1.2.3', '^1.2.0')).toBe(true);
    expect(versionInRange('npm', 'not-a-version', '*')).toBe(false);
    expect(isValidRange('npm', '^1.2.0 || 2.x')).toBe(true);
    expect(isValidRange('npm', 'not a range!')).toBe(false);
  });

  it('PyPI: PEP 440 specifier sets', () => {
    expect(versionInRange('pypi', '2.31.0', '>=2.30,<3')).toBe(true);
    expect(versionInRange('pypi', '3.0.0', '>=2.30,<3')).toBe(false);
    expect(versionInRange('pypi', '1.0.post1', '~=1.0')).toBe(true);
    expect(isValidRange('pypi', '>=2.30,<3')).toBe(true);
    expect(isValidRange('pypi', '^1.2')).toBe(false);
    expect(versionInRange('pypi', '2.31.0', '^1.2')).toBe(false);
  });
});
