/** yarn.lock v1 and berry (Yarn 2+). */
import { InventoryError, parseInventory } from '@airlock/inventory';
import { describe, expect, it } from 'vitest';
import { fixture, ids, pkg, thrown } from './fixture.js';

describe('yarn.lock v1', () => {
  const result = parseInventory('yarn.lock', fixture('yarn-v1.lock'));

  it('is detected from the header and lists one package per block, whatever the number of descriptors', () => {
    expect(result.format).toBe('yarn-v1');
    expect(ids(result)).toEqual(['@babel/code-frame@7.12.13', 'debug@2.6.9', 'ms@2.0.0', 'string-width@4.2.3', 'strip-ansi@6.0.1']);
  });

  it('strips the sha1 fragment from resolved and keeps the SRI integrity', () => {
    expect(pkg(result, '@babel/code-frame')).toEqual({
      ecosystem: 'npm',
      name: '@babel/code-frame',
      version: '7.12.13',
      integrity: 'sha512-HV1Cm0Q3ZrpCR93tkWOYiuYIgLxZXZFVG2VgK+MBWjUqZTundupbfx2aXarXuw5Ko5aMcjtJgbSs4vUGBS5v6g==',
      resolved: 'https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz',
    });
  });

  it('turns the resolved #sha1 fragment into integrity when an old lockfile has no integrity field', () => {
    expect(pkg(result, 'ms').integrity).toBe('sha1-VgiurfwAvmwpAd9fmGF4jeDVl8g=');
  });

  it('reports aliases under the real name, but not when the package is also installed under its own name', () => {
    expect(pkg(result, 'strip-ansi').alias).toBe('strip-ansi-cjs');
    expect(pkg(result, 'string-width').alias).toBeUndefined(); // also string-width@^4.1.0
  });

  it('skips git, file and URL descriptors', () => {
    expect(result.skipped).toEqual([
      { name: 'left-pad', spec: 'github:stevemao/left-pad#v1.3.0', reason: expect.stringMatching(/git repository/) },
      { name: 'local-utils', spec: 'file:./vendor/local-utils', reason: expect.stringMatching(/local file/) },
      { name: 'tarball-dep', spec: 'https://example.com/tarballs/tarball-dep-2.0.0.tgz', reason: expect.stringMatching(/tarball URL/) },
    ]);
  });

  it('treats GitHub shorthand "user/repo" as git', () => {
    const text =
      '# yarn lockfile v1\n\n\n"shorty@someone/shorty#main":\n  version "0.1.0"\n  resolved "https://codeload.github.com/someone/shorty/tar.gz/abc"\n';
    const r = parseInventory('yarn.lock', text);
    expect(r.packages).toEqual([]);
    expect(r.skipped).toEqual([{ name: 'shorty', spec: 'someone/shorty#main', reason: expect.stringMatching(/git/) }]);
  });

  it('throws with the line number on a syntax error', () => {
    const err = thrown(() => parseInventory('yarn.lock', '# yarn lockfile v1\n\n\nms@2.0.0:\n  version "2.0.0\n  resolved "x"\n'));
    expect(err).toBeInstanceOf(InventoryError);
    expect(err.message).toMatch(/^yarn\.lock \(v1\) line \d+: not a readable yarn lockfile/);
    expect((err as InventoryError).line).toBeGreaterThanOrEqual(5);
  });

  it('refuses a berry lockfile forced as v1', () => {
    expect(() => parseInventory('x', fixture('yarn-berry.lock'), 'yarn-v1')).toThrow(/yarn berry lockfile .* read it as yarn-berry/);
  });

  it('throws on a block without fields', () => {
    expect(() => parseInventory('yarn.lock', '# yarn lockfile v1\n\n\nms@2.0.0 "2.0.0"\n')).toThrow(InventoryError);
  });
});

describe('yarn.lock berry', () => {
  const result = parseInventory('yarn.lock', fixture('yarn-berry.lock'));

  it('is detected from __metadata and lists npm resolutions with exact versions', () => {
    expect(result.format).toBe('yarn-berry');
    expect(ids(result)).toEqual([
      '@babel/code-frame@7.12.13',
      'lodash@4.17.21',
      'private-pkg@3.1.0',
      'resolve@1.22.8',
      'string-width@4.2.3',
    ]);
  });

  it('never reports the berry checksum as integrity', () => {
    expect(result.packages.every((p) => p.integrity === undefined)).toBe(true);
  });

  it('uses the real name from the resolution for an alias descriptor', () => {
    expect(pkg(result, 'string-width')).toEqual({ ecosystem: 'npm', name: 'string-width', version: '4.2.3', alias: 'string-width-cjs' });
  });

  it('decodes __archiveUrl into resolved', () => {
    expect(pkg(result, 'private-pkg').resolved).toBe('https://npm.internal.example/private-pkg/-/private-pkg-3.1.0.tgz');
  });

  it('skips workspaces, git and patch resolutions with their reasons', () => {
    const byName = (name: string) => result.skipped.filter((s) => s.name === name);
    expect(result.skipped.map((s) => s.name).sort()).toEqual(['@shop/ui', 'left-pad', 'my-shop', 'resolve']);
    expect(byName('my-shop')).toEqual([{ name: 'my-shop', spec: 'my-shop@workspace:.', reason: expect.stringMatching(/workspace/) }]);
    expect(byName('@shop/ui')).toEqual([
      { name: '@shop/ui', spec: '@shop/ui@workspace:packages/ui', reason: expect.stringMatching(/workspace/) },
    ]);
    expect(byName('left-pad')[0]!.reason).toMatch(/git repository/);
    expect(byName('resolve')).toEqual([
      { name: 'resolve', spec: expect.stringMatching(/^resolve@patch:resolve@npm%3A1\.22\.8#/), reason: expect.stringMatching(/patched/) },
    ]);
  });

  it('throws when a block has no resolution', () => {
    const text = '__metadata:\n  version: 8\n  cacheKey: 10c0\n\n"ms@npm:^2.1.3":\n  version: 2.1.3\n';
    expect(() => parseInventory('yarn.lock', text)).toThrow(/yarn\.lock \(berry\): "ms@npm:\^2\.1\.3" has no resolution/);
  });

  it('throws with a line number on broken YAML', () => {
    const err = thrown(() =>
      parseInventory('yarn.lock', '__metadata:\n  version: 8\n"ms@npm:^2.1.3":\n  version: 2.1.3\n   resolution: [\n'),
    );
    expect(err).toBeInstanceOf(InventoryError);
    expect((err as InventoryError).line).toBe(5);
  });

  it('refuses a v1 lockfile forced as berry', () => {
    expect(() => parseInventory('yarn.lock', fixture('yarn-v1.lock'), 'yarn-berry')).toThrow(/no __metadata block/);
  });
});
