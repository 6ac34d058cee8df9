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
