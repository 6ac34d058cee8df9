import { describe, expect, it } from 'vitest';
import { scoreReport } from '../src/index.js';
import { dns, proc, reportWith, script, sensitive, T0 } from './helpers.js';

describe('sandbox-evasion', () => {
  it('fires when a script probes /.dockerenv and then goes quiet', () => {
    const v = scoreReport(
      reportWith({
        processes: [
          proc(['sh', '-c', 'test -f /.dockerenv && exit 0; node steal.js'], {
            attribution: { packageName: 'demo', event: 'postinstall', script: 'x' },
          }),
        ],
      }),
    );
    const rules = v.reasons.map((r) => r.rule);
    expect(rules).toEqual(['sandbox-evasion', 'lifecycle-shell']);
    expect(v.reasons[0]).toMatchObject({ weight: 30, tactic: 'defense-evasion' });
    expect(v.score).toBe(55);
  });

  it('fires on systemd-detect-virt alone', () => {
    const v = scoreReport(reportWith({ processes: [proc(['systemd-detect-virt'])] }));
    expect(v.reasons.map((r) => r.rule)).toEqual(['sandbox-evasion']);
    expect(v.verdict).toBe('suspicious');
  });

  it('fires on existence checks and reads of container tells by package code (fs.existsSync, /proc/1/cgroup, os.uptime)', () => {
    const probes = [
      sensitive('container-marker', '/.dockerenv', { access: 'check', operation: 'stat', time: T0 + 1 }),
      sensitive('container-marker', '/proc/1/cgroup', { time: T0 + 1.1 }),
      sensitive('container-marker', '/proc/uptime', { time: T0 + 1.2 }),
    ];
    const v = scoreReport(reportWith({ sensitiveFiles: probes }));
    expect(v.reasons.map((r) => r.rule)).toEqual(['sandbox-evasion']);
    expect(v.reasons[0]!.evidence.map((e) => [e.section, e.index, e.path])).toEqual([
      ['sensitiveFiles', 0, '/.dockerenv'],
      ['sensitiveFiles', 1, '/proc/1/cgroup'],
      ['sensitiveFiles', 2, '/proc/uptime'],
    ]);
    // ps reading /proc/uptime for process start times (nodemon's pstree at import) is a listing, not a probe.
    expect(
      scoreReport(
        reportWith({
          sensitiveFiles: [sensitive('container-marker', '/proc/uptime', { program: '/usr/bin/ps', attribution: script('import', null) })],
        }),
      ).reasons,
    ).toEqual([]);
    // npm or node itself looking (no attribution) is no probe; nor is a probe followed by a beacon.
    expect(scoreReport(reportWith({ sensitiveFiles: probes.map((p) => ({ ...p, attribution: null })) })).reasons).toEqual([]);
    expect(
      scoreReport(
        reportWith({ sensitiveFiles: probes, network: { dns: [dns('c2.test', { time: T0 + 3 })], tcp: [], udp: [] } }),
      ).reasons.map((r) => r.rule),
    ).toEqual(['network-egress']);
  });

  it('is dropped when the package did something else too: its probes were no gate (is-docker for telemetry, then a .env read)', () => {
    const probe = sensitive('container-marker', '/.dockerenv', { access: 'check', operation: 'stat', time: T0 + 5 });
    const env = sensitive('dotenv', '/home/jordan/.aws/credentials', { rule: 'aws', time: T0 + 1 });
    const v = scoreReport(reportWith({ sensitiveFiles: [env, probe] }));
    expect(v.reasons.map((r) => r.rule)).toEqual(['credential-access']);
  });

  it('does not fire when activity follows the probe (other rules judge that activity)', () => {
    const v = scoreReport(
      reportWith({
        processes: [proc(['systemd-detect-virt'], { time: T0 + 1 })],
        network: { dns: [dns('c2.test', { time: T0 + 9 })], tcp: [], udp: [] },
      }),
    );
    expect(v.reasons.map((r) => r.rule)).toEqual(['network-egress']);
  });
});
