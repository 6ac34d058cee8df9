/**
 * The sandbox's evidence itself: what the package did to it, and whether the record is whole.
 *
 * `evidence-tampering` (conclusive): a package process signalled the sandbox's runner (or every process it
 * could), wrote into the runner's folders, attached to a process with ptrace, or replaced a file the runner
 * hands back. Benign software does none of these: the runner's folders exist only in this sandbox, a package
 * signals what it started, and no install or import debugs another process. (report/src/tamper-watch.ts)
 *
 * `record-incomplete`: the syscall record of a phase was cut (its cap reached, or strace lost). Not proof of
 * anything (a very large benign build can fill a cap), so never `malicious` alone; but what followed the cut
 * was not seen, so the run is not clean.
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

export function recordIncomplete(context: ScoringContext): RuleHit[] {
  const evidence: EvidenceRef[] = [];
  context.report.phases.forEach((phase, index) => {
    if (phase.traceTruncated)
      evidence.push({ section: 'phases', index, phase: phase.name, detail: clip(phase.traceIssue ?? 'record cut', 160) });
  });
  if (evidence.length === 0) return [];
  return [
    hit(
      'record-incomplete',
      `The syscall record of the ${evidence.map((e) => e.phase).join(' and ')} phase is incomplete (${evidence[0]!.detail}): what followed was not observed.`,
      evidence,
    ),
  ];
}
