import { describe, expect, it } from 'vitest';
import { decidePublicVerdict, type VerdictName } from '../src/index.js';

const h = 3600e3;
const t0 = Date.parse('2026-12-01T00:00:00Z');
const run = (reportId: string, verdict: VerdictName, hours: number, ...requestedBy: string[]) => ({
  reportId,
  verdict,
  analyzedAt: new Date(t0 + hours * h).toISOString(),
  requestedBy,
});

describe('decidePublicVerdict', () => {
  it('sets the first verdict, and replaces a verdict that is not malicious at once (upgrades are never delayed)', () => {
    expect(decidePublicVerdict(null, [], run('r1', 'benign', 0, 'a')).apply).toBe(true);
    expect(decidePublicVerdict('benign', [run('r1', 'benign', 0, 'a')], run('r2', 'malicious', 1, 'b')).apply).toBe(true);
    expect(decidePublicVerdict('suspicious', [], run('r2', 'benign', 1, 'b')).apply).toBe(true);
  });

  it('keeps malicious against one benign run, whoever asks', () => {
    const history = [run('r1', 'malicious', 0, 'a')];
    const decision = decidePublicVerdict('malicious', history, run('r2', 'benign', 30, 'b'));
    expect(decision).toEqual({ apply: false, note: expect.stringMatching(/held: .*1 of 2 benign runs/) });
  });

  it('never downgrades malicious on inconclusive or suspicious runs, and they break a benign streak', () => {
    const history = [run('r2', 'benign', 30, 'b'), run('r1', 'malicious', 0, 'a')];
    expect(decidePublicVerdict('malicious', history, run('r3', 'inconclusive', 60, 'c')).apply).toBe(false);
    expect(decidePublicVerdict('malicious', history, run('r3', 'suspicious', 60, 'c')).apply).toBe(false);
    const broken = [run('r3', 'inconclusive', 50, 'c'), ...history];
    expect(decidePublicVerdict('malicious', broken, run('r4', 'benign', 80, 'd')).note).toMatch(/1 of 2 benign runs/);
  });

  it('needs two benign runs, a day apart, from two organizations', () => {
    const history = [run('r1', 'malicious', 0, 'a')];
    // Same organization twice, a day apart: held.
    const sameOrg = [run('r2', 'benign', 1, 'b'), ...history];
    expect(decidePublicVerdict('malicious', sameOrg, run('r3', 'benign', 30, 'b'))).toMatchObject({
      apply: false,
      note: expect.stringMatching(/1 of 2 organizations/),
    });
    // Two organizations within the hour: held.
    const quick = [run('r2', 'benign', 1, 'b'), ...history];
    expect(decidePublicVerdict('malicious', quick, run('r3', 'benign', 2, 'c'))).toMatchObject({
      apply: false,
      note: expect.stringMatching(/1\.0 h of 24 h/),
    });
    // Two organizations, 24 h apart: downgraded.
    expect(decidePublicVerdict('malicious', quick, run('r3', 'benign', 25, 'c'))).toMatchObject({
      apply: true,
      note: expect.stringMatching(/^downgrade: 2 benign runs from 2 organizations/),
    });
  });

  it('counts one report once (a run recorded twice is not two runs)', () => {
    const history = [run('r2', 'benign', 1, 'b'), run('r1', 'malicious', 0, 'a')];
    expect(decidePublicVerdict('malicious', history, run('r2', 'benign', 30, 'c')).apply).toBe(false);
  });

  it('refreshes a malicious verdict with a newer malicious report', () => {
    expect(decidePublicVerdict('malicious', [run('r1', 'malicious', 0, 'a')], run('r2', 'malicious', 1, 'b')).apply).toBe(true);
  });
});
