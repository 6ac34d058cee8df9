/** The bounds on the report's evidence: every cap keeps the first entries, counts the rest, and says so as a gap. */
import type { EvidenceGap, PhaseProcessTree, ProcessTreeNode, SandboxReport } from '@airlock/core';
import { StraceParser } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { reportSchemaErrors } from '../../../test/support/report-schema.js';
import { ARGV_CAPS, CAPS, REPORT_MAX_BYTES, buildReport, capReportSize, TraceSummarizer, utf8Length } from '../src/index.js';
import { capFsDiff, capProcessTree } from '../src/report-caps.js';
import { identity, sandboxRun } from './helpers.js';

const NPM_ENV = '"npm_lifecycle_event=postinstall", "npm_package_name=flood", "npm_lifecycle_script=node flood.js"';
const T0 = 1795486690;
/** The runner starts npm (pid 21), which starts the package's postinstall (pid 30, node). */
const PREAMBLE = [
  `20 ${T0}.000001 execve("/opt/airlock/bin/airlock-exec", ["/opt/airlock/bin/airlock-exec", "npm", "install"], ["HOME=/home/jordan"]) = 0`,
  `20 ${T0}.000002 vfork() = 21`,
  `21 ${T0}.000003 execve("/usr/local/bin/npm", ["npm", "install"], ["HOME=/home/jordan"]) = 0`,
  `21 ${T0}.000004 vfork() = 30`,
  `30 ${T0}.000005 execve("/usr/local/bin/node", ["node", "flood.js"], [${NPM_ENV}]) = 0`,
];

/** Streams generated strace lines (`line(i)` for i < n) through the parser and a summarizer, chunk by chunk. */
function summarizeLines(n: number, line: (i: number) => string, extra: string[] = []) {
  const parser = new StraceParser();
  const summarizer = new TraceSummarizer('install', 'flood');
  const feed = (text: string) => {
    for (const event of parser.push(text)) summarizer.add(event);
  };
  feed(PREAMBLE.join('\n') + '\n');
  const chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    chunk.push(line(i));
    if (chunk.length === 5000) feed(chunk.splice(0).join('\n') + '\n');
  }
  feed([...chunk, ...extra].join('\n') + '\n');
  for (const event of parser.end()) summarizer.add(event);
  return summarizer.summary;
}

const time = (i: number) => (T0 + 1 + i / 1e6).toFixed(6);
const mkdir = (i: number) => `30 ${time(i)} mkdir("/nonexistent/airlock-report-flood/${i}", 0777) = -1 ENOENT (No such file or directory)`;
const gap = (gaps: EvidenceGap[], kind: string) => gaps.find((g) => g.kind === kind);

// Floods of 10,000 to 100,000 lines: seconds on a busy machine.
describe('TraceSummarizer caps', { timeout: 60_000 }, () => {
  it('keeps the first failed writes of a mkdir flood and counts the rest in a gap that hides behaviour', () => {
    const n = CAPS.failedFileWrites.items + 2500;
    const summary = summarizeLines(n, mkdir, [`30 ${time(n)} openat(AT_FDCWD, "/home/jordan/.bashrc", O_WRONLY|O_APPEND) = 3`]);
    const failed = summary.fileWrites.filter((w) => w.result === 'ENOENT');
    expect(failed).toHaveLength(CAPS.failedFileWrites.items);
    expect(failed[0]!.path).toBe('/nonexistent/airlock-report-flood/0');
    // A successful write after the flood is still listed: the failed-write cap is its own.
    expect(summary.fileWrites.at(-1)).toMatchObject({ path: '/home/jordan/.bashrc', result: 'ok' });
    expect(gap(summary.evidenceGaps, 'report.file-writes-failed-capped')).toEqual({
      source: 'report',
      kind: 'report.file-writes-failed-capped',
      phase: 'install',
      message: expect.stringContaining('2500 failed file writes'),
      dropped: 2500,
      limit: CAPS.failedFileWrites.items,
      hidesBehaviour: true,
    });
  });

  it("counts npm's mkdir -p of an existing tree apart: no failed-write gap, a gap that hides nothing past its own cap", () => {
    const n = CAPS.existingDirectories.items + 300;
    const existing = (i: number) => `30 ${time(i)} mkdir("/home/jordan/projects/app/node_modules/d${i}", 0777) = -1 EEXIST (File exists)`;
    const summary = summarizeLines(n + 5, (i) => (i < n ? existing(i) : mkdir(i)));
    expect(gap(summary.evidenceGaps, 'report.file-writes-failed-capped')).toBeUndefined();
    expect(summary.fileWrites.filter((w) => w.result === 'EEXIST')).toHaveLength(CAPS.existingDirectories.items);
    // The failed writes after them are still listed: their cap was not spent on the no-ops.
    expect(summary.fileWrites.filter((w) => w.result === 'ENOENT')).toHaveLength(5);
    expect(gap(summary.evidenceGaps, 'report.mkdir-existing-capped')).toMatchObject({ dropped: 300, hidesBehaviour: false });
  });

  it('folds a write identical to the same process previous one into it, counted, with no gap', () => {
    const summary = summarizeLines(50_000, (i) => `30 ${time(i)} mkdir("/nonexistent/same", 0777) = -1 ENOENT (No such file or directory)`);
    const same = summary.fileWrites.filter((w) => w.path === '/nonexistent/same');
    expect(same).toHaveLength(1);
    expect(same[0]).toMatchObject({ result: 'ENOENT', repeats: 49_999 });
    expect(summary.evidenceGaps).toEqual([]);
  });

  it('counts repeats of a write the cap dropped with the cap', () => {
    const n = CAPS.failedFileWrites.items;
    const summary = summarizeLines(n + 10, (i) =>
      i < n ? mkdir(i) : `30 ${time(i)} mkdir("/nonexistent/last", 0777) = -1 ENOENT (No such file or directory)`,
    );
    expect(gap(summary.evidenceGaps, 'report.file-writes-failed-capped')).toMatchObject({ dropped: 10 });
  });

  it('lists a flood of distinct successful writes up to the cap', () => {
    const n = CAPS.fileWrites.items + 10;
    const summary = summarizeLines(n, (i) => `30 ${time(i)} mkdir("/tmp/d${i}", 0777) = 0`);
    const kept = summary.fileWrites.filter((w) => w.path.startsWith('/tmp/d'));
    expect(kept.length).toBeLessThanOrEqual(CAPS.fileWrites.items);
    expect(gap(summary.evidenceGaps, 'report.file-writes-capped')).toMatchObject({ dropped: n - kept.length, hidesBehaviour: true });
  });

  it('clips a megabyte-long argv in the process list and the tree, with its full size, and counts the characters', () => {
    const big = 'A'.repeat(1024 * 1024);
    const summary = summarizeLines(3, (i) => `30 ${time(i)} execve("/bin/true", ["/bin/true", "${i}", "${big}"], [${NPM_ENV}]) = 0`);
    const execs = summary.processes.filter((p) => p.path === '/bin/true');
    expect(execs).toHaveLength(3);
    for (const p of execs) {
      expect(p.argv[2]).toHaveLength(ARGV_CAPS.argChars);
      expect(p.argvClipped).toEqual({ args: 3, chars: '/bin/true'.length + 1 + big.length });
    }
    const steps = summary.processTree.nodes.flatMap((n) => n.execs).filter((s) => s.path === '/bin/true');
    expect(steps).toHaveLength(3);
    expect(steps[0]!.argvClipped).toEqual(execs[0]!.argvClipped);
    expect(steps[0]!.argv[2]).toHaveLength(ARGV_CAPS.argChars);
    const clipped = gap(summary.evidenceGaps, 'report.argv-clipped');
    expect(clipped).toMatchObject({ hidesBehaviour: true, limit: ARGV_CAPS.totalChars });
    expect(clipped!.dropped).toBe(3 * (big.length - ARGV_CAPS.argChars));
  });

  it('holds a per-phase argv budget: past it, each exec keeps a short prefix', () => {
    const arg = 'B'.repeat(ARGV_CAPS.argChars - 100);
    const args = Array.from({ length: 8 }, () => `"${arg}"`).join(', ');
    const n = Math.ceil(ARGV_CAPS.phaseChars / ARGV_CAPS.totalChars) + 20;
    const summary = summarizeLines(n, (i) => `30 ${time(i)} execve("/bin/true", ["/bin/true", ${args}], [${NPM_ENV}]) = 0`);
    const execs = summary.processes.filter((p) => p.path === '/bin/true');
    expect(execs).toHaveLength(n);
    const chars = (argv: string[]) => argv.reduce((s, a) => s + a.length, 0);
    expect(chars(execs[0]!.argv)).toBe(ARGV_CAPS.totalChars);
    expect(chars(execs.at(-1)!.argv)).toBe(ARGV_CAPS.afterBudgetChars);
    expect(execs.reduce((s, p) => s + chars(p.argv), 0)).toBeLessThan(ARGV_CAPS.phaseChars + 64 * 1024);
  });

  it('keeps the first exec attempts of a process that loops on execve, and counts the rest', () => {
    const summary = summarizeLines(
      1000,
      (i) => `30 ${time(i)} execve("/nonexistent/x${i}", ["x"], [${NPM_ENV}]) = -1 ENOENT (No such file or directory)`,
    );
    expect(gap(summary.evidenceGaps, 'report.exec-steps-capped')).toMatchObject({ dropped: 1000 - 255, limit: 256, hidesBehaviour: true });
  });

  it('caps the processes listed per phase', () => {
    const n = CAPS.processes.items + 30;
    // Each exec in its own process (a fork then an exec), as a spawn loop does.
    const summary = summarizeLines(2 * n, (i) => {
      const pid = 1000 + Math.floor(i / 2);
      return i % 2 === 0 ? `30 ${time(i)} vfork() = ${pid}` : `${pid} ${time(i)} execve("/bin/true", ["true"], [${NPM_ENV}]) = 0`;
    });
    expect(summary.processes).toHaveLength(CAPS.processes.items);
    expect(gap(summary.evidenceGaps, 'report.processes-capped')).toMatchObject({ dropped: 30 + 2, hidesBehaviour: true });
  });

  it('has no gap for an ordinary run', () => {
    const summary = summarizeLines(10, (i) => `30 ${time(i)} openat(AT_FDCWD, "/tmp/f${i}", O_WRONLY|O_CREAT, 0644) = 3`);
    expect(summary.evidenceGaps).toEqual([]);
    expect(summary.fileWrites).toHaveLength(10);
  });
});

describe('report caps', { timeout: 60_000 }, () => {
  const node = (id: number, parent: number | null, children: number[]): ProcessTreeNode => ({
    id,
    pid: 100 + id,
    ppid: parent === null ? null : 100 + parent,
    parent,
    execs: [],
    startTime: id,
    exitTime: null,
    exitCode: null,
    exitSignal: null,
    attribution: null,
    children,
  });

  it('cuts a process tree to its first nodes, with no reference past the cut', () => {
    const tree: PhaseProcessTree = {
      roots: [0],
      nodes: [node(0, null, [1, 3]), node(1, 0, [2]), node(2, 1, []), node(3, 0, [4]), node(4, 3, [])],
      hiddenProcesses: 2,
    };
    const { tree: cut, dropped } = capProcessTree(tree, 3);
    expect(dropped).toBe(2);
    expect(cut.nodes.map((n) => [n.id, n.parent, n.children])).toEqual([
      [0, null, [1]],
      [1, 0, [2]],
      [2, 1, []],
    ]);
    expect(cut.roots).toEqual([0]);
    expect(tree.nodes[0]!.children).toEqual([1, 3]);
  });

  it('drops added files of the diff first, so the gap hides nothing while deletions are all kept', () => {
    const changes = [
      ...Array.from({ length: CAPS.fsDiff.items + 100 }, (_, i) => ({
        path: `/a/${i}`,
        kind: 'added' as const,
        normalizedPath: `/a/${i}`,
      })),
      { path: '/home/jordan/doc', kind: 'deleted' as const, normalizedPath: '<HOME>/doc' },
    ];
    const { fsDiff, gaps } = capFsDiff(changes);
    expect(fsDiff).toHaveLength(CAPS.fsDiff.items);
    expect(fsDiff.at(-1)).toMatchObject({ kind: 'deleted' });
    expect(gaps).toEqual([expect.objectContaining({ kind: 'report.fs-diff-capped', dropped: 101, hidesBehaviour: false })]);
  });

  it('caps the fake internet lists in buildReport, after the honeytoken search saw them all', () => {
    const run = sandboxRun();
    const dns = Array.from({ length: CAPS.network.items + 5 }, (_, i) => ({
      kind: 'dns' as const,
      time: T0 + i,
      transport: 'udp' as const,
      clientPort: 40000,
      server: { address: '198.18.0.53', port: 53, hostname: null },
      qname: `q${i}.example`,
      qtype: 'A',
      answers: ['198.18.0.9'],
    }));
    const report = buildReport({
      id: 'r1',
      createdAt: new Date(0),
      identity: identity('flood'),
      run: { ...run, network: { records: [...run.network!.records, ...dns] } },
      traces: {},
      artifacts: {},
    });
    expect(report.network.dns).toHaveLength(CAPS.network.items);
    expect(gap(report.evidenceGaps, 'report.network-dns-capped')).toMatchObject({ phase: null, hidesBehaviour: true });
    expect(reportSchemaErrors(report)).toEqual([]);
  });

  it('shrinks the largest lists of a report over the total cap and records report.total-capped', () => {
    const base = buildReport({
      id: 'r2',
      createdAt: new Date(0),
      identity: identity('flood'),
      run: sandboxRun(),
      traces: {},
      artifacts: {},
    });
    const long = '/home/jordan/projects/app/node_modules/flood/' + 'x'.repeat(400);
    const fileWrites = Array.from({ length: 60_000 }, (_, i) => ({
      phase: 'install' as const,
      pid: 30,
      time: T0 + i,
      path: `${long}/${i}`,
      normalizedPath: `<PKG>/${i}`,
      operation: 'create',
      source: null,
      result: 'ok',
    }));
    const fsDiff = Array.from({ length: 20_000 }, (_, i) => ({
      path: `/a/${i}`,
      kind: 'added' as const,
      normalizedPath: `/a/${i}`,
    }));
    const big: SandboxReport = { ...base, fileWrites, fsDiff };
    const max = 16 * 1024 * 1024;
    expect(utf8Length(JSON.stringify(big))).toBeGreaterThan(max);
    const capped = capReportSize(big, max);
    const size = utf8Length(JSON.stringify(capped));
    expect(size).toBeLessThanOrEqual(max);
    expect(size).toBeGreaterThan(max * 0.8);
    expect(capped.fileWrites.length).toBeLessThan(fileWrites.length);
    expect(capped.fileWrites[0]).toEqual(fileWrites[0]);
    const total = gap(capped.evidenceGaps, 'report.total-capped');
    expect(total).toMatchObject({ source: 'report', phase: null, limit: max, hidesBehaviour: true });
    expect(total!.dropped).toBe(fileWrites.length - capped.fileWrites.length + fsDiff.length - capped.fsDiff.length);
    expect(total!.message).toContain('fileWrites');
    expect(reportSchemaErrors(capped)).toEqual([]);
    // A report under the cap is returned as is.
    expect(capReportSize(base, REPORT_MAX_BYTES)).toBe(base);
  });

  it('measures UTF-8 bytes', () => {
    expect(utf8Length('aé€😀')).toBe(1 + 2 + 3 + 4);
  });
});
