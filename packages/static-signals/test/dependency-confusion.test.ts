/** Dependency confusion: public packages that shadow an organization's internal names. */
import { checkDependencyConfusion, majorOf } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';

const policy = { names: ['acme-billing', 'Acme_Utils'], scopes: ['@acme', 'acme-internal'], prefixes: ['acmecorp-'] };

describe('checkDependencyConfusion', () => {
  it('flags a public package with an internal name and a high version', () => {
    expect(
      checkDependencyConfusion({ ecosystem: 'npm', name: 'acme-billing', version: '99.0.0', file: 'package-lock.json' }, policy),
    ).toEqual([
      {
        id: 'dependency-confusion.internal-name',
        severity: 'high',
        message: 'public package "acme-billing" has a name the organization declares internal',
        evidence: { file: 'package-lock.json', value: 'acme-billing@99.0.0' },
        details: { match: 'name' },
      },
      {
        id: 'dependency-confusion.high-version',
        severity: 'high',
        message: 'internal-looking public package at version 99.0.0, high enough to win over the private one',
        evidence: { file: 'package-lock.json', value: 'acme-billing@99.0.0' },
        details: { major: 99, threshold: 99 },
      },
    ]);
  });

  it('flags an internal npm scope with or without the @ in the policy', () => {
    expect(
      checkDependencyConfusion({ ecosystem: 'npm', name: '@acme/ui', version: '1.0.0' }, policy).map((s) => [s.id, s.severity, s.details]),
    ).toEqual([['dependency-confusion.internal-scope', 'high', { match: 'scope', scope: '@acme' }]]);
    expect(checkDependencyConfusion({ ecosystem: 'npm', name: '@Acme-Internal/x' }, policy).map((s) => s.id)).toEqual([
      'dependency-confusion.internal-scope',
    ]);
  });

  it('compares PyPI names PEP 503-normalised and honours prefixes', () => {
    expect(
      checkDependencyConfusion({ ecosystem: 'pypi', name: 'acme.utils', version: '1.0' }, policy).map((s) => [s.id, s.severity]),
    ).toEqual([['dependency-confusion.internal-name', 'high']]);
    expect(
      checkDependencyConfusion({ ecosystem: 'pypi', name: 'acmecorp-auth', version: '0.1' }, policy).map((s) => [
        s.id,
        s.severity,
        s.details,
      ]),
    ).toEqual([['dependency-confusion.internal-name', 'medium', { match: 'prefix', prefix: 'acmecorp-' }]]);
  });

  it('flags an unusually high version alone as low, but not calendar versions', () => {
    expect(
      checkDependencyConfusion({ ecosystem: 'npm', name: 'some-lib', version: '9999.0.1' }, {}).map((s) => [s.id, s.severity, s.details]),
    ).toEqual([['dependency-confusion.high-version', 'low', { major: 9999, threshold: 99 }]]);
    expect(checkDependencyConfusion({ ecosystem: 'pypi', name: 'certifi', version: '2024.2.2' }, {})).toEqual([]);
    expect(checkDependencyConfusion({ ecosystem: 'npm', name: 'x', version: '120.0.0' }, { highMajorThreshold: 200 })).toEqual([]);
  });

  it('leaves internal sources and unrelated public packages alone', () => {
    expect(checkDependencyConfusion({ ecosystem: 'npm', name: 'acme-billing', version: '99.0.0', source: 'internal' }, policy)).toEqual([]);
    expect(checkDependencyConfusion({ ecosystem: 'npm', name: 'lodash', version: '4.17.21' }, policy)).toEqual([]);
    expect(checkDependencyConfusion({ ecosystem: 'npm', name: '@acmex/ui', version: '1.0.0' }, policy)).toEqual([]);
  });

  it('reads majors', () => {
    expect([majorOf('v100.0.0'), majorOf('=99.99.99'), majorOf('2024.1'), majorOf('latest'), majorOf('1.0.0-beta')]).toEqual([
      100,
      99,
      2024,
      null,
      1,
    ]);
  });
});
