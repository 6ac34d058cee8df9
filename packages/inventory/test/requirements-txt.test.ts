/** pip requirements files. */
import { InventoryError, parseInventory } from '@airlock/inventory';
import { describe, expect, it } from 'vitest';
import { fixture, ids, pkg, thrown } from './fixture.js';

describe('requirements.txt (pip-compile --generate-hashes)', () => {
  const result = parseInventory('requirements.txt', fixture('requirements-hashes.txt'));

  it('lists pinned requirements with PEP 503 names, extras and markers left off', () => {
    expect(result.format).toBe('requirements-txt');
    expect(ids(result)).toEqual([
      'certifi@2024.8.30',
      'charset-normalizer@3.3.2',
      'django-rest-framework@3.15.2',
      'requests@2.32.3',
      'urllib3@2.2.3',
    ]);
  });

  it('collects every --hash across continuation lines into one SRI string', () => {
    expect(pkg(result, 'certifi').integrity).toBe(
      'sha256-j44M8GTxlp24zQ9ylFm7P4ZVDxOKglM4zPuxl8yU3jY= sha256-7+ZdjspWY03J76CFR6c8U87Wqw7i0CwHJE7uK63nwUc=',
    );
    expect(pkg(result, 'django-rest-framework').integrity).toBe('sha256-nhndlxChyzNbPhL3/46qZdTNwArjm5ODHBlXG6kK+yk=');
    expect(pkg(result, 'requests').integrity).toBe('sha256-vQyA3bdI5TD8HE3sa2aQmoIPJG039ys0YUOM4fzYowo=');
    expect(pkg(result, 'urllib3')).toEqual({ ecosystem: 'pypi', name: 'urllib3', version: '2.2.3' }); // === pin, no hash
  });

  it('reports index options as skipped, since they change where packages come from', () => {
    expect(result.skipped).toEqual([
      {
        name: '--index-url',
        spec: '--index-url https://pypi.org/simple',
        reason: expect.stringMatching(/where packages are downloaded from/),
      },
      {
        name: '--extra-index-url',
        spec: '--extra-index-url https://pypi.internal.example/simple',
        reason: expect.stringMatching(/where packages are downloaded from/),
      },
    ]);
  });
});

describe('requirements-dev.txt (hand-written)', () => {
  const result = parseInventory('requirements-dev.txt', fixture('requirements-dev.txt'));

  it('keeps only == pins, including both marker-dependent pins of one project', () => {
    expect(ids(result)).toEqual(['numpy@1.24.4', 'numpy@1.26.4', 'pytest@8.3.3', 'typing-extensions@4.12.2']);
  });

  it('skips includes, editables, URLs, paths, ranges, wildcards and options with a reason each', () => {
    const reasons = Object.fromEntries(result.skipped.map((s) => [s.name, s.reason]));
    expect(Object.keys(reasons).sort()).toEqual([
      '--prefer-binary',
      './tools/airlock-plugin',
      'black',
      'constraints.txt',
      'example-linters',
      'local_pkg-0.1.0.tar.gz',
      'mylib',
      'mypy',
      'pytest-cov',
      'requirements.txt',
      'sphinx',
      'vendored_pkg-1.0.0-py3-none-any.whl',
    ]);
    expect(reasons['requirements.txt']).toMatch(/includes another requirements file/);
    expect(reasons['constraints.txt']).toMatch(/constraints file/);
    expect(reasons['example-linters']).toMatch(/editable/);
    expect(reasons['black']).toMatch(/no version pinned/);
    expect(reasons['pytest-cov']).toMatch(/not pinned to one exact version \(>=5\.0\)/);
    expect(reasons['sphinx']).toMatch(/not pinned to one exact version \(==7\.\*\)/);
    expect(reasons['mylib']).toMatch(/direct URL or version-control reference/);
    expect(reasons['vendored_pkg-1.0.0-py3-none-any.whl']).toMatch(/URL or local path/);
  });

  it('reads old-style parenthesised specifiers and tolerates CRLF line ends', () => {
    const r = parseInventory(
      'requirements.txt',
      'Flask (==2.0.1)\r\nzope.interface == 5.4.0 \\\r\n    --hash=sha256:6cf640aa91e0aad8ecefd6a987c76c65b52ab720d7ce735beb3545da82afde48\r\n',
    );
    expect(r.packages).toEqual([
      { ecosystem: 'pypi', name: 'flask', version: '2.0.1' },
      { ecosystem: 'pypi', name: 'zope-interface', version: '5.4.0', integrity: 'sha256-bPZAqpHgqtjs79aph8dsZbUqtyDXznNb6zVF2oKv3kg=' },
    ]);
  });
});

describe('requirements.txt: malformed input', () => {
  it.each([
    [
      'a line that is not a requirement',
      'requests==2.32.3\n!!! not a requirement\n',
      2,
      /cannot read "!!! not a requirement" as a requirement/,
    ],
    ['a bad version specifier', 'requests==2.32.3\nflask =! 2.0\n', 2, /"=! 2\.0" is not a version specifier/],
    ['an md5 --hash', 'requests==2.32.3 --hash=md5:8b1a9953c4611296a827abf8c47804d7\n', 1, /--hash must be sha256:, sha384: or sha512:/],
    ['a truncated sha256 --hash', 'certifi==2024.8.30 \\\n    --hash=sha256:8f8e0cf064f1969d\n', 1, /not a sha256 hex digest/],
  ])('throws InventoryError with the line number for %s', (_label, text, line, message) => {
    const err = thrown(() => parseInventory('requirements.txt', text));
    expect(err).toBeInstanceOf(InventoryError);
    expect((err as InventoryError).line).toBe(line);
    expect(err.message).toMatch(new RegExp(`^requirements\\.txt line ${line}: `));
    expect(err.message).toMatch(message);
  });
});
