import { describe, expect, it } from 'vitest';
import type { NetworkActivity } from '@airlock/core';
import { hostDetailFindings } from '../src/index.js';
import { sandboxRun } from './helpers.js';

const dnsQuery = (qname: string, time: number) => ({
  kind: 'dns' as const,
  time,
  transport: 'udp' as const,
  clientPort: 40001,
  server: { address: '10.255.255.53', port: 53, hostname: null },
  qname,
  qtype: 'A',
  answers: ['198.18.0.9'],
});
const network = (dns: ReturnType<typeof dnsQuery>[]): NetworkActivity => ({ dns, tcp: [], udp: [] });
const settings = { ...sandboxRun().settings, hostname: 'priya-latitude' };

describe("the machine's identity in egress", () => {
  it('finds the hostname hex-encoded in DNS labels and the package name beside it, naming the query', () => {
    const qname = `${Buffer.from('priya-latitude').toString('hex')}.left-padding.1-0-0.cdn-metrics.example`;
    const found = hostDetailFindings(settings, '@acme/left-padding', '/home/jordan', network([dnsQuery(qname, 5)]));
    expect(found.values.map((v) => [v.name, v.value])).toEqual([
      ['hostname', 'priya-latitude'],
      ['home', '/home/jordan'],
      ['package', 'left-padding'],
    ]);
    expect(found.sent).toEqual([
      { name: 'hostname', channel: 'dns', destination: qname, encoding: 'hex', time: 5 },
      { name: 'package', channel: 'dns', destination: qname, encoding: 'raw', time: 5 },
    ]);
  });

  it("does not count the system resolving its own name, and adds the platform view's account and profile path", () => {
    const windows = { ...settings, profile: { ...settings.profile, platform: 'win32' as const, platformUser: 'sara.lund' } };
    const found = hostDetailFindings(
      windows,
      'demo',
      '/home/jordan',
      network([dnsQuery('priya-latitude.localdomain', 1), dnsQuery('priya-latitude', 2)]),
    );
    expect(found.sent).toEqual([]);
    expect(found.values.slice(3)).toEqual([
      { name: 'platform-user', value: 'sara.lund' },
      { name: 'platform-home', value: 'C:\\Users\\sara.lund' },
    ]);
  });
});
