import type {
  DnsRecord,
  EvidenceGap,
  HoneytokenExfiltration,
  NetworkLogLine,
  NetworkRecord,
  ServiceStatsLine,
  TcpLogLine,
  TcpRecord,
  UdpRecord,
} from '@airlock/core';

/** Limits of what the host keeps of the fake internet's log (its own memory). */
export interface NetworkLogLimits {
  /** Log bytes read; the rest is counted, not parsed. */
  maxBytes: number;
  /** A longer line (never written by the service: its records are capped) is skipped and counted. */
  maxLineBytes: number;
  /** Records kept (DNS queries, datagrams, connections); more are counted. */
  maxRecords: number;
}

export const DEFAULT_NETWORK_LOG_LIMITS: NetworkLogLimits = { maxBytes: 512 * 1024 ** 2, maxLineBytes: 4 * 1024 ** 2, maxRecords: 400_000 };
/** Bytes of a connection's first bytes the host keeps (the service's own cap is 64 KiB). */
const MAX_FIRST_BYTES = 1024 ** 2;

/**
 * Reads the fake internet's log as it streams out of the container, line by line in bounded memory (never
 * one giant string): folds each connection's lines (`TcpLogLine`) into one record, keeps the service's
 * honeytoken findings, failures and last stats, and counts what it could not keep. `gaps()` turns every
 * count into an evidence gap.
 */
export class NetworkLogReader {
  readonly records: (DnsRecord | UdpRecord)[] = [];
  readonly exfiltrated: HoneytokenExfiltration[] = [];
  private readonly flows = new Map<number, { record: TcpRecord; first: Buffer[]; firstBytes: number; final: boolean }>();
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private skipping = false;
  private bytes = 0;
  private unnamedFlows = 0;
  private lastTime = 0;
  stats: ServiceStatsLine | null = null;
  failures: string[] = [];
  failureCount = 0;
  malformed = 0;
  oversized = 0;
  recordsDropped = 0;
  bytesUnread = 0;

  constructor(readonly limits: NetworkLogLimits = DEFAULT_NETWORK_LOG_LIMITS) {}

  push(chunk: Buffer): void {
    const room = this.limits.maxBytes - this.bytes;
    this.bytes += chunk.length;
    if (room < chunk.length) this.bytesUnread += chunk.length - Math.max(0, room);
    let rest = room < chunk.length ? chunk.subarray(0, Math.max(0, room)) : chunk;
    for (let eol = rest.indexOf(10); eol >= 0; eol = rest.indexOf(10)) {
      if (!this.skipping) this.take(rest.subarray(0, eol));
      rest = rest.subarray(eol + 1);
      this.carry = [];
      this.carryBytes = 0;
      this.skipping = false;
    }
    if (rest.length === 0 || this.skipping) return;
    this.carryBytes += rest.length;
    if (this.carryBytes > this.limits.maxLineBytes) {
      this.oversized++;
      this.skipping = true;
      this.carry = [];
    } else this.carry.push(Buffer.from(rest));
  }

  /** The records, connections folded, in time order. */
  result(): NetworkRecord[] {
    if (this.carryBytes > 0 && !this.skipping && this.bytesUnread === 0) this.malformed++; // a last line cut short
    const tcp = [...this.flows.values()].map(({ record, first, final }) => ({
      ...record,
      endTime: final ? record.endTime : Math.max(record.time, this.lastTime),
      firstBytes: Buffer.concat(first).toString('base64'),
    }));
    return [...this.records, ...tcp].sort((a, b) => a.time - b.time);
  }

  private take(line: Buffer): void {
    const text = this.carry.length ? Buffer.concat([...this.carry, line]).toString('utf8') : line.toString('utf8');
    if (this.carryBytes + line.length > this.limits.maxLineBytes) return void this.oversized++;
    if (!text.trim()) return;
    let parsed: NetworkLogLine;
    try {
      parsed = JSON.parse(text) as NetworkLogLine;
    } catch {
      return void this.malformed++;
    }
    if (typeof parsed !== 'object' || parsed === null) return void this.malformed++;
    if (typeof parsed.time === 'number') this.lastTime = Math.max(this.lastTime, parsed.time);
    switch (parsed.kind) {
      case 'dns':
      case 'udp':
        if (this.records.length + this.flows.size >= this.limits.maxRecords) return void this.recordsDropped++;
        this.records.push(parsed);
        return;
      case 'tcp':
        return this.tcp(parsed);
      case 'honeytoken': {
        const { tokenId, tokenKind: kind, channel, destination, encoding, time } = parsed;
        this.exfiltrated.push({ tokenId, kind, channel, destination, encoding, time });
        return;
      }
      case 'failure':
        if (this.failures.length < 5) this.failures.push(String(parsed.message).slice(0, 300));
        this.failureCount++;
        return;
      case 'stats':
        this.stats = parsed;
        return;
      default:
        this.malformed++;
    }
  }

  private tcp(line: TcpLogLine): void {
    const { flow: id, final, firstBytes, ...fields } = line;
    // A line without a flow id (a service older than flows) is a whole connection of its own.
    const flow = typeof id === 'number' ? id : -++this.unnamedFlows;
    const bytes = firstBytes ? Buffer.from(firstBytes, 'base64') : Buffer.alloc(0);
    const known = this.flows.get(flow);
    if (!known) {
      if (this.records.length + this.flows.size >= this.limits.maxRecords) return void this.recordsDropped++;
      const kept = bytes.subarray(0, MAX_FIRST_BYTES);
      this.flows.set(flow, { record: { ...fields, firstBytes: '' }, first: [kept], firstBytes: kept.length, final });
      return;
    }
    const r = known.record;
    if (known.firstBytes < MAX_FIRST_BYTES && bytes.length) {
      const kept = bytes.subarray(0, MAX_FIRST_BYTES - known.firstBytes);
      known.first.push(kept);
      known.firstBytes += kept.length;
    }
    r.bytes = Math.max(r.bytes, fields.bytes);
    r.truncated = fields.truncated || r.truncated;
    if (fields.protocol !== 'none') r.protocol = fields.protocol;
    if (fields.http) r.http = fields.http;
    if (fields.tls) r.tls = fields.tls;
    if (fields.destination.port !== null) r.destination = fields.destination;
    if (final) {
      known.final = true;
      r.endTime = fields.endTime;
    }
  }

  /** Every count as an evidence gap (source `network`); `service` is what the engine said of the container. */
  gaps(service: { running: boolean; oomKilled: boolean; exitCode: number | null; error: string | null }): EvidenceGap[] {
    const gaps: EvidenceGap[] = [];
    const gap = (kind: string, message: string, dropped: number | null, limit: number | null, hidesBehaviour: boolean) =>
      gaps.push({ source: 'network', kind: `network.${kind}`, phase: null, message, dropped, limit, hidesBehaviour });
    if (service.oomKilled || !service.running || service.error) {
      gap(
        'service-failed',
        service.error ??
          `the fake internet ${service.oomKilled ? 'was killed for lack of memory' : `had exited (code ${service.exitCode})`} before the run ended: flows after that were not recorded`,
        null,
        null,
        true,
      );
    }
    if (this.failureCount > 0) {
      gap(
        'service-errors',
        `the fake internet caught ${this.failureCount} error(s) while recording (first: ${this.failures.join(' | ')})`,
        this.failureCount,
        null,
        true,
      );
    }
    if (!this.stats && !service.error)
      gap('service-stats-missing', 'the fake internet wrote no account of its own bounds', null, null, true);
    const s = this.stats;
    if (s?.addressesRecycled) {
      gap(
        'address-pool-full',
        `${s.addressesRecycled} DNS names got a fake address recycled from an older name (pool of ${s.addressPool}): a connection to a recycled address may be named after the wrong host`,
        s.addressesRecycled,
        s.addressPool,
        true,
      );
    }
    if (s?.connectionsDropped) {
      gap(
        'connections-dropped',
        `${s.connectionsDropped} TCP connections were closed unrecorded or undecrypted (at most ${s.maxOpenConnections} open at once)`,
        s.connectionsDropped,
        s.maxOpenConnections,
        true,
      );
    }
    if (s?.payloadBytesDropped) {
      // The honeytoken search still saw these bytes: only the records' first bytes are shorter.
      gap(
        'payload-bytes-dropped',
        `${s.payloadBytesDropped} payload bytes were not kept in records (capture budget ${s.captureBudgetBytes} bytes); the honeytoken search saw them`,
        s.payloadBytesDropped,
        s.captureBudgetBytes,
        false,
      );
    }
    if (s?.destinationsUnknown) {
      gap(
        'destinations-unknown',
        `${s.destinationsUnknown} TCP connections or UDP datagrams have no original destination (connection tracking did not say)`,
        s.destinationsUnknown,
        null,
        true,
      );
    }
    if (s?.datagramsDropped) {
      gap(
        'datagrams-dropped',
        `${s.datagramsDropped} UDP datagrams were dropped by the kernel before the fake internet read them`,
        s.datagramsDropped,
        null,
        true,
      );
    }
    if (s?.recordsDropped)
      gap(
        'log-full',
        `${s.recordsDropped} records were not written: the log reached ${s.maxLogBytes} bytes`,
        s.recordsDropped,
        s.maxLogBytes,
        true,
      );
    if (s?.findingsDropped)
      gap('findings-capped', `${s.findingsDropped} more honeytoken findings were not written`, s.findingsDropped, null, false);
    if (this.recordsDropped)
      gap(
        'records-dropped',
        `${this.recordsDropped} records were not kept (at most ${this.limits.maxRecords})`,
        this.recordsDropped,
        this.limits.maxRecords,
        true,
      );
    if (this.bytesUnread)
      gap(
        'log-truncated',
        `${this.bytesUnread} bytes of the network log were not read (cap ${this.limits.maxBytes})`,
        this.bytesUnread,
        this.limits.maxBytes,
        true,
      );
    if (this.oversized)
      gap(
        'log-lines-oversized',
        `${this.oversized} log lines were longer than ${this.limits.maxLineBytes} bytes and skipped`,
        this.oversized,
        this.limits.maxLineBytes,
        true,
      );
    if (this.malformed) gap('log-malformed', `${this.malformed} log lines were not records`, this.malformed, null, true);
    return gaps;
  }
}
