/**
 * Syscall by syscall, gVisor's rendering gives the same events as strace's rendering of the same
 * call. Each case is one call as each tracer prints it; the fields gVisor cannot know are listed
 * per case and left out of the comparison (see the reader's doc for why).
 */
import { type StraceEvent, parseRecord } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { gvisorLine, straceMsg } from './helpers.js';

interface Case {
  /** gVisor's argument text, and its return part (`N (0xN)[ errno=K (text)]`). */
  gvisor: [name: string, args: string, ret: string];
  /** strace's line after `PID TIME `. */
  strace: string;
  /** Fields gVisor cannot fill, dropped from both sides. */
  lossy?: string[];
}

const OK = '0 (0x0)';
const CASES: Case[] = [
  {
    gvisor: ['open', '0x1 /etc/passwd, O_RDONLY|O_CLOEXEC, 0o0', '3 (0x3)'],
    strace: 'open("/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>',
    lossy: ['resolvedPath'],
  },
  {
    gvisor: ['openat', 'AT_FDCWD /w, 0x1 a, b.txt, O_WRONLY|O_CREAT|O_TRUNC, 0o644', '4 (0x4)'],
    strace: 'openat(AT_FDCWD</w>, "a, b.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4</w/a, b.txt>',
    lossy: ['resolvedPath'],
  },
  {
    gvisor: ['openat', '0x3 /w, 0x1 x, O_RDONLY|0x0, 0o0', OK + ' errno=2 (no such file or directory)'],
    strace: 'openat(3</w>, "x", O_RDONLY) = -1 ENOENT (No such file or directory)',
  },
  {
    gvisor: ['openat', '0x3 /w, 0x1 y, O_RDWR|O_CREAT|0x8000, 0o600', '4 (0x4)'],
    strace: 'openat(3</w>, "y", O_RDWR|O_CREAT|O_LARGEFILE, 0600) = 4</w/y>',
    lossy: ['resolvedPath'],
  },
  { gvisor: ['creat', '0x1 /w/new, 0o600', '5 (0x5)'], strace: 'creat("/w/new", 0600) = 5</w/new>', lossy: ['resolvedPath'] },
  {
    gvisor: ['stat', '0x1 /etc/hosts, 0x7ffd {dev=1, ino=2, mode=S_IFREG|0o644, nlink=1, uid=0, gid=0, rdev=0, size=3}', OK],
    strace: 'stat("/etc/hosts", 0x7ffd1234) = 0',
  },
  { gvisor: ['lstat', '0x1 link, 0x7ffd', OK], strace: 'lstat("link", 0x7ffd1234) = 0' },
  {
    gvisor: ['newfstatat', 'AT_FDCWD /w, 0x1 /.dockerenv, 0x7ffd, 0x0', OK + ' errno=2 (no such file or directory)'],
    strace: 'newfstatat(AT_FDCWD</w>, "/.dockerenv", 0x7ffd1234, 0) = -1 ENOENT (No such file or directory)',
  },
  {
    gvisor: ['newfstatat', '0x3 /etc/x, 0x1 , 0x7ffd {dev=1}, 0x1000', OK],
    strace: 'newfstatat(3</etc/x>, "", 0x7ffd1234, AT_EMPTY_PATH) = 0',
  },
  {
    gvisor: ['statx', 'AT_FDCWD /w, 0x1 pkg.json, 0x0, 0x7ff, 0x7ffd', OK],
    strace: 'statx(AT_FDCWD</w>, "pkg.json", AT_STATX_SYNC_AS_STAT, STATX_ALL, 0x7ffd1234) = 0',
  },
  {
    gvisor: ['access', '0x1 /etc/ld.so.preload, 0o4', OK + ' errno=2 (no such file or directory)'],
    strace: 'access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)',
  },
  { gvisor: ['faccessat2', 'AT_FDCWD /w, 0x1 .npmrc, 0o4, 0x0', OK], strace: 'faccessat2(AT_FDCWD</w>, ".npmrc", R_OK, 0) = 0' },
  { gvisor: ['unlink', '0x1 x', OK], strace: 'unlink("x") = 0' },
  { gvisor: ['unlinkat', 'AT_FDCWD /w, 0x1 d, 0x200', OK], strace: 'unlinkat(AT_FDCWD</w>, "d", AT_REMOVEDIR) = 0' },
  { gvisor: ['rmdir', '0x1 d', OK], strace: 'rmdir("d") = 0' },
  { gvisor: ['rename', '0x1 a, 0x2 /tmp/b', OK], strace: 'rename("a", "/tmp/b") = 0' },
  { gvisor: ['renameat', 'AT_FDCWD /w, 0x1 a, 0xffffff9c, 0x2 b', OK], strace: 'renameat(AT_FDCWD</w>, "a", AT_FDCWD</w>, "b") = 0' },
  { gvisor: ['renameat2', '0x3 /w, 0x1 a, 0x3, 0x2 b, 0x2', OK], strace: 'renameat2(3</w>, "a", 3</w>, "b", RENAME_EXCHANGE) = 0' },
  { gvisor: ['chmod', '0x1 /w/run.sh, 0o4755', OK], strace: 'chmod("/w/run.sh", 04755) = 0' },
  { gvisor: ['fchmod', '0x3 /w/run.sh, 0o755', OK], strace: 'fchmod(3</w/run.sh>, 0755) = 0' },
  { gvisor: ['fchmodat', 'AT_FDCWD /w, 0x1 run.sh, 0o700', OK], strace: 'fchmodat(AT_FDCWD</w>, "run.sh", 0700) = 0' },
  { gvisor: ['chown', '0x1 /w/f, 0x3e8, 0xffffffff', OK], strace: 'chown("/w/f", 1000, -1) = 0' },
  {
    gvisor: ['lchown', '0x1 /w/f, 0x0, 0x0', OK + ' errno=1 (operation not permitted)'],
    strace: 'lchown("/w/f", 0, 0) = -1 EPERM (Operation not permitted)',
  },
  { gvisor: ['fchown', '0x3 /w/f, 0x3e8, 0x3e8', OK], strace: 'fchown(3</w/f>, 1000, 1000) = 0' },
  {
    gvisor: ['fchownat', 'AT_FDCWD /w, 0x1 f, 0x3e8, 0x3e8, 0x100', OK],
    strace: 'fchownat(AT_FDCWD</w>, "f", 1000, 1000, AT_SYMLINK_NOFOLLOW) = 0',
  },
  { gvisor: ['symlink', '0x1 /home/u/.ssh/id_rsa, 0x2 key', OK], strace: 'symlink("/home/u/.ssh/id_rsa", "key") = 0' },
  { gvisor: ['symlinkat', '0x1 ../x, AT_FDCWD /w, 0x2 l', OK], strace: 'symlinkat("../x", AT_FDCWD</w>, "l") = 0' },
  { gvisor: ['link', '0x1 a, 0x2 b', OK], strace: 'link("a", "b") = 0' },
  { gvisor: ['linkat', 'AT_FDCWD /w, 0x1 a, 0xffffff9c, 0x2 b, 0x0', OK], strace: 'linkat(AT_FDCWD</w>, "a", AT_FDCWD</w>, "b", 0) = 0' },
  { gvisor: ['mkdir', '0x1 node_modules, 0o777', OK], strace: 'mkdir("node_modules", 0777) = 0' },
  { gvisor: ['mkdirat', 'AT_FDCWD /w, 0x1 d, 0x1c0', OK], strace: 'mkdirat(AT_FDCWD</w>, "d", 0700) = 0' },
  { gvisor: ['truncate', '0x1 /w/f, 0x64', OK], strace: 'truncate("/w/f", 100) = 0' },
  { gvisor: ['ftruncate', '0x3 /w/f, 0x0', OK], strace: 'ftruncate(3</w/f>, 0) = 0' },
  { gvisor: ['chdir', '0x1 sub', OK], strace: 'chdir("sub") = 0' },
  { gvisor: ['fchdir', '0x3 /w/sub', OK], strace: 'fchdir(3</w/sub>) = 0' },
  {
    gvisor: ['getdents64', '0x3 /w, 0x55, 0x8000', '48 (0x30)'],
    strace:
      'getdents64(3</w>, [{d_ino=1, d_off=1, d_reclen=24, d_type=DT_DIR, d_name="."}, {d_ino=2, d_off=2, d_reclen=24, d_type=DT_DIR, d_name=".."}], 32768) = 48',
    lossy: ['entryCount'],
  },
  {
    gvisor: ['execve', '0x1 /usr/bin/curl, 0x2 ["curl", "-w", "%{http_code}\\\\n", "caf\\u00e9"], 0x3 ["A=1"]', OK],
    strace: 'execve("/usr/bin/curl", ["curl", "-w", "%{http_code}\\\\n", "caf\\303\\251"], ["A=1"]) = 0',
  },
  {
    gvisor: ['execveat', '0x3 /w, 0x1 run.sh, 0x2 ["run.sh"], 0x3 [], 0x0', OK + ' errno=8 (exec format error)'],
    strace: 'execveat(3</w>, "run.sh", ["run.sh"], [], 0) = -1 ENOEXEC (Exec format error)',
  },
  {
    gvisor: ['clone', 'CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|0x11, 0x0, 0x0, 0x7f, 0x0', '12 (0xc)'],
    strace: 'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 12',
  },
  { gvisor: ['vfork', '', '13 (0xd)'], strace: 'vfork() = 13' },
  { gvisor: ['kill', '0x1f, SIGKILL', OK], strace: 'kill(31, SIGKILL) = 0' },
  { gvisor: ['tkill', '0x8, SIGABRT', OK], strace: 'tkill(8, SIGABRT) = 0' },
  { gvisor: ['tgkill', '0x7, 0x8, SIGUSR1', OK], strace: 'tgkill(7, 8, SIGUSR1) = 0' },
  { gvisor: ['setuid', '0x0', OK + ' errno=1 (operation not permitted)'], strace: 'setuid(0) = -1 EPERM (Operation not permitted)' },
  { gvisor: ['setreuid', '0xffffffff, 0x0', OK], strace: 'setreuid(-1, 0) = 0' },
  { gvisor: ['setresgid', '0x0, 0x0, 0x0', OK], strace: 'setresgid(0, 0, 0) = 0' },
  { gvisor: ['ptrace', 'PTRACE_TRACEME, 0x0, 0x0, 0x0', OK], strace: 'ptrace(PTRACE_TRACEME) = 0' },
  {
    gvisor: ['ptrace', 'PTRACE_ATTACH, 0x1f, 0x0, 0x0', OK + ' errno=1 (operation not permitted)'],
    strace: 'ptrace(PTRACE_ATTACH, 31) = -1 EPERM (Operation not permitted)',
  },
  {
    gvisor: ['socket', 'AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP', '3 (0x3)'],
    strace: 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 3<TCP:[5]>',
    lossy: ['socket'],
  },
  {
    gvisor: [
      'connect',
      '0x3 socket:[5], 0x7e {Family: AF_INET, Addr: 1.2.3.4, Port: 443}, 0x10',
      OK + ' errno=115 (operation now in progress)',
    ],
    strace:
      'connect(3<TCP:[5]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}, 16) = -1 EINPROGRESS (Operation now in progress)',
  },
  {
    gvisor: ['connect', '0x4 socket:[6], 0x7e {Family: AF_INET6, Addr: 2001:db8::1, Port: 80}, 0x1c', OK],
    strace:
      'connect(4<socket:[6]>, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
  },
  {
    gvisor: ['bind', '0x3 socket:[5], 0x7e {Family: AF_INET, Addr: , Port: 8080}, 0x10', OK],
    strace: 'bind(3<TCP:[5]>, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("0.0.0.0")}, 16) = 0',
  },
  { gvisor: ['listen', '0x3 socket:[5], 0x1ff', OK], strace: 'listen(3<TCP:[5]>, 511) = 0' },
  {
    gvisor: ['accept4', '0x3 socket:[5], 0x7e {Family: AF_INET, Addr: 10.0.0.2, Port: 4000}, 0x7f {length=16}, SOCK_CLOEXEC', '4 (0x4)'],
    strace:
      'accept4(3<TCP:[5]>, {sa_family=AF_INET, sin_port=htons(4000), sin_addr=inet_addr("10.0.0.2")}, [16], SOCK_CLOEXEC) = 4<TCP:[0.0.0.0:8080->10.0.0.2:4000]>',
    lossy: ['socket'],
  },
  {
    gvisor: ['sendto', '0x3 socket:[5], 0x55, 0x3, 0x4000, 0x7e {Family: AF_INET, Addr: 10.0.0.53, Port: 53}, 0x10', '3 (0x3)'],
    strace: 'sendto(3<TCP:[5]>, "abc", 3, MSG_NOSIGNAL, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}, 16) = 3',
    lossy: ['data'],
  },
  {
    gvisor: [
      'recvfrom',
      '0x3 socket:[5], 0x55, 0x400, 0x0, 0x7e {Family: AF_INET, Addr: 10.0.0.53, Port: 53}, 0x7f {length=16}',
      '3 (0x3)',
    ],
    strace: 'recvfrom(3<TCP:[5]>, "xyz", 1024, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}, [16]) = 3',
    lossy: ['data'],
  },
  {
    gvisor: [
      'recvmsg',
      '0x3 socket:[5], 0x7e {name=0x0, namelen=0, iovecs=0x7f {base=0x55, len=1024, "hi\\n"}, control={0x0 }, flags=0}, 0x0',
      '3 (0x3)',
    ],
    strace:
      'recvmsg(3<TCP:[5]>, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hi\\n", iov_len=1024}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 3',
  },
  { gvisor: ['exit_group', '0x1', OK], strace: 'exit_group(1) = ?' },
  { gvisor: ['exit', '0x0', OK], strace: 'exit(0) = ?' },
];

/** Sets the cwd (/w) and creates TCP socket 5 as fd 3, so relative paths and decorations have context. */
const PREAMBLE = {
  gvisor: [['chdir', '0x1 /w', OK] as const, ['socket', 'AF_INET, SOCK_STREAM, IPPROTO_TCP', '3 (0x3)'] as const],
  strace: ['chdir("/w") = 0', 'socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3<TCP:[5]>'],
};

function viaGvisor(calls: readonly (readonly [string, string, string])[]): StraceEvent[] {
  const lines = calls.flatMap(([name, args, ret], i) => {
    const time = `2026-12-04T20:32:08.${String(i).padStart(6, '0')}Z`;
    return [
      gvisorLine(straceMsg(7, 7, `comm E ${name}(${args})`), time),
      gvisorLine(straceMsg(7, 7, `comm X ${name}(${args}) = ${ret} (1µs)`), time),
    ];
  });
  const { events, stats } = parseRecord('gvisor-json', `${lines.join('\n')}\n`);
  expect(stats.unknown).toBe(0);
  return events;
}

function viaStrace(lines: string[]): StraceEvent[] {
  const { events, stats } = parseRecord('strace', lines.map((l, i) => `7 1796416328.${String(i).padStart(6, '0')} ${l}\n`).join(''));
  expect(stats.unknown).toBe(0);
  return events;
}

function comparable(events: StraceEvent[], lossy: string[]): Record<string, unknown>[] {
  return events.slice(2).map((e) => {
    const copy: Record<string, unknown> = { ...e };
    for (const field of lossy) delete copy[field];
    if (copy.type === 'send' || copy.type === 'recv') delete copy.dataTruncated;
    // What -yy adds to a returned fd (`3</etc/passwd>`, `4<TCP:[...]>`) is the lossy field itself.
    if (lossy.includes('resolvedPath') || lossy.includes('socket')) {
      const result = e.result;
      if (result.status === 'ok') copy.result = { ...result, raw: result.raw.replace(/<.*>$/, '') };
    }
    return copy;
  });
}

describe('each syscall gives the same events from both formats', () => {
  for (const c of CASES) {
    it(`${c.gvisor[0]}(${c.gvisor[1].slice(0, 50)})`, () => {
      const gvisor = viaGvisor([...PREAMBLE.gvisor, c.gvisor]);
      const strace = viaStrace([...PREAMBLE.strace, c.strace]);
      expect(gvisor.length).toBe(strace.length);
      expect(comparable(gvisor, c.lossy ?? [])).toEqual(comparable(strace, c.lossy ?? []));
    });
  }
});
