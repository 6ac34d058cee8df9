/** Shared inputs for the report tests: a run in the sandbox adapter's shape and a summarizer driver. */
import { readFileSync } from 'node:fs';
import type { NetworkRecord, PackageIdentity, PhaseName, PhaseResult, TraceStats } from '@airlock/core';
import { parseStrace } from '@airlock/strace';
import { TraceSummarizer, type PhaseSummary, type SandboxRunInput } from '../src/index.js';

/** Runs strace text through the parser and a summarizer, as the analysis pipeline does. */
export function summarize(
  text: string,
  phase: PhaseName,
  packageName: string,
  homeDir?: string,
): { summary: PhaseSummary; stats: TraceStats } {
  const summarizer = new TraceSummarizer(phase, packageName, homeDir);
  const parsed = parseStrace(text);
  for (const event of parsed.events) summarizer.add(event);
  return {
    summary: summarizer.summary,
    stats: { lines: parsed.stats.lines, events: parsed.stats.events, unknownLines: parsed.stats.unknown },
  };
}

export const lines = (...l: string[]): string => `${l.join('\n')}\n`;

/** The real npm install trace recorded for the parser (evil-pkg's postinstall writes pwned.txt and connects to :9). */
export const NPM_POSTINSTALL_TRACE = readFileSync(
  new URL('../../strace/test/fixtures/npm-install-postinstall.strace', import.meta.url),
  'utf8',
);

export const identity = (name: string): PackageIdentity => ({
  ecosystem: 'npm',
  name,
  version: '1.0.0',
  archive: {
    source: `/tmp/${name}-1.0.0.tgz`,
    sizeBytes: 512,
    sha256: 'a'.repeat(64),
    integrity: `sha512-${'A'.repeat(86)}==`,
  },
});

const phase = (name: PhaseName, exitCode: number): PhaseResult => ({
  name,
  status: 'completed',
  exitCode,
  startedAt: '2026-11-24T02:35:00.000Z',
  durationMs: 2500,
  timeoutMs: 120000,
  lingeringProcesses: 0,
  stdout: { text: 'added 1 package\n', bytes: 16, truncated: false },
  stderr: { text: '', bytes: 0, truncated: false },
  resources: { cpuMs: 1800, memoryPeakBytes: 180_000_000 },
  traceBytes: 637868,
  traceTruncated: false,
});

/** Network records in the fake internet's shape (copied from a recorded network.jsonl). */
const NETWORK_RECORDS: NetworkRecord[] = [
  {
    kind: 'tcp',
    time: 1795487738.71,
    endTime: 1795487738.75,
    clientPort: 47386,
    destination: { address: '198.18.0.1', port: 80, hostname: 'stage2.tree-fixture.example' },
    protocol: 'http',
    http: {
      method: 'GET',
      target: '/payload.sh',
      version: 'HTTP/1.1',
      host: 'stage2.tree-fixture.example',
      headers: [
        ['Host', 'stage2.tree-fixture.example'],
        ['User-Agent', 'curl/7.88.1'],
      ],
      body: '',
      bodyBytes: 0,
      complete: true,
    },
    tls: null,
    firstBytes: 'R0VUIC9wYXlsb2FkLnNoIEhUVFAvMS4xDQo=',
    bytes: 96,
    truncated: false,
  },
  {
    kind: 'dns',
    time: 1795487738.693,
    transport: 'udp',
    clientPort: 38419,
    server: { address: '10.255.255.53', port: 53, hostname: null },
    qname: 'stage2.tree-fixture.example',
    qtype: 'A',
    answers: ['198.18.0.1'],
  },
  {
    kind: 'udp',
    time: 1795487739.0,
    clientPort: 40807,
    destination: { address: '198.51.100.9', port: 9999, hostname: null },
    data: 'aGVsbG8=',
    bytes: 5,
    truncated: false,
  },
];

export function sandboxRun(fsDiff: SandboxRunInput['fsDiff'] = []): SandboxRunInput {
  return {
    settings: {
      profile: { name: 'developer', reason: null, env: [] },
      image: 'airlock/sandbox-npm:latest',
      imageId: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      imageInputsHash: 'f'.repeat(64),
      runtime: 'runc (engine default)',
      tracer: 'strace',
      user: 'jordan (uid 1000)',
      hostname: 'jordan-thinkpad',
      networkMode: 'namespace of the fake internet (airlock/fake-internet:latest, 0123456789ab): no route out',
      capDrop: ['ALL'],
      capAdd: [],
      securityOpt: ['no-new-privileges:true', 'seccomp=engine default'],
      pidsLimit: 256,
      memoryBytes: 2 * 1024 ** 3,
      nanoCpus: 1_000_000_000,
      readonlyRootfs: false,
      ulimits: [{ name: 'nofile', soft: 4096, hard: 4096 }],
    },
    phases: [phase('install', 0), phase('import', 0)],
    importResult: { package: 'x', require: { ok: true, exportKeys: [] }, import: { ok: true } },
    fsDiff,
    tampering: [],
    evidenceGaps: [],
    network: { records: NETWORK_RECORDS },
    honeytokens: [],
    timings: { containerStartMs: 1191, phasesMs: { install: 2502, import: 320 }, collectMs: 1585, teardownMs: 276, totalMs: 5961 },
  };
}
