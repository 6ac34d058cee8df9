/** The verdict's shape: what the scorer returns and what a reader (or the CLI) prints. */
import type { PhaseName, VerdictLabel } from '@airlock/core';

export type { VerdictLabel } from '@airlock/core';

export type RuleSeverity = 'critical' | 'high' | 'medium' | 'low';

/** ATT&CK-style tactics, so a reader can group hits the way incident write-ups do. */
export type Tactic =
  | 'credential-access'
  | 'exfiltration'
  | 'execution'
  | 'persistence'
  | 'defense-evasion'
  | 'impact'
  | 'resource-hijacking'
  | 'discovery'
  | 'command-and-control';

/**
 * Where in the report a hit's evidence sits: the section (`processes`, `fileWrites`, `network.tcp`,
 * `honeytokens.exfiltrated`, ...) and the entry's index, plus the fields a person searches by.
 */
export interface EvidenceRef {
  section: string;
  index: number;
  phase?: PhaseName | string;
  pid?: number;
  time?: number;
  path?: string;
  destination?: string;
  /** A short excerpt (argv, qname, operation), bounded. */
  detail?: string;
}

/** One rule that fired, with its weight on the score and the events behind it. */
export interface RuleHit {
  rule: string;
  severity: RuleSeverity;
  tactic: Tactic;
  /** Points added to the 0-100 score (static signals: small; conclusive rules: 100). */
  weight: number;
  /** A conclusive hit forces `malicious` whatever else was seen. */
  conclusive: boolean;
  explanation: string;
  evidence: EvidenceRef[];
}

export type NotObservedKind =
  | 'phase-timeout'
  | 'phase-error'
  | 'phase-missing'
  | 'install-failed'
  | 'lingering-processes'
  | 'record-incomplete'
  | 'evidence-gap'
  | 'windows-only-code'
  | 'macos-only-code';

/** Something the run could not see, so a `benign` verdict is read with it in mind. */
export interface NotObserved {
  kind: NotObservedKind;
  phase?: PhaseName;
  message: string;
  /**
   * What was not seen could hold the behaviour that decides the verdict (a phase cut short, a record or
   * the fake internet lost): without proof of malice the run is `inconclusive`, never `benign`. False for
   * blind spots every Linux run has (another OS's code paths) and for a failed install, which benign
   * packages show too (a native build with no compiler for the target): those are stated, not decisive.
   */
  hidesBehaviour: boolean;
  evidence: EvidenceRef[];
}

export interface Verdict {
  verdict: VerdictLabel;
  /** 0-100: the capped sum of hit weights; 100 when a conclusive rule fired. */
  score: number;
  /** Rule hits, heaviest first. */
  reasons: RuleHit[];
  notObserved: NotObserved[];
}

/** The shape of a static pre-signal (@airlock/static-signals' StaticSignal), accepted structurally. */
export interface StaticSignalLike {
  id: string;
  severity: 'info' | 'low' | 'medium' | 'high';
  message: string;
  evidence: { file?: string; line?: number; snippet?: string; value?: string };
}
