/** One package's verdict as the lockfile gate reports it, whatever output format carries it. */
import type { Ecosystem, VerdictLabel } from '@airlock/core';

export interface PackageFinding {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** 1-based line of the package in the inventory, when the text names it (see locatePackages). */
  line?: number;
  verdict: VerdictLabel;
  score: number;
  reasons: { rule: string; severity: string; explanation: string }[];
  /** Blind spots of the run; the ones with `hidesBehaviour` are why a verdict is `inconclusive`. */
  notObserved: { message: string; hidesBehaviour: boolean }[];
  /** Where the whole report is: an API link or a local file. */
  reportUri?: string;
}

/** Verdicts that a gate shows as findings; `benign` packages are counted, not listed. */
export const FLAGGED: readonly VerdictLabel[] = ['malicious', 'inconclusive', 'suspicious'];

export const purlOf = (f: Pick<PackageFinding, 'ecosystem' | 'name' | 'version'>): string =>
  `pkg:${f.ecosystem}/${f.ecosystem === 'npm' ? f.name.replace(/^@/, '%40') : f.name}@${encodeURIComponent(f.version)}`;
