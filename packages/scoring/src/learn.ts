/**
 * Learning a baseline from benign runs: the signatures each run shows (only what the noise rules would
 * otherwise report, in the form they compare), counted per distinct package, kept above a threshold.
 */
import type { SandboxReport } from '@airlock/core';
import {
  DEFAULT_THRESHOLDS,
  destinationHost,
  emptyBaseline,
  KINDS,
  type Baseline,
  type BaselineKind,
  type LearnedEntry,
  type LearnedSignatures,
  type LearnThresholds,
} from './baseline.js';
import { createContext } from './context.js';
import { executedWriteCandidates, programRuleCandidates } from './rules/execution.js';
import { destroyedInHome } from './rules/filesystem.js';
import { isFakeAddress, pathPattern, programSignature } from './signatures.js';

/** What learning counts of one run: each kind's signatures (a set, or a list kept in a results file). */
export type RunSignatures = Record<BaselineKind, Iterable<string>>;

/** The signatures of one report, each kind as a set: what learning counts per package. */
export function signaturesOf(report: SandboxReport): { writtenPaths: Set<string>; programs: Set<string>; hosts: Set<string> } {
  const writtenPaths = new Set<string>();
  const programs = new Set<string>();
  const hosts = new Set<string>();
  // Only what the noise rules would report with no baseline: npm unpacking `<NODE_PKG>/index.js` for
  // every package is never learned (it would hide a script that rewrites and runs a dependency's file),
  // nor is a build tool's own `python3 -c`.
  const context = createContext(report, emptyBaseline());
  for (const { write } of executedWriteCandidates(context)) writtenPaths.add(pathPattern(write.normalizedPath));
  for (const { normalizedPath } of destroyedInHome(context)) if (normalizedPath !== null) writtenPaths.add(pathPattern(normalizedPath));
  for (const { exec } of programRuleCandidates(context)) programs.add(programSignature(exec));
  for (const dns of report.network.dns) hosts.add(dns.qname.toLowerCase().replace(/\.$/, ''));
  for (const record of [...report.network.tcp, ...report.network.udp]) {
    const host = destinationHost(record.destination);
    if (host !== null && !isFakeAddress(host)) hosts.add(host);
  }
  return { writtenPaths, programs, hosts };
}

/**
 * Every signature of the given runs, without a threshold. For the empty-package control run (one
 * report, no package code), not for a corpus: see `learnBaseline`.
 */
export function baselineFromReports(reports: readonly SandboxReport[]): Baseline {
  const out = { writtenPaths: new Set<string>(), programs: new Set<string>(), hosts: new Set<string>() };
  for (const report of reports) {
    const s = signaturesOf(report);
    for (const kind of KINDS) for (const value of s[kind]) out[kind].add(value);
  }
  return { writtenPaths: sorted(out.writtenPaths), programs: sorted(out.programs), hosts: sorted(out.hosts) };
}

/**
 * Learns from benign runs with a support threshold: a signature counts once per package however often
 * it repeats, and is kept when `minPackages` distinct packages showed it. Each run is its signatures
 * (`signaturesOf` its report, or the lists a results file kept once the report is gone). Pure: same runs,
 * same result (entries sorted by value).
 */
export function learnBaseline(
  runs: readonly { packageName: string; signatures: RunSignatures }[],
  thresholds: LearnThresholds = DEFAULT_THRESHOLDS,
): LearnedSignatures {
  const support = {
    writtenPaths: new Map<string, Set<string>>(),
    programs: new Map<string, Set<string>>(),
    hosts: new Map<string, Set<string>>(),
  };
  const packages = new Set<string>();
  for (const { packageName, signatures } of runs) {
    packages.add(packageName);
    for (const kind of KINDS) {
      for (const value of signatures[kind]) {
        const seen = support[kind].get(value) ?? new Set<string>();
        seen.add(packageName);
        support[kind].set(value, seen);
      }
    }
  }
  const entries = (kind: BaselineKind) =>
    [...support[kind]]
      .map(([value, seen]): LearnedEntry => ({ value, packages: seen.size, seenIn: [...seen].sort() }))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const kept = (kind: BaselineKind) => entries(kind).filter((e) => e.packages >= thresholds.minPackages);
  const dropped = (kind: BaselineKind) => entries(kind).filter((e) => e.packages < thresholds.minPackages);
  return {
    thresholds: { ...thresholds },
    packages: packages.size,
    writtenPaths: kept('writtenPaths'),
    programs: kept('programs'),
    hosts: kept('hosts'),
    belowThreshold: { writtenPaths: dropped('writtenPaths').length, programs: dropped('programs'), hosts: dropped('hosts') },
  };
}

const sorted = (values: Set<string>): string[] => [...values].sort();
