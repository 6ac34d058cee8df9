/** package-lock.json v1/v2/v3 and npm-shrinkwrap.json. */
import { readFileSync } from 'node:fs';
import { InventoryError, parseInventory } from '@airlock/inventory';
import { describe, expect, it } from 'vitest';
import { fixture, ids, pkg, skippedNames, thrown } from './fixture.js';

describe('package-lock v3', () => {
  const result = parseInventory('package-lock.json', fixture('package-lock-v3.json'));

  it('lists every registry package once, nested and workspace-nested copies included', () => {
    expect(result.format).toBe('package-lock');
    expect(ids(result)).toEqual([
      '@types/node@20.19.43',
      'argparse@1.0.10',
      'argparse@2.0.1',
      'bundled-parent@1.0.0',
      'esprima@4.0.1',
      'fsevents@2.3.3',
      'js-yaml@3.14.1',
      'js-yaml@4.1.0',
      'lodash@4.17.21',
      'sprintf-js@1.0.3',
      'undici-types@6.21.0',
    ]);
  });

  it('keeps integrity and resolved as written, and reads scoped names from the path', () => {
    expect(pkg(result, 'js-yaml', '3.14.1')).toEqual({
      ecosystem: 'npm',
      name: 'js-yaml',
      version: '3.14.1',
      integrity: 'sha512-okMH7OXXJ7YrN9Ok3/SXrnu4iX9yOk+25nqX4imS2npuvTYDmo/QEZoqwZkYaIDk3jVvBOTOIEgEhaLOynBS9g==',
      resolved: 'https://registry.npmjs.org/js-yaml/-/js-yaml-3.14.1.tgz',
    });
    expect(pkg(result, '@types/node').resolved).toBe('https://registry.npmjs.org/@types/node/-/node-20.19.43.tgz');
  });

  it('reports an npm alias under the real name with the installed name as alias', () => {
    expect(pkg(result, 'lodash')).toMatchObject({ version: '4.17.21', alias: 'lodash-legacy' });
    expect(result.packages.some((p) => p.name === 'lodash-legacy')).toBe(false);
  });

  it('flags dev and optional-only packages, and only those', () => {
    expect(pkg(result, '@types/node').dev).toBe(true); // dev at the root and in the workspace
    expect(pkg(result, 'undici-types').dev).toBe(true);
    expect(pkg(result, 'fsevents').dev).toBe(true); // optional
    expect(pkg(result, 'js-yaml', '4.1.0').dev).toBeUndefined();
  });

  it('skips workspace links, git, file and remote tarball dependencies and bundled copies, with reasons', () => {
    expect(skippedNames(result)).toEqual(['@shop/ui', 'bundled-child', 'left-pad', 'local-tgz', 'tarball-dep']);
    const reason = (name: string) => result.skipped.find((s) => s.name === name)!;
    expect(reason('@shop/ui')).toEqual({
      name: '@shop/ui',
      spec: 'link:packages/ui',
      reason: expect.stringMatching(/link to a local folder/),
    });
    expect(reason('left-pad').reason).toMatch(/git repository/);
    expect(reason('left-pad').spec).toMatch(/^git\+ssh:\/\/git@github\.com\/stevemao\/left-pad\.git#/);
    expect(reason('local-tgz')).toMatchObject({ spec: 'file:vendor/local-tgz-0.1.0.tgz', reason: expect.stringMatching(/local file/) });
    expect(reason('tarball-dep')).toMatchObject({
      spec: 'https://example.com/tarballs/tarball-dep-2.0.0.tgz',
      reason: expect.stringMatching(/tarball URL/),
    });
    expect(reason('bundled-child').reason).toMatch(/bundled/);
  });

  it('reads npm-shrinkwrap.json the same way under its own format name', () => {
    const shrinkwrap = parseInventory('npm-shrinkwrap.json', fixture('package-lock-v3.json'));
    expect(shrinkwrap.format).toBe('npm-shrinkwrap');
    expect(ids(shrinkwrap)).toEqual(ids(result));
  });
});

describe('package-lock v1', () => {
  const result = parseInventory('package-lock.json', fixture('package-lock-v1.json'));

  it('walks nested dependencies and keeps both versions of a nested duplicate', () => {
    expect(ids(result)).toEqual(['@babel/code-frame@7.12.13', 'debug@2.6.9', 'lodash@4.17.21', 'ms@2.0.0', 'ms@2.1.3']);
    expect(pkg(result, 'ms', '2.0.0').integrity).toBe('sha1-VgiurfwAvmwpAd9fmGF4jeDVl8g=');
    expect(pkg(result, '@babel/code-frame').dev).toBe(true);
  });

  it('resolves "npm:real@version" aliases', () => {
    expect(pkg(result, 'lodash')).toMatchObject({
      version: '4.17.21',
      alias: 'old-lodash',
      resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz',
    });
  });

  it('skips git and file versions', () => {
    expect(result.skipped).toEqual([
      { name: 'internal-utils', spec: 'file:../internal-utils', reason: expect.stringMatching(/local file/) },
      {
        name: 'left-pad',
        spec: 'git+https://github.com/stevemao/left-pad.git#5c8b1b8b0a1bf8bd3b34ef4a3b7acbcb3ac3fb3c',
        reason: expect.stringMatching(/git/),
      },
    ]);
  });
});

describe('package-lock v2', () => {
  it('prefers "packages" over the legacy "dependencies" section', () => {
    const v2 = JSON.stringify({
      name: 'app',
      lockfileVersion: 2,
      requires: true,
      packages: {
        '': { name: 'app', dependencies: { ms: '^2.1.3' } },
        'node_modules/ms': {
          version: '2.1.3',
          resolved: 'https://registry.npmjs.org/ms/-/ms-2.1.3.tgz',
          integrity: 'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==',
        },
      },
      dependencies: { ms: { version: '2.1.2' } },
    });
    expect(ids(parseInventory('package-lock.json', v2))).toEqual(['ms@2.1.3']);
  });

  it('accepts a registry mirror (Artifactory-style tarball path) as the registry', () => {
    const lock = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        'node_modules/@corp/auth': {
          version: '1.2.0',
          resolved: 'https://artifactory.corp.example/api/npm/npm-virtual/@corp/auth/-/auth-1.2.0.tgz',
        },
      },
    });
    expect(parseInventory('package-lock.json', lock).packages).toEqual([
      {
        ecosystem: 'npm',
        name: '@corp/auth',
        version: '1.2.0',
        resolved: 'https://artifactory.corp.example/api/npm/npm-virtual/@corp/auth/-/auth-1.2.0.tgz',
      },
    ]);
  });

  it('returns nothing (and no error) for a project without dependencies', () => {
    const empty = parseInventory(
      'package-lock.json',
      JSON.stringify({ name: 'x', lockfileVersion: 3, requires: true, packages: { '': { name: 'x' } } }),
    );
    expect(empty).toEqual({ format: 'package-lock', packages: [], skipped: [] });
  });
});

describe('package-lock: this repository', () => {
  it('reads the real workspace lockfile: @airlock/* are links, third-party packages are listed', () => {
    const text = readFileSync(new URL('../../../package-lock.json', import.meta.url), 'utf8');
    const result = parseInventory('package-lock.json', text);
    expect(result.packages.length).toBeGreaterThan(50);
    expect(result.packages.some((p) => p.name.startsWith('@airlock/'))).toBe(false);
    expect(result.skipped.find((s) => s.name === '@airlock/inventory')).toMatchObject({ spec: 'link:packages/inventory' });
    expect(pkg(result, 'smol-toml').integrity).toMatch(/^sha512-/);
  });
});

describe('package-lock: malformed input', () => {
  it.each([
    [
      'not JSON',
      '{"lockfileVersion": 3,\n  "packages": {\n    "node_modules/a": {"version": "1.0.0",}\n  }\n}',
      /package-lock\.json line 3: not valid JSON/,
    ],
    ['an array', '[1, 2]', /expected a JSON object at the top, got an array/],
    ['no lock fields', '{"name": "x"}', /no "lockfileVersion", "packages" or "dependencies"/],
    ['a bad lockfileVersion', '{"lockfileVersion": "three"}', /"lockfileVersion" must be a positive integer/],
    ['packages not an object', '{"lockfileVersion": 3, "packages": []}', /"packages" is not an object/],
    [
      'an entry that is not an object',
      '{"lockfileVersion": 3, "packages": {"node_modules/a": "1.0.0"}}',
      /"packages" entry "node_modules\/a" is not an object/,
    ],
    [
      'v1 dependencies that are not objects',
      '{"lockfileVersion": 1, "dependencies": {"a": {"version": "1.0.0", "dependencies": 5}}}',
      /"dependencies" of "a" is not an object/,
    ],
  ])('throws InventoryError for %s', (_label, text, message) => {
    const err = thrown(() => parseInventory('package-lock.json', text));
    expect(err).toBeInstanceOf(InventoryError);
    expect(err.message).toMatch(message);
  });
});
