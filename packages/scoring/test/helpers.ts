/** A minimal valid report with empty lists; tests add the entries each case needs. */
import type {
  Attribution,
  FileWrite,
  PhaseName,
  PhaseResult,
  ProcessExec,
  SandboxReport,
  SensitiveFileAccess,
  TcpRecord,
  DnsRecord,
  ConnectAttempt,
} from '@airlock/core';
import { REPORT_VERSION } from '@airlock/core';

export const HOME = '/home/jordan';
export const PKG = '/home/jordan/projects/app/node_modules/demo';
export const T0 = 1795487700;

export const phase = (name: PhaseName, over: Partial<PhaseResult> = {}): PhaseResult => ({
  name,
  status: 'completed',
  exitCode: 0,
  startedAt: '2026-11-24T02:35:00.000Z',
  durationMs: 2500,
  timeoutMs: 120000,
  lingeringProcesses: 0,
  stdout: { text: '', bytes: 0, truncated: false },
  stderr: { text: '', bytes: 0, truncated: false },
  resources: { cpuMs: 100, memoryPeakBytes: 1000 },
  traceBytes: 100,
  traceTruncated: false,
  ...over,
});

export function emptyReport(): SandboxReport {
  return {
    reportVersion: REPORT_VERSION,
    id: 'r1',
    createdAt: '2026-11-24T02:35:00.000Z',
    package: {
      ecosystem: 'npm',
      name: 'demo',
      version: '1.0.0',
      archive: { source: '/tmp/demo.tgz', sizeBytes: 1, sha256: 'a'.repeat(64), integrity: 'sha512-x' },
    },
    sandbox: {
      profile: { name: 'developer', reason: null, env: [] },
      image: 'airlock/sandbox-npm:latest',
      imageId: 'sha256:0',
      imageInputsHash: 'f',
      runtime: 'runc',
      tracer: 'strace',
      user: 'jordan',
      hostname: 'h',
      networkMode: 'none',
      capDrop: ['ALL'],
      capAdd: [],
      securityOpt: [],
      pidsLimit: 256,
      dwellMs: 10_000,
      memoryBytes: 1,
      nanoCpus: 1,
      readonlyRootfs: false,
      ulimits: [],
    },
    phases: [phase('install'), phase('import')],
    processes: [],
    processTree: { install: null, import: null },
    fileWrites: [],
    sensitiveFiles: [],
    connections: [],
    network: { dns: [], tcp: [], udp: [] },
    honeytokens: { planted: [], accessed: [], exfiltrated: [] },
    staticSignals: [],
    denied: [],
    tampering: [],
    evidenceGaps: [],
    views: [],
    fsDiff: [],
    importResult: null,
    trace: { install: null, import: null },
    timings: { containerStartMs: 1, phasesMs: {}, collectMs: 1, teardownMs: 1, totalMs: 1 },
    artifacts: {},
  };
}

export const script = (event: string, command: string | null = 'node install.js'): Attribution => ({
  packageName: 'demo',
  event,
  script: command,
});

let nextPid = 100;
export function proc(argv: string[], over: Partial<ProcessExec> = {}): ProcessExec {
  const path = over.path ?? (argv[0]!.startsWith('/') ? argv[0]! : `/usr/bin/${argv[0]}`);
  return {
    phase: 'install',
    pid: nextPid++,
    time: T0 + 1,
    ppid: 1,
    path,
    normalizedPath: path,
    argv,
    result: 'ok',
    attribution: script('postinstall'),
    ...over,
  };
}

export function write(path: string, over: Partial<FileWrite> = {}): FileWrite {
  const normalizedPath = path
    .replace(PKG, '<PKG>')
    .replace(HOME, '<HOME>')
    .replace(/^\/tmp/, '<TMP>');
  return { phase: 'install', pid: 100, time: T0 + 2, path, normalizedPath, operation: 'create', source: null, result: 'ok', ...over };
}

export function sensitive(rule: string, path: string, over: Partial<SensitiveFileAccess> = {}): SensitiveFileAccess {
  return {
    phase: 'install',
    pid: 100,
    time: T0 + 1,
    rule,
    path,
    normalizedPath: path.replace(HOME, '<HOME>'),
    access: 'read',
    operation: 'read',
    result: 'ok',
    count: 1,
    program: '/usr/bin/node',
    attribution: script('postinstall'),
    ...over,
  };
}

export function tcp(hostname: string | null, port: number, over: Partial<TcpRecord> = {}): TcpRecord {
  return {
    kind: 'tcp',
    time: T0 + 3,
    endTime: T0 + 4,
    clientPort: 40000,
    destination: { address: '198.18.0.1', port, hostname },
    protocol: 'unknown',
    http: null,
    tls: null,
    firstBytes: '',
    bytes: 0,
    truncated: false,
    ...over,
  };
}

export function httpRequest(hostname: string, method: string, target: string, body = '', headers: [string, string][] = []): TcpRecord {
  return tcp(hostname, 80, {
    protocol: 'http',
    http: {
      method,
      target,
      version: 'HTTP/1.1',
      host: hostname,
      headers: [['Host', hostname], ...headers],
      body,
      bodyBytes: body.length,
      complete: true,
    },
  });
}

export function dns(qname: string, over: Partial<DnsRecord> = {}): DnsRecord {
  return {
    kind: 'dns',
    time: T0 + 2,
    transport: 'udp',
    clientPort: 5000,
    server: { address: '10.255.255.53', port: 53, hostname: null },
    qname,
    qtype: 'A',
    answers: ['198.18.0.1'],
    ...over,
  };
}

export function connect(pid: number, port: number, over: Partial<ConnectAttempt> = {}): ConnectAttempt {
  return {
    phase: 'install',
    pid,
    time: T0 + 1.5,
    syscall: 'connect',
    family: 'AF_INET',
    address: '198.18.0.1',
    port,
    hostname: 'example.test',
    result: 'EINPROGRESS',
    ...over,
  };
}

/** A report built from a few overrides of its lists. */
export function reportWith(parts: Partial<SandboxReport>): SandboxReport {
  return { ...emptyReport(), ...parts };
}
