/**
 * Typed events produced from an strace log. Every event keeps the syscall's outcome, because a
 * failed `connect` or `openat` is evidence too (an attempt), just weaker than a successful one.
 */

/** How a syscall ended. `none` marks events that come from strace status lines, not syscalls. */
export type CallResult =
  | { status: 'ok'; value: number | null; raw: string }
  | { status: 'error'; errno: string; message: string | null; raw: string }
  /** `= ?`: the process exited or was killed before the call returned, or the trace ended. */
  | { status: 'unknown'; raw: string }
  | { status: 'none' };

/** Fields every event has. `ts` is the entry time of the call (epoch seconds). */
export interface EventHeader {
  /** Emission order, starting at 0. Calls split by `<unfinished ...>` are emitted when they complete. */
  seq: number;
  ts: number;
  pid: number;
  /** Syscall name, or null for `+++`/`---` status lines. */
  syscall: string | null;
  result: CallResult;
}

/** A decoded `struct sockaddr`. Families the scorer does not need are kept raw. */
export type SocketAddress =
  | { family: 'AF_INET' | 'AF_INET6'; address: string; port: number }
  /** `path` is empty for unnamed sockets; `abstract` for Linux abstract names (`@"name"`). */
  | { family: 'AF_UNIX'; path: string; abstract: boolean }
  | { family: 'other'; name: string; raw: string };

/** One end of a socket as shown by the `-yy` decoration. */
export interface SocketEndpoint {
  address: string;
  port: number;
}

/** What `-yy` says about a socket fd, e.g. `TCP:[127.0.0.1:40000->1.2.3.4:443]`. */
export interface SocketInfo {
  /** `TCP`, `TCPv6`, `UDP`, `UDPv6`, `UNIX`, `UNIX-STREAM`, `NETLINK`, ... */
  protocol: string;
  inode: number | null;
  peerInode: number | null;
  local: SocketEndpoint | null;
  remote: SocketEndpoint | null;
  /** Bound path of a UNIX socket, when strace knows it. */
  path: string | null;
  raw: string;
}

// ---- process ----

export interface SpawnEvent extends EventHeader {
  category: 'process';
  type: 'spawn';
  childPid: number | null;
  /** CLONE_THREAD: a new thread of the same process, not a new process. */
  thread: boolean;
  flags: string[];
}

export interface ExecEvent extends EventHeader {
  category: 'process';
  type: 'exec';
  /** Program path, resolved against the dirfd or cwd when it was relative and a base is known. */
  path: string;
  argv: string[];
  /** `KEY=value` strings in order, or null when strace elided them (`/* 38 vars *\/`). */
  env: string[] | null;
  envCount: number | null;
  cwd: string | null;
  /** Some argv/env string or list was cut by strace's `-s` limit. */
  truncated: boolean;
}

export interface ExitEvent extends EventHeader {
  category: 'process';
  type: 'exit';
  code: number | null;
  signal: string | null;
  coreDumped: boolean;
  /** `exit_group`/`exit` are the request; `status` is strace's `+++ exited/killed +++` line. */
  source: 'exit_group' | 'exit' | 'status';
}

export interface KillEvent extends EventHeader {
  category: 'process';
  type: 'kill';
  /** Negative for a process group, as passed to kill(2). */
  targetPid: number | null;
  targetTid: number | null;
  signal: string;
}

/** A signal delivered to `pid` (`--- SIGCHLD {...} ---`). */
export interface SignalEvent extends EventHeader {
  category: 'process';
  type: 'signal';
  signal: string;
  code: string | null;
  senderPid: number | null;
}

// ---- file ----

/** The strongest thing an open asks for: create > truncate > write > read. */
export type FileIntent = 'read' | 'write' | 'create' | 'truncate';

interface FileEventBase extends EventHeader {
  category: 'file';
  /** Absolute when a base directory was known; otherwise as the program passed it. */
  path: string;
}

export interface OpenEvent extends FileEventBase {
  type: 'open';
  requestedPath: string;
  flags: string[];
  mode: number | null;
  intent: FileIntent;
  fd: number | null;
  /** The kernel's view of the opened file (`= 3</real/path>`), symlinks resolved. */
  resolvedPath: string | null;
}
export interface UnlinkEvent extends FileEventBase {
  type: 'unlink';
}
export interface RmdirEvent extends FileEventBase {
  type: 'rmdir';
}
export interface RenameEvent extends FileEventBase {
  type: 'rename';
  newPath: string;
  flags: string[];
}
export interface ChmodEvent extends FileEventBase {
  type: 'chmod';
  mode: number | null;
}
export interface ChownEvent extends FileEventBase {
  type: 'chown';
  uid: number | null;
  gid: number | null;
}
/** `path` is the new link; `target` is what it points at (verbatim for symlinks). */
export interface LinkEvent extends FileEventBase {
  type: 'link';
  symbolic: boolean;
  target: string;
}
export interface MkdirEvent extends FileEventBase {
  type: 'mkdir';
  mode: number | null;
}
export interface TruncateEvent extends FileEventBase {
  type: 'truncate';
  length: number | null;
}
export interface ChdirEvent extends FileEventBase {
  type: 'chdir';
}
/** getdents64 on a directory fd: the process listed this directory. */
export interface ReadDirEvent extends FileEventBase {
  type: 'readdir';
  fd: number | null;
  entryCount: number | null;
}
/**
 * A look at a path without opening it: stat/lstat/newfstatat/statx (does it exist, what is it) or
 * access/faccessat (may I). How `fs.existsSync('/.dockerenv')` and `os.path.exists(...)` probe.
 */
export interface StatEvent extends FileEventBase {
  type: 'stat';
}

// ---- network ----

interface NetworkEventBase extends EventHeader {
  category: 'network';
  fd: number | null;
  socket: SocketInfo | null;
}

export interface SocketEvent extends NetworkEventBase {
  type: 'socket';
  domain: string;
  socketType: string;
  socketFlags: string[];
  protocol: string;
}
export interface ConnectEvent extends NetworkEventBase {
  type: 'connect';
  address: SocketAddress | null;
}
export interface BindEvent extends NetworkEventBase {
  type: 'bind';
  address: SocketAddress | null;
}
export interface ListenEvent extends NetworkEventBase {
  type: 'listen';
  backlog: number | null;
}
export interface AcceptEvent extends NetworkEventBase {
  type: 'accept';
  peer: SocketAddress | null;
  newFd: number | null;
}

/** Payload-carrying calls. `data` holds the leading bytes only (see `maxDataBytes`). */
export interface SendEvent extends NetworkEventBase {
  type: 'send';
  /** Explicit destination, or the connected peer from the fd decoration. */
  destination: SocketAddress | null;
  /** Bytes sent; the requested length when the call failed. */
  size: number | null;
  data: Uint8Array | null;
  dataTruncated: boolean;
}
export interface RecvEvent extends NetworkEventBase {
  type: 'recv';
  source: SocketAddress | null;
  size: number | null;
  data: Uint8Array | null;
  dataTruncated: boolean;
}

/** A DNS question found in a payload sent to port 53; emitted right after its send event. */
export interface DnsQueryEvent extends NetworkEventBase {
  type: 'dns';
  transport: 'udp' | 'tcp';
  server: SocketAddress | null;
  id: number;
  qname: string;
  qtype: string;
  qtypeCode: number;
}

// ---- privilege ----

export interface SetIdEvent extends EventHeader {
  category: 'privilege';
  type: 'setid';
  idKind: 'uid' | 'gid';
  /** Arguments in call order: setuid(u) → [u]; setresuid(r, e, s) → [r, e, s]; -1 means unchanged. */
  ids: number[];
}
export interface PtraceEvent extends EventHeader {
  category: 'privilege';
  type: 'ptrace';
  request: string;
  targetPid: number | null;
}

export type ProcessEvent = SpawnEvent | ExecEvent | ExitEvent | KillEvent | SignalEvent;
export type FileEvent =
  | OpenEvent
  | StatEvent
  | UnlinkEvent
  | RmdirEvent
  | RenameEvent
  | ChmodEvent
  | ChownEvent
  | LinkEvent
  | MkdirEvent
  | TruncateEvent
  | ChdirEvent
  | ReadDirEvent;
export type NetworkEvent = SocketEvent | ConnectEvent | BindEvent | ListenEvent | AcceptEvent | SendEvent | RecvEvent | DnsQueryEvent;
export type PrivilegeEvent = SetIdEvent | PtraceEvent;

export type StraceEvent = ProcessEvent | FileEvent | NetworkEvent | PrivilegeEvent;
export type EventCategory = StraceEvent['category'];
export type EventType = StraceEvent['type'];
