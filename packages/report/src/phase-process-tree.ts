import type { ArgvClipped, Attribution, ExecStep, PhaseProcessTree, ProcessTreeNode } from '@airlock/core';
import type { ProcessNode, ProcessTree } from '@airlock/strace';
import { isInfrastructureExec } from './infrastructure.js';

export interface TreeOptions {
  normalize: (path: string) => string;
  /** The lifecycle script (or import) each process ran under, as tracked while the events streamed. */
  attribution: (node: ProcessNode) => Attribution | null;
  /** The full size of an argv that was clipped before it reached the tree (./argv-clip.ts). */
  argvClipped?: (argv: readonly string[]) => ArgvClipped | null;
}

/** What a process node inherits from its ancestry. */
interface Lineage {
  /** Nearest visible process at or above the node. */
  visible: ProcessNode | null;
  /** The node runs the runner's code: every exec it made was the runner's, or it is a fork of such a process. */
  runner: boolean;
}

/**
 * Turns the parser's process tree (pid → node, threads and runner included) into the report's: one node
 * per process, threads folded into their process, runner processes (/opt/airlock) left out with their
 * children attached to the nearest visible ancestor. Pids reused within a phase stay apart: a child is
 * matched to the process that held its parent pid when it started. Iterative, so any depth is safe.
 */
export function toPhaseProcessTree(tree: ProcessTree, options: TreeOptions): PhaseProcessTree {
  const all = [...tree.retired, ...tree.nodes.values()].sort((a, b) => (a.startTs ?? 0) - (b.startTs ?? 0));
  const parentOf = parentFinder(tree);
  const lineage = lineageResolver(parentOf);
  const ids = new Map<ProcessNode, number>();
  const nodes: ProcessTreeNode[] = [];
  let hiddenProcesses = 0;
  for (const node of all) {
    if (node.thread) continue;
    if (lineage(node).runner) {
      hiddenProcesses++;
      continue;
    }
    ids.set(node, nodes.length);
    nodes.push(reportNode(node, nodes.length, processPid(node.ppid, node, parentOf)));
  }
  const roots: number[] = [];
  for (const [node, id] of ids) {
    const parent = parentOf(node);
    const visibleParent = parent ? lineage(parent).visible : null;
    const parentId = visibleParent ? (ids.get(visibleParent) ?? null) : null;
    const out = nodes[id]!;
    out.parent = parentId;
    if (parentId === null) roots.push(id);
    else nodes[parentId]!.children.push(id);
  }
  for (const [node, id] of ids) nodes[id]!.attribution = options.attribution(node);
  for (const out of nodes) {
    for (const step of out.execs) {
      step.normalizedPath = options.normalize(step.path);
      const clipped = options.argvClipped?.(step.argv);
      if (clipped) step.argvClipped = clipped;
    }
  }
  return { roots, nodes, hiddenProcesses };
}

function reportNode(node: ProcessNode, id: number, ppid: number | null): ProcessTreeNode {
  const execs: ExecStep[] = node.execs.filter((e) => e.ok).map((e) => ({ time: e.ts, path: e.path, normalizedPath: e.path, argv: e.argv }));
  return {
    id,
    pid: node.pid,
    ppid,
    parent: null,
    execs,
    startTime: node.startTs,
    exitTime: node.exitTs,
    exitCode: node.exitCode,
    exitSignal: node.exitSignal,
    attribution: null,
    children: [],
  };
}

/** The spawning process's pid: a thread that spawned is replaced by the process it belongs to. */
function processPid(ppid: number | null, node: ProcessNode, parentOf: (n: ProcessNode) => ProcessNode | null): number | null {
  let parent = parentOf(node);
  const seen = new Set<ProcessNode>();
  while (parent?.thread && !seen.has(parent)) {
    seen.add(parent);
    parent = parentOf(parent);
  }
  return parent ? parent.pid : ppid;
}

/** Parent of a node: the holder of its ppid alive when the node started (pids can be reused). */
function parentFinder(tree: ProcessTree): (node: ProcessNode) => ProcessNode | null {
  const byPid = new Map<number, ProcessNode[]>();
  for (const node of [...tree.retired, ...tree.nodes.values()]) byPid.set(node.pid, [...(byPid.get(node.pid) ?? []), node]);
  const cache = new Map<ProcessNode, ProcessNode | null>();
  return (node) => {
    if (cache.has(node)) return cache.get(node)!;
    let parent: ProcessNode | null = null;
    if (node.ppid !== null) {
      const candidates = (byPid.get(node.ppid) ?? []).filter((c) => c !== node);
      const at = node.startTs ?? Infinity;
      parent =
        candidates.find((c) => (c.startTs ?? -Infinity) <= at && (c.exitTs === null || c.exitTs >= at)) ??
        tree.nodes.get(node.ppid) ??
        null;
      if (parent === node) parent = null;
    }
    cache.set(node, parent);
    return parent;
  };
}

/** Memoised lineage per node, resolved bottom-up without recursion. */
function lineageResolver(parentOf: (n: ProcessNode) => ProcessNode | null): (node: ProcessNode) => Lineage {
  const memo = new Map<ProcessNode, Lineage>();
  return (node) => {
    const chain: ProcessNode[] = [];
    const seen = new Set<ProcessNode>();
    let current: ProcessNode | null = node;
    while (current && !memo.has(current) && !seen.has(current)) {
      seen.add(current);
      chain.push(current);
      current = parentOf(current);
    }
    let above: Lineage | null = current ? (memo.get(current) ?? null) : null;
    for (let i = chain.length - 1; i >= 0; i--) {
      above = lineageOf(chain[i]!, above);
      memo.set(chain[i]!, above);
    }
    return memo.get(node)!;
  };
}

function lineageOf(node: ProcessNode, parent: Lineage | null): Lineage {
  if (node.thread) return { visible: parent?.visible ?? null, runner: parent?.runner ?? false };
  const execs = node.execs.filter((e) => e.ok);
  const runner = execs.length > 0 ? execs.every(isInfrastructureExec) : (parent?.runner ?? false);
  return { visible: runner ? (parent?.visible ?? null) : node, runner };
}
