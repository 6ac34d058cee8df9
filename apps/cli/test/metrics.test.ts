import { describe, expect, it } from 'vitest';
import { computeMetrics, wilsonInterval, type EvalResult } from '../src/eval/metrics.js';
import { failedPhasesOf } from '../src/eval/runner.js';
import { summary } from '../src/eval/eval-command.js';

const close = (ci: { low: number; high: number } | null, low: number, high: number) => {
  expect(ci).not.toBeNull();
  expect(ci!.low).toBeCloseTo(low, 4);
  expect(ci!.high).toBeCloseTo(high, 4);
};

describe('wilsonInterval', () => {
  it('matches the published 95% Wilson intervals (Newcombe 1998, Table I, method 3)', () => {
    close(wilsonInterval(81, 263), 0.2553, 0.3662);
    close(wilsonInterval(15, 148), 0.0624, 0.1605);
    close(wilsonInterval(0, 20), 0, 0.1611);
    close(wilsonInterval(1, 29), 0.0061, 0.1718);
  });

  it('at 0 of n the upper end is z^2 / (n + z^2), not zero: 0 of 500 still allows 0.76%', () => {
    const z2 = 1.959963984540054 ** 2;
    close(wilsonInterval(0, 500), 0, z2 / (500 + z2));
    expect(wilsonInterval(0, 500)!.high).toBeGreaterThan(0.0076);
  });

  it('is symmetric (k of n mirrors n-k of n) and ends exactly at 1 for n of n', () => {
    const a = wilsonInterval(3, 40)!;
    const b = wilsonInterval(37, 40)!;
    expect(a.low).toBeCloseTo(1 - b.high, 12);
    expect(a.high).toBeCloseTo(1 - b.low, 12);
    expect(wilsonInterval(12, 12)!.high).toBe(1);
  });

  it('is null for n = 0 and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(5, 4)).toThrow(/successes <= n/);
    expect(() => wilsonInterval(-1, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 4)).toThrow(RangeError);
  });
});

const result = (
  label: EvalResult['label'],
  verdict: EvalResult['verdict'],
  failedPhases: string[] = [],
  ecosystem: EvalResult['ecosystem'] = 'npm',
): EvalResult => ({
  id: `${ecosystem}:${label}-${verdict}-${Math.random()}`,
  ecosystem,
  label,
  verdict,
  score: verdict === 'error' ? null : 0,
  reasons: [],
  timeMs: 1000,
  failedPhases,
});

describe('computeMetrics', () => {
  it('counts benign samples that failed to install or import apart, never as true negatives', () => {
    const m = computeMetrics(
      [
        result('benign', 'benign'),
        result('benign', 'benign', ['install: exit 1']),
        result('benign', 'benign', ['import: timeout']),
        result('benign', 'suspicious', ['install: exit 1']),
        result('benign', 'error'),
      ],
      new Set(['malicious', 'suspicious']),
    );
    expect(m).toMatchObject({ samples: 5, errors: 1, failed: 2, tn: 1, fp: 1, fpr: 0.5 });
  });

  it('gives each rate its Wilson interval from the same counts', () => {
    const results = [
      ...Array.from({ length: 3 }, () => result('benign', 'suspicious')),
      ...Array.from({ length: 97 }, () => result('benign', 'benign')),
      ...Array.from({ length: 8 }, () => result('malicious', 'malicious')),
      ...Array.from({ length: 2 }, () => result('malicious', 'benign')),
    ];
    const m = computeMetrics(results, new Set(['malicious', 'suspicious']));
    expect(m).toMatchObject({ tp: 8, fp: 3, tn: 97, fn: 2, failed: 0 });
    expect(m.fprCi).toEqual(wilsonInterval(3, 100));
    expect(m.recallCi).toEqual(wilsonInterval(8, 10));
    expect(m.precisionCi).toEqual(wilsonInterval(8, 11));
    expect(computeMetrics([], new Set(['malicious'])).fprCi).toBeNull();
  });
});

describe('failedPhasesOf', () => {
  const phase = (name: 'install' | 'import', status: 'completed' | 'timeout' | 'error', exitCode: number | null) => ({
    name,
    status,
    exitCode,
  });
  it('names each phase that exited non-zero or did not complete', () => {
    expect(failedPhasesOf({ phases: [phase('install', 'completed', 0), phase('import', 'completed', 0)] } as never)).toEqual([]);
    expect(failedPhasesOf({ phases: [phase('install', 'completed', 1), phase('import', 'timeout', null)] } as never)).toEqual([
      'install: exit 1',
      'import: timeout',
    ]);
  });
});

describe('summary', () => {
  it('prints per ecosystem and overall rows, with the FPR interval and the failed count', () => {
    const results = [
      ...Array.from({ length: 9 }, () => result('benign', 'benign')),
      result('benign', 'suspicious'),
      result('benign', 'benign', ['install: exit 1'], 'pypi'),
      result('benign', 'benign', [], 'pypi'),
    ];
    const text = summary(results);
    const row = (eco: string) => text.split('\n').find((l) => l.startsWith(eco) && l.includes('mal.+inc.+susp.'))!;
    // npm: 1 of 10 flagged, Wilson [1.8-40.4]; overall: 1 of 11 measured (the failed pypi one is apart).
    expect(row('npm')).toContain('10.0% [1.8-40.4]');
    expect(row('all')).toMatch(/^all\s+mal\.\+inc\.\+susp\.\s+12\s+0\s+1\s+0\s+1\s+10\s+0\b/);
    expect(row('all')).toContain(`${((1 / 11) * 100).toFixed(1)}% [${(wilsonInterval(1, 11)!.low * 100).toFixed(1)}-`);
    expect(text).toMatch(/^pypi\s+inconclusive: .*install failed: 1, import failed: 0/m);
  });
});
