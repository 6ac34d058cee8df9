/**
 * gVisor names a socket fd only `socket:[inode]`, where strace -yy prints the protocol and both
 * ends (`UDP:[10.0.0.2:5353->10.255.255.53:53]`). The builders take a send's destination from
 * the connected peer and tell DNS over TCP by the protocol, so this rebuilds what it can from the
 * calls themselves: socket() gives the protocol, bind/connect/getsockname/getpeername the ends.
 * Bounded: the oldest entries go first.
 */
import { parseSocketAddress } from '../sockaddr.js';

interface SocketState {
  protocol: string;
  local: string | null;
  remote: string | null;
}

const SOCKET_FD = /^0x([0-9a-f]+) socket:\[(\d+)\]$/;

function protocolOf(family: string, type: string): string {
  const base = type.split('|')[0];
  const v6 = family === 'AF_INET6' ? 'v6' : '';
  if (family === 'AF_INET' || family === 'AF_INET6') {
    if (base === 'SOCK_STREAM') return `TCP${v6}`;
    if (base === 'SOCK_DGRAM') return `UDP${v6}`;
    if (base === 'SOCK_RAW') return `RAW${v6}`;
  }
  if (family === 'AF_UNIX') return base === 'SOCK_DGRAM' ? 'UNIX-DGRAM' : base === 'SOCK_SEQPACKET' ? 'UNIX-SEQPACKET' : 'UNIX-STREAM';
  if (family === 'AF_NETLINK') return 'NETLINK';
  return 'socket';
}

/** `1.2.3.4:80` / `[::1]:80`, as strace writes socket ends; null for other families. */
function endpoint(addressText: string | undefined): string | null {
  const a = parseSocketAddress(addressText);
  if (!a || (a.family !== 'AF_INET' && a.family !== 'AF_INET6')) return null;
  return a.family === 'AF_INET6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

export class SocketTracker {
  /** `tgid:fd` of sockets just created, until the fd's first use names its inode. */
  private readonly fresh = new Map<string, string>();
  private readonly sockets = new Map<number, SocketState>();

  constructor(private readonly maxEntries = 65_536) {}

  /** The decoration for fd `fd` of `tgid`, printed by gVisor as `socket:[inode]`. */
  decoration(tgid: number, fd: number, inode: number): string {
    let state = this.sockets.get(inode);
    const fresh = this.fresh.get(`${tgid}:${fd}`);
    if (fresh !== undefined) {
      this.fresh.delete(`${tgid}:${fd}`);
      if (!state) state = this.remember(inode, { protocol: fresh, local: null, remote: null });
    }
    if (!state) return `socket:[${inode}]`;
    const left = state.local ?? String(inode);
    return `${state.protocol}:[${left}${state.remote === null ? '' : `->${state.remote}`}]`;
  }

  /**
   * Learns from a completed call. `raw` are gVisor's argument texts and `args` the translated
   * strace texts; `ok` includes a connect still in progress (EINPROGRESS).
   */
  observe(name: string, tgid: number, raw: string[], args: string[], ret: number | null, ok: boolean): void {
    if (!ok) return;
    if (name === 'socket' && ret !== null) {
      this.fresh.set(`${tgid}:${ret}`, protocolOf(args[0] ?? '', args[1] ?? ''));
      this.trim(this.fresh);
      return;
    }
    const m = SOCKET_FD.exec(raw[0] ?? '');
    if (!m) return;
    const inode = +m[2]!;
    const state = this.sockets.get(inode) ?? this.remember(inode, { protocol: 'socket', local: null, remote: null });
    if (name === 'connect' || name === 'getpeername') state.remote = endpoint(args[1]) ?? state.remote;
    else if (name === 'getsockname') state.local = endpoint(args[1]) ?? state.local;
    else if (name === 'bind' && !/htons\(0\)/.test(args[1] ?? '')) state.local = endpoint(args[1]) ?? state.local;
    else if ((name === 'accept' || name === 'accept4') && ret !== null) {
      // The connection's inode shows on its first use; until then it is known by its fd.
      this.fresh.set(`${tgid}:${ret}`, state.protocol);
      this.trim(this.fresh);
    }
  }

  private remember(inode: number, state: SocketState): SocketState {
    this.sockets.set(inode, state);
    this.trim(this.sockets);
    return state;
  }

  private trim(map: Map<unknown, unknown>): void {
    if (map.size <= this.maxEntries) return;
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
