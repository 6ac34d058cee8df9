/**
 * `-yy` fd decorations: `3</etc/passwd>`, `AT_FDCWD</home/u>`, `1</dev/null<char 1:3>>`,
 * `5<TCP:[127.0.0.1:40000->1.2.3.4:443]>`, `4<UNIX-STREAM:[47149->47146,"/run/x.sock"]>`.
 * They give each fd's path or socket endpoints without tracking fds ourselves.
 */
import { decodeEscapedText } from './c-string.js';
import type { SocketEndpoint, SocketInfo } from './events.js';
import { opensAngle, skipAngle } from './scanner.js';

export interface FdRef {
  /** The fd number; null for AT_FDCWD or when unreadable. */
  fd: number | null;
  atFdcwd: boolean;
  /** Decorated file or directory path. */
  path: string | null;
  socket: SocketInfo | null;
}

const NOT_SOCKETS = new Set(['pipe', 'anon_inode', 'net', 'mnt', 'user', 'pid', 'ipc', 'uts', 'cgroup', 'time']);

/**
 * The last parse, reused when the same text comes again (every call of a process repeats its
 * `AT_FDCWD</cwd>`). Socket refs are not memoised: their SocketInfo goes into events, and
 * events must not share mutable objects.
 */
let memoText = '';
let memoRef: FdRef = { fd: null, atFdcwd: false, path: null, socket: null };

/** Splits an fd argument or return value into its number and decoration; never throws. Treat the result as read-only. */
export function parseFdArg(text: string | null | undefined): FdRef {
  if (!text) return { fd: null, atFdcwd: false, path: null, socket: null };
  if (text === memoText) return memoRef;
  const ref = parseFdText(text);
  if (ref.socket === null) {
    memoText = text;
    memoRef = ref;
  }
  return ref;
}

function parseFdText(text: string): FdRef {
  const ref: FdRef = { fd: null, atFdcwd: false, path: null, socket: null };
  const t = text.charCodeAt(0) === 32 || text.charCodeAt(text.length - 1) === 32 ? text.trim() : text;
  let lt = t.indexOf('<');
  while (lt !== -1 && !opensAngle(t, lt)) lt = t.indexOf('<', lt + 1);
  const headEnd = lt === -1 ? t.length : lt;
  if (t.startsWith('AT_FDCWD') && headEnd === 8) ref.atFdcwd = true;
  else ref.fd = wholeInt(t, headEnd);
  if (lt === -1) return ref;
  const close = skipAngle(t, lt);
  if (close === -1) return ref;
  const inner = t.slice(lt + 1, close - 1);
  if (inner.startsWith('/')) ref.path = decorationPath(inner);
  else ref.socket = parseSocketDecoration(inner);
  return ref;
}

/** `-?\d+` filling `text[0, end)` exactly, else null. */
function wholeInt(text: string, end: number): number | null {
  let i = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i >= end) return null;
  let v = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    v = v * 10 + (c - 48);
  }
  return text.charCodeAt(0) === 45 ? -v : v;
}

/** The path inside a decoration, without a nested device note or ` (deleted)` marker. */
export function decorationPath(inner: string): string {
  let end = inner.length;
  for (let i = 0; i < inner.length; i++) {
    const c = inner.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    if (c === 60 /* < */) {
      end = i;
      break;
    }
  }
  let raw = inner.slice(0, end);
  if (raw.endsWith(' (deleted)')) raw = raw.slice(0, -' (deleted)'.length);
  return decodeEscapedText(raw);
}

/** Parses `PROTO:[details]`; null for pipes, anon inodes and other non-socket decorations. */
export function parseSocketDecoration(inner: string): SocketInfo | null {
  const colon = inner.indexOf(':[');
  if (colon <= 0 || !inner.endsWith(']')) return null;
  const protocol = inner.slice(0, colon);
  if (NOT_SOCKETS.has(protocol)) return null;
  const info: SocketInfo = { protocol, inode: null, peerInode: null, local: null, remote: null, path: null, raw: inner };
  let body = inner.slice(colon + 2, -1);
  const pathAt = body.indexOf(',"');
  if (pathAt !== -1 && body.endsWith('"')) {
    info.path = decodeEscapedText(body.slice(pathAt + 2, -1));
    body = body.slice(0, pathAt);
  }
  if (protocol === 'NETLINK') return info; // e.g. ROUTE:20126 — kept raw
  const arrow = body.indexOf('->');
  const left = arrow === -1 ? body : body.slice(0, arrow);
  const right = arrow === -1 ? null : body.slice(arrow + 2);
  if (/^\d+$/.test(left)) info.inode = parseInt(left, 10);
  else info.local = parseEndpoint(left);
  if (right !== null) {
    if (/^\d+$/.test(right)) info.peerInode = parseInt(right, 10);
    else info.remote = parseEndpoint(right);
  }
  return info;
}

/** `1.2.3.4:443` or `[::1]:443`. */
export function parseEndpoint(text: string): SocketEndpoint | null {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  const portText = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = parseInt(portText, 10);
  if (port > 65535) return null;
  let address = text.slice(0, colon);
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  return address === '' ? null : { address, port };
}
