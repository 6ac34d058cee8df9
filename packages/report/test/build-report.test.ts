/** buildReport: the per-phase summaries and the run joined into the versioned report, validated against the published schema. */
import { REPORT_VERSION, type SandboxReport } from '@airlock/core';
import { describe, expect, it } from 'vitest';
import { reportSchema, reportSchemaErrors } from '../../../test/support/report-schema.js';
import { buildReport } from '../src/index.js';
import { NPM_POSTINSTALL_TRACE, identity, lines, sandboxRun, summarize } from './helpers.js';
import { IMPORT_TRACE, INSTALL_TRACE, PACKAGE } from './sandbox-traces.js';

function sandboxReport(): SandboxReport {
  return buildReport({
    id: 'abc123def456',
    createdAt: new Date('2026-11-24T02:35:00.000Z'),
    identity: identity(PACKAGE),
    run: sandboxRun([
      { path: `/home/jordan/projects/app/node_modules/${PACKAGE}/package.json`, kind: 'added' },
      { path: '/home/jordan/.npm/_cacache/index-v5/1f/2e/9a8b7c6d5e4f', kind: 'added' },
      { path: '/home/jordan/projects', kind: 'modified' },
    ]),
    traces: { install: summarize(INSTALL_TRACE, 'install', PACKAGE), import: summarize(IMPORT_TRACE, 'import', PACKAGE) },
    artifacts: { 'install.strace': '/tmp/a/install.strace', 'import.strace': '/tmp/a/import.strace' },
  });
}

/** A deep copy to break on purpose. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('buildReport', () => {
  it('carries the current version, per-phase process trees and the sensitive accesses of both phases', () => {
    const report = sandboxReport();
    expect(report.reportVersion).toBe('0.11.0');
    expect(report.processTree.install!.nodes.map((n) => n.pid)).toEqual([20, 32, 33, 34]);
    expect(report.processTree.import!.nodes.map((n) => n.pid)).toEqual([50, 51]);
    expect(report.sensitiveFiles.map((a) => [a.phase, a.rule])).toEqual([
      ['install', 'npmrc'],
      ['install', 'git'],
      ['install', 'system-accounts'],
      ['import', 'ssh'],
      ['import', 'dotenv'],
    ]);
  });

  it('normalises diff paths against the sandbox home and the package folder, keeping the raw path', () => {
    expect(sandboxReport().fsDiff).toEqual([
      { path: `/home/jordan/projects/app/node_modules/${PACKAGE}/package.json`, kind: 'added', normalizedPath: '<PKG>/package.json' },
      {
        path: '/home/jordan/.npm/_cacache/index-v5/1f/2e/9a8b7c6d5e4f',
        kind: 'added',
        normalizedPath: '<HOME>/.npm/_cacache/index-v5/<HASH>',
      },
      { path: '/home/jordan/projects', kind: 'modified', normalizedPath: '<HOME>/projects' },
    ]);
    expect(sandboxReport().fileWrites.map((w) => w.normalizedPath)).toEqual(['<PKG>/package.json']);
  });

  it('sets processTree to null for a phase without a trace', () => {
    const report = buildReport({
      id: 'x1',
      createdAt: new Date(0),
      identity: identity('evil-pkg'),
      run: sandboxRun(),
      traces: { install: summarize(NPM_POSTINSTALL_TRACE, 'install', 'evil-pkg', '/home/airlock') },
      artifacts: {},
    });
    expect(report.processTree.import).toBeNull();
    expect(report.trace.import).toBeNull();
    expect(report.processTree.install!.nodes).toHaveLength(3);
    expect(reportSchemaErrors(report)).toEqual([]);
  });
});

describe('the published report schema', () => {
  it('is draft 2020-12 for the version core declares', () => {
    expect((reportSchema as unknown as { $schema: string }).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(reportSchema.properties.reportVersion.const).toBe(REPORT_VERSION);
    expect(reportSchema.$id).toBe(`urn:airlock:schema:report:${REPORT_VERSION}`);
  });

  it('accepts a report built from the sandbox-shaped traces, after a JSON round trip', () => {
    expect(reportSchemaErrors(copy(sandboxReport()))).toEqual([]);
  });

  it.each([
    ['an old version', (r: any) => (r.reportVersion = '0.1.0'), '/reportVersion must be equal to constant'],
    ['no processTree', (r: any) => delete r.processTree, "/ must have required property 'processTree'"],
    [
      'an unknown field in a tree node',
      (r: any) => (r.processTree.install.nodes[0].cmdline = 'npm'),
      '/processTree/install/nodes/0 must NOT have additional properties',
    ],
    [
      'a sensitive access without its rule',
      (r: any) => delete r.sensitiveFiles[0].rule,
      "/sensitiveFiles/0 must have required property 'rule'",
    ],
    [
      'an unknown access kind',
      (r: any) => (r.sensitiveFiles[0].access = 'exfiltrate'),
      '/sensitiveFiles/0/access must be equal to one of the allowed values',
    ],
    [
      'a write without its normalised path',
      (r: any) => delete r.fileWrites[0].normalizedPath,
      "/fileWrites/0 must have required property 'normalizedPath'",
    ],
    ['a string pid', (r: any) => (r.processes[0].pid = '20'), '/processes/0/pid must be integer'],
    ['a createdAt that is no date', (r: any) => (r.createdAt = 'yesterday'), '/createdAt must match format "date-time"'],
  ])('rejects a report with %s', (_name, breakIt, message) => {
    const report = copy(sandboxReport());
    breakIt(report);
    expect(reportSchemaErrors(report).join('\n')).toContain(message);
  });
});

describe('buildReport honeytoken findings', () => {
  it('lists planted tokens, accesses of their files, and their values found in egress; the report stays valid', () => {
    const token = {
      id: 'npm-token-1',
      kind: 'npm-token' as const,
      value: 'npm_R4nd0mV4lu3ThatIsUniqueToThisRun01',
      files: ['/home/jordan/.npmrc'],
      envVars: ['NPM_TOKEN'],
    };
    const run = sandboxRun();
    run.honeytokens = [token];
    run.network = {
      records: [
        {
          kind: 'dns',
          time: 1795486691,
          transport: 'udp',
          clientPort: 40001,
          server: { address: '10.255.255.53', port: 53, hostname: null },
          qname: `${Buffer.from(token.value).toString('hex')}.x.example`,
          qtype: 'A',
          answers: ['198.18.0.9'],
        },
      ],
    };
    const report = buildReport({
      id: 'honey1',
      createdAt: new Date('2026-11-24T02:35:00.000Z'),
      identity: identity(PACKAGE),
      run,
      traces: { install: summarize(INSTALL_TRACE, 'install', PACKAGE), import: summarize(IMPORT_TRACE, 'import', PACKAGE) },
      artifacts: {},
    });
    expect(report.honeytokens.planted).toEqual([token]);
    expect(report.honeytokens.exfiltrated).toEqual([
      { tokenId: 'npm-token-1', kind: 'npm-token', channel: 'dns', destination: '10.255.255.53', encoding: 'hex', time: 1795486691 },
    ]);
    const npmrc = report.sensitiveFiles.filter((a) => a.path === '/home/jordan/.npmrc');
    expect(npmrc.length).toBeGreaterThan(0);
    expect(report.honeytokens.accessed.map((a) => [a.tokenId, a.path, a.pid])).toEqual(npmrc.map((a) => ['npm-token-1', a.path, a.pid]));
    expect(reportSchemaErrors(copy(report))).toEqual([]);
  });
});

describe('buildReport joins the trace with the fake internet', () => {
  it('names a traced connect by the fake DNS answer for its address', () => {
    const run = sandboxRun();
    run.network = {
      records: [
        {
          kind: 'dns',
          time: 1795486690.1,
          transport: 'udp',
          clientPort: 40001,
          server: { address: '10.255.255.53', port: 53, hostname: null },
          qname: 'evil.example.com',
          qtype: 'A',
          answers: ['198.18.0.1'],
        },
      ],
    };
    const trace = lines(
      `40    1795486690.200000 connect(21<TCP:[5002]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("198.18.0.1")}, 16) = 0`,
      `40    1795486690.300000 connect(22<TCP:[5003]>, {sa_family=AF_INET, sin_port=htons(4444), sin_addr=inet_addr("203.0.113.7")}, 16) = 0`,
    );
    const report = buildReport({
      id: 'join1',
      createdAt: new Date(),
      identity: identity(PACKAGE),
      run,
      traces: { install: summarize(trace, 'install', PACKAGE) },
      artifacts: {},
    });
    expect(report.connections.map((c) => [c.address, c.port, c.hostname])).toEqual([
      ['198.18.0.1', 443, 'evil.example.com'],
      ['203.0.113.7', 4444, null],
    ]);
    expect(reportSchemaErrors(copy(report))).toEqual([]);
  });
});
