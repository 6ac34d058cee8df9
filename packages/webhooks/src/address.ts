import { isIPv4, isIPv6 } from 'node:net';

/**
 * Classifies IP addresses a webhook must not reach. Written here (not ipaddr.js) because ipaddr.js is only a
 * transitive dependency; request-filtering-agent repeats a similar check at connect time.
 */
const V4_REFUSED: Array<[base: string, bits: number, reason: string]> = [
  ['0.0.0.0', 8, 'unspecified ("this network") address'],
  ['10.0.0.0', 8, 'private (RFC 1918) address'],
  ['100.64.0.0', 10, 'carrier-grade NAT (100.64.0.0/10) address'],
  ['127.0.0.0', 8, 'loopback address'],
  ['169.254.0.0', 16, 'link-local address (includes cloud metadata 169.254.169.254)'],
  ['172.16.0.0', 12, 'private (RFC 1918) address'],
  ['192.0.0.0', 24, 'IETF protocol-assignment address'],
  ['192.168.0.0', 16, 'private (RFC 1918) address'],
  ['198.18.0.0', 15, 'benchmarking address'],
  ['224.0.0.0', 4, 'multicast address'],
  ['240.0.0.0', 4, 'reserved or broadcast address'],
];

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function v4Reason(ip: string): string | undefined {
  const n = v4ToInt(ip);
  for (const [base, bits, reason] of V4_REFUSED) {
    const size = 2 ** (32 - bits);
    if (Math.floor(n / size) === Math.floor(v4ToInt(base) / size)) return reason;
  }
  return undefined;
}

/** Expands any valid IPv6 text (including '::' and a trailing dotted IPv4) into 8 16-bit groups. */
function v6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const n = v4ToInt(dotted);
    text = `${text.slice(0, -dotted.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function embeddedV4(hi: number, lo: number): string {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

function v6Reason(ip: string): string | undefined {
  const g = v6Groups(ip);
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroPrefix = g.slice(0, 5).every((x) => x === 0);
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 <= 1) return g7 === 0 ? 'unspecified address (::)' : 'loopback address (::1)';
  // Forms that carry an IPv4 address: judge the IPv4 inside; refuse even public ones, as the connect-time filter does.
  const carried =
    (zeroPrefix && (g5 === 0xffff || g5 === 0)) || (g0 === 0x64 && g1 === 0xff9b && g.slice(2, 6).every((x) => x === 0))
      ? embeddedV4(g6, g7)
      : g0 === 0x2002
        ? embeddedV4(g1, g[2] ?? 0)
        : undefined;
  if (carried !== undefined) return `IPv6 address carrying IPv4 ${carried} (${v4Reason(carried) ?? 'use the plain IPv4 form'})`;
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local IPv6 address (fc00::/7)';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local IPv6 address (fe80::/10)';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local IPv6 address (fec0::/10)';
  if ((g0 & 0xff00) === 0xff00) return 'multicast IPv6 address (ff00::/8)';
  return undefined;
}

/** Why an IP address is refused as a webhook destination, or undefined when it is a public address. */
export function refusedAddressReason(ip: string): string | undefined {
  if (isIPv4(ip)) return v4Reason(ip);
  if (isIPv6(ip)) return v6Reason(ip);
  return 'not an IP address';
}
