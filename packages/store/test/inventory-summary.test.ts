import { describe, expect, it } from 'vitest';
import { summarizeInventory, type AnalysisRecord, type InventoryRecord } from '../src/index.js';

const inventory = (n: number): InventoryRecord => ({
  id: 'inv',
  orgId: 'org',
  fileName: 'package-lock.json',
  format: 'package-lock',
  createdAt: '',
  status: 'analysing',
  schedule: null,
  packages: Array.from({ length: n }, (_, i) => ({
    ecosystem: 'npm' as const,
    name: `p${i}`,
    version: '1.0.0',
    integrity: null,
    analysisId: `a${i}`,
  })),
  skipped: [],
  integrityMismatches: [],
  integrityUnchecked: [],
  completedAt: null,
  rescans: 0,
  error: null,
});
const analysis = (i: number, patch: Partial<AnalysisRecord>): AnalysisRecord => ({
  id: `a${i}`,
  orgId: 'org',
  ecosystem: 'npm',
  name: `p${i}`,
  version: '1.0.0',
  source: 'registry',
  archiveSha256: null,
  runKey: 'k',
  status: 'completed',
  cached: false,
  inventoryId: 'inv',
  submittedAt: '',
  startedAt: null,
  finishedAt: null,
  reportId: null,
  verdict: null,
  phases: [],
  error: null,
  ...patch,
});
const verdict = (v: 'malicious' | 'suspicious' | 'benign', score: number) => ({
  verdict: v,
  score,
  reasons: [{ rule: 'r', severity: 'high', explanation: `why ${v}` }],
  notObserved: [],
});

describe('summarizeInventory', () => {
  it('counts by verdict and status, lists findings by score, and failures with their error', () => {
    const s = summarizeInventory(inventory(5), [
      analysis(0, { verdict: verdict('benign', 0) }),
      analysis(1, { verdict: verdict('suspicious', 30) }),
      analysis(2, { verdict: verdict('malicious', 90) }),
      analysis(3, { status: 'failed', error: 'not found in the registry' }),
      analysis(4, { status: 'running' }),
    ]);
    expect(s).toMatchObject({
      total: 5,
      finished: 4,
      byVerdict: { malicious: 1, suspicious: 1, inconclusive: 0, benign: 1 },
      byStatus: { completed: 3, failed: 1, running: 1 },
    });
    expect(s.findings.map((f) => [f.name, f.verdict])).toEqual([
      ['p2', 'malicious'],
      ['p1', 'suspicious'],
    ]);
    expect(s.failed).toEqual([{ name: 'p3', version: '1.0.0', error: 'not found in the registry' }]);
  });

  it('counts packages without an analysis yet as pending, not finished', () => {
    const s = summarizeInventory(inventory(2), [analysis(0, { verdict: verdict('benign', 0) }), null]);
    expect(s).toMatchObject({ total: 2, finished: 1, byStatus: { completed: 1, pending: 1 } });
  });
});
