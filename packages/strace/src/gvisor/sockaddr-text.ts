/**
 * gVisor's sockaddr rendering to strace's:
 *   `0x.. {Family: AF_INET, Addr: 1.2.3.4, Port: 80}` -> `{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("1.2.3.4")}`
 * An all-zero address prints empty (`Addr: ,`). This runsc never decodes AF_UNIX addresses
 * (`error extracting address`), so those become an AF_UNIX address without a path.
 */
import { decodeGoBody, escapeText, cEscape, skipGoString } from './quoting.js';

const INET = /^Family: (AF_INET6?), Addr: ([0-9a-fA-F.:]*), Port: (\d{1,5})$/;

/** Words of an IPv6 address as gVisor prints it (hex groups, one `::`); null otherwise. */
function ipv6Words(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const words = s.split(':').map((w) => (/^[0-9a-fA-F]{1,4}$/.test(w) ? parseInt(w, 16) : NaN));
    return words.some(Number.isNaN) ? null : words;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return null;
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}

/** inet_ntop's text (what strace prints): longest zero run compressed, embedded IPv4 dotted. */
export function formatIpv6(text: string): string {
  const w = ipv6Words(text);
  if (!w) return text;
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (bestLen < 2) best = -1;
  const dotted = `${w[6]! >> 8}.${w[6]! & 255}.${w[7]! >> 8}.${w[7]! & 255}`;
  if (best === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) return `::${bestLen === 5 ? 'ffff:' : ''}${dotted}`;
  const hex = w.map((x) => x.toString(16));
  if (best === -1) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

function unixAddress(body: string): string {
  const m = /^Family: AF_UNIX, Addr: "/.exec(body);
  if (!m) return '{sa_family=AF_UNIX}';
  const open = m[0].length - 1;
  const close = skipGoString(body, open);
  if (close === -1) return '{sa_family=AF_UNIX}';
  const bytes = decodeGoBody(body.slice(open + 1, close - 1));
  // A leading NUL marks a Linux abstract name, which strace prints as @"name".
  if (bytes[0] === 0) return `{sa_family=AF_UNIX, sun_path=@"${cEscape(bytes.subarray(1))}"}`;
  return `{sa_family=AF_UNIX, sun_path="${cEscape(bytes)}"}`;
}

/** strace's text for a gVisor sockaddr argument; pointers and errors stay pointers. */
export function translateSockaddr(raw: string): string {
  if (raw === 'null') return 'NULL';
  const m = /^(0x[0-9a-f]+) \{([\s\S]*)\}$/.exec(raw);
  if (!m) return raw;
  const body = m[2]!;
  const inet = INET.exec(body);
  if (inet) {
    const [, family, addr, port] = inet;
    if (family === 'AF_INET') return `{sa_family=AF_INET, sin_port=htons(${port}), sin_addr=inet_addr("${addr || '0.0.0.0'}")}`;
    const v6 = formatIpv6(addr || '::');
    return `{sa_family=AF_INET6, sin6_port=htons(${port}), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "${v6}", &sin6_addr), sin6_scope_id=0}`;
  }
  if (body.startsWith('Family: AF_UNIX,')) return unixAddress(body);
  const family = /^Family: (\w+)/.exec(body);
  return family ? `{sa_family=${escapeText(family[1]!)}}` : m[1]!;
}
