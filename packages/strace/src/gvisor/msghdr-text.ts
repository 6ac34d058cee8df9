/**
 * gVisor's msghdr rendering to strace's:
 *   `0x.. {name=0x.., namelen=16, iovecs=0x.. {base=0x.., len=6, "hello\n"}, control=.., flags=0}`
 *   -> `{msg_name=0x.., msg_namelen=16, msg_iov=[{iov_base="hello\n", iov_len=6}], msg_iovlen=1, ...}`
 * gVisor prints the payload of sendmsg on entry and of recvmsg on exit, cut at 4096 bytes in all
 * (`"..."...`), and never decodes `name`: the destination of an unconnected sendmsg is lost.
 */
import { goBodyToC, skipGoString } from './quoting.js';

const HEAD = /^0x[0-9a-f]+ \{name=(0x[0-9a-f]+), namelen=(\d+), iovecs=(0x[0-9a-f]+)/;
const IOV = /^\{base=(0x[0-9a-f]+), len=(\d+)/;

/** The `{iov_base=..., iov_len=N}` items, and where the list ended; null when unreadable. */
function iovecs(raw: string, pos: number): { items: string[]; end: number } | null {
  const items: string[] = [];
  // `%#x %s`: the address, a space, then the items joined by ", " (nothing when there are none).
  if (raw.startsWith(' (error', pos)) return null;
  if (raw.charCodeAt(pos) === 32) pos++;
  while (raw.charCodeAt(pos) === 123 /* { */) {
    const m = IOV.exec(raw.slice(pos, pos + 64));
    if (!m) return null;
    let i = pos + m[0].length;
    let base = m[1]!;
    if (raw.startsWith(', "', i)) {
      const close = skipGoString(raw, i + 2);
      if (close === -1) return null;
      const truncated = raw.startsWith('...', close);
      base = `"${goBodyToC(raw.slice(i + 3, close - 1))}"${truncated ? '...' : ''}`;
      i = truncated ? close + 3 : close;
      // A failed copy leaves `, error decoding string: ...}`: the bytes before it are still good.
      const brace = raw.indexOf('}', i);
      if (brace === -1) return null;
      i = brace;
    } else if (m[2] === '0') {
      base = '""';
    }
    if (raw.charCodeAt(i) !== 125 /* } */) return null;
    items.push(`{iov_base=${base}, iov_len=${m[2]}}`);
    pos = i + 1;
    if (!raw.startsWith(', {', pos)) break;
    pos += 2;
  }
  return { items, end: pos };
}

/** strace's text for a gVisor msghdr argument; anything unreadable stays the bare pointer. */
export function translateMsghdr(raw: string): string {
  const head = HEAD.exec(raw);
  if (!head) return /^0x[0-9a-f]+/.exec(raw)?.[0] ?? raw;
  const iov = iovecs(raw, head[0].length);
  const flags = /, flags=(\d+)\}$/.exec(raw)?.[1] ?? '0';
  const name = head[1] === '0x0' ? 'NULL' : head[1];
  const list = iov === null ? head[3] : `[${iov.items.join(', ')}]`;
  const count = iov === null ? '?' : String(iov.items.length);
  return `{msg_name=${name}, msg_namelen=${head[2]}, msg_iov=${list}, msg_iovlen=${count}, msg_controllen=0, msg_flags=${flags}}`;
}
