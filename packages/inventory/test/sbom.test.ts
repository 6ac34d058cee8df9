/** CycloneDX and SPDX JSON SBOMs, and the purl reader behind them. */
import { InventoryError, parseInventory, parsePurl } from '@airlock/inventory';
import { describe, expect, it } from 'vitest';
import { fixture, ids, pkg, thrown } from './fixture.js';

describe('purl', () => {
  it('reads type, percent-encoded npm scope, version, qualifiers and subpath', () => {
    expect(parsePurl('pkg:npm/%40babel/code-frame@7.12.13?download_url=https%3A%2F%2Fx.example%2Fa.tgz#lib/index.js')).toEqual({
      type: 'npm',
      namespace: '@babel',
      name: 'code-frame',
      version: '7.12.13',
      qualifiers: { download_url: 'https://x.example/a.tgz' },
      subpath: 'lib/index.js',
    });
    expect(parsePurl('pkg:maven/org.apache.commons/commons-lang3@3.14.0?type=jar')).toMatchObject({
      type: 'maven',
      namespace: 'org.apache.commons',
      name: 'commons-lang3',
      version: '3.14.0',
    });
    expect(parsePurl('pkg:pypi/django')).toEqual({ type: 'pypi', name: 'django', qualifiers: {} });
  });

  it('rejects strings that are not purls', () => {
    expect(parsePurl('npm/lodash@4.17.21')).toBeUndefined();
    expect(parsePurl('pkg:lodash')).toBeUndefined();
    expect(parsePurl('pkg:npm/%E0%A4%A@1.0.0')).toBeUndefined(); // bad percent-encoding
  });
});

describe('CycloneDX JSON', () => {
  const result = parseInventory('shop.cdx.json', fixture('shop.cdx.json'));

  it('lists npm and pypi components at any depth, with PEP 503 names', () => {
    expect(result.format).toBe('cyclonedx-json');
    expect(ids(result)).toEqual([
      '@babel/code-frame@7.12.13',
      'django-rest-framework@3.15.2',
      'lodash.bundled-helper@1.0.0',
      'lodash@4.17.21',
      'requests@2.32.3',
    ]);
    expect(pkg(result, 'requests').ecosystem).toBe('pypi');
    expect(pkg(result, 'lodash.bundled-helper').ecosystem).toBe('npm');
  });

  it('converts hex hashes to SRI, takes the distribution URL and the npm development property', () => {
    expect(pkg(result, '@babel/code-frame')).toEqual({
      ecosystem: 'npm',
      name: '@babel/code-frame',
      version: '7.12.13',
      integrity: 'sha512-HV1Cm0Q3ZrpCR93tkWOYiuYIgLxZXZFVG2VgK+MBWjUqZTundupbfx2aXarXuw5Ko5aMcjtJgbSs4vUGBS5v6g==',
      resolved: 'https://registry.npmjs.org/@babel/code-frame/-/code-frame-7.12.13.tgz',
      dev: true,
    });
    expect(pkg(result, 'requests').integrity).toBe('sha256-vQyA3bdI5TD8HE3sa2aQmoIPJG039ys0YUOM4fzYowo=');
  });

  it('merges duplicate components, keeping the one with a usable hash', () => {
    expect(pkg(result, 'lodash').integrity).toBe(
      'sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==',
    );
  });

  it('skips the subject, other ecosystems, components without purl and git-sourced npm packages', () => {
    expect(result.skipped).toEqual([
      { name: 'shop-frontend', spec: 'pkg:npm/shop-frontend@1.4.0', reason: expect.stringMatching(/SBOM's own subject/) },
      {
        name: 'org.apache.commons/commons-lang3',
        spec: 'pkg:maven/org.apache.commons/commons-lang3@3.14.0?type=jar',
        reason: expect.stringMatching(/"maven" is not an ecosystem/),
      },
      { name: 'vendored-blob', spec: '0.0.1', reason: expect.stringMatching(/no purl/) },
      {
        name: 'left-pad',
        spec: expect.stringMatching(/^pkg:npm\/left-pad@1\.3\.0\?vcs_url=/),
        reason: expect.stringMatching(/git repository/),
      },
    ]);
  });

  it('skips purls without a version or with a range', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [
        { name: 'a', purl: 'pkg:npm/a' },
        { name: 'b', purl: 'pkg:npm/b@%5E1.0.0' },
      ],
    };
    expect(parseInventory('bom.json', JSON.stringify(bom)).skipped).toEqual([
      { name: 'a', spec: 'pkg:npm/a', reason: 'the purl has no version' },
      { name: 'b', spec: 'pkg:npm/b@%5E1.0.0', reason: 'version "^1.0.0" is not an exact npm version' },
    ]);
  });

  it.each([
    ['another bomFormat', '{"bomFormat": "SPDX", "components": []}', /"bomFormat" is "SPDX", expected "CycloneDX"/],
    [
      'components that are not an array',
      '{"bomFormat": "CycloneDX", "components": {"name": "a"}}',
      /"components" is an object, expected an array/,
    ],
    [
      'a nested component that is not an object',
      '{"bomFormat": "CycloneDX", "components": [{"name": "a", "components": [42]}]}',
      /"components\[0\]\.components\[0\]" is a number/,
    ],
    ['truncated JSON', '{"bomFormat": "CycloneDX",\n "components": [\n', /CycloneDX JSON line 3: not valid JSON/],
  ])('throws InventoryError for %s', (_label, text, message) => {
    const err = thrown(() => parseInventory('bom.cdx.json', text));
    expect(err).toBeInstanceOf(InventoryError);
    expect(err.message).toMatch(message);
  });

  it('refuses absurdly deep nesting instead of overflowing the stack', () => {
    let component: Record<string, unknown> = { name: 'leaf', purl: 'pkg:npm/leaf@1.0.0' };
    for (let i = 0; i < 200; i++) component = { name: `n${i}`, purl: `pkg:npm/n${i}@1.0.0`, components: [component] };
    expect(() => parseInventory('bom.json', JSON.stringify({ bomFormat: 'CycloneDX', components: [component] }))).toThrow(
      /nested more than 64 levels/,
    );
  });
});

describe('SPDX JSON', () => {
  const result = parseInventory('payments.spdx.json', fixture('payments.spdx.json'));

  it('lists packages with npm and pypi purls, accepting both PACKAGE-MANAGER spellings', () => {
    expect(result.format).toBe('spdx-json');
    expect(result.packages).toEqual([
      { ecosystem: 'pypi', name: 'certifi', version: '2024.8.30', integrity: 'sha256-j44M8GTxlp24zQ9ylFm7P4ZVDxOKglM4zPuxl8yU3jY=' },
      {
        ecosystem: 'npm',
        name: '@types/node',
        version: '20.19.43',
        integrity: 'sha512-6oYBAi5ikg4Pl+kGsoYtawUMBT2zZMCvPNF7pVLnHZfd1zf38DRiWn/gT01RYCdUqkv7Fhr+C9ot4/tb+2sVvA==',
        resolved: 'https://registry.npmjs.org/@types/node/-/node-20.19.43.tgz',
      },
    ]);
  });

  it('skips the described root, unsupported purl types and packages without purl', () => {
    expect(result.skipped).toEqual([
      { name: 'payments-service', spec: '', reason: expect.stringMatching(/package this document describes/) },
      {
        name: 'debian/openssl',
        spec: expect.stringMatching(/^pkg:deb\/debian\/openssl@/),
        reason: expect.stringMatching(/"deb" is not an ecosystem/),
      },
      { name: 'mystery-vendored-lib', spec: '1.0', reason: expect.stringMatching(/no purl/) },
    ]);
  });

  it.each([
    ['no spdxVersion', '{"packages": []}', /"spdxVersion" is undefined, expected "SPDX-2.3"/],
    [
      'SPDX 3 JSON-LD',
      '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}',
      /SPDX 3 JSON-LD documents are not supported/,
    ],
    ['packages that are not an array', '{"spdxVersion": "SPDX-2.3", "packages": "x"}', /"packages" is a string, expected an array/],
    ['a package that is null', '{"spdxVersion": "SPDX-2.2", "packages": [null]}', /"packages\[0\]" is null/],
  ])('throws InventoryError for %s', (_label, text, message) => {
    const err = thrown(() => parseInventory('sbom.spdx.json', text));
    expect(err).toBeInstanceOf(InventoryError);
    expect(err.message).toMatch(message);
  });
});
