import { describe, expect, it } from 'vitest';
import { tarballEntries, type LockEntry } from '../src/fetch-npm-tree.js';

const REGISTRY = 'https://registry.npmjs.org/';
const fromRegistry = (name: string): LockEntry => ({
  version: '1.0.0',
  resolved: `${REGISTRY}${name}/-/${name}-1.0.0.tgz`,
  integrity: 'sha512-x',
});

describe('tarballEntries', () => {
  it('fetches registry entries and leaves bundled ones to the tarball of the package above them', () => {
    const packages: Record<string, LockEntry> = {
      '': { name: 'app' },
      'node_modules/wasi': fromRegistry('wasi'),
      'node_modules/wasi/node_modules/@emnapi/core': { version: '1.4.0', inBundle: true },
      'node_modules/wasi/node_modules/@emnapi/core/node_modules/tslib': { version: '2.8.0', inBundle: true },
    };
    expect(tarballEntries(packages, [REGISTRY], 'x').map((e) => e.location)).toEqual(['node_modules/wasi']);
  });

  it('refuses a bundled entry with no package tarball above it, and an entry from elsewhere', () => {
    expect(() => tarballEntries({ 'node_modules/lone': { version: '1.0.0', inBundle: true } }, [REGISTRY], 'x')).toThrow(
      /node_modules\/lone does not come from the registry/,
    );
    expect(() =>
      tarballEntries(
        {
          'node_modules/linked': { resolved: '../elsewhere', link: true },
          'node_modules/linked/node_modules/b': { version: '1.0.0', inBundle: true },
        },
        [REGISTRY],
        'x',
      ),
    ).toThrow(/node_modules\/linked does not come/);
    expect(() =>
      tarballEntries({ 'node_modules/evil': { ...fromRegistry('evil'), resolved: 'https://evil.test/evil.tgz' } }, [REGISTRY], 'x'),
    ).toThrow(/resolved https:\/\/evil.test\/evil.tgz/);
  });
});
