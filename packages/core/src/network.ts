import type { HoneytokenExfiltration, HoneytokenKind } from './honeytoken.js';

/**
 * What the fake internet saw, one record per DNS query, TCP connection or UDP datagram. Payloads are
 * kept up to a cap; `bytes` always counts everything, so truncation is visible.
 */
export type NetworkRecord = DnsRecord | TcpRecord | UdpRecord;

export interface Destination {
  /** Where the client sent it (before redirection), as the kernel's connection tracking recorded it. */
  address: string | null;
  port: number | null;
  /** The name the fake DNS gave out for `address`, when it was one of its fake addresses. */
  hostname: string | null;
}

export interface DnsRecord {
  kind: 'dns';
  time: number;
  transport: 'udp' | 'tcp';
  clientPort: number;
  /** The resolver the client asked (e.g. a hard-coded 8.8.8.8), null when unknown. */
  server: Destination;
  qname: string;
  qtype: string;
  /** The fake answer, e.g. the address that leads back to the sinkhole. */
  answers: string[];
}

export interface HttpRequestSummary {
  method: string;
  target: string;
  version: string;
  host: string | null;
  headers: [string, string][];
  /** Body as received (UTF-8, lossy), up to the capture cap. */
  body: string;
  bodyBytes: number;
  complete: boolean;
}

export interface TlsHelloSummary {
  sni: string | null;
  alpn: string[];
  /** Highest version the client offered, e.g. `TLS1.3`. */
  version: string | null;
  /**
   * The client accepted the fake internet's certificate (issued by the run's CA, which the sandbox
   * trusts), so the request inside was decrypted: it is under the record's `http`.
   */
  intercepted: boolean;
}

export interface TcpRecord {
  kind: 'tcp';
  time: number;
  endTime: number;
  clientPort: number;
  destination: Destination;
  protocol: 'http' | 'tls' | 'unknown' | 'none';
  http: HttpRequestSummary | null;
  tls: TlsHelloSummary | null;
  /** First bytes the client sent, base64, up to the cap. */
  firstBytes: string;
  bytes: number;
  truncated: boolean;
}

export interface UdpRecord {
  kind: 'udp';
  time: number;
  clientPort: number;
  destination: Destination;
  data: string;
  bytes: number;
  truncated: boolean;
}

/**
 * One line of the fake internet's log (`network.jsonl`), which the host reads back. Not a report shape:
 * the host folds these lines into the report's records, its honeytoken findings and its evidence gaps.
 * A TCP connection is written as it goes (when its first bytes are in, then at most once a second while
 * it changes, and when it closes), so a connection held open until the service dies still has its lines.
 */
export type NetworkLogLine = DnsRecord | UdpRecord | TcpLogLine | ServiceFindingLine | ServiceFailureLine | ServiceStatsLine;

/**
 * A state of one TCP connection (`flow`, unique in the run). `firstBytes` holds only the bytes captured
 * since the connection's previous line (the host concatenates them); the other fields are the latest.
 */
export interface TcpLogLine extends TcpRecord {
  flow: number;
  /** The connection had closed (or the service was stopping) when this line was written. */
  final: boolean;
}

/** A planted value found by the service's streaming search of a whole flow (every byte, every request). */
export interface ServiceFindingLine {
  kind: 'honeytoken';
  tokenId: string;
  tokenKind: HoneytokenKind;
  channel: HoneytokenExfiltration['channel'];
  destination: string;
  encoding: HoneytokenExfiltration['encoding'];
  time: number;
}

/** An error the service caught at its top level (it kept running): the flow it was handling may be incomplete. */
export interface ServiceFailureLine {
  kind: 'failure';
  time: number;
  message: string;
}

/**
 * The service's own bounds and what they dropped, written once a second and at stop (the last line wins).
 * Every count is since the start of the run.
 */
export interface ServiceStatsLine {
  kind: 'stats';
  time: number;
  /** DNS names whose fake address was handed to a newer name (the pool of 131,070 was full). */
  addressesRecycled: number;
  addressPool: number;
  /** Connections closed at accept because `maxOpenConnections` were open. */
  connectionsDropped: number;
  maxOpenConnections: number;
  /** Payload bytes not kept in records because the total capture budget was spent (the honeytoken search still saw them). */
  payloadBytesDropped: number;
  captureBudgetBytes: number;
  /** TCP connections and UDP datagrams whose original destination was never learned. */
  destinationsUnknown: number;
  /** Records not written because the log reached `maxLogBytes`. */
  recordsDropped: number;
  maxLogBytes: number;
  /** Honeytoken findings not written past the cap (one per token and flow is kept up to it). */
  findingsDropped: number;
  /** UDP datagrams the kernel dropped before the service read them (its receive queue was full), from /proc/net/snmp. */
  datagramsDropped: number;
  /** Times the conntrack event stream lost events (those flows asked `conntrack -L`; still unknown ones are in `destinationsUnknown`). */
  conntrackEventsLost: number;
}
