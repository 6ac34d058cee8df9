import type {
  Attribution,
  ConnectAttempt,
  DeniedOperation,
  FileWrite,
  PhaseName,
  ProcessExec,
} from '@airlock/core';
import { envLookup, type CallResult, type ExecEvent, type SocketAddress, type StraceEvent } from '@airlock/strace';

/** The sandbox's own programs: traced (they start the phase) but not the package's doing. */
const INFRASTRUCTURE = /\/opt\/airlock\//;
/** Errors that mean the kernel refused: escalation and escape attempts end this way. */
const DENIED = new Set(['EACCES', 'EPERM']);
const MUTATIONS = new Set(['unlink', 'rmdir', 'rename', 'chmod', 'chown', 'link', 'mkdir', 'truncate']);

export interface PhaseSummary {
  processes: ProcessExec[];
  fileWrites: FileWrite[];
  connections: ConnectAttempt[];
  denied: DeniedOperation[];
}

/**
 * Folds one phase's events, one at a time, into the report's raw-but-structured lists, so that a trace
 * of any size is summarised without keeping its events. Remembers only parent pids and attributions.
 */
export class TraceSummarizer {
  private readonly parent = new Map<number, number>();
  private readonly attribution = new Map<number, Attribution | null>();
  private readonly hidden = new Set<number>();
  readonly summary: PhaseSummary = { processes: [], fileWrites: [], connections: [], denied: [] };

  constructor(
    private readonly phase: PhaseName,
    private readonly packageName: string,
  ) {}

  add(event: StraceEvent): void {
    const at = { phase: this.phase, pid: event.pid, time: event.ts };
    const result = resultText(event.result);
    if (event.category === 'process' && event.type === 'spawn') {
      if (event.childPid !== null && !event.thread) {
        this.parent.set(event.childPid, event.pid);
        if (this.attribution.has(event.pid)) this.attribution.set(event.childPid, this.attribution.get(event.pid) ?? null);
      }
    } else if (event.category === 'process' && event.type === 'exec') {
      this.onExec(event, result);
    }
    if (result !== 'ok' && event.result.status === 'error' && DENIED.has(event.result.errno)) {
      this.summary.denied.push({ ...at, syscall: event.syscall ?? event.type, target: targetOf(event), result });
    }
    if (event.category === 'file') {
      if ((event.type === 'open' && event.intent !== 'read') || MUTATIONS.has(event.type)) {
        this.summary.fileWrites.push({ ...at, path: event.path, operation: event.type === 'open' ? event.intent : event.type, result });
      }
    } else if (event.category === 'network' && (event.type === 'connect' || (event.type === 'send' && event.destination))) {
      const address = event.type === 'connect' ? event.address : event.destination;
      this.summary.connections.push({ ...at, syscall: event.syscall ?? event.type, ...describeAddress(address), result });
    }
  }

  private onExec(event: ExecEvent, result: string): void {
    if (INFRASTRUCTURE.test(event.path) || event.argv.some((a) => INFRASTRUCTURE.test(a))) {
      this.hidden.add(event.pid);
      return;
    }
    // A failed exec during a PATH search (ENOENT) is not a process; refusals are kept under `denied`.
    if (result !== 'ok') return;
    const attribution = this.attribute(event);
    this.attribution.set(event.pid, attribution);
    this.summary.processes.push({
      phase: this.phase,
      pid: event.pid,
      time: event.ts,
      ppid: this.parent.get(event.pid) ?? null,
      path: event.path,
      argv: event.argv,
      result,
      attribution,
    });
  }

  /** npm exports npm_package_name and npm_lifecycle_* to lifecycle scripts; import runs only the package. */
  private attribute(event: ExecEvent): Attribution | null {
    const lifecycleEvent = envLookup(event.env, 'npm_lifecycle_event');
    const packageName = envLookup(event.env, 'npm_package_name');
    if (lifecycleEvent && packageName) {
      return { packageName, event: lifecycleEvent, script: envLookup(event.env, 'npm_lifecycle_script') };
    }
    if (this.phase === 'import') return { packageName: this.packageName, event: 'import', script: null };
    return this.attribution.get(event.pid) ?? null;
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
