import type { Attribution } from '@airlock/core';
import { attributeLifecycle, type ProcessNode } from '@airlock/strace';

/**
 * Lifecycle attribution kept per process while events stream in: a child inherits its spawner's at
 * spawn, and an exec whose environment names an npm lifecycle script replaces it. Each step is O(1) in
 * the depth of the tree, so a package that forks a chain thousands deep cannot make attribution
 * quadratic (the parser's attributeLifecycle walks the whole lineage on every call).
 */
export class AttributionTracker {
  private readonly byProcess = new WeakMap<ProcessNode, Attribution | null>();

  constructor(private readonly fallback: Attribution | null) {}

  spawned(child: ProcessNode, spawner: ProcessNode | undefined): void {
    this.byProcess.set(child, ownLifecycle(child) ?? (spawner ? this.get(spawner) : this.fallback));
  }

  execed(node: ProcessNode): void {
    this.byProcess.set(node, ownLifecycle(node) ?? this.get(node));
  }

  /** The attribution in force for a node; the phase's fallback when nothing is known. */
  get(node: ProcessNode): Attribution | null {
    return this.byProcess.get(node) ?? this.fallback;
  }
}

/**
 * The lifecycle script named by the process's own execs (npm sets npm_lifecycle_event and
 * npm_package_name for every script): the parser's attributeLifecycle, asked about this node alone.
 */
function ownLifecycle(node: ProcessNode): Attribution | null {
  const found = attributeLifecycle({ nodes: new Map([[node.pid, { ...node, ppid: null }]]), retired: [], roots: [node.pid] }, node.pid);
  return found ? { packageName: found.packageName, event: found.lifecycleEvent, script: found.script } : null;
}
