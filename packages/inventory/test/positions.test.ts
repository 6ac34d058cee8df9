import { describe, expect, it } from 'vitest';
import { addedOrChanged, locatePackages, normalizePypiName, parseInventory } from '@airlock/inventory';
import { fixture } from './fixture.js';

const FIXTURES = [
  'package-lock-v1.json',
  'package-lock-v3.json',
  'yarn-v1.lock',
  'yarn-berry.lock',
  'pnpm-lock-v5.yaml',
  'pnpm-lock-v6.yaml',
  'pnpm-lock-v9.yaml',
  'requirements-dev.txt',
  'requirements-hashes.txt',
  'poetry-v1.lock',
  'poetry-v2.lock',
  'shop.cdx.json',
  'payments.spdx.json',
];

const squash = (s: string): string => normalizePypiName(s.toLowerCase());

describe('lockfile positions', () => {
  it.each(FIXTURES)('%s: every package gets a line, and that line names it', (file) => {
    const text = fixture(file);
    const parsed = parseInventory(file, text);
    const lines = locatePackages(parsed.format, text, parsed.packages);
    const textLines = text.split(/\r?\n/);
    expect(parsed.packages.length).toBeGreaterThan(0);
    parsed.packages.forEach((pkg, i) => {
      const line = lines[i];
      expect(line, `${pkg.name}@${pkg.version}`).toBeGreaterThan(0);
      const names = [pkg.name, pkg.alias].filter((n): n is string => !!n).map(squash);
      const at = squash(textLines[line! - 1]!);
      // A purl percent-encodes a scope's `@`.
      expect(
        names.some((n) => at.includes(n) || at.includes(n.replace('@', '%40'))),
        `${file}:${line} ${textLines[line! - 1]}`,
      ).toBe(true);
    });
  });

  it('points at the copy with the right version when a name appears at two versions', () => {
    const text = [
      '{',
      '  "lockfileVersion": 3,',
      '  "packages": {',
      '    "": { "name": "app" },',
      '    "node_modules/ms": {',
      '      "version": "2.1.3",',
      '      "resolved": "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz"',
      '    },',
      '    "node_modules/debug/node_modules/ms": {',
      '      "version": "2.0.0",',
      '      "resolved": "https://registry.npmjs.org/ms/-/ms-2.0.0.tgz"',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const parsed = parseInventory('package-lock.json', text);
    const byVersion = Object.fromEntries(
      parsed.packages.map((p, i) => [p.version, locatePackages(parsed.format, text, parsed.packages)[i]]),
    );
    expect(byVersion).toEqual({ '2.1.3': 5, '2.0.0': 9 });
  });

  it('has no line for a package the text does not name at that version', () => {
    const text = 'requests==2.31.0\n';
    expect(locatePackages('requirements-txt', text, [{ ecosystem: 'pypi', name: 'requests', version: '2.32.0' }])).toEqual([undefined]);
  });
});

describe('inventory changes against a base', () => {
  it('lists added packages and new versions, not unchanged or only re-flagged ones', () => {
    const base = parseInventory('requirements.txt', 'requests==2.31.0\nurllib3==2.0.7\nidna==3.6\n').packages;
    const current = parseInventory('requirements.txt', 'Requests==2.31.0\nurllib3==2.2.1\nidna==3.6\ncertifi==2024.2.2\n').packages;
    expect(addedOrChanged(current, base).map((p) => `${p.name}@${p.version}`)).toEqual(['urllib3@2.2.1', 'certifi@2024.2.2']);
  });
});
