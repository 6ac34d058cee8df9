/** poetry.lock, lock-version 1.1 and 2.0. */
import { InventoryError, parseInventory } from '@airlock/inventory';
import { describe, expect, it } from 'vitest';
import { fixture, ids, pkg, thrown } from './fixture.js';

describe('poetry.lock 2.0', () => {
  const result = parseInventory('poetry.lock', fixture('poetry-v2.lock'));

  it('lists index packages with PEP 503 names', () => {
    expect(result.format).toBe('poetry-lock');
    expect(ids(result)).toEqual(['certifi@2024.8.30', 'colorama@0.4.6', 'private-lib@2.1.0', 'pyyaml@6.0.2', 'typing-extensions@4.12.2']);
  });

  it('keeps the sha256 of every listed file, since any of them may be the one fetched', () => {
    expect(pkg(result, 'certifi').integrity).toBe(
      'sha256-j44M8GTxlp24zQ9ylFm7P4ZVDxOKglM4zPuxl8yU3jY= sha256-7+ZdjspWY03J76CFR6c8U87Wqw7i0CwHJE7uK63nwUc=',
    );
    expect(pkg(result, 'colorama').integrity).toBe('sha256-KS2RBMO1bBefTvfaFaznFBWRPMqCSxyMvRCK26Y+4gA=');
  });

  it('marks optional (extra-only) packages as dev', () => {
    expect(pkg(result, 'pyyaml').dev).toBe(true);
    expect(pkg(result, 'certifi').dev).toBeUndefined();
  });

  it('skips git and directory sources, keeps packages from a private index', () => {
    expect(result.skipped).toEqual([
      {
        name: 'internal-sdk',
        spec: 'git+https://github.com/example/internal-sdk.git@2f4c1b9d0e8a7c6b5a4f3e2d1c0b9a8f7e6d5c4b',
        reason: expect.stringMatching(/git repository/),
      },
      { name: 'local-helpers', spec: '../local-helpers', reason: expect.stringMatching(/local file or folder/) },
    ]);
    expect(pkg(result, 'private-lib').version).toBe('2.1.0');
  });

  it('reads poetry 2 groups: a package outside "main" is dev', () => {
    const text =
      '[[package]]\nname = "pytest"\nversion = "8.3.3"\ngroups = ["dev"]\nfiles = []\n\n[[package]]\nname = "idna"\nversion = "3.10"\ngroups = ["main", "dev"]\nfiles = []\n\n[metadata]\nlock-version = "2.1"\n';
    expect(parseInventory('poetry.lock', text).packages).toEqual([
      { ecosystem: 'pypi', name: 'pytest', version: '8.3.3', dev: true },
      { ecosystem: 'pypi', name: 'idna', version: '3.10' },
    ]);
  });
});

describe('poetry.lock 1.1', () => {
  const result = parseInventory('poetry.lock', fixture('poetry-v1.lock'));

  it('reads category = "dev" and hashes from [metadata.files], matched by normalised name', () => {
    expect(result.packages).toEqual([
      {
        ecosystem: 'pypi',
        name: 'atomicwrites',
        version: '1.4.0',
        integrity: 'sha256-rAtZkwPmISvzSRAWExCC3GcGuKL2YlmXQ2Zc9cSZEJg= sha256-bPZAqpHgqtjs79aph8dsZbUqtyDXznNb6zVF2oKv3kg=',
        dev: true,
      },
      { ecosystem: 'pypi', name: 'flask', version: '2.0.1', integrity: 'sha256-dobMxDqZllnExLfEZKwMz0f0vGIlEXrvql5c2jkJu8w=' },
      { ecosystem: 'pypi', name: 'zope-interface', version: '5.4.0' }, // only an md5 hash: left out
    ]);
  });
});

describe('poetry.lock: malformed input', () => {
  it.each([
    ['broken TOML', '[[package]]\nname = "certifi"\nversion = 2024.8.30"\n', 3, /not valid TOML/],
    ['a package without a version', '[[package]]\nname = "certifi"\n', undefined, /\[\[package\]\] number 1 \("certifi"\) has no version/],
    ['a package without a name', '[[package]]\nversion = "1.0"\n', undefined, /\[\[package\]\] number 1 has no name/],
    ['package as a plain key', 'package = "certifi"\n', undefined, /"package" must be an array of tables/],
    ['a TOML file that is not a lock', '[tool.poetry]\nname = "x"\n', undefined, /no \[\[package\]\] tables and no \[metadata\]/],
  ])('throws InventoryError for %s', (_label, text, line, message) => {
    const err = thrown(() => parseInventory('poetry.lock', text));
    expect(err).toBeInstanceOf(InventoryError);
    expect((err as InventoryError).line).toBe(line);
    expect(err.message).toMatch(message);
  });

  it('returns an empty list for the lock of a project without dependencies', () => {
    expect(
      parseInventory('poetry.lock', '[metadata]\nlock-version = "2.0"\npython-versions = "^3.12"\ncontent-hash = "abc"\n').packages,
    ).toEqual([]);
  });
});
