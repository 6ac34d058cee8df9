import type {
  Attribution,
  ConnectAttempt,
  DeniedOperation,
  FileWrite,
  PhaseName,
  PhaseProcessTree,
  ProcessExec,
  SensitiveFileAccess,
  TamperingRecord,
} from '@airlock/core';
import {
  ProcessTreeBuilder,
  currentExec,
  type CallResult,
  type ExecEvent,
  type ProcessNode,
  type ProcessTree,
  type SocketAddress,
  type StraceEvent,
} from '@airlock/strace';
import { isInfrastructureExec } from './infrastructure.js';
import { SANDBOX_HOME, pathNormalizer } from './normalization.js';
import { AttributionTracker } from './attribution.js';
import { toPhaseProcessTree } from './phase-process-tree.js';
import { sensitiveTouchOf, type SensitiveTouch } from './sensitive-access.js';
import { TamperWatch } from './tamper-watch.js';

/** Errors that mean the kernel refused: escalation and escape attempts end this way. */
const DENIED = new Set(['EACCES', 'EPERM']);
const MUTATIONS = new Set(['unlink', 'rmdir', 'rename', 'chmod', 'chown', 'link', 'mkdir', 'truncate']);
/** Bound on walks up the tree per event, so a fork chain thousands deep cannot make the summary quadratic. */
const MAX_HOPS = 256;

export interface PhaseSummary {
  processes: ProcessExec[];
  processTree: PhaseProcessTree;
  fileWrites: FileWrite[];
  sensitiveFiles: SensitiveFileAccess[];
  connections: Omit<ConnectAttempt, 'hostname'>[];
  denied: DeniedOperation[];
  /** Acts against the sandbox's evidence (./tamper-watch.ts). */
  tampering: TamperingRecord[];
}

/**
 * Folds one phase's events, one at a time, into the report's structured lists, so that a trace of any
 * size is summarised without keeping its events. Memory holds the process tree (one node per process,
 * with its execs), the lists the report prints, and one entry per distinct sensitive access: reads are
 * looked at and dropped unless they touch a sensitive path.
 */
export class TraceSummarizer {
  private readonly builder = new ProcessTreeBuilder();
  /** The builder's nodes as they grow (build() hands out its live pid map), for attribution mid-stream. */
  private readonly live: ProcessTree = this.builder.build();
  private readonly normalize: (path: string) => string;
  private readonly attribution: AttributionTracker;
  private readonly lists = {
    processes: [] as ProcessExec[],
    fileWrites: [] as FileWrite[],
    connections: [] as Omit<ConnectAttempt, 'hostname'>[],
    denied: [] as DeniedOperation[],
  };
  private readonly sensitive = new Map<string, SensitiveFileAccess>();
  private readonly failedExecs = new Map<number, { event: ExecEvent; result: string }>();
  /** Thread id -> its process (thread-group leader): Node's thread pool writes files for its process. */
  private readonly threadOwner = new Map<number, number>();
  private tree: PhaseProcessTree | null = null;
  private readonly tamper: TamperWatch;

  constructor(
    private readonly phase: PhaseName,
    packageName: string,
    homeDir: string = SANDBOX_HOME,
  ) {
    this.normalize = pathNormalizer(packageName, homeDir);
    this.tamper = new TamperWatch(phase);
    // The import phase runs nothing but the package, so whatever no lifecycle script explains is its doing.
    this.attribution = new AttributionTracker(phase === 'import' ? { packageName, event: 'import', script: null } : null);
  }

  /** The summary so far; the process tree is built on first read after new events. */
  get summary(): PhaseSummary {
    if (this.failedExecs.size) {
      for (const pid of [...this.failedExecs.keys()]) this.flushFailedExec(pid);
      this.lists.processes.sort((a, b) => a.time - b.time);
    }
    this.tree ??= toPhaseProcessTree(this.builder.build(), {
      normalize: this.normalize,
      attribution: (node) => this.attribution.get(node),
    });
    return { ...this.lists, processTree: this.tree, sensitiveFiles: [...this.sensitive.values()], tampering: this.tamper.records.records };
  }

  add(event: StraceEvent): void {
    this.builder.add(event);
    this.tamper.add(event);
    this.tree = null;
    this.trackAttribution(event);
    this.trackThreads(event);
    // Events of a thread are the process's: the report (and the scorer) know processes, not threads.
    const at = { phase: this.phase, pid: this.ownerOf(event.pid), time: event.ts };
    const result = resultText(event.result);
    if (event.category === 'process' && event.type === 'exec') this.onExec(event, result);
    if (event.category === 'process' && event.type === 'exit' && event.source === 'status') this.flushFailedExec(event.pid);
    if (result !== 'ok' && event.result.status === 'error' && DENIED.has(event.result.errno)) {
      const target = targetOf(event);
      this.lists.denied.push({ ...at, syscall: event.syscall ?? event.type, target, normalizedTarget: this.normalize(target), result });
    }
    const touch = sensitiveTouchOf(event);
    if (touch) this.onSensitive(event, touch, result);
    if (event.category === 'file') {
      if ((event.type === 'open' && event.intent !== 'read') || MUTATIONS.has(event.type)) {
        const operation = event.type === 'open' ? event.intent : event.type;
        // A rename writes its new name: that is where the file now is (e.g. a script dropped via /tmp).
        const path = event.type === 'rename' ? event.newPath : event.path;
        const source = event.type === 'rename' ? event.path : event.type === 'link' ? event.target : null;
        this.lists.fileWrites.push({ ...at, path, normalizedPath: this.normalize(path), operation, source, result });
      }
    } else if (event.category === 'network' && (event.type === 'connect' || (event.type === 'send' && event.destination))) {
      const address = event.type === 'connect' ? event.address : event.destination;
      this.lists.connections.push({ ...at, syscall: event.syscall ?? event.type, ...describeAddress(address), result });
    }
  }

  private onExec(event: ExecEvent, result: string): void {
    if (isInfrastructureExec(event)) return;
    // A failed exec is held back: in a PATH search the next try may succeed. If none does before the
    // process exits (or the trace ends), the attempt is listed: trying to run a missing powershell is
    // evidence too.
    if (result !== 'ok') {
      if (!this.failedExecs.has(event.pid)) this.failedExecs.set(event.pid, { event, result });
      return;
    }
    // ENOEXEC is no PATH miss: the file was found and run, and the C library hands it to /bin/sh (execvp's
    // fallback for a script without `#!`). Both steps are listed so the shell can be told from a new one.
    const failed = this.failedExecs.get(event.pid);
    if (failed?.result === 'ENOEXEC') this.pushProcess(failed.event, failed.result);
    this.failedExecs.delete(event.pid);
    this.pushProcess(event, result);
  }

  private flushFailedExec(pid: number): void {
    const failed = this.failedExecs.get(pid);
    if (!failed) return;
    this.failedExecs.delete(pid);
    this.pushProcess(failed.event, failed.result);
  }

  private pushProcess(event: ExecEvent, result: string): void {
    this.lists.processes.push({
      phase: this.phase,
      pid: event.pid,
      time: event.ts,
      ppid: this.spawnerPid(event.pid),
      path: event.path,
      normalizedPath: this.normalize(event.path),
      argv: event.argv,
      result,
      attribution: this.attribute(event.pid),
    });
  }

  /** Same process, same path, same operation and outcome: counted on the first entry. */
  private onSensitive(event: StraceEvent, touch: SensitiveTouch, result: string): void {
    const pid = this.ownerOf(event.pid);
    const key = `${pid}\0${touch.path}\0${touch.operation}\0${result}`;
    const seen = this.sensitive.get(key);
    if (seen) {
      seen.count++;
      return;
    }
    this.sensitive.set(key, {
      phase: this.phase,
      pid,
      time: event.ts,
      rule: touch.rule.id,
      path: touch.path,
      normalizedPath: this.normalize(touch.path),
      access: touch.access,
      operation: touch.operation,
      result,
      count: 1,
      program: this.programOf(event.pid, event.ts),
      attribution: this.attribute(event.pid),
    });
  }

  private trackThreads(event: StraceEvent): void {
    if (event.category !== 'process' || event.type !== 'spawn' || event.childPid === null) return;
    if (event.thread) this.threadOwner.set(event.childPid, this.ownerOf(event.pid));
    else this.threadOwner.delete(event.childPid); // a recycled id is a new process
  }

  private ownerOf(pid: number): number {
    return this.threadOwner.get(pid) ?? pid;
  }

  private trackAttribution(event: StraceEvent): void {
    if (event.category !== 'process') return;
    if (event.type === 'spawn' && event.childPid !== null) {
      const child = this.live.nodes.get(event.childPid);
      if (child) this.attribution.spawned(child, this.live.nodes.get(event.pid));
    } else if (event.type === 'exec') {
      const node = this.live.nodes.get(event.pid);
      if (node) this.attribution.execed(node);
    }
  }

  /** The lifecycle script in force for `pid` now, else the phase's fallback. */
  private attribute(pid: number): Attribution | null {
    const node = this.live.nodes.get(pid);
    return node ? this.attribution.get(node) : null;
  }

  /** What the process was running at `ts`: its latest exec, or for a thread or a fork without exec, its spawner's. */
  private programOf(pid: number, ts: number): string | null {
    let node = this.live.nodes.get(pid);
    for (let hops = 0; node && hops < MAX_HOPS; hops++) {
      const exec = currentExec(node, ts);
      if (exec) return exec.path;
      node = node.ppid === null ? undefined : this.live.nodes.get(node.ppid);
    }
    return null;
  }

  /** Pid of the process that spawned `pid`; a spawning thread is replaced by its process. */
  private spawnerPid(pid: number): number | null {
    const ppid = this.live.nodes.get(pid)?.ppid ?? null;
    return ppid === null ? null : (this.processOf(ppid)?.pid ?? ppid);
  }

  /** The node of `pid`, or for a thread the process it belongs to. */
  private processOf(pid: number): ProcessNode | undefined {
    let node = this.live.nodes.get(pid);
    for (let hops = 0; node?.thread && node.ppid !== null && hops < MAX_HOPS; hops++) node = this.live.nodes.get(node.ppid);
    return node;
  }
}

export function resultText(result: CallResult): string {
  switch (result.status) {
    case 'ok':
    case 'none':
      return 'ok';
    case 'error':
      return result.errno;
    case 'unknown':
      return 'unknown';
  }
}

function describeAddress(address: SocketAddress | null): { family: string; address: string | null; port: number | null } {
  if (!address) return { family: 'unknown', address: null, port: null };
  if (address.family === 'AF_UNIX') return { family: 'AF_UNIX', address: (address.abstract ? '@' : '') + address.path, port: null };
  if (address.family === 'other') return { family: address.name, address: address.raw, port: null };
  return { family: address.family, address: address.address, port: address.port };
}

function targetOf(event: StraceEvent): string {
  if (event.category === 'file') return event.path;
  if (event.category === 'process' && event.type === 'exec') return event.path;
  if (event.category === 'network') {
    if (event.type === 'connect' || event.type === 'bind') return describeAddress(event.address).address ?? '';
  }
  if (event.category === 'privilege') return event.type === 'setid' ? `${event.idKind} ${event.ids.join(',')}` : event.request;
  return '';
}
