import type { TlsHelloSummary } from '@airlock/core';

const VERSIONS: Record<number, string> = { 0x0301: 'TLS1.0', 0x0302: 'TLS1.1', 0x0303: 'TLS1.2', 0x0304: 'TLS1.3' };

/** True when the first bytes are a TLS handshake record. */
export function looksLikeTls(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0x16 && bytes[1] === 0x03;
}

/**
 * Reads SNI, ALPN and the offered version from a TLS ClientHello (RFC 8446 §4.1.2). Null until the
 * whole first handshake record is there, or when it is not a ClientHello. Bounds are checked at every
 * step: the bytes come from the analysed package.
 */
export function parseClientHello(bytes: Buffer): TlsHelloSummary | null {
  if (!looksLikeTls(bytes) || bytes.length < 5) return null;
  const recordEnd = 5 + bytes.readUInt16BE(3);
  if (bytes.length < recordEnd || bytes[5] !== 0x01) return null;
  let p = 9; // record header (5) + handshake type (1) + length (3)
  const need = (n: number) => p + n <= recordEnd;
  if (!need(2 + 32)) return null;
  let version = VERSIONS[bytes.readUInt16BE(p)] ?? null;
  p += 2 + 32;
  if (!need(1)) return null;
  p += 1 + bytes[p]!; // session id
  if (!need(2)) return null;
  p += 2 + bytes.readUInt16BE(p); // cipher suites
  if (!need(1)) return null;
  p += 1 + bytes[p]!; // compression methods
  const result: TlsHelloSummary = { sni: null, alpn: [], version, intercepted: false };
  if (!need(2)) return result;
  const extEnd = Math.min(recordEnd, p + 2 + bytes.readUInt16BE(p));
  p += 2;
  while (p + 4 <= extEnd) {
    const type = bytes.readUInt16BE(p);
    const len = bytes.readUInt16BE(p + 2);
    const body = bytes.subarray(p + 4, Math.min(extEnd, p + 4 + len));
    p += 4 + len;
    if (type === 0x0000 && body.length >= 5) {
      const nameLen = body.readUInt16BE(3);
      if (body[2] === 0 && 5 + nameLen <= body.length) result.sni = body.subarray(5, 5 + nameLen).toString('latin1');
    } else if (type === 0x0010 && body.length >= 2) {
      for (let q = 2; q < body.length;) {
        const l = body[q]!;
        if (q + 1 + l > body.length) break;
        result.alpn.push(body.subarray(q + 1, q + 1 + l).toString('latin1'));
        q += 1 + l;
      }
    } else if (type === 0x002b && body.length >= 3) {
      for (let q = 1; q + 1 < body.length; q += 2) {
        const v = VERSIONS[body.readUInt16BE(q)];
        if (v && (!version || v > version)) version = v;
      }
      result.version = version;
    }
  }
  return result;
}
