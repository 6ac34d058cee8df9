/** pnpm-lock.yaml 5.x, 6 and 9. */
import { InventoryError, parseInventory } from '@airlock/inventory';
import { describe, expect, it } from 'vitest';
import { fixture, ids, pkg, thrown } from './fixture.js';

describe('pnpm-lock v5.4', () => {
  const result = parseInventory('pnpm-lock.yaml', fixture('pnpm-lock-v5.yaml'));

  it('reads /name/version keys, scoped and peer-suffixed ones included', () => {
    expect(result.format).toBe('pnpm-lock');
    expect(ids(result)).toEqual([
      '@types/react@17.0.38',
      'csstype@3.0.10',
      'js-tokens@4.0.0',
      'loose-envify@1.4.0',
      'react-redux@7.2.6',
      'react@17.0.2',
    ]);
    expect(pkg(result, 'react-redux').integrity).toBe(
      'sha512-10RPdsz0UUrRL1NZE0ejTkucnclYSgXp5q+tB5SWx2qeG2ZJQJyymgAhwKy73yiL/13btfB6fPr+rgbMAaZIAQ==',
    );
  });

  it('takes dev from the dev flags', () => {
    expect(result.packages.filter((p) => p.dev).map((p) => p.name)).toEqual(['@types/react', 'csstype']);
  });

  it('skips link: importers and tarball packages', () => {
    expect(result.skipped).toEqual([
      { name: 'local-utils', spec: 'link:../local-utils', reason: expect.stringMatching(/link/) },
      { name: 'tarball-dep', spec: 'https://example.com/tarballs/tarball-dep-2.0.0.tgz', reason: expect.stringMatching(/tarball URL/) },
    ]);
  });
});

describe('pnpm-lock v6', () => {
  const result = parseInventory('pnpm-lock.yaml', fixture('pnpm-lock-v6.yaml'));

  it('reads /name@version(peer) keys and strips the peer suffixes', () => {
    expect(pkg(result, 'styled-components')).toEqual({
      ecosystem: 'npm',
      name: 'styled-components',
      version: '6.1.8',
      integrity: 'sha512-PQ6Dn+QxlWyEGCKDS71NGsXoVLKfE1c3vApkvDYS5KAK+V8fNWGhbSUEo9Gg2iaID2tjLXegEW3bZDUGpofRWw==',
    });
    expect(pkg(result, 'react-dom').version).toBe('18.2.0');
    expect(pkg(result, '@emotion/is-prop-valid').version).toBe('1.2.1');
    expect(result.packages).toHaveLength(9);
  });

  it('skips the workspace link and the GitHub dependency', () => {
    expect(result.skipped).toEqual([
      { name: '@shop/ui', spec: 'link:packages/ui', reason: expect.stringMatching(/link/) },
      {
        name: 'left-pad',
        spec: 'https://codeload.github.com/stevemao/left-pad/tar.gz/5c8b1b8b0a1bf8bd3b34ef4a3b7acbcb3ac3fb3c',
        reason: expect.stringMatching(/git repository/),
      },
    ]);
    expect(pkg(result, 'typescript').dev).toBe(true);
    expect(pkg(result, 'react').dev).toBeUndefined();
  });
});

describe('pnpm-lock v9', () => {
  const result = parseInventory('pnpm-lock.yaml', fixture('pnpm-lock-v9.yaml'));

  it('lists the packages section once per name@version', () => {
    expect(ids(result)).toEqual([
      '@types/node@20.11.5',
      'fsevents@2.3.3',
      'js-tokens@4.0.0',
      'loose-envify@1.4.0',
      'react-dom@18.2.0',
      'react@18.2.0',
      'scheduler@0.23.0',
      'string-width@4.2.3',
      'vitest@1.2.0',
    ]);
  });

  it('works out dev/optional-only packages from the importers and the snapshot graph', () => {
    expect(
      result.packages
        .filter((p) => p.dev)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['@types/node', 'fsevents', 'vitest']);
    expect(pkg(result, 'string-width').dev).toBeUndefined(); // reached through the alias legacy-width
  });

  it('skips link, directory and tarball packages', () => {
    expect(result.skipped).toEqual([
      { name: '@shop/ui', spec: 'link:packages/ui', reason: expect.stringMatching(/link/) },
      { name: 'local-utils', spec: '../local-utils', reason: expect.stringMatching(/local file or folder/) },
      { name: 'tarball-dep', spec: 'https://example.com/tarballs/tarball-dep-2.0.0.tgz', reason: expect.stringMatching(/tarball URL/) },
    ]);
  });

  it('keeps tarball URLs of registry packages and skips git resolutions', () => {
    const text = [
      "lockfileVersion: '9.0'",
      'packages:',
      "  '@corp/auth@1.2.0':",
      '    resolution: {integrity: sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==, tarball: https://npm.corp.example/@corp/auth/-/auth-1.2.0.tgz}',
      '  left-pad@git+https://github.com/stevemao/left-pad.git#5c8b1b8:',
      '    resolution: {commit: 5c8b1b8, repo: https://github.com/stevemao/left-pad.git, type: git}',
      '    version: 1.3.0',
      '',
    ].join('\n');
    const r = parseInventory('pnpm-lock.yaml', text);
    expect(r.packages).toEqual([
      {
        ecosystem: 'npm',
        name: '@corp/auth',
        version: '1.2.0',
        integrity: 'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==',
        resolved: 'https://npm.corp.example/@corp/auth/-/auth-1.2.0.tgz',
      },
    ]);
    expect(r.skipped).toEqual([
      { name: 'left-pad', spec: 'https://github.com/stevemao/left-pad.git', reason: expect.stringMatching(/git repository/) },
    ]);
  });
});

describe('pnpm-lock: malformed input', () => {
  it.each([
    [
      'broken YAML',
      "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-x\n  b@1.0.0: {}\n",
      /pnpm-lock\.yaml line \d+: not valid YAML/,
    ],
    ['no lockfileVersion', 'packages:\n  a@1.0.0: {}\n', /no lockfileVersion/],
    ['a non-numeric lockfileVersion', 'lockfileVersion: banana\n', /lockfileVersion banana is not a number/],
    ['packages as a list', "lockfileVersion: '9.0'\npackages:\n  - a@1.0.0\n", /"packages" is not a mapping/],
    ['an entry that is a string', "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: yes\n", /packages entry "a@1\.0\.0" is not a mapping/],
    ['a scalar document', 'just some text', /expected a YAML mapping/],
  ])('throws InventoryError for %s', (_label, text, message) => {
    const err = thrown(() => parseInventory('pnpm-lock.yaml', text));
    expect(err).toBeInstanceOf(InventoryError);
    expect(err.message).toMatch(message);
  });
});
