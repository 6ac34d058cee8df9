/** Format detection, the parseInventory entry point, deduplication and robustness on hostile input. */
import { detectInventoryFormat, InventoryError, parseInventory, type InventoryFormat } from '@airlock/inventory';
import { describe, expect, it } from 'vitest';
import { fixture, thrown } from './fixture.js';

describe('detectInventoryFormat', () => {
  it.each<[string, string, InventoryFormat]>([
    ['package-lock.json', '', 'package-lock'],
    ['some/dir/npm-shrinkwrap.json', '', 'npm-shrinkwrap'],
    ['C:\\work\\app\\yarn.lock', fixture('yarn-v1.lock'), 'yarn-v1'],
    ['yarn.lock', fixture('yarn-berry.lock'), 'yarn-berry'],
    ['pnpm-lock.yaml', '', 'pnpm-lock'],
    ['requirements.txt', '', 'requirements-txt'],
    ['requirements-dev.txt', '', 'requirements-txt'],
    ['requirements/base.txt', '', 'requirements-txt'],
    ['poetry.lock', '', 'poetry-lock'],
    ['sbom.cdx.json', '', 'cyclonedx-json'],
    ['bom.json', '', 'cyclonedx-json'],
    ['payments.spdx.json', '', 'spdx-json'],
  ])('by file name: %s', (name, text, format) => {
    expect(detectInventoryFormat(name, text)).toBe(format);
  });

  it.each<[string, InventoryFormat]>([
    ['package-lock-v3.json', 'package-lock'],
    ['yarn-v1.lock', 'yarn-v1'],
    ['yarn-berry.lock', 'yarn-berry'],
    ['pnpm-lock-v9.yaml', 'pnpm-lock'],
    ['pnpm-lock-v5.yaml', 'pnpm-lock'],
    ['poetry-v2.lock', 'poetry-lock'],
    ['shop.cdx.json', 'cyclonedx-json'],
    ['payments.spdx.json', 'spdx-json'],
    ['requirements-hashes.txt', 'requirements-txt'],
  ])('by content when the name says nothing: %s', (file, format) => {
    expect(detectInventoryFormat('upload', fixture(file))).toBe(format);
  });

  it('sniffs a broken JSON upload by its keys, so its parser can say what is wrong', () => {
    expect(detectInventoryFormat('upload.json', '{"bomFormat": "CycloneDX", "components": [')).toBe('cyclonedx-json');
  });

  it.each([
    ['README.md', '# Hello\n\nSome text.'],
    ['data.json', '{"name": "not a lockfile"}'],
    ['notes.txt', 'buy milk\nrequests==2.0 maybe'],
    ['Cargo.lock', '[[package]\nname = "serde"'],
  ])('throws InventoryError for an unknown format: %s', (name, text) => {
    const err = thrown(() => detectInventoryFormat(name, text));
    expect(err).toBeInstanceOf(InventoryError);
    expect(err.message).toMatch(new RegExp(`cannot tell the format of "${name.replace('.', '\\.')}"`));
    expect(err.message).toMatch(/package-lock\.json, npm-shrinkwrap\.json, yarn\.lock/);
  });
});

describe('parseInventory', () => {
  it('uses an explicit format over the file name', () => {
    const result = parseInventory('uploaded.bin', fixture('poetry-v2.lock'), 'poetry-lock');
    expect(result.format).toBe('poetry-lock');
    expect(result.packages[0]).toMatchObject({ ecosystem: 'pypi', name: 'certifi', version: '2024.8.30' });
  });

  it('rejects an unknown explicit format with InventoryError', () => {
    expect(() => parseInventory('x', '{}', 'gemfile-lock' as InventoryFormat)).toThrow(InventoryError);
    expect(() => parseInventory('x', '{}', '__proto__' as InventoryFormat)).toThrow(/unknown inventory format/);
  });

  it('names the format in the error when the file name promised one thing and the content is another', () => {
    const err = thrown(() => parseInventory('package-lock.json', fixture('poetry-v2.lock')));
    expect(err).toBeInstanceOf(InventoryError);
    expect((err as InventoryError).format).toBe('package-lock');
    expect(err.message).toMatch(/^package-lock\.json line 1: not valid JSON/);
  });

  it('deduplicates identical packages: strongest integrity, first resolved, dev only if every copy is dev', () => {
    const lock = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        'node_modules/ms': { version: '2.1.3', integrity: 'sha1-+ItCBFl4qVNTgyUMxaXgo/k0K+Y=', dev: true },
        'node_modules/a/node_modules/ms': {
          version: '2.1.3',
          resolved: 'https://registry.npmjs.org/ms/-/ms-2.1.3.tgz',
          integrity: 'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==',
        },
        'node_modules/b/node_modules/ms': { version: '2.1.3', dev: true },
      },
    });
    expect(parseInventory('package-lock.json', lock).packages).toEqual([
      {
        ecosystem: 'npm',
        name: 'ms',
        version: '2.1.3',
        integrity: 'sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==',
        resolved: 'https://registry.npmjs.org/ms/-/ms-2.1.3.tgz',
      },
    ]);
  });

  it('deduplicates PyPI names that differ only in spelling', () => {
    const result = parseInventory('requirements.txt', 'Django_Rest==3.15.2\ndjango.rest==3.15.2\ndjango-rest==3.15.1\n');
    expect(result.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['django-rest@3.15.2', 'django-rest@3.15.1']);
  });

  it('never throws anything but InventoryError on mangled versions of every fixture', () => {
    const files: [string, string][] = [
      ['package-lock.json', 'package-lock-v3.json'],
      ['package-lock.json', 'package-lock-v1.json'],
      ['yarn.lock', 'yarn-v1.lock'],
      ['yarn.lock', 'yarn-berry.lock'],
      ['pnpm-lock.yaml', 'pnpm-lock-v9.yaml'],
      ['pnpm-lock.yaml', 'pnpm-lock-v5.yaml'],
      ['requirements.txt', 'requirements-hashes.txt'],
      ['poetry.lock', 'poetry-v2.lock'],
      ['bom.json', 'shop.cdx.json'],
      ['x.spdx.json', 'payments.spdx.json'],
    ];
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let errors = 0;
    for (const [name, file] of files) {
      const text = fixture(file);
      for (let i = 0; i < 40; i++) {
        // Truncate, then overwrite a few characters with structural ones.
        const chars = [...text.slice(0, Math.floor(random() * text.length))];
        for (let j = 0; j < 3; j++) chars[Math.floor(random() * chars.length)] = '{}[]":,\n -@#'[Math.floor(random() * 13)]!;
        try {
          parseInventory(name, chars.join(''));
        } catch (err) {
          errors++;
          expect(err, `${file} mangled #${i}: ${(err as Error).message}`).toBeInstanceOf(InventoryError);
          expect((err as Error).message).not.toMatch(/Cannot read properties|is not a function|undefined \(reading/);
        }
      }
    }
    expect(errors).toBeGreaterThan(0);
  });

  it('treats JSON nulls and wrong types inside entries as data problems, not crashes', () => {
    const bad = [
      '{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": 1, "resolved": 2, "integrity": null}}}',
      '{"lockfileVersion": 1, "dependencies": {"a": {"version": null}}}',
      '{"bomFormat": "CycloneDX", "components": [{"purl": 5, "hashes": "x"}, {"purl": "pkg:npm/a@1.0.0", "hashes": [null, {"alg": 1}]}]}',
      '{"spdxVersion": "SPDX-2.3", "packages": [{"externalRefs": [null, {"referenceType": "purl", "referenceLocator": 7}]}]}',
    ];
    const results = bad.map((text, i) => parseInventory(['package-lock.json', 'package-lock.json', 'bom.json', 'a.spdx.json'][i]!, text));
    expect(results[0]!.skipped).toEqual([{ name: 'a', spec: 'node_modules/a', reason: 'the lockfile entry has no version' }]);
    expect(results[1]!.skipped[0]).toMatchObject({ name: 'a', reason: 'the lockfile entry has no version' });
    expect(results[2]!.packages).toEqual([{ ecosystem: 'npm', name: 'a', version: '1.0.0' }]);
    expect(results[2]!.skipped).toEqual([{ name: '(unnamed component)', spec: '', reason: expect.stringMatching(/no purl/) }]);
    expect(results[3]!.skipped).toEqual([{ name: '(unnamed package)', spec: '', reason: expect.stringMatching(/no purl/) }]);
  });

  it('stays linear on hostile input (no regex backtracking blow-ups)', () => {
    const n = 100_000;
    const cases: [string, string][] = [
      ['upload', `a==${'1!='.repeat(n)} x`],
      ['upload', `a${' '.repeat(n)}x`],
      ['requirements.txt', `a${' '.repeat(n)}x`],
      ['requirements.txt', `a==1 ;${' '.repeat(n)}x`],
      ['requirements.txt', `a==${'1.'.repeat(n)}x`],
      ['bom.json', JSON.stringify({ bomFormat: 'CycloneDX', components: [{ purl: `pkg:npm/${'/'.repeat(n)}@${'@'.repeat(n)}` }] })],
      [
        'package-lock.json',
        JSON.stringify({
          lockfileVersion: 3,
          packages: { [`${'node_modules/'.repeat(n)}a`]: { version: '1.0.0', resolved: `https://x/${'/-/'.repeat(n)}` } },
        }),
      ],
    ];
    for (const [name, text] of cases) {
      const started = performance.now();
      try {
        parseInventory(name, text);
      } catch (err) {
        expect(err).toBeInstanceOf(InventoryError);
      }
      expect(performance.now() - started, `${name} ${text.slice(0, 20)}`).toBeLessThan(1500);
    }
  });
});
