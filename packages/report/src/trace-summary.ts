import type {
  Attribution,
  ConnectAttempt,
  DeniedOperation,
  EvidenceGap,
  FileWrite,
  Observed,
  PhaseName,
  PhaseProcessTree,
  ProcessExec,
  SensitiveFileAccess,
  TamperingRecord,
} from '@airlock/core';
import {
  MAX_EXECS_PER_NODE,
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
import { MAX_TAMPERING_RECORDS, TamperWatch } from './tamper-watch.js';
import { ArgvClipper, clipEnv } from './argv-clip.js';
import { ARGV_CAPS, CAPS, CappedList, capGap, roughSize } from './caps.js';
import { capProcessTree } from './report-caps.js';

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
  /** What the caps (./caps.ts) dropped from this phase's lists, one gap per capped list. */
  evidenceGaps: EvidenceGap[];
}

/**
 * Folds one phase's events, one at a time, into the report's structured lists, so that a trace of any
 * size is summarised without keeping its events. Memory holds the process tree (one node per process,
 * with its first execs), the lists the report prints, and one entry per distinct sensitive access: reads
 * are looked at and dropped unless they touch a sensitive path. Every list is capped (./caps.ts), argv
 * is clipped, and what was dropped is counted in the summary's evidence gaps.
 */
export class TraceSummarizer {
  private readonly builder = new ProcessTreeBuilder();
  /** The builder's nodes as they grow (build() hands out its live pid map), for attribution mid-stream. */
  private readonly live: ProcessTree = this.builder.build();
  private readonly normalize: (path: string) => string;
  private readonly attribution: AttributionTracker;
  private readonly lists = {
    processes: new CappedList<ProcessExec>(CAPS.processes, (p) => roughSize(p.path, p.normalizedPath, p.argv)),
    fileWrites: new CappedList<FileWrite>(CAPS.fileWrites, (w) => roughSize(w.path, w.normalizedPath, w.source)),
    connections: new CappedList<Omit<ConnectAttempt, 'hostname'>>(CAPS.connections, (c) => roughSize(c.address)),
    denied: new CappedList<DeniedOperation>(CAPS.denied, (d) => roughSize(d.target, d.normalizedTarget)),
  };
  private readonly argv = new ArgvClipper();
  /**
   * Each process's last file write, so a write repeated back to back is folded into it (`repeats`), or
   * counted with the cap that dropped it.
   */
  private readonly lastWrite = new Map<number, { key: string; entry: FileWrite | null; droppedBy: CappedList<FileWrite> | null }>();
  /** Failed writes are counted against their own, lower cap too (their entries are the same as in fileWrites). */
  private readonly failedWrites = new CappedList<FileWrite>(CAPS.failedFileWrites, (w) => roughSize(w.path, w.normalizedPath, w.source));
  /** `mkdir` EEXIST: a no-op with its own cap, whose overflow hides nothing (see `CAPS.existingDirectories`). */
  private readonly existingDirs = new CappedList<FileWrite>(CAPS.existingDirectories, (w) => roughSize(w.path, w.normalizedPath, w.source));
  private readonly sensitive = new Map<string, SensitiveFileAccess>();
  private sensitiveDropped = 0;
  private sensitiveChars = 0;
  private readonly failedExecs = new Map<number, { event: ExecEvent; result: string }>();
  /** Thread id -> its process (thread-group leader): Node's thread pool writes files for its process. */
  private readonly threadOwner = new Map<number, number>();
  private tree: { tree: PhaseProcessTree; droppedNodes: number; droppedExecs: number } | null = null;
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
      this.lists.processes.items.sort((a, b) => a.time - b.time);
    }
    this.tree ??= this.buildTree();
    const { processes, fileWrites, connections, denied } = this.lists;
    return {
      processes: processes.items,
      fileWrites: fileWrites.items,
      connections: connections.items,
      denied: denied.items,
      processTree: this.tree.tree,
      sensitiveFiles: [...this.sensitive.values()],
      tampering: this.tamper.records.records,
      evidenceGaps: this.gaps(this.tree.droppedNodes, this.tree.droppedExecs),
    };
  }

  private buildTree(): { tree: PhaseProcessTree; droppedNodes: number; droppedExecs: number } {
    const built = this.builder.build();
    let droppedExecs = 0;
    for (const node of built.nodes.values()) droppedExecs += node.droppedExecs;
    for (const node of built.retired) droppedExecs += node.droppedExecs;
    const tree = toPhaseProcessTree(built, {
      normalize: this.normalize,
      attribution: (node) => this.attribution.get(node),
      argvClipped: (argv) => this.argv.clippedOf(argv),
    });
    const capped = capProcessTree(tree, CAPS.processTree.items);
    return { tree: capped.tree, droppedNodes: capped.dropped, droppedExecs };
  }

  /**
   * One gap per capped list. `hidesBehaviour` is true for every list whose entries are behaviour the
   * scorer reads (a dropped exec, write, connection, refusal or credential access could be the one that
   * decides); false where nothing new can be in what was dropped, as said at each.
   */
  private gaps(droppedNodes: number, droppedExecs: number): EvidenceGap[] {
    const { phase } = this;
    const out: EvidenceGap[] = [];
    const { processes, fileWrites, connections, denied } = this.lists;
    if (processes.dropped) out.push(capGap('processes', phase, processes.dropped, CAPS.processes, true, 'execs'));
    if (droppedNodes) out.push(capGap('process-tree', phase, droppedNodes, CAPS.processTree.items, true, 'process-tree nodes'));
    if (droppedExecs) {
      const gap = capGap('exec-steps', phase, droppedExecs, MAX_EXECS_PER_NODE, true, 'exec attempts of processes that already had');
      out.push({
        ...gap,
        message: `${droppedExecs} exec attempts past ${MAX_EXECS_PER_NODE} per process in the ${phase} phase were dropped`,
      });
    }
    if (fileWrites.dropped) out.push(capGap('file-writes', phase, fileWrites.dropped, CAPS.fileWrites, true, 'file writes'));
    // A failed write to a persistence path (~/.bashrc, cron) is still the attempt the scorer reports.
    if (this.failedWrites.dropped) {
      out.push(capGap('file-writes-failed', phase, this.failedWrites.dropped, CAPS.failedFileWrites, true, 'failed file writes'));
    }
    // Creating a directory that exists changes nothing: no rule reads it, and the attempt is listed up to the cap.
    if (this.existingDirs.dropped) {
      const what = 'mkdir calls on directories that already existed';
      out.push(capGap('mkdir-existing', phase, this.existingDirs.dropped, CAPS.existingDirectories, false, what));
    }
    if (this.sensitiveDropped) {
      out.push(capGap('sensitive-files', phase, this.sensitiveDropped, CAPS.sensitiveFiles, true, 'sensitive-file accesses'));
    }
    if (connections.dropped) out.push(capGap('connections', phase, connections.dropped, CAPS.connections, true, 'connection attempts'));
    if (denied.dropped) out.push(capGap('denied', phase, denied.dropped, CAPS.denied, true, 'refused operations'));
    // One act against the evidence already makes `evidence-tampering` conclusive: more of them change nothing.
    const tampering = this.tamper.records.dropped;
    if (tampering) out.push(capGap('tampering', phase, tampering, MAX_TAMPERING_RECORDS, false, 'tampering records'));
    // A clipped command line can hide what a rule looks for in it (a URL, a decoded payload) past the cut.
    if (this.argv.clippedExecs) {
      out.push({
        source: 'report',
        kind: 'report.argv-clipped',
        phase,
        message: `the argv of ${this.argv.clippedExecs} execs in the ${phase} phase was clipped (${ARGV_CAPS.argChars} characters per argument, ${ARGV_CAPS.args} arguments, ${ARGV_CAPS.totalChars} characters per exec, ${ARGV_CAPS.afterBudgetChars} once ${ARGV_CAPS.phaseChars} characters of argv were kept); dropped counts characters`,
        dropped: this.argv.droppedChars,
        limit: ARGV_CAPS.totalChars,
        hidesBehaviour: true,
      });
    }
    return out;
  }

  add(raw: StraceEvent): void {
    // Megabyte-long argv and env are cut before anything keeps them (the tree, the process list).
    const event: StraceEvent =
      raw.category === 'process' && raw.type === 'exec' ? { ...raw, argv: this.argv.clip(raw.argv), env: clipEnv(raw.env) } : raw;
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
      this.lists.denied.push({
        ...at,
        syscall: event.syscall ?? event.type,
        target,
        normalizedTarget: this.normalize(target),
        result,
      });
    }
    const touch = sensitiveTouchOf(event);
    if (touch) this.onSensitive(event, touch, result);
    if (event.category === 'file') {
      if ((event.type === 'open' && event.intent !== 'read') || MUTATIONS.has(event.type)) {
        const operation = event.type === 'open' ? event.intent : event.type;
        // A rename writes its new name: that is where the file now is (e.g. a script dropped via /tmp).
        const path = event.type === 'rename' ? event.newPath : event.path;
        const source = event.type === 'rename' ? event.path : event.type === 'link' ? event.target : null;
        this.onWrite(at, path, operation, source, result);
      }
    } else if (event.category === 'network' && (event.type === 'connect' || (event.type === 'send' && event.destination))) {
      const address = event.type === 'connect' ? event.address : event.destination;
      this.lists.connections.push({ ...at, syscall: event.syscall ?? event.type, ...describeAddress(address), result });
    }
  }

  /**
   * A write identical to the same process's previous one (path, operation, outcome) is counted on that entry
   * (`repeats`), not listed again: a loop on one path cannot fill the list, and nothing is lost but its time.
   */
  private onWrite(at: Observed, path: string, operation: string, source: string | null, result: string): void {
    const key = `${path}\0${operation}\0${result}\0${source}`;
    const last = this.lastWrite.get(at.pid);
    if (last?.key === key) {
      if (last.entry) last.entry.repeats = (last.entry.repeats ?? 0) + 1;
      else last.droppedBy!.dropped++;
      return;
    }
    const entry: FileWrite = { ...at, path, normalizedPath: this.normalize(path), operation, source, result };
    let droppedBy: CappedList<FileWrite> | null = null;
    const noop = operation === 'mkdir' && result === 'EEXIST';
    if (noop && !this.existingDirs.push(entry)) droppedBy = this.existingDirs;
    else if (!noop && result !== 'ok' && !this.failedWrites.push(entry)) droppedBy = this.failedWrites;
    else if (!this.lists.fileWrites.push(entry)) droppedBy = this.lists.fileWrites;
    this.lastWrite.set(at.pid, { key, entry: droppedBy ? null : entry, droppedBy });
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
      ...(this.argv.clippedOf(event.argv) ? { argvClipped: this.argv.clippedOf(event.argv)! } : {}),
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
    const size = roughSize(touch.path, touch.path);
    if (this.sensitive.size >= CAPS.sensitiveFiles.items || this.sensitiveChars + size > CAPS.sensitiveFiles.chars) {
      this.sensitiveDropped++;
      return;
    }
    this.sensitiveChars += size;
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
