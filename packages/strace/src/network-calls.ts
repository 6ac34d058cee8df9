/**
 * Builders for socket syscalls. Addresses come from the sockaddr argument when present, else
 * from the `-yy` socket decoration (a connected UDP socket's `send` has no address argument).
 * Payloads to port 53 are decoded as DNS questions.
 */
import { parseDnsQuery } from './dns.js';
import type { SocketAddress, SocketInfo } from './events.js';
import { parseFdArg } from './fd-decoration.js';
import { socketAddressFromValue } from './sockaddr.js';
import { type BuildContext, type SyscallBuilder, type SyscallRecord, okValue } from './syscall-record.js';
import { type ArgValue, atomText, field, parseFlags, parseIntPrefix, parseValue, stringBytes } from './values.js';

const DNS_PORT = 53;

function sockaddrArg(text: string | undefined): SocketAddress | null {
  return text === undefined ? null : socketAddressFromValue(parseValue(text));
}

/** The connected peer from a decoration like `UDP:[10.0.0.2:5555->10.0.0.1:53]`. */
export function peerFromSocket(info: SocketInfo | null): SocketAddress | null {
  if (!info || !info.remote) return null;
  const family = info.protocol.endsWith('v6') || info.remote.address.includes(':') ? 'AF_INET6' : 'AF_INET';
  return { family, address: info.remote.address, port: info.remote.port };
}

const socket: SyscallBuilder = (call, ctx) => {
  const [type = '', ...socketFlags] = parseFlags(call.args[1]);
  const ret = call.result.status === 'ok' ? parseFdArg(call.result.raw) : null;
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'network',
    type: 'socket',
    fd: okValue(call),
    socket: ret?.socket ?? null,
    domain: call.args[0]?.trim() ?? '',
    socketType: type,
    socketFlags,
    protocol: call.args[2]?.trim() ?? '',
  });
};

function addressCall(type: 'connect' | 'bind'): SyscallBuilder {
  return (call, ctx) => {
    const ref = parseFdArg(call.args[0]);
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'network',
      type,
      fd: ref.fd,
      socket: ref.socket,
      address: sockaddrArg(call.args[1]),
    });
  };
}

const listen: SyscallBuilder = (call, ctx) => {
  const ref = parseFdArg(call.args[0]);
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'network',
    type: 'listen',
    fd: ref.fd,
    socket: ref.socket,
    backlog: parseIntPrefix(call.args[1]),
  });
};

const accept: SyscallBuilder = (call, ctx) => {
  const ref = parseFdArg(call.args[0]);
  const ret = call.result.status === 'ok' ? parseFdArg(call.result.raw) : null;
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'network',
    type: 'accept',
    fd: ref.fd,
    // The new connection's decoration names both ends; fall back to the listening socket's.
    socket: ret?.socket ?? ref.socket,
    peer: sockaddrArg(call.args[1]),
    newFd: okValue(call),
  });
};

interface Payload {
  bytes: Uint8Array | null;
  truncated: boolean;
}

/** Bytes of a buffer argument; null for pointers and structured (e.g. netlink) buffers. */
function payloadOf(value: ArgValue | undefined): Payload {
  if (!value || value.kind !== 'string') return { bytes: null, truncated: false };
  return { bytes: stringBytes(value), truncated: value.truncated };
}

/** Concatenated `iov_base` strings of a `msg_iov=[{iov_base="...", iov_len=N}, ...]` array. */
function iovPayload(iov: ArgValue | undefined): Payload {
  if (!iov || iov.kind !== 'array') return { bytes: null, truncated: false };
  const parts: Uint8Array[] = [];
  let truncated = iov.truncated;
  for (const item of iov.items) {
    const p = payloadOf(field(item, 'iov_base'));
    if (p.bytes === null) return { bytes: null, truncated: false };
    parts.push(p.bytes);
    if (p.truncated) truncated = true;
  }
  if (parts.length === 1) return { bytes: parts[0]!, truncated };
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, truncated };
}

function emitSend(
  call: SyscallRecord,
  ctx: BuildContext,
  fdText: string | undefined,
  explicit: SocketAddress | null,
  payload: Payload,
  size: number | null,
): void {
  const ref = parseFdArg(fdText);
  const destination = explicit ?? peerFromSocket(ref.socket);
  const kept = payload.bytes === null ? null : payload.bytes.slice(0, ctx.maxDataBytes);
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'network',
    type: 'send',
    fd: ref.fd,
    socket: ref.socket,
    destination,
    size,
    data: kept,
    dataTruncated: payload.truncated || (payload.bytes !== null && payload.bytes.length > ctx.maxDataBytes),
  });
  if (
    payload.bytes !== null &&
    destination &&
    destination.family !== 'AF_UNIX' &&
    destination.family !== 'other' &&
    destination.port === DNS_PORT
  ) {
    emitDns(call, ctx, ref.fd, ref.socket, destination, payload.bytes);
  }
}

function emitDns(
  call: SyscallRecord,
  ctx: BuildContext,
  fd: number | null,
  socket: SocketInfo | null,
  server: SocketAddress,
  bytes: Uint8Array,
): void {
  const tcp = socket !== null && socket.protocol.startsWith('TCP');
  // DNS over TCP prefixes each message with a 2-byte length.
  const query = parseDnsQuery(tcp ? bytes.subarray(2) : bytes);
  if (!query) return;
  for (const q of query.questions) {
    ctx.emit({
      seq: 0,
      ts: call.ts,
      pid: call.pid,
      syscall: call.name,
      result: call.result,
      category: 'network',
      type: 'dns',
      fd,
      socket,
      transport: tcp ? 'tcp' : 'udp',
      server,
      id: query.id,
      qname: q.qname,
      qtype: q.qtype,
      qtypeCode: q.qtypeCode,
    });
  }
}

/** sendto(fd, buf, len, flags, dest_addr, addrlen) */
const sendto: SyscallBuilder = (call, ctx) =>
  emitSend(
    call,
    ctx,
    call.args[0],
    sockaddrArg(call.args[4]),
    payloadOf(call.args[1] === undefined ? undefined : parseValue(call.args[1])),
    okValue(call) ?? parseIntPrefix(call.args[2]),
  );

/** sendmsg(fd, {msg_name=..., msg_iov=[...], ...}, flags) */
const sendmsg: SyscallBuilder = (call, ctx) => {
  const msg = call.args[1] === undefined ? undefined : parseValue(call.args[1]);
  const payload = iovPayload(field(msg, 'msg_iov'));
  emitSend(
    call,
    ctx,
    call.args[0],
    socketAddressFromValue(field(msg, 'msg_name')),
    payload,
    okValue(call) ?? payload.bytes?.length ?? null,
  );
};

/** sendmmsg(fd, [{msg_hdr={...}, msg_len=N}, ...], vlen, flags): one send event per message. */
const sendmmsg: SyscallBuilder = (call, ctx) => {
  const list = call.args[1] === undefined ? undefined : parseValue(call.args[1]);
  if (!list || list.kind !== 'array') return ctx.malformed(call);
  for (const entry of list.items) {
    const msg = field(entry, 'msg_hdr');
    const payload = iovPayload(field(msg, 'msg_iov'));
    const sent = parseIntPrefix(atomText(field(entry, 'msg_len')));
    emitSend(call, ctx, call.args[0], socketAddressFromValue(field(msg, 'msg_name')), payload, sent ?? payload.bytes?.length ?? null);
  }
};

function emitRecv(call: SyscallRecord, ctx: BuildContext, explicit: SocketAddress | null, payload: Payload): void {
  const ref = parseFdArg(call.args[0]);
  const kept = payload.bytes === null ? null : payload.bytes.slice(0, ctx.maxDataBytes);
  ctx.emit({
    seq: 0,
    ts: call.ts,
    pid: call.pid,
    syscall: call.name,
    result: call.result,
    category: 'network',
    type: 'recv',
    fd: ref.fd,
    socket: ref.socket,
    source: explicit ?? peerFromSocket(ref.socket),
    size: okValue(call),
    data: kept,
    dataTruncated: payload.truncated || (payload.bytes !== null && payload.bytes.length > ctx.maxDataBytes),
  });
}

/** recvfrom(fd, buf, len, flags, src_addr, addrlen) */
const recvfrom: SyscallBuilder = (call, ctx) =>
  emitRecv(call, ctx, sockaddrArg(call.args[4]), payloadOf(call.args[1] === undefined ? undefined : parseValue(call.args[1])));

/** recvmsg(fd, {msg_name=..., msg_iov=[...], ...}, flags) */
const recvmsg: SyscallBuilder = (call, ctx) => {
  const msg = call.args[1] === undefined ? undefined : parseValue(call.args[1]);
  emitRecv(call, ctx, socketAddressFromValue(field(msg, 'msg_name')), iovPayload(field(msg, 'msg_iov')));
};

export const networkBuilders: Record<string, SyscallBuilder> = {
  socket,
  connect: addressCall('connect'),
  bind: addressCall('bind'),
  listen,
  accept,
  accept4: accept,
  sendto,
  sendmsg,
  sendmmsg,
  recvfrom,
  recvmsg,
};
