import { describe, expect, it } from 'vitest';
import type { NetworkLogLine, ServiceStatsLine, TcpLogLine } from '@airlock/core';
import { NetworkLogReader } from '../src/network-log.js';

const tcp = (over: Partial<TcpLogLine>): TcpLogLine => ({
  kind: 'tcp',
  flow: 1,
  final: false,
  time: 10,
  endTime: 0,
  clientPort: 40000,
  destination: { address: '203.0.113.7', port: 4444, hostname: null },
  protocol: 'unknown',
  http: null,
  tls: null,
  firstBytes: '',
  bytes: 0,
  truncated: false,
  ...over,
});
const stats = (over: Partial<ServiceStatsLine> = {}): ServiceStatsLine => ({
  kind: 'stats',
  time: 20,
  addressesRecycled: 0,
  addressPool: 131070,
  connectionsDropped: 0,
  maxOpenConnections: 10000,
  payloadBytesDropped: 0,
  captureBudgetBytes: 64,
  destinationsUnknown: 0,
  recordsDropped: 0,
  maxLogBytes: 1024,
  findingsDropped: 0,
  datagramsDropped: 0,
  conntrackEventsLost: 0,
  ...over,
});
const b64 = (text: string) => Buffer.from(text).toString('base64');
const ok = { running: true, oomKilled: false, exitCode: null, error: null };

/** Feeds `lines` as one log, cut into chunks of `size` bytes. */
function read(lines: (NetworkLogLine | string)[], size: number, limits = {}) {
  const reader = new NetworkLogReader({ maxBytes: 1e9, maxLineBytes: 1e6, maxRecords: 1e6, ...limits });
  const text = Buffer.from(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  for (let i = 0; i < text.length; i += size) reader.push(text.subarray(i, i + size));
  return reader;
}

describe('NetworkLogReader', () => {
  it('folds a connection written as it went into one record, whatever the chunking', () => {
    for (const size of [1, 7, 4096]) {
      const reader = read(
        [
          tcp({ firstBytes: b64('hello '), bytes: 6 }),
          tcp({ firstBytes: b64('world'), bytes: 11 }),
          {
            kind: 'dns',
            time: 9,
            transport: 'udp',
            clientPort: 5353,
            server: { address: null, port: null, hostname: null },
            qname: 'a.test',
            qtype: 'A',
            answers: [],
          },
          tcp({ final: true, endTime: 15, bytes: 11 }),
          stats(),
        ],
        size,
      );
      expect(reader.result()).toEqual([
        expect.objectContaining({ kind: 'dns', qname: 'a.test' }),
        expect.objectContaining({ kind: 'tcp', time: 10, endTime: 15, bytes: 11, firstBytes: b64('hello world') }),
      ]);
      expect(reader.gaps(ok)).toEqual([]);
    }
  });

  it('keeps a connection the service never closed (it died), ending at the last line seen', () => {
    const reader = read([tcp({ firstBytes: b64('x'), bytes: 1 }), stats({ time: 30 })], 5);
    expect(reader.result()).toEqual([expect.objectContaining({ endTime: 30, bytes: 1 })]);
  });

  it('turns the service failure, its own counts, oversized and malformed lines into network gaps', () => {
    const reader = read(
      [
        `{"kind":"udp","data":"${'A'.repeat(500)}"}`,
        'not json',
        { kind: 'failure', time: 1, message: 'TypeError: boom' },
        {
          kind: 'honeytoken',
          tokenId: 'npm-token-1',
          tokenKind: 'npm-token',
          channel: 'http',
          destination: 'x.test:80',
          encoding: 'raw',
          time: 3,
        },
        stats({ addressesRecycled: 5, destinationsUnknown: 2, payloadBytesDropped: 100, datagramsDropped: 7 }),
      ],
      3,
      { maxLineBytes: 400 },
    );
    expect(reader.exfiltrated).toEqual([
      { tokenId: 'npm-token-1', kind: 'npm-token', channel: 'http', destination: 'x.test:80', encoding: 'raw', time: 3 },
    ]);
    const gaps = reader.gaps({ running: false, oomKilled: true, exitCode: 137, error: null });
    expect(gaps.map((g) => [g.kind, g.dropped, g.hidesBehaviour])).toEqual([
      ['network.service-failed', null, true],
      ['network.service-errors', 1, true],
      ['network.address-pool-full', 5, true],
      ['network.payload-bytes-dropped', 100, false],
      ['network.destinations-unknown', 2, true],
      ['network.datagrams-dropped', 7, true],
      ['network.log-lines-oversized', 1, true],
      ['network.log-malformed', 1, true],
    ]);
    expect(gaps[0]!.message).toMatch(/killed for lack of memory/);
    expect(gaps.every((g) => g.source === 'network' && g.phase === null)).toBe(true);
  });

  it('reads at most maxBytes and maxRecords, and counts the rest', () => {
    const udp = (i: number): NetworkLogLine => ({
      kind: 'udp',
      time: i,
      clientPort: 1,
      destination: { address: null, port: null, hostname: null },
      data: '',
      bytes: 0,
      truncated: false,
    });
    const reader = read([udp(1), udp(2), udp(3), stats()], 64, { maxRecords: 2 });
    expect(reader.result()).toHaveLength(2);
    expect(reader.gaps(ok).map((g) => [g.kind, g.dropped])).toEqual([['network.records-dropped', 1]]);
    const cut = read([udp(1), udp(2), stats()], 64, { maxBytes: 150 });
    expect(cut.gaps(ok).map((g) => g.kind)).toEqual(['network.service-stats-missing', 'network.log-truncated']);
  });
});
