import { describe, expect, it } from 'vitest';
import type { HostDetailFindings } from '@airlock/core';
import { scoreReport } from '../src/index.js';
import { reportWith } from './helpers.js';

const values: HostDetailFindings['values'] = [
  { name: 'hostname', value: 'maria-thinkpad' },
  { name: 'home', value: '/home/jordan' },
  { name: 'package', value: 'left-padding' },
];
const sent = (name: HostDetailFindings['sent'][number]['name'], channel: 'dns' | 'http', destination: string) => ({
  name,
  channel,
  destination,
  encoding: 'hex' as const,
  time: 1,
});

describe('host-detail beacons', () => {
  it("calls the run's hostname in DNS labels to an unknown domain malicious, with every matched value as evidence", () => {
    const beacon = '6d617269612d7468696e6b706164.left-padding.1-0-0.cdn-metrics.example';
    const v = scoreReport(reportWith({ hostDetails: { values, sent: [sent('hostname', 'dns', beacon), sent('package', 'dns', beacon)] } }));
    expect(v.verdict).toBe('malicious');
    const reason = v.reasons.find((r) => r.rule === 'host-details-exfiltration');
    expect(reason?.weight).toBe(70);
    expect(reason?.evidence.map((e) => [e.section, e.detail])).toEqual([
      ['hostDetails.sent', 'hostname (hex) over dns'],
      ['hostDetails.sent', 'package (hex) over dns'],
    ]);
  });

  it('does not call the package name or the home path alone a beacon (telemetry and crash reports carry them)', () => {
    const v = scoreReport(
      reportWith({
        hostDetails: { values, sent: [sent('package', 'http', 'telemetry.example:443'), sent('home', 'http', 'sentry.example:443')] },
      }),
    );
    expect(v.reasons.map((r) => r.rule)).not.toContain('host-details-exfiltration');
  });

  it('leaves out an HTTP destination the baseline knows, and reports without host details', () => {
    const known = reportWith({ hostDetails: { values, sent: [sent('hostname', 'http', 'registry.npmjs.org:443')] } });
    expect(
      scoreReport(known, { baseline: { hosts: ['registry.npmjs.org'], programs: [], writtenPaths: [] } }).reasons.map((r) => r.rule),
    ).not.toContain('host-details-exfiltration');
    expect(scoreReport(reportWith({})).reasons).toEqual([]);
  });
});
