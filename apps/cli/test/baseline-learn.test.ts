import { describe, expect, it } from 'vitest';
import type { SandboxReport } from '@airlock/core';
import { isBaselineFile, learnBaseline } from '@airlock/analysis';
import { baselineFile, collectRuns, imagesOf } from '../src/baseline-command.js';
import { learnableOf } from '../src/eval/runner.js';
import type { EvalResult } from '../src/eval/metrics.js';

const report = (name: string, inputsHash: string, hosts: string[] = []): SandboxReport =>
  ({
    id: `r-${name}`,
    createdAt: '2026-11-24T04:00:00.000Z',
    package: { ecosystem: 'npm', name, version: '1.0.0' },
    sandbox: { image: 'airlock/sandbox-npm:latest', imageId: `sha256:${inputsHash}`, imageInputsHash: inputsHash },
    processes: [],
    processTree: { install: null, import: null },
    fileWrites: [],
    fsDiff: [],
    connections: [],
    honeytokens: { planted: [], accessed: [], exfiltrated: [] },
    network: {
      dns: hosts.map((qname) => ({
        kind: 'dns',
        time: 1,
        transport: 'udp',
        clientPort: 1,
        server: { address: '10.0.0.1', port: 53, hostname: null },
        qname,
        qtype: 'A',
        answers: [],
      })),
      tcp: [],
      udp: [],
    },
  }) as unknown as SandboxReport;

const result = (id: string, over: Partial<EvalResult> = {}): EvalResult => ({
  id,
  ecosystem: 'npm',
  label: 'benign',
  verdict: 'benign',
  score: 0,
  reasons: [],
  timeMs: 1,
  reportPath: `/r/${id}.json`,
  ...over,
});

describe('baseline learn', () => {
  const samples = [
    { id: 'npm:a@1.0.0', name: 'a' },
    { id: 'npm:a@2.0.0', name: 'a' },
    { id: 'npm:b@1.0.0', name: 'b' },
    { id: 'npm:c@1.0.0', name: 'c' },
    { id: 'npm:d@1.0.0', name: 'd' },
  ];
  const reports: Record<string, SandboxReport> = {
    '/r/npm:a@1.0.0.json': report('a', 'h1', ['cdn.test']),
    '/r/npm:a@2.0.0.json': report('a', 'h1', ['cdn.test']),
    '/r/npm:b@1.0.0.json': report('b', 'h2', ['cdn.test', 'only-b.test']),
  };
  const results = [
    result('npm:a@1.0.0'),
    result('npm:a@2.0.0'),
    result('npm:b@1.0.0'),
    result('npm:c@1.0.0', { verdict: 'error', reportPath: undefined, error: 'EBADPLATFORM' }),
    result('npm:d@1.0.0'),
  ];
  const { runs, failed } = collectRuns(results, samples, (r) => reports[r.reportPath ?? ''] ?? null);

  it('learns from the runs with reports, keyed by package name; lists failures and lost reports with why', () => {
    expect(runs.map((r) => r.packageName)).toEqual(['a', 'a', 'b']);
    expect(failed).toEqual([
      { id: 'npm:c@1.0.0', error: 'EBADPLATFORM' },
      { id: 'npm:d@1.0.0', error: 'report not found at /r/npm:d@1.0.0.json and the row keeps no signatures' },
    ]);
  });

  it('learns the same from the rows alone once the reports are gone (results committed, learned on another machine)', () => {
    const kept = results.map((r) => {
      const stored = reports[r.reportPath ?? ''];
      return stored ? { ...r, learnable: learnableOf(stored) } : r;
    });
    const fromRows = collectRuns(kept, samples, () => null);
    expect(fromRows.runs.map((r) => [r.packageName, r.fromRow])).toEqual([
      ['a', true],
      ['a', true],
      ['b', true],
    ]);
    expect(JSON.parse(JSON.stringify(learnBaseline(fromRows.runs)))).toEqual(JSON.parse(JSON.stringify(learnBaseline(runs))));
    expect(imagesOf(fromRows.runs.map((r) => r.sandbox))).toEqual(imagesOf(runs.map((r) => r.sandbox)));
    expect(runs.every((r) => !r.fromRow)).toBe(true);
  });

  it('two versions of one package are one package of support', () => {
    expect(learnBaseline(runs).hosts).toEqual([{ value: 'cdn.test', packages: 2, seenIn: ['a', 'b'] }]);
    expect(learnBaseline(runs.filter((r) => r.packageName === 'a')).hosts).toEqual([]);
  });

  it("records the images from the reports' sandbox section, most used first", () => {
    expect(imagesOf(runs.map((r) => r.sandbox))).toEqual([
      { image: 'airlock/sandbox-npm:latest', imageId: 'sha256:h1', inputsHash: 'h1', runs: 2 },
      { image: 'airlock/sandbox-npm:latest', imageId: 'sha256:h2', inputsHash: 'h2', runs: 1 },
    ]);
  });

  it('writes provenance: date, command, corpus and split, counts, failures, images, control, thresholds', () => {
    const learned = learnBaseline(runs, { minPackages: 2 });
    const control = {
      format: 'airlock-control/1' as const,
      ecosystem: 'npm' as const,
      inputsHash: 'h2',
      image: 'i',
      imageId: 'sha256:h2',
      createdAt: 'x',
      reportId: 'r',
      baseline: { writtenPaths: [], programs: [], hosts: ['registry.npmjs.org'] },
    };
    const file = baselineFile({
      ecosystem: 'npm',
      learned,
      runs,
      failed,
      control,
      createdAt: '2026-11-24T05:00:00.000Z',
      command: 'airlock baseline learn corpus.json',
      corpora: [{ file: 'corpus.json', sha256: 'abc' }],
      samples: 5,
      results: 'train-results.json',
    });
    expect(isBaselineFile(JSON.parse(JSON.stringify(file)))).toBe(true);
    expect(file.provenance).toEqual({
      createdAt: '2026-11-24T05:00:00.000Z',
      command: 'airlock baseline learn corpus.json',
      corpora: [{ file: 'corpus.json', sha256: 'abc' }],
      split: { name: 'train', rule: 'sha256("airlock-split-v1:" + package name)[0] < 128 ? train : test', samples: 5 },
      runs: { ok: 3, failed },
      images: imagesOf(runs.map((r) => r.sandbox)),
      control: { inputsHash: 'h2', writtenPaths: 0, programs: 0, hosts: 1 },
      results: 'train-results.json',
    });
    expect(file.thresholds).toEqual({ minPackages: 2 });
    expect(file.packages).toBe(2);
    expect(file.belowThreshold.hosts).toEqual([{ value: 'only-b.test', packages: 1, seenIn: ['b'] }]);
    expect(
      baselineFile({
        ecosystem: 'npm',
        learned,
        runs,
        failed,
        control: null,
        createdAt: 'x',
        command: 'c',
        corpora: [],
        samples: 0,
        results: 'r',
      }).provenance.control,
    ).toBeNull();
  });
});
