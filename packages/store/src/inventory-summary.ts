/** What an inventory's page and its completion event say: progress, counts by verdict, the findings. Pure. */
import type { VerdictLabel } from '@airlock/core';
import type { AnalysisRecord, InventoryRecord } from './types.js';
import { TERMINAL_STATUSES } from './types.js';

export interface InventoryFinding {
  ecosystem: string;
  name: string;
  version: string;
  verdict: string;
  score: number;
  analysisId: string;
  reasons: { rule: string; explanation: string }[];
}

export interface InventorySummary {
  total: number;
  finished: number;
  byStatus: Record<string, number>;
  byVerdict: Record<VerdictLabel, number>;
  findings: InventoryFinding[];
  failed: { name: string; version: string; error: string }[];
}

export function summarizeInventory(inventory: InventoryRecord, analyses: readonly (AnalysisRecord | null)[]): InventorySummary {
  const byStatus: Record<string, number> = {};
  const byVerdict: Record<VerdictLabel, number> = { malicious: 0, suspicious: 0, inconclusive: 0, benign: 0 };
  const findings: InventoryFinding[] = [];
  const failed: InventorySummary['failed'] = [];
  let finished = 0;
  for (const analysis of analyses) {
    const status = analysis?.status ?? 'pending';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (!analysis) continue;
    if (TERMINAL_STATUSES.includes(analysis.status)) finished += 1;
    if (analysis.status === 'failed')
      failed.push({ name: analysis.name, version: analysis.version, error: analysis.error ?? 'unknown error' });
    const verdict = analysis.verdict;
    if (analysis.status !== 'completed' || !verdict) continue;
    byVerdict[verdict.verdict] += 1;
    if (verdict.verdict === 'benign') continue;
    findings.push({
      ecosystem: analysis.ecosystem,
      name: analysis.name,
      version: analysis.version,
      verdict: verdict.verdict,
      score: verdict.score,
      analysisId: analysis.id,
      reasons: verdict.reasons.map((r) => ({ rule: r.rule, explanation: r.explanation })),
    });
  }
  findings.sort((a, b) => b.score - a.score);
  return { total: inventory.packages.length, finished, byStatus, byVerdict, findings, failed };
}
