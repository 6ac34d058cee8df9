/**
 * What every rule needs besides the report: who a pid was (program, argv, lifecycle script, ancestors)
 * and the baseline as sets. Built once per scoring; read-only.
 */
import type { Attribution, ProcessExec, ProcessTreeNode, SandboxReport } from '@airlock/core';
import type { Baseline } from './baseline.js';
import { destinationHost } from './baseline.js';
import { programName } from './commands.js';
import { pathPattern, programSignature } from './signatures.js';
import type { RuleId } from './rule-catalog.js';
import { RULES } from './rule-catalog.js';
import type { EvidenceRef, RuleHit } from './types.js';

export interface ScoringContext {
  report: SandboxReport;
  /** The written path's pattern (`pathPattern`) is in the baseline. */
  knownPath(normalizedPath: string): boolean;
  /** The process's signature (`programSignature`), or its bare program name, is in the baseline. */
  knownProcess(exec: Pick<ProcessExec, 'path' | 'argv'>): boolean;
  knownHost(destination: { hostname: string | null; address: string | null }): boolean;
  /**
   * The name is, whole, a value the call view handed to a function as an argument: a client library
   * asked to reach `connect(token)` looks that name up and connects there. The package did not choose it.
   */
  isArgumentHost(name: string | null): boolean;
  /**
   * Whether an event with this attribution came from package code. npm: any attribution (a lifecycle
   * script or the import); null is npm's own work. PyPI: pip sets no lifecycle variables, and during
   * an sdist install the only third-party code is the package's setup.py, so everything counts.
   */
  isPackageCode(attribution: Attribution | null): boolean;
  /** The lifecycle script (or import) a pid ran under; null for npm's own work or an unknown pid. */
  attributionOf(phase: string, pid: number, time: number): Attribution | null;
  /** The execs of a pid up to `time`, latest last. */
  execsOf(phase: string, pid: number, time: number): ProcessExec[];
  /** argv of every exec of the pid's ancestors (nearest first), from the phase's process tree. */
  ancestorArgvs(phase: string, pid: number, time: number): string[][];
}

export function createContext(report: SandboxReport, baseline: Baseline): ScoringContext {
  const paths = new Set(baseline.writtenPaths);
  const programs = new Set(baseline.programs);
  const hosts = new Set(baseline.hosts);
  const argumentHosts = new Set(report.honeytokens.planted.filter((t) => t.kind === 'call-argument').map((t) => t.value.toLowerCase()));
  const execs = groupBy(report.processes, (p) => `${p.phase}:${p.pid}`);

  const nodeOf = (phase: string, pid: number, time: number): ProcessTreeNode | undefined => {
    const tree = report.processTree[phase as keyof SandboxReport['processTree']];
    if (!tree) return undefined;
    const candidates = tree.nodes.filter((n) => n.pid === pid && (n.startTime === null || n.startTime <= time));
    return candidates[candidates.length - 1] ?? tree.nodes.find((n) => n.pid === pid);
  };

  const execsOf = (phase: string, pid: number, time: number): ProcessExec[] =>
    (execs.get(`${phase}:${pid}`) ?? []).filter((p) => p.time <= time);

  return {
    report,
    isPackageCode: (attribution) => attribution !== null || report.package.ecosystem === 'pypi',
    knownPath: (path) => paths.has(path) || paths.has(pathPattern(path)),
    knownProcess: (exec) => programs.has(programName(exec.path)) || programs.has(programSignature(exec)),
    knownHost: (destination) => {
      const host = destinationHost(destination);
      return host !== null && hosts.has(host);
    },
    isArgumentHost: (name) => name !== null && argumentHosts.has(name.toLowerCase().replace(/\.$/, '').replace(/:\d+$/, '')),
    attributionOf(phase, pid, time) {
      const node = nodeOf(phase, pid, time);
      if (node) return node.attribution;
      const own = execsOf(phase, pid, time);
      return own[own.length - 1]?.attribution ?? execs.get(`${phase}:${pid}`)?.[0]?.attribution ?? null;
    },
    execsOf,
    ancestorArgvs(phase, pid, time) {
      const tree = report.processTree[phase as keyof SandboxReport['processTree']];
      const out: string[][] = [];
      const seen = new Set<number>();
      let node = nodeOf(phase, pid, time);
      while (tree && node && node.parent !== null && !seen.has(node.parent)) {
        seen.add(node.parent);
        node = tree.nodes[node.parent];
        for (const step of node?.execs ?? []) out.push(step.argv);
      }
      if (!tree) {
        // No tree: follow ppids through the exec list instead.
        let ppid = execsOf(phase, pid, time)[0]?.ppid ?? null;
        while (ppid !== null && !seen.has(ppid)) {
          seen.add(ppid);
          const parentExecs = execs.get(`${phase}:${ppid}`) ?? [];
          for (const p of parentExecs) out.push(p.argv);
          ppid = parentExecs[0]?.ppid ?? null;
        }
      }
      return out;
    },
  };
}

/** The program a pid was running at `time` (its latest exec), folded (`python3.11` -> `python3`). */
export function programAt(context: ScoringContext, phase: string, pid: number, time: number): string | null {
  const own = context.execsOf(phase, pid, time);
  const last = own[own.length - 1];
  return last ? programName(last.path) : null;
}

/** A rule hit with the catalog's weight, severity and tactic; evidence capped so a flood stays readable. */
export function hit(rule: RuleId, explanation: string, evidence: EvidenceRef[]): RuleHit {
  const spec = RULES[rule];
  return {
    rule,
    severity: spec.severity,
    tactic: spec.tactic,
    weight: spec.weight,
    conclusive: spec.conclusive,
    explanation,
    evidence: evidence.slice(0, MAX_EVIDENCE),
  };
}

const MAX_EVIDENCE = 10;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
