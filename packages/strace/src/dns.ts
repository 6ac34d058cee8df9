/**
 * Minimal DNS query decoding (RFC 1035 header + question section). Lookups are how a package
 * reveals where it wants to talk, and DNS itself is an exfiltration channel (data in labels),
 * so the scorer needs the names even when the connection that follows never happens.
 */

export interface DnsQuestion {
  qname: string;
  qtype: string;
  qtypeCode: number;
}

export interface DnsQuery {
  id: number;
  questions: DnsQuestion[];
}

const QTYPES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  13: 'HINFO',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  35: 'NAPTR',
  39: 'DNAME',
  41: 'OPT',
  43: 'DS',
  48: 'DNSKEY',
  64: 'SVCB',
  65: 'HTTPS',
  99: 'SPF',
  252: 'AXFR',
  255: 'ANY',
  257: 'CAA',
};

export function qtypeName(code: number): string {
  return QTYPES[code] ?? `TYPE${code}`;
}

/** At most this many questions are read; real queries carry one. */
const MAX_QUESTIONS = 8;

/**
 * Decodes a DNS query message. Returns null unless the bytes look like a query (QR=0, standard
 * opcode, at least one complete question), so arbitrary payloads to port 53 are not misread.
 */
export function parseDnsQuery(bytes: Uint8Array): DnsQuery | null {
  if (bytes.length < 17) return null;
  const id = (bytes[0]! << 8) | bytes[1]!;
  const flags = (bytes[2]! << 8) | bytes[3]!;
  if (flags & 0x8000) return null; // a response
  if ((flags >> 11) & 0xf) return null; // not a standard query
  const qdcount = (bytes[4]! << 8) | bytes[5]!;
  if (qdcount === 0) return null;
  const questions: DnsQuestion[] = [];
  let pos = 12;
  for (let q = 0; q < Math.min(qdcount, MAX_QUESTIONS); q++) {
    const name = readName(bytes, pos);
    if (!name || name.end + 4 > bytes.length) break;
    const qtypeCode = (bytes[name.end]! << 8) | bytes[name.end + 1]!;
    questions.push({ qname: name.text, qtype: qtypeName(qtypeCode), qtypeCode });
    pos = name.end + 4;
  }
  return questions.length > 0 ? { id, questions } : null;
}

/** Reads an uncompressed name (queries do not compress); labels are rendered in presentation format. */
function readName(bytes: Uint8Array, start: number): { text: string; end: number } | null {
  const labels: string[] = [];
  let pos = start;
  let total = 0;
  for (;;) {
    if (pos >= bytes.length) return null;
    const len = bytes[pos]!;
    if (len === 0) break;
    if (len > 63) return null; // compression pointer or invalid
    if (pos + 1 + len > bytes.length) return null;
    total += len + 1;
    if (total > 255) return null;
    labels.push(renderLabel(bytes, pos + 1, len));
    pos += 1 + len;
  }
  return { text: labels.length === 0 ? '.' : labels.join('.'), end: pos + 1 };
}

function renderLabel(bytes: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len; i++) {
    const b = bytes[i]!;
    if (b === 0x2e || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b > 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\${b.toString().padStart(3, '0')}`;
  }
  return s;
}
