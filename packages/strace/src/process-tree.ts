/**
 * Process tree built from events (pure): who spawned whom, what each process exec'd, when it
 * started and ended. Used to attribute behaviour to the npm lifecycle script that caused it.
 */
import type { ExecEvent, StraceEvent } from './events.js';

export interface ExecRecord {
  seq: number;
  ts: number;
  path: string;
  argv: string[];
  env: string[] | null;
  cwd: string | null;
  ok: boolean;
  errno: string | null;
}

export interface ProcessNode {
  pid: number;
  /** Null for the traced root, or when the spawning call is not in the trace. */
  ppid: number | null;
  /** Created with CLONE_THREAD: a thread of its parent's process. */
  thread: boolean;
  startTs: number | null;
  exitTs: number | null;
  exitCode: number | null;
  exitSignal: string | null;
  /** Every execve attempt in order, failed PATH probes included (see `ok`); at most the builder's `maxExecsPerNode`. */
  execs: ExecRecord[];
  /** Exec attempts past `maxExecsPerNode`, counted and not kept (a process looping on execve). */
  droppedExecs: number;
  children: number[];
}

export interface ProcessTree {
  /** Latest process for each pid. */
  nodes: Map<number, ProcessNode>;
  /** Processes whose pid was later reused by another process. */
  retired: ProcessNode[];
  /** Pids without a known parent, in order of appearance. */
  roots: number[];
}

function newNode(pid: number, ts: number | null): ProcessNode {
  return {
    pid,
    ppid: null,
    thread: false,
    startTs: ts,
    exitTs: null,
    exitCode: null,
    exitSignal: null,
    execs: [],
    droppedExecs: 0,
    children: [],
  };
}

/** Exec attempts kept per process by default: a PATH search is a handful; a loop on execve is cut here. */
export const MAX_EXECS_PER_NODE = 256;

/** Incremental builder, so the tree can grow alongside a streaming parse. */
export class ProcessTreeBuilder {
  private readonly nodes = new Map<number, ProcessNode>();
  private readonly retired: ProcessNode[] = [];

  constructor(private readonly maxExecsPerNode: number = MAX_EXECS_PER_NODE) {}

  add(event: StraceEvent): void {
    const node = this.ensure(event.pid, event.ts);
    if (event.category !== 'process') return;
    switch (event.type) {
      case 'spawn':
        if (event.childPid !== null) this.spawned(node, event.childPid, event.thread, event.ts);
        break;
      case 'exec':
        // The first attempts are kept: the ones that set what the process runs and who it is attributed to.
        if (node.execs.length < this.maxExecsPerNode) node.execs.push(execRecord(event));
        else node.droppedExecs++;
        break;
      case 'exit':
        // The `+++` status line is authoritative; exit_group only fills in when it is missing.
        if (event.source === 'status' || node.exitTs === null) {
          node.exitTs = event.ts;
          node.exitCode = event.code;
          node.exitSignal = event.signal;
        }
        break;
      default:
        break;
    }
  }

  addAll(events: Iterable<StraceEvent>): this {
    for (const e of events) this.add(e);
    return this;
  }

  build(): ProcessTree {
    const roots: number[] = [];
    for (const node of this.nodes.values()) {
      if (node.ppid === null || !this.nodes.has(node.ppid)) roots.push(node.pid);
    }
    return { nodes: this.nodes, retired: this.retired, roots };
  }

  private ensure(pid: number, ts: number): ProcessNode {
    let node = this.nodes.get(pid);
    if (!node) {
      node = newNode(pid, ts);
      this.nodes.set(pid, node);
    } else if (node.startTs === null || ts < node.startTs) {
      node.startTs = ts;
    }
    return node;
  }

  private spawned(parent: ProcessNode, childPid: number, thread: boolean, ts: number): void {
    let child = this.nodes.get(childPid);
    // Already spawned once and exited: the pid is being reused by a new process. (A child seen
    // before its parent's clone returned has no ppid yet and is the same process.)
    if (child && child.exitTs !== null && child.ppid !== null) {
      this.retired.push(child);
      child = undefined;
    }
    if (!child) {
      child = newNode(childPid, ts);
      this.nodes.set(childPid, child);
    }
    // The child's own lines can appear before the parent's clone returns; keep the earliest time.
    if (child.startTs === null || ts < child.startTs) child.startTs = ts;
    child.ppid = parent.pid;
    child.thread = thread;
    if (!parent.children.includes(childPid)) parent.children.push(childPid);
  }
}

function execRecord(e: ExecEvent): ExecRecord {
  return {
    seq: e.seq,
    ts: e.ts,
    path: e.path,
    argv: e.argv,
    env: e.env,
    cwd: e.cwd,
    // `none`: a start that is no syscall (gVisor's Sentry starting a container process).
    ok: e.result.status !== 'error',
    errno: e.result.status === 'error' ? e.result.errno : null,
  };
}

export function buildProcessTree(events: Iterable<StraceEvent>): ProcessTree {
  return new ProcessTreeBuilder().addAll(events).build();
}

/** The process and its ancestors, nearest first; stops on cycles (a malformed trace). */
export function lineage(tree: ProcessTree, pid: number): ProcessNode[] {
  const out: ProcessNode[] = [];
  const seen = new Set<number>();
  let node = tree.nodes.get(pid);
  while (node && !seen.has(node.pid)) {
    out.push(node);
    seen.add(node.pid);
    node = node.ppid === null ? undefined : tree.nodes.get(node.ppid);
  }
  return out;
}

/** The program a process is running at `atTs` (latest successful exec at or before it). */
export function currentExec(node: ProcessNode, atTs = Infinity): ExecRecord | null {
  for (let i = node.execs.length - 1; i >= 0; i--) {
    const e = node.execs[i]!;
    if (e.ok && e.ts <= atTs) return e;
  }
  return null;
}

/** Value of `key` in a `KEY=value` list; null when absent. */
export function envLookup(env: readonly string[] | null, key: string): string | null {
  if (!env) return null;
  const prefix = `${key}=`;
  for (const entry of env) if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  return null;
}

/** `KEY=value` list as a record without a prototype, so keys like `__proto__` stay plain data. */
export function envToRecord(env: readonly string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const entry of env) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

export interface LifecycleAttribution {
  packageName: string;
  packageVersion: string | null;
  /** `preinstall`, `install`, `postinstall`, `prepare`, ... */
  lifecycleEvent: string;
  /** The script text from package.json (`npm_lifecycle_script`). */
  script: string | null;
  /** The process whose exec carried the npm environment. */
  pid: number;
  exec: ExecRecord;
}

/**
 * Finds the npm lifecycle script responsible for `pid`: the nearest exec, in the process or its
 * ancestors, whose environment has `npm_lifecycle_event` and `npm_package_name` (npm sets both
 * for every script it runs). `atTs` limits the search to execs that had happened by then.
 */
export function attributeLifecycle(tree: ProcessTree, pid: number, atTs = Infinity): LifecycleAttribution | null {
  for (const node of lineage(tree, pid)) {
    for (let i = node.execs.length - 1; i >= 0; i--) {
      const exec = node.execs[i]!;
      if (exec.ts > atTs) continue;
      const lifecycleEvent = envLookup(exec.env, 'npm_lifecycle_event');
      const packageName = envLookup(exec.env, 'npm_package_name');
      if (lifecycleEvent !== null && packageName !== null) {
        return {
          packageName,
          packageVersion: envLookup(exec.env, 'npm_package_version'),
          lifecycleEvent,
          script: envLookup(exec.env, 'npm_lifecycle_script'),
          pid: node.pid,
          exec,
        };
      }
    }
  }
  return null;
}
