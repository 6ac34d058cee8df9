import { describe, expect, it } from 'vitest';
import { scoreReport } from '../src/index.js';
import { dns, proc, reportWith, T0 } from './helpers.js';

describe('sandbox-evasion', () => {
  it('fires when a script probes /.dockerenv and then goes quiet', () => {
    const v = scoreReport(reportWith({ processes: [proc(['sh', '-c', 'test -f /.dockerenv && exit 0; node steal.js'], { attribution: { packageName: 'demo', event: 'postinstall', script: 'x' } })] }));
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

  it('does not fire when activity follows the probe (other rules judge that activity)', () => {
    const v = scoreReport(reportWith({ processes: [proc(['systemd-detect-virt'], { time: T0 + 1 })], network: { dns: [dns('c2.test', { time: T0 + 9 })], tcp: [], udp: [] } }));
    expect(v.reasons.map((r) => r.rule)).toEqual(['network-egress']);
  });
});
