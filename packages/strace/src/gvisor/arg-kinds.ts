/**
 * How gVisor renders each argument of the syscalls Airlock reads (its `linux64_amd64.go` table,
 * release 20240729). gVisor never quotes a path, so a path may contain `, `: the kinds tell the
 * splitter which arguments are free text (fd, path) and which have a known shape.
 */

export type ArgKind =
  /** `0x3 /etc/passwd`, `AT_FDCWD /home/u`, `0x12 socket:[15]`, `0xffffffffffffffff (bad FD)`: free text. */
  | 'fd'
  /** `0x7f.. /etc/passwd` (raw, may be empty), `<null>`: free text. */
  | 'path'
  /** `0x.. ["a", "b"]` with Go-quoted items. */
  | 'vec'
  /** `0x.. {Family: AF_INET, Addr: 1.2.3.4, Port: 80}`, `null`. */
  | 'sockaddr'
  /** `0x.. {length=16}`. */
  | 'socklen'
  /** `0x.. {name=.., namelen=.., iovecs=.., ...}`. */
  | 'msghdr'
  /** `0x.. {dev=.., ino=.., ...}` after the call, the bare pointer before it. */
  | 'stat'
  /** A pointer or a value nobody reads, kept as printed. */
  | 'hex'
  /** Hex integers: `int` is 32-bit and signed (pids, exit codes, ids), `long` 64-bit (lengths). */
  | 'int'
  | 'long'
  /** `0o644`, and `S_IFREG|0o644` (a FileMode), and a mode printed as hex (mkdirat). */
  | 'oct'
  | 'mode'
  | 'hexmode'
  | 'openflags'
  | 'cloneflags'
  /** Already symbolic (`SIGKILL`, `AF_INET`, `SOCK_STREAM|SOCK_CLOEXEC`, `PTRACE_TRACEME`); hex when unknown. */
  | 'sym'
  /** A second dirfd, printed as plain hex (`0xffffff9c` is AT_FDCWD). */
  | 'dirfd'
  /** Flag words printed as hex. */
  | 'atflags'
  | 'unlinkflags'
  | 'renameflags';

const FD_PATH: ArgKind[] = ['fd', 'path'];

/** Argument kinds per syscall, in call order. Syscalls not listed produce no event and are not parsed. */
export const ARG_KINDS: ReadonlyMap<string, readonly ArgKind[]> = new Map<string, readonly ArgKind[]>([
  ['clone', ['cloneflags', 'hex', 'hex', 'hex', 'hex']],
  ['clone3', ['hex', 'hex']],
  ['fork', []],
  ['vfork', []],
  ['execve', ['path', 'vec', 'vec']],
  ['execveat', ['fd', 'path', 'vec', 'vec', 'atflags']],
  ['exit', ['int']],
  ['exit_group', ['int']],
  ['kill', ['int', 'sym']],
  ['tkill', ['int', 'sym']],
  ['tgkill', ['int', 'int', 'sym']],
  ['open', ['path', 'openflags', 'mode']],
  ['openat', [...FD_PATH, 'openflags', 'mode']],
  ['creat', ['path', 'oct']],
  ['stat', ['path', 'stat']],
  ['lstat', ['path', 'stat']],
  ['newfstatat', [...FD_PATH, 'stat', 'atflags']],
  ['statx', [...FD_PATH, 'atflags', 'hex', 'hex']],
  ['access', ['path', 'oct']],
  ['faccessat', [...FD_PATH, 'oct', 'atflags']],
  ['faccessat2', [...FD_PATH, 'oct', 'atflags']],
  ['unlink', ['path']],
  ['unlinkat', [...FD_PATH, 'unlinkflags']],
  ['rename', ['path', 'path']],
  ['renameat', [...FD_PATH, 'dirfd', 'path']],
  ['renameat2', [...FD_PATH, 'dirfd', 'path', 'renameflags']],
  ['chmod', ['path', 'mode']],
  ['fchmod', ['fd', 'mode']],
  ['fchmodat', [...FD_PATH, 'mode']],
  ['chown', ['path', 'int', 'int']],
  ['lchown', ['path', 'int', 'int']],
  ['fchown', ['fd', 'int', 'int']],
  ['fchownat', [...FD_PATH, 'int', 'int', 'atflags']],
  ['symlink', ['path', 'path']],
  ['symlinkat', ['path', 'fd', 'path']],
  ['link', ['path', 'path']],
  ['linkat', [...FD_PATH, 'dirfd', 'path', 'atflags']],
  ['mkdir', ['path', 'oct']],
  ['mkdirat', [...FD_PATH, 'hexmode']],
  ['rmdir', ['path']],
  ['truncate', ['path', 'long']],
  ['ftruncate', ['fd', 'long']],
  ['chdir', ['path']],
  ['fchdir', ['fd']],
  ['getdents64', ['fd', 'hex', 'int']],
  ['socket', ['sym', 'sym', 'sym']],
  ['connect', ['fd', 'sockaddr', 'int']],
  ['bind', ['fd', 'sockaddr', 'int']],
  ['listen', ['fd', 'int']],
  ['accept', ['fd', 'sockaddr', 'socklen']],
  ['accept4', ['fd', 'sockaddr', 'socklen', 'sym']],
  ['getsockname', ['fd', 'sockaddr', 'socklen']],
  ['getpeername', ['fd', 'sockaddr', 'socklen']],
  ['sendto', ['fd', 'hex', 'long', 'hex', 'sockaddr', 'int']],
  ['recvfrom', ['fd', 'hex', 'long', 'hex', 'sockaddr', 'socklen']],
  ['sendmsg', ['fd', 'msghdr', 'hex']],
  ['recvmsg', ['fd', 'msghdr', 'hex']],
  ['sendmmsg', ['fd', 'hex', 'int', 'hex']],
  ['setuid', ['int']],
  ['setgid', ['int']],
  ['setreuid', ['int', 'int']],
  ['setregid', ['int', 'int']],
  ['setresuid', ['int', 'int', 'int']],
  ['setresgid', ['int', 'int', 'int']],
  ['ptrace', ['sym', 'int', 'hex', 'hex']],
]);

/** Free text: may contain anything, `, ` included; its extent comes from its neighbours. */
export function isFree(kind: ArgKind): boolean {
  return kind === 'fd' || kind === 'path';
}

/** Printed with brackets that may hold `, ` (and Go-quoted strings); otherwise one bare token. */
export function isGrouped(kind: ArgKind): boolean {
  return kind === 'vec' || kind === 'sockaddr' || kind === 'socklen' || kind === 'msghdr' || kind === 'stat';
}
