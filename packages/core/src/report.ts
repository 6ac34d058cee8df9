import type { PackageIdentity } from './package.js';
import type { PhaseName, PhaseResult } from './phase.js';
import type { DnsRecord, TcpRecord, UdpRecord } from './network.js';

/** Bumped on any change of the report's shape; consumers check it before reading. */
export const REPORT_VERSION = '0.1.0';

/** The container settings actually applied to the run, so a reader can check the hardening. */
export interface SandboxSettings {
  image: string;
  imageId: string;
  imageInputsHash: string;
  runtime: string;
  user: string;
  hostname: string;
  networkMode: string;
  capDrop: string[];
  capAdd: string[];
  securityOpt: string[];
  pidsLimit: number;
  memoryBytes: number;
  nanoCpus: number;
  readonlyRootfs: boolean;
  ulimits: { name: string; soft: number; hard: number }[];
}

export type FsChangeKind = 'added' | 'modified' | 'deleted';
export interface FsChange {
  path: string;
  kind: FsChangeKind;
}

/** Where in the run an observation was made. */
export interface Observed {
  phase: PhaseName;
  pid: number;
  /** Seconds since the epoch, from strace. */
  time: number;
}

export interface ProcessExec extends Observed {
  ppid: number | null;
  path: string;
  argv: string[];
  /** `ok` or the errno name (ENOENT, EACCES, ...). */
  result: string;
  /** The npm lifecycle script (or import) this process ran under, when known. */
  attribution: Attribution | null;
}

export interface Attribution {
  packageName: string;
  event: string;
  script: string | null;
}

export interface FileWrite extends Observed {
  path: string;
  operation: string;
  result: string;
}

export interface ConnectAttempt extends Observed {
  syscall: string;
  family: string;
  address: string | null;
  port: number | null;
  result: string;
}

/** An operation the kernel refused (EACCES/EPERM): escalation and escape attempts show up here. */
export interface DeniedOperation extends Observed {
  syscall: string;
  target: string;
  result: string;
}

export interface RunTimings {
  containerStartMs: number;
  phasesMs: Partial<Record<PhaseName, number>>;
  collectMs: number;
  teardownMs: number;
  totalMs: number;
}

export interface TraceStats {
  lines: number;
  events: number;
  unknownLines: number;
}

/** What the fake internet recorded: every lookup, connection and datagram, in time order. */
export interface NetworkActivity {
  dns: DnsRecord[];
  tcp: TcpRecord[];
  udp: UdpRecord[];
}

export interface SandboxReport {
  reportVersion: typeof REPORT_VERSION;
  id: string;
  createdAt: string;
  package: PackageIdentity;
  sandbox: SandboxSettings;
  phases: PhaseResult[];
  /** Every execve seen, in order, with the infrastructure of the runner itself left out. */
  processes: ProcessExec[];
  fileWrites: FileWrite[];
  connections: ConnectAttempt[];
  /** The fake internet's view of the same traffic (destinations, hostnames, HTTP requests, TLS SNI). */
  network: NetworkActivity;
  denied: DeniedOperation[];
  fsDiff: FsChange[];
  importResult: unknown;
  trace: Record<PhaseName, TraceStats | null>;
  timings: RunTimings;
  /** Raw artifacts kept on the host (absolute paths). */
  artifacts: Record<string, string>;
}
