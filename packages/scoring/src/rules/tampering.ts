/**
 * The sandbox's evidence itself: what the package did to it. (Whether the record is whole is not a rule:
 * a cut record is a `record-incomplete` blind spot in not-observed.ts, which makes the run `inconclusive`.)
 *
 * `evidence-tampering` (conclusive): a package process signalled the sandbox's runner (or every process it
 * could), wrote into the runner's folders, attached to a process with ptrace, or replaced a file the runner
 * hands back. Benign software does none of these: the runner's folders exist only in this sandbox, a package
 * signals what it started, and no install or import debugs another process. (report/src/tamper-watch.ts)
 *
 */
import { clip } from '../commands.js';
import { hit, type ScoringContext } from '../context.js';
import type { EvidenceRef, RuleHit } from '../types.js';

export function evidenceTampering(context: ScoringContext): RuleHit[] {
  const acts = context.report.tampering ?? [];
  if (acts.length === 0) return [];
  const evidence: EvidenceRef[] = acts.map((t, index) => ({
    section: 'tampering',
    index,
    phase: t.phase,
    ...(t.pid !== null ? { pid: t.pid } : {}),
    ...(t.time !== null ? { time: t.time } : {}),
    detail: clip(`${t.kind}: ${t.detail} (${t.result})`, 160),
  }));
  const kinds = [...new Set(acts.map((t) => t.kind))].join(', ');
  return [
    hit('evidence-tampering', `The package acted against the sandbox's own evidence (${kinds}): ${clip(acts[0]!.detail, 100)}.`, evidence),
  ];
}
