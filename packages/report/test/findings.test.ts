import { describe, expect, it } from 'vitest';
import { toOsv, toSarif, type PackageFinding } from '@airlock/report';

const finding = (over: Partial<PackageFinding>): PackageFinding => ({
  ecosystem: 'npm',
  name: 'left-pad',
  version: '1.3.0',
  verdict: 'benign',
  score: 0,
  reasons: [],
  notObserved: [],
  ...over,
});

const stealer = finding({
  name: '@evil/env',
  version: '2.0.1',
  line: 42,
  verdict: 'malicious',
  score: 100,
  reasons: [{ rule: 'honeytoken-exfiltration', severity: 'critical', explanation: 'sent the planted npm token to 203.0.113.7' }],
  reportUri: 'https://airlock.example/v1/analyses/an_1/report',
});
const unseen = finding({
  name: 'slow',
  verdict: 'inconclusive',
  score: 10,
  notObserved: [{ message: 'the install phase timed out', hidesBehaviour: true }],
});

describe('SARIF of a lockfile verdict', () => {
  const sarif = toSarif([finding({}), stealer, unseen], { inventoryUri: 'package-lock.json', toolVersion: '0.1.0' }) as {
    runs: { tool: { driver: { rules: { id: string; help: { text: string } }[] } }; results: Record<string, unknown>[] }[];
  };
  const [run] = sarif.runs;

  it('has one result per flagged package, none for benign ones, located at the lockfile line', () => {
    expect(run!.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['honeytoken-exfiltration', 'error'],
      ['airlock/inconclusive', 'warning'],
    ]);
    expect(run!.results[0]!.locations).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: 'package-lock.json' }, region: { startLine: 42 } },
        logicalLocations: [{ name: '@evil/env@2.0.1', fullyQualifiedName: 'pkg:npm/%40evil/env@2.0.1', kind: 'package' }],
      },
    ]);
    // No line known: the file, without a region (SARIF forbids startLine 0).
    expect(JSON.stringify(run!.results[1]!.locations)).not.toContain('region');
  });

  it('gives every rule it uses help text, and says what was not observed', () => {
    const rules = run!.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(['honeytoken-exfiltration', 'airlock/inconclusive']);
    expect(rules[0]!.help.text).toMatch(/credential/);
    expect((run!.results[1]!.message as { text: string }).text).toContain('not observed: the install phase timed out');
  });
});

describe('OSV records', () => {
  it('is one record per malicious package, for that exact version, with the evidence', () => {
    const records = toOsv([finding({}), stealer, unseen], { modified: '2026-12-05T00:00:00Z' }) as Record<string, unknown>[];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      schema_version: '1.6.0',
      id: 'AIRLOCK-npm-_at_evil_env-2.0.1',
      affected: [{ package: { ecosystem: 'npm', name: '@evil/env', purl: 'pkg:npm/%40evil/env' }, versions: ['2.0.1'] }],
      database_specific: { airlock: { verdict: 'malicious', score: 100, reasons: stealer.reasons } },
      references: [{ type: 'REPORT', url: stealer.reportUri }],
    });
    expect(toOsv([finding({ ecosystem: 'pypi', name: 'evil', verdict: 'malicious' })], { modified: 'x' })[0]).toMatchObject({
      affected: [{ package: { ecosystem: 'PyPI' } }],
    });
  });
});
