import { describe, expect, it } from 'vitest';
import type { TamperingRecord } from '@airlock/core';
import { scoreReport } from '../src/index.js';
import { phase, reportWith } from './helpers.js';

const act = (over: Partial<TamperingRecord> = {}): TamperingRecord => ({
  phase: 'install',
  kind: 'runner-folder-write',
  pid: 42,
  time: 1.5,
  detail: 'open for create /airlock/out/zzz/install.strace',
  result: 'ok',
  ...over,
});

describe('evidence-tampering', () => {
  it('is malicious on its own, with each act as evidence', () => {
    const v = scoreReport(reportWith({ tampering: [act(), act({ kind: 'signal-to-sandbox', detail: 'kill(-1, SIGKILL)', pid: 43 })] }));
    expect(v.verdict).toBe('malicious');
    const reason = v.reasons.find((r) => r.rule === 'evidence-tampering')!;
    expect(reason).toMatchObject({ conclusive: true, tactic: 'defense-evasion' });
    expect(reason.evidence.map((e) => [e.section, e.index, e.pid])).toEqual([
      ['tampering', 0, 42],
      ['tampering', 1, 43],
    ]);
    expect(reason.explanation).toMatch(/runner-folder-write, signal-to-sandbox/);
  });

  it('counts what the host saw (no pid) too', () => {
    const v = scoreReport(reportWith({ tampering: [act({ kind: 'runner-output-replaced', pid: null, time: null })] }));
    expect(v.verdict).toBe('malicious');
  });

  it('does not fire without tampering (a report of 0.7.0 has no list at all)', () => {
    expect(scoreReport(reportWith({ tampering: [] })).reasons.map((r) => r.rule)).not.toContain('evidence-tampering');
    const old = reportWith({});
    delete (old as Partial<typeof old>).tampering;
    expect(scoreReport(old).verdict).toBe('benign');
  });
});

describe('record-incomplete', () => {
  it('makes a cut record inconclusive, names the cut, and never says benign', () => {
    const v = scoreReport(
      reportWith({
        phases: [phase('install', { traceTruncated: true, traceIssue: 'the syscall record reached its cap' }), phase('import')],
      }),
    );
    expect(v.verdict).toBe('inconclusive');
    expect(v.reasons).toEqual([]);
    const cut = v.notObserved.find((n) => n.kind === 'record-incomplete')!;
    expect(cut.hidesBehaviour).toBe(true);
    expect(cut.evidence).toEqual([{ section: 'phases', index: 0, phase: 'install', detail: 'the syscall record reached its cap' }]);
  });

  it('stays quiet for complete records', () => {
    expect(scoreReport(reportWith({ phases: [phase('install'), phase('import')] })).verdict).toBe('benign');
  });
});
