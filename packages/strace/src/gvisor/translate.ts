/**
 * Rewrites gVisor's argument texts as the `strace -yy` texts the syscall builders parse, so one
 * set of builders serves both records: `0x3 /etc/passwd` -> `3</etc/passwd>`, a raw path ->
 * `"/etc/passwd"`, `0o644` -> `0644`, hex integers -> decimal, hex flag words -> names.
 */
import type { ArgKind } from './arg-kinds.js';
import { translateMsghdr } from './msghdr-text.js';
import { escapeText, goBodyToC, skipGoString } from './quoting.js';
import { signalName } from './signals.js';
import type { SocketTracker } from './sockets.js';
import { translateSockaddr } from './sockaddr-text.js';

export interface TranslateEnv {
  tgid: number;
  sockets: SocketTracker;
}

const AT_FLAGS: [number, string][] = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'],
  [0x400, 'AT_SYMLINK_FOLLOW'],
  [0x800, 'AT_NO_AUTOMOUNT'],
  [0x1000, 'AT_EMPTY_PATH'],
  [0x2000, 'AT_STATX_FORCE_SYNC'],
  [0x4000, 'AT_STATX_DONT_SYNC'],
  [0x8000, 'AT_RECURSIVE'],
];
const UNLINK_FLAGS: [number, string][] = [[0x200, 'AT_REMOVEDIR']];
const RENAME_FLAGS: [number, string][] = [
  [1, 'RENAME_NOREPLACE'],
  [2, 'RENAME_EXCHANGE'],
  [4, 'RENAME_WHITEOUT'],
];
const AT_FDCWD = 0xffffff9c;

/** A hex word's low 32 bits as a C int (pid, uid, exit code, fd): `0xffffffff` is -1. */
function int32(hex: string): number {
  return parseInt(hex.slice(-8), 16) | 0;
}

function long(hex: string): string {
  return hex.length > 18 ? hex : BigInt.asIntN(64, BigInt(hex)).toString();
}

function flagWord(hex: string, names: [number, string][]): string {
  let v = parseInt(hex, 16);
  const out: string[] = [];
  for (const [bit, name] of names) {
    if (v & bit) {
      out.push(name);
      v &= ~bit;
    }
  }
  if (v !== 0) out.push(`0x${v.toString(16)}`);
  return out.length === 0 ? '0' : out.join('|');
}

/** `O_RDONLY|0x0` -> `O_RDONLY` (gVisor prints the empty remainder); O_LARGEFILE is only a number to gVisor. */
function openFlags(text: string): string {
  const out: string[] = [];
  for (const part of text.split('|')) {
    if (!part.startsWith('0x')) out.push(part);
    else {
      let v = parseInt(part, 16);
      if (v & 0x8000) out.push('O_LARGEFILE');
      v &= ~0x8000;
      if (v !== 0) out.push(`0x${v.toString(16)}`);
    }
  }
  return out.join('|');
}

/** `CLONE_CHILD_SETTID|0x11` -> `flags=CLONE_CHILD_SETTID|SIGCHLD`: the low byte is the exit signal. */
function cloneFlags(text: string): string {
  const out: string[] = [];
  for (const part of text.split('|')) {
    if (!part.startsWith('0x')) {
      out.push(part);
      continue;
    }
    const v = parseInt(part, 16);
    if (v & ~0xff) out.push(`0x${(v & ~0xff).toString(16)}`);
    if (v & 0xff) out.push(signalName(v & 0xff));
  }
  return `flags=${out.join('|') || '0'}`;
}

/** `AT_FDCWD /cwd`, `0x3 /etc/x`, `0x12 socket:[15]`, `0xffffffffffffffff (bad FD)`. */
function fdArg(raw: string, env: TranslateEnv): string {
  if (raw.startsWith('AT_FDCWD')) return raw.length > 9 ? `AT_FDCWD<${escapeText(raw.slice(9), true)}>` : 'AT_FDCWD';
  const m = /^0x([0-9a-f]+) ([\s\S]*)$/.exec(raw);
  if (!m) return raw;
  const fd = int32(m[1]!);
  const name = m[2]!;
  if (name.startsWith('/') || name.startsWith('pipe:[') || name.startsWith('anon_inode:')) return `${fd}<${escapeText(name, true)}>`;
  const socket = /^socket:\[(\d+)\]$/.exec(name);
  if (socket) return `${fd}<${env.sockets.decoration(env.tgid, fd, +socket[1]!)}>`;
  // `(bad FD)`, `host:[5]` (a host fd such as docker's stdio): no path strace would show.
  return String(fd);
}

function pathArg(raw: string): string {
  if (raw === '<null>') return 'NULL';
  const m = /^0x[0-9a-f]+ /.exec(raw);
  if (!m) return raw;
  const path = raw.slice(m[0].length);
  if (path.startsWith('(error decoding path: ') && path.endsWith(')')) return m[0].trimEnd();
  return `"${escapeText(path)}"`;
}

/** `0x.. ["a", "b"]` -> `["a", "b"]`; a vector gVisor could not read stays its pointer. */
function vecArg(raw: string): string {
  const open = raw.indexOf(' [');
  if (open === -1 || !raw.endsWith(']')) return raw.split(' ')[0]!;
  const items: string[] = [];
  let i = open + 2;
  while (raw.charCodeAt(i) === 34 /* " */) {
    const close = skipGoString(raw, i);
    if (close === -1) break;
    items.push(`"${goBodyToC(raw.slice(i + 1, close - 1))}"`);
    i = raw.startsWith(', ', close) ? close + 2 : close;
  }
  return `[${items.join(', ')}]`;
}

/** A struct printed after the call (`0x.. {length=16}`, stat): strace's `[16]` / `{...}`. */
function structArg(kind: ArgKind, raw: string): string {
  if (raw === 'null') return 'NULL';
  const brace = raw.indexOf(' {');
  if (brace === -1) return raw;
  if (kind === 'socklen') return `[${/length=(\d+)/.exec(raw)?.[1] ?? '?'}]`;
  return raw.slice(brace + 1);
}

function translateOne(kind: ArgKind, raw: string, env: TranslateEnv): string {
  const hex = /^0x[0-9a-f]+$/.test(raw);
  switch (kind) {
    case 'fd':
      return fdArg(raw, env);
    case 'path':
      return pathArg(raw);
    case 'vec':
      return vecArg(raw);
    case 'sockaddr':
      return translateSockaddr(raw);
    case 'msghdr':
      return translateMsghdr(raw);
    case 'socklen':
    case 'stat':
      return structArg(kind, raw);
    case 'int':
      return hex ? String(int32(raw)) : raw;
    case 'long':
      return hex ? long(raw) : raw;
    case 'oct':
    case 'mode':
      return raw.replace(/0o([0-7]+)$/, '0$1');
    case 'hexmode':
      return hex ? `0${(parseInt(raw, 16) & 0o7777).toString(8)}` : raw;
    case 'openflags':
      return openFlags(raw);
    case 'cloneflags':
      return cloneFlags(raw);
    case 'sym':
      return hex ? String(parseInt(raw, 16)) : raw;
    case 'atflags':
      return hex ? flagWord(raw, AT_FLAGS) : raw;
    case 'unlinkflags':
      return hex ? flagWord(raw, UNLINK_FLAGS) : raw;
    case 'renameflags':
      return hex ? flagWord(raw, RENAME_FLAGS) : raw;
    case 'dirfd':
    case 'hex':
      return raw;
  }
}

/**
 * A second dirfd is printed as bare hex. AT_FDCWD and a repeat of the first dirfd get the first
 * one's decoration; another fd stays a bare number (the builders then keep its path relative).
 */
function dirfd(raw: string, firstRaw: string, firstText: string): string {
  if (!/^0x[0-9a-f]+$/.test(raw)) return raw;
  const n = int32(raw);
  if (parseInt(raw.slice(-8), 16) >>> 0 === AT_FDCWD) return firstRaw.startsWith('AT_FDCWD') ? firstText : 'AT_FDCWD';
  return firstRaw.startsWith(`0x${n.toString(16)} `) ? firstText : String(n);
}

/** strace's argument texts for gVisor's, reshaped where strace prints the call differently. */
export function translateArgs(name: string, kinds: readonly ArgKind[], raw: string[], env: TranslateEnv): string[] {
  const out = raw.map((text, i) => translateOne(kinds[i]!, text, env));
  kinds.forEach((kind, i) => {
    if (kind === 'dirfd') out[i] = dirfd(raw[i]!, raw[0]!, out[0]!);
  });
  // strace prints a mode only when the flags create a file.
  if ((name === 'open' || name === 'openat') && !/O_CREAT|O_TMPFILE/.test(out[out.length - 2] ?? '')) out.pop();
  // PTRACE_TRACEME takes no target: strace prints the request alone.
  if (name === 'ptrace' && out[0] === 'PTRACE_TRACEME') return [out[0]];
  if (name === 'clone') return [out[0]!, `child_stack=${out[1]}`, `parent_tid=${out[2]}`, `child_tidptr=${out[3]}`, `tls=${out[4]}`];
  return out;
}
