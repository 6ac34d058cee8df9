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

describe('tarballEntries on an install platform', () => {
  const linux = { os: 'linux', cpu: 'x64', libc: 'glibc' };
  const packages: Record<string, LockEntry> = {
    'node_modules/tool': fromRegistry('tool'),
    'node_modules/tool-linux-x64': { ...fromRegistry('tool-linux-x64'), optional: true, os: ['linux'], cpu: ['x64'] },
    'node_modules/tool-win32-x64': { ...fromRegistry('tool-win32-x64'), optional: true, os: ['win32'], cpu: ['x64'] },
    'node_modules/tool-linux-arm64': { ...fromRegistry('tool-linux-arm64'), optional: true, os: ['linux'], cpu: ['arm64'] },
    'node_modules/tool-linux-musl': { ...fromRegistry('tool-linux-musl'), optional: true, os: ['linux'], libc: ['musl'] },
    'node_modules/tool-not-windows': { ...fromRegistry('tool-not-windows'), optional: true, os: ['!win32'] },
    // Not optional: npm fails on it (EBADPLATFORM) rather than skipping it, so it is fetched and the install says so.
    'node_modules/required-darwin': { ...fromRegistry('required-darwin'), os: ['darwin'] },
  };

  it("skips the optional packages npm skips there (another OS's, CPU's or libc's binaries), and only those", () => {
    expect(tarballEntries(packages, [REGISTRY], 'x', linux).map((e) => e.location)).toEqual([
      'node_modules/tool',
      'node_modules/tool-linux-x64',
      'node_modules/tool-not-windows',
      'node_modules/required-darwin',
    ]);
    expect(tarballEntries(packages, [REGISTRY], 'x')).toHaveLength(7);
  });
});
