/** Known-malicious matches from OSV MAL- entries. */
import { buildMaliciousIndex, checkKnownMalicious, compareReleases, parseOsvMalicious, versionAffected } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';

/** Shaped like ossf/malicious-packages entries (names are made up). */
const allVersions = {
  schema_version: '1.5.0',
  id: 'MAL-2025-0001',
  summary: 'Malicious code in expresss (npm)',
  affected: [{ package: { ecosystem: 'npm', name: 'expresss' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
};
const listed = {
  id: 'MAL-2025-0002',
  summary: 'Malicious code in Reqeusts (PyPI)',
  affected: [{ package: { ecosystem: 'PyPI', name: 'Reqeusts' }, versions: ['2.28.0', '2.28.1'] }],
};
const compromised = {
  id: 'GHSA-xxxx-yyyy-zzzz',
  aliases: ['MAL-2025-0003'],
  affected: [
    {
      package: { ecosystem: 'npm', name: 'good-lib' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '1.4.0' }, { fixed: '1.4.2' }] }],
    },
  ],
};
const vulnerability = { id: 'GHSA-aaaa-bbbb-cccc', affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, versions: ['4.17.20'] }] };
const withdrawn = { ...allVersions, id: 'MAL-2025-0004', withdrawn: '2025-02-01T00:00:00Z' };
const otherEcosystem = { id: 'MAL-2025-0005', affected: [{ package: { ecosystem: 'crates.io', name: 'x' } }] };

const index = buildMaliciousIndex(
  [allVersions, listed, compromised, vulnerability, withdrawn, otherEcosystem, 'junk', null].flatMap(parseOsvMalicious),
);

describe('parseOsvMalicious', () => {
  it('keeps MAL entries for npm and PyPI only, normalising names', () => {
    expect([...index.keys()]).toEqual(['npm:expresss', 'pypi:reqeusts', 'npm:good-lib']);
    expect(parseOsvMalicious(listed)).toEqual([
      {
        id: 'MAL-2025-0002',
        aliases: [],
        ecosystem: 'pypi',
        name: 'reqeusts',
        allVersions: false,
        versions: ['2.28.0', '2.28.1'],
        ranges: [],
        summary: 'Malicious code in Reqeusts (PyPI)',
      },
    ]);
    expect(parseOsvMalicious(allVersions)[0]).toMatchObject({ allVersions: true, ranges: [] });
  });
});

describe('checkKnownMalicious', () => {
  it('matches every version of an introduced-0 entry', () => {
    expect(checkKnownMalicious({ ecosystem: 'npm', name: 'expresss', version: '5.0.0' }, index)).toEqual([
      {
        id: 'known-malicious.osv',
        severity: 'high',
        message: 'expresss@5.0.0 is listed as malicious in MAL-2025-0001: Malicious code in expresss (npm)',
        evidence: { value: 'expresss@5.0.0' },
        details: { osvId: 'MAL-2025-0001', allVersions: true, versionMatch: 'affected' },
      },
    ]);
  });

  it('matches listed versions with PEP 503 names, and not other versions', () => {
    expect(checkKnownMalicious({ ecosystem: 'pypi', name: 'reqeusts', version: '2.28.1' }, index).map((s) => s.details?.osvId)).toEqual([
      'MAL-2025-0002',
    ]);
    expect(checkKnownMalicious({ ecosystem: 'pypi', name: 'Reqeusts', version: '2.31.0' }, index)).toEqual([]);
  });

  it('evaluates introduced/fixed ranges of a compromised release', () => {
    expect(
      checkKnownMalicious({ ecosystem: 'npm', name: 'good-lib', version: '1.4.1' }, index).map((s) => [s.severity, s.details?.osvId]),
    ).toEqual([['high', 'GHSA-xxxx-yyyy-zzzz']]);
    expect(checkKnownMalicious({ ecosystem: 'npm', name: 'good-lib', version: '1.4.2' }, index)).toEqual([]);
    expect(checkKnownMalicious({ ecosystem: 'npm', name: 'good-lib', version: '1.3.9' }, index)).toEqual([]);
    expect(
      checkKnownMalicious({ ecosystem: 'npm', name: 'good-lib', version: '1.4.1-beta.1' }, index).map((s) => [
        s.severity,
        s.details?.versionMatch,
      ]),
    ).toEqual([['medium', 'unknown']]);
  });

  it('ignores ordinary vulnerabilities, withdrawn entries and unknown names', () => {
    expect(checkKnownMalicious({ ecosystem: 'npm', name: 'lodash', version: '4.17.20' }, index)).toEqual([]);
    expect(checkKnownMalicious({ ecosystem: 'pypi', name: 'expresss', version: '1.0.0' }, index)).toEqual([]);
  });
});

describe('versions', () => {
  it('compares plain releases numerically and refuses to guess otherwise', () => {
    expect([
      compareReleases('1.10.0', '1.9.9')! > 0,
      compareReleases('1.0', '1.0.0'),
      compareReleases('2024.1', '2023.12')! > 0,
      compareReleases('1.0.0-rc1', '1.0.0'),
    ]).toEqual([true, 0, true, null]);
    const [record] = parseOsvMalicious({
      id: 'MAL-1',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'x' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '2.0.0' }, { last_affected: '2.1.0' }] }],
        },
      ],
    });
    expect(['1.9.0', '2.0.0', '2.1.0', '2.1.1'].map((v) => versionAffected(record!, v))).toEqual([
      'unaffected',
      'affected',
      'affected',
      'unaffected',
    ]);
  });
});
