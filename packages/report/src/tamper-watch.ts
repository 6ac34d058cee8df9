/**
 * Acts against the sandbox's own evidence, found in the syscall record: a package process that signals the
 * runner (or every process it can, `kill(-1)`), writes into the runner's folders, or attaches to a process
 * with ptrace. Benign software never does these: `/airlock` and `/opt/airlock` exist only in the sandbox
 * (no real machine has them, so nothing legitimate writes there), a package signals the processes it
 * started, not its installer's parent, and no install or import needs to debug another process.
 *
 * Which process is the runner is taken from what it runs (a program under /opt/airlock/bin), as the record
 * shows it from its first exec; under gVisor the Sentry records that exec, so a package cannot forge it.
 */
import type { PhaseName, TamperingRecord } from '@airlock/core';
import type { StraceEvent } from '@airlock/strace';

const RUNNER_PROGRAM = /^\/opt\/airlock\/bin\//;
const SANDBOX_FOLDER = /^\/(airlock|opt\/airlock)(\/|$)/;
/** The import helper (runner code inside the package's own node or python process) writes its result here. */
const IMPORT_RESULT = '/airlock/out/import.result.json';
const IMPORT_HELPER = /\/opt\/airlock\/lib\/import-/;
const ATTACH = new Set(['PTRACE_ATTACH', 'PTRACE_SEIZE']);
const MUTATING = new Set(['unlink', 'rmdir', 'rename', 'chmod', 'chown', 'link', 'mkdir', 'truncate']);
/** Bound on the records kept: a package that repeats an act a million times is proven by the first ones. */
export const MAX_TAMPERING_RECORDS = 200;

interface Program {
  path: string;
  argv: readonly string[];
}

export class TamperWatch {
  private readonly programs = new Map<number, Program>();
  private readonly found: TamperingRecord[] = [];
  private dropped = 0;

  constructor(private readonly phase: PhaseName) {}

  /** The acts found so far (at most MAX_TAMPERING_RECORDS; `dropped` counts the rest). */
  get records(): { records: TamperingRecord[]; dropped: number } {
    return { records: this.found, dropped: this.dropped };
  }

  add(event: StraceEvent): void {
    if (event.category === 'process') {
      if (event.type === 'spawn' && event.childPid !== null) {
        const parent = this.programs.get(event.pid);
        if (parent) this.programs.set(event.childPid, parent);
      } else if (event.type === 'exec' && event.result.status !== 'error') {
        this.programs.set(event.pid, { path: event.path, argv: event.argv });
      } else if (event.type === 'kill') this.onKill(event.pid, event.targetPid, event.signal, event);
      return;
    }
    if (!this.isPackage(event.pid)) return;
    if (event.category === 'privilege' && event.type === 'ptrace' && ATTACH.has(event.request)) {
      this.push(event, 'ptrace-attach', `ptrace(${event.request}, ${event.targetPid ?? '?'})`);
    } else if (event.category === 'file') {
      const write = (event.type === 'open' && event.intent !== 'read') || MUTATING.has(event.type);
      if (!write) return;
      const paths =
        event.type === 'rename' ? [event.path, event.newPath] : event.type === 'link' ? [event.path, event.target] : [event.path];
      const inside = paths.find((p) => SANDBOX_FOLDER.test(p));
      if (!inside || this.isImportResult(event.pid, inside)) return;
      const what = event.type === 'open' ? `open for ${event.intent}` : event.type;
      this.push(event, 'runner-folder-write', `${what} ${paths.join(' -> ')}`);
    }
  }

  private onKill(pid: number, target: number | null, signal: string, event: StraceEvent): void {
    if (!this.isPackage(pid) || target === null || signal === '0' || signal === 'SIG_0') return;
    const targetProgram = this.programs.get(target);
    const hitsSandbox = target === -1 || target === 1 || (targetProgram !== undefined && RUNNER_PROGRAM.test(targetProgram.path));
    if (hitsSandbox) this.push(event, 'signal-to-sandbox', `${event.syscall ?? 'kill'}(${target}, ${signal})`);
  }

  /** A process running the package's code (or a tool it started): known from its exec, not the runner's. */
  private isPackage(pid: number): boolean {
    const program = this.programs.get(pid);
    return program !== undefined && !RUNNER_PROGRAM.test(program.path);
  }

  private isImportResult(pid: number, path: string): boolean {
    return this.phase === 'import' && path === IMPORT_RESULT && (this.programs.get(pid)?.argv.some((a) => IMPORT_HELPER.test(a)) ?? false);
  }

  private push(event: StraceEvent, kind: TamperingRecord['kind'], detail: string): void {
    if (this.found.length >= MAX_TAMPERING_RECORDS) {
      this.dropped++;
      return;
    }
    const result = event.result.status === 'ok' ? 'ok' : event.result.status === 'error' ? event.result.errno : 'unknown';
    this.found.push({ phase: this.phase, kind, pid: event.pid, time: event.ts, detail, result });
  }
}
