import { describe, expect, it } from 'vitest';
import { baselineFromReports, emptyBaseline, scoreReport } from '../src/index.js';
import { dns, proc, reportWith, tcp, write } from './helpers.js';

const benignRun = () =>
  reportWith({
    processes: [proc(['python3.11', 'build.py'], { path: '/usr/bin/python3.11' }), proc(['npm', 'install'], { attribution: null })],
    fileWrites: [write('/tmp/npm-123/cache')],
    network: { dns: [dns('Registry.npmjs.org')], tcp: [tcp('objects.githubusercontent.com', 443, { protocol: 'tls' }), tcp(null, 443)], udp: [] },
  });

describe('baseline', () => {
  it('starts empty', () => {
    expect(emptyBaseline()).toEqual({ writtenPaths: [], programs: [], hosts: [] });
  });

  it('learns sorted, deduplicated signatures from benign reports, only scripts\' programs', () => {
    expect(baselineFromReports([benignRun(), benignRun()])).toEqual({
      writtenPaths: ['<TMP>/npm-123/cache'],
      programs: ['python3'],
      hosts: ['198.18.0.1', 'objects.githubusercontent.com', 'registry.npmjs.org'],
    });
  });

  it('subtracts known hosts and programs before the rules', () => {
    const baseline = baselineFromReports([benignRun()]);
    const candidate = reportWith({
      processes: [proc(['python3', 'setup.py'], { path: '/usr/bin/python3.12' })],
      network: { dns: [dns('registry.npmjs.org')], tcp: [tcp('objects.githubusercontent.com', 443, { protocol: 'tls' })], udp: [] },
    });
    expect(scoreReport(candidate).reasons.map((r) => r.rule)).toEqual(['lifecycle-shell', 'network-egress']);
    expect(scoreReport(candidate, { baseline })).toEqual({ verdict: 'benign', score: 0, reasons: [], notObserved: [] });
  });

  it('never subtracts content rules: a known host still carries a pipe-to-shell', () => {
    const baseline = baselineFromReports([benignRun()]);
    const v = scoreReport(reportWith({ processes: [proc(['sh', '-c', 'curl https://registry.npmjs.org/x | sh'], { attribution: null })] }), { baseline });
    expect(v.verdict).toBe('malicious');
  });
});
