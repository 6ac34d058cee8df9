import type { PersistenceFile } from './persistence.js';
import type { PackageIdentity } from './package.js';
import type { PhaseName, PhaseResult } from './phase.js';
import type { DnsRecord, TcpRecord, UdpRecord } from './network.js';
import type { HoneytokenFindings } from './honeytoken.js';

/** Bumped on any change of the report's shape; consumers check it before reading. */
export const REPORT_VERSION = '0.11.0';

/**
 * What a verdict can say. `inconclusive`: something that could hide behaviour happened (a phase timed out,
 * the record or the fake internet was cut or lost, evidence hit a cap) and nothing malicious was proven.
 */
export const VERDICT_LABELS = ['malicious', 'suspicious', 'inconclusive', 'benign'] as const;
export type VerdictLabel = (typeof VERDICT_LABELS)[number];

/** One run of an analysis, as the planner made it (packages/analysis/src/planner.ts). */
export interface AnalysisViewRecord {
  /** `developer` (the first run), `retry` (the first was inconclusive: again with longer limits), `ci` (a CI job imitated). */
  view: string;
  /** Why the planner asked for this run; null for the first. */
  reason: string | null;
  reportId: string;
  verdict: VerdictLabel;
  score: number;
  /** This report is that run's. */
  chosen: boolean;
  /** The OS package code was shown in that run: `linux` (nothing faked), `win32` or `darwin` (platform views). */
  platform?: 'linux' | 'win32' | 'darwin';
  /** The rules that run's verdict rests on (its own report's reasons), so each view's evidence stays visible. */
  rules?: string[];
}

/**
 * The registry dependencies of a local archive, installed with it so its code loads (`npm ci` from a tree
 * resolved on the host), and those that could not be had, each with why.
 */
export interface DependencyInstall {
  /** `registry`: resolved and fetched from the registry; `none`: no registry was given, nothing fetched. */
  source: 'registry' | 'none';
  /** Packages installed with the archive (its whole tree, the archive not counted). */
  installed: number;
  missing: { name: string; spec: string; optional: boolean; reason: string }[];
}

/**
 * Evidence the run could not keep in full: a bound reached, a collector that failed. Every cap in the
 * pipeline that drops something adds one, with its count, so a reader and the scorer see the gap.
 */
export interface EvidenceGap {
  /** Which collector lost it: the fake internet, a report list, the disk bound, the syscall record, the sandbox. */
  source: 'network' | 'report' | 'disk' | 'record' | 'sandbox';
  /** A stable machine name: `network.address-pool-full`, `report.processes-capped`, `disk.limit-reached`, ... */
  kind: string;
  phase: PhaseName | null;
  message: string;
  /** How many items (or bytes, as the message says) were dropped, when counted. */
  dropped: number | null;
  /** The bound that was reached, when there was one. */
  limit: number | null;
  /** What was lost could hold behaviour that decides the verdict: the run is `inconclusive` unless proven malicious. */
  hidesBehaviour: boolean;
}

/** The container settings actually applied to the run, so a reader can check the hardening. */
/**
 * The environment a run imitates. `developer`: a laptop shell. `ci`: a CI job (CI=true, GITHUB_ACTIONS,
 * runner variables), run as a second pass when a package's code looks for CI and the first run was quiet.
 */
export interface SandboxProfile {
  name: 'developer' | 'ci';
  /** Why this profile ran (for `ci`: the CI variables the package's code references); null for the default. */
  reason: string | null;
  /** Names of the environment variables the profile set besides the developer shell's. */
  env: string[];
  /** The OS package code was shown (`linux`: nothing faked; `win32`/`darwin`: a platform view). */
  platform?: 'linux' | 'win32' | 'darwin';
  /** The account name the platform view showed (USERNAME, os.userInfo()); absent on Linux. */
  platformUser?: string;
}

export interface SandboxSettings {
  profile: SandboxProfile;
  image: string;
  imageId: string;
  imageInputsHash: string;
  /** The engine runtime (`airlock-runsc` for gVisor, `runc (engine default)`). */
  runtime: string;
  /**
   * Who recorded the syscalls: `gvisor-sentry` (the gVisor kernel, on the host: the package cannot reach
   * the record) or `strace` (inside the container as the package's uid: the package can alter it).
   */
  tracer: 'gvisor-sentry' | 'strace';
  user: string;
  hostname: string;
  networkMode: string;
  capDrop: string[];
  capAdd: string[];
  securityOpt: string[];
  pidsLimit: number;
  /** How long processes still running after a phase's command were watched before they were killed. */
  dwellMs: number;
  /** The time view: the wall clock's offset per phase and how many times faster clocks and sleeps ran (libfaketime). Absent: the real clock. */
  clock?: { speedup: number; offsets: Record<PhaseName, string> };
  memoryBytes: number;
  nanoCpus: number;
  readonlyRootfs: boolean;
  ulimits: { name: string; soft: number; hard: number }[];
}

export type FsChangeKind = 'added' | 'modified' | 'deleted';
/** One entry of `docker diff`, as the sandbox adapter reports it. */
export interface FsChange {
  path: string;
  kind: FsChangeKind;
}

/** A `docker diff` entry in the report, with the path also in its run-independent form. */
export interface ReportFsChange extends FsChange {
  normalizedPath: string;
}

/** Where in the run an observation was made. */
export interface Observed {
  phase: PhaseName;
  pid: number;
  /** Seconds since the epoch, from strace. */
  time: number;
}

/** The size of an argv the report clipped (too many arguments, or too long): the full count of both. */
export interface ArgvClipped {
  args: number;
  chars: number;
}

export interface ProcessExec extends Observed {
  ppid: number | null;
  path: string;
  /** `path` with per-run parts replaced by placeholders (`<HOME>`, `<PKG>`, `<TMP>`, ...), so runs compare. */
  normalizedPath: string;
  argv: string[];
  /** Present when `argv` was clipped (a `report.argv-clipped` gap counts it): the full argv's size. */
  argvClipped?: ArgvClipped;
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
  /** The file written; for a rename its new name. */
  path: string;
  normalizedPath: string;
  operation: string;
  /** A rename's old name, or a link's target; null otherwise. */
  source: string | null;
  result: string;
  /** Present when the same process repeated this write back to back (same path, operation, outcome): how many more times. */
  repeats?: number;
}

export interface ConnectAttempt extends Observed {
  syscall: string;
  family: string;
  address: string | null;
  port: number | null;
  /** The name the fake DNS gave this address out for, joining the trace with the fake internet's log. */
  hostname: string | null;
  result: string;
}

/** An operation the kernel refused (EACCES/EPERM): escalation and escape attempts show up here. */
export interface DeniedOperation extends Observed {
  syscall: string;
  target: string;
  /** `target` normalised when it is a path; unchanged otherwise. */
  normalizedTarget: string;
  result: string;
}

/** One program a process ran (a successful execve); a process may exec several in turn. */
export interface ExecStep {
  time: number;
  path: string;
  normalizedPath: string;
  argv: string[];
  /** Present when `argv` was clipped: the full argv's size. */
  argvClipped?: ArgvClipped;
}

/**
 * A process of one phase. Threads are folded into their process, and the runner's own processes
 * (/opt/airlock/...) are left out: their children hang under the nearest visible ancestor.
 */
export interface ProcessTreeNode {
  /** Index of the node in its phase's `nodes`; stable within one report even when a pid was reused. */
  id: number;
  pid: number;
  /** Pid of the process that spawned it (possibly a hidden runner process); null for the traced root. */
  ppid: number | null;
  /** `id` of the nearest visible ancestor, null for a root of the visible tree. */
  parent: number | null;
  /** Successful execs in order; empty for a fork that kept running its parent's program. */
  execs: ExecStep[];
  /** Seconds since the epoch, from strace. */
  startTime: number | null;
  /** Null when the process was still running when tracing stopped. */
  exitTime: number | null;
  exitCode: number | null;
  exitSignal: string | null;
  /** The npm lifecycle script (or the import phase) responsible for this process, when known. */
  attribution: Attribution | null;
  /** `id`s of the visible children, in start order. */
  children: number[];
}

/** The process tree of one phase as a flat list (deep trees stay cheap to serialise and validate). */
export interface PhaseProcessTree {
  /** `id`s of the nodes without a visible parent, in start order. */
  roots: number[];
  nodes: ProcessTreeNode[];
  /** How many runner processes (/opt/airlock/...) were left out. */
  hiddenProcesses: number;
}

/** How a sensitive file was touched. `connect` is a Unix socket (the Docker socket). */
/** `check`: stat or access(2) of the path, no content read (an existence probe). */
export type SensitiveAccessKind = 'read' | 'write' | 'list' | 'connect' | 'check';

/**
 * An access to a path on the sensitive list (credentials, keys, wallets, browser profiles, system
 * secrets). Repeats of the same access by the same process are counted, not listed again.
 */
export interface SensitiveFileAccess extends Observed {
  /** Id of the sensitive-path rule that matched (`ssh`, `npmrc`, `aws`, ...). */
  rule: string;
  path: string;
  normalizedPath: string;
  access: SensitiveAccessKind;
  /** The open's intent (`read`, `write`, `create`, `truncate`) or the call (`unlink`, `readdir`, `connect`, ...). */
  operation: string;
  result: string;
  /** How many times this process did this; `time` is the first. */
  count: number;
  /** The program the process was running (its latest exec), when known. */
  program: string | null;
  attribution: Attribution | null;
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
  /**
   * Every execve that ran, in time order, with the runner's own left out; and failed execs that no
   * later exec of the same process made good (a PATH search that found nothing, e.g. `powershell`).
   */
  processes: ProcessExec[];
  /** Who started whom, per phase; null for a phase that left no trace. */
  processTree: Record<PhaseName, PhaseProcessTree | null>;
  fileWrites: FileWrite[];
  /** Reads, writes and listings of sensitive paths, in time order per phase. */
  sensitiveFiles: SensitiveFileAccess[];
  connections: ConnectAttempt[];
  /** The fake internet's view of the same traffic (destinations, hostnames, HTTP requests, TLS SNI). */
  network: NetworkActivity;
  /** The credentials planted for this run, and every access and leak of them. */
  honeytokens: HoneytokenFindings;
  /** The run's machine identity (hostname, home, package name) and where any of it was sent. Absent in older reports. */
  hostDetails?: HostDetailFindings;
  /** Static pre-signals from the package's own files and name (install scripts, obfuscation, typosquats, ...). */
  staticSignals: StaticSignalRecord[];
  /** The verdict, when the report has been scored (the CLI and the pipeline always score it). */
  verdict?: VerdictRecord;
  denied: DeniedOperation[];
  /** What the package did to the sandbox's own evidence: signals to its runner, writes into its folders, ptrace attaches. */
  tampering: TamperingRecord[];
  /** Evidence not kept in full (caps reached, collectors lost), each counted; empty when everything was kept. */
  evidenceGaps: EvidenceGap[];
  /**
   * Every run the analysis made (its "views": the first run, a retry with longer limits, a CI-profile run),
   * in order, with its verdict; `chosen` marks the run this report is. Empty for a report not yet planned.
   */
  views: AnalysisViewRecord[];
  /** A local archive's (file, upload) registry dependencies: installed with it, or named as missing. Absent: none declared, or a registry spec (its whole tree is installed). */
  dependencies?: DependencyInstall;
  fsDiff: ReportFsChange[];
  /** The first bytes of each file left in a persistence place or a repository's git hooks (0.11.0; absent in older reports). */
  persistenceFiles?: PersistenceFile[];
  importResult: unknown;
  trace: Record<PhaseName, TraceStats | null>;
  timings: RunTimings;
  /** Raw artifacts kept on the host (absolute paths). */
  artifacts: Record<string, string>;
}

/** A value of the run's machine identity that a payload may beacon out. */
export type HostDetailName = 'hostname' | 'home' | 'platform-user' | 'platform-home' | 'package';

/**
 * The machine's identity values of a run (fresh per run: hostname, platform-view user) and each sighting
 * of one in egress, found as honeytokens are (raw, hex, base64, URL, reversed; DNS labels joined).
 */
export interface HostDetailFindings {
  values: { name: HostDetailName; value: string }[];
  sent: {
    name: HostDetailName;
    channel: 'dns' | 'http' | 'tcp' | 'udp';
    /** host:port for TCP/UDP; for DNS the query name (clipped). */
    destination: string;
    encoding: 'raw' | 'base64' | 'hex' | 'url' | 'reversed';
    time: number;
  }[];
}

/**
 * An act against the sandbox's evidence. From the record (`pid`, `time` set): a package process signalled
 * the runner or every process it could (`kill(-1)`), wrote into the runner's folders (`/airlock`,
 * `/opt/airlock`), or attached to a process with ptrace. From the host (`pid` null): a file the runner
 * hands back was replaced by something that is not a file, or the runner's folder holds files it never writes.
 */
export interface TamperingRecord {
  phase: PhaseName;
  kind: 'signal-to-sandbox' | 'runner-folder-write' | 'ptrace-attach' | 'runner-output-replaced' | 'unexpected-runner-file';
  pid: number | null;
  time: number | null;
  /** The call or file, as seen (`kill(-1, SIGKILL)`, `openat /airlock/out/zzz/install.strace (write)`). */
  detail: string;
  result: string;
}

/** A static pre-signal as the report carries it (shape of @airlock/static-signals' StaticSignal): evidence, never a verdict. */
export interface StaticSignalRecord {
  id: string;
  severity: 'info' | 'low' | 'medium' | 'high';
  message: string;
  evidence: { file?: string; line?: number; snippet?: string; value?: string };
  details?: Readonly<Record<string, string | number | boolean>>;
}

/** Where in the report a verdict's evidence is: a list (`section`) and an entry in it. */
export interface EvidenceRecord {
  section: string;
  index: number;
  phase?: string;
  pid?: number;
  time?: number;
  path?: string;
  destination?: string;
  detail?: string;
}

/** The scorer's verdict (shape of @airlock/scoring's Verdict): every reason points at its evidence. */
export interface VerdictRecord {
  verdict: VerdictLabel;
  score: number;
  reasons: {
    rule: string;
    severity: string;
    tactic: string;
    weight: number;
    conclusive: boolean;
    explanation: string;
    evidence: EvidenceRecord[];
  }[];
  /** Blind spots; one with `hidesBehaviour` makes a run that proved nothing malicious `inconclusive`. */
  notObserved: { kind: string; phase?: string; message: string; hidesBehaviour: boolean; evidence: EvidenceRecord[] }[];
}
