/** The gVisor reader's handling of hand-written records: pairing, processes, signals, and each syscall's translation. */
import { GvisorRecordParser, StraceParser, type StraceEvent, parseRecord, recordReader } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { gvisorLine, ofType, straceMsg } from './helpers.js';

/** Lines given as [tgid, tid, text] (a strace message) or a raw msg string (a debug line), one time each. */
function parse(...lines: ([number, number, string] | string)[]): ReturnType<typeof parseRecord> {
  const text = lines
    .map((l, i) => {
      const time = `2026-12-04T20:32:${String(10 + Math.floor(i / 10)).padStart(2, '0')}.${i % 10}Z`;
      return gvisorLine(typeof l === 'string' ? l : straceMsg(l[0], l[1], l[2]), time);
    })
    .join('\n');
  return parseRecord('gvisor-json', `${text}\n`);
}

/** A call's entry and exit lines. */
function call(tgid: number, tid: number, comm: string, name: string, args: string, ret: string): [number, number, string][] {
  return [
    [tgid, tid, `${comm} E ${name}(${args})`],
    [tgid, tid, `${comm} X ${name}(${args}) = ${ret} (1µs)`],
  ];
}

const OK = '0 (0x0)';
const only = (events: StraceEvent[]): StraceEvent => {
  expect(events).toHaveLength(1);
  return events[0]!;
};

describe('pairing entry and exit lines', () => {
  it("joins a call's halves across other tasks' lines, with the entry's time and the tid as pid", () => {
    const { events, stats } = parse(
      [5, 6, 'node E openat(AT_FDCWD /w, 0x1 a.txt, O_RDONLY, 0o0)'],
      [7, 7, 'sh E unlink(0x2 /tmp/x)'],
      [7, 7, 'sh X unlink(0x2 /tmp/x) = 0 (0x0) (1µs)'],
      [5, 6, 'node X openat(AT_FDCWD /w, 0x1 a.txt, O_RDONLY, 0o0) = 0 (0x0) errno=13 (permission denied) (3µs)'],
    );
    expect(events.map((e) => [e.pid, e.type, e.ts])).toEqual([
      [7, 'unlink', 1796416330.1],
      [6, 'open', 1796416330],
    ]);
    expect(events[1]).toMatchObject({ path: '/w/a.txt', result: { status: 'error', errno: 'EACCES', message: 'Permission denied' } });
    expect(stats).toMatchObject({ lines: 4, syscalls: 2, unfinished: 2, resumed: 2, unknown: 0 });
  });

  it('drops calls interrupted to be restarted: the retry has its own pair', () => {
    const { events, stats } = parse(
      ...call(
        3,
        3,
        'sh',
        'connect',
        '0x3 socket:[1], 0x1 {Family: AF_INET, Addr: 1.2.3.4, Port: 80}, 0x10',
        '0 (0x0) errno=512 (to be restarted if SA_RESTART is set)',
      ),
      ...call(3, 3, 'sh', 'connect', '0x3 socket:[1], 0x1 {Family: AF_INET, Addr: 1.2.3.4, Port: 80}, 0x10', OK),
    );
    expect(ofType(events, 'connect').map((e) => e.result.status)).toEqual(['ok']);
    expect(stats.ignored).toBe(1);
  });

  it('emits a call whose exit never came as strace does an unfinished one, at the end of the record', () => {
    const { events, stats } = parse([3, 3, 'sh E openat(AT_FDCWD /, 0x1 /etc/shadow, O_RDONLY, 0o0)']);
    expect(only(events)).toMatchObject({ type: 'open', path: '/etc/shadow', result: { status: 'unknown', raw: '' } });
    expect(stats.interrupted).toBe(1);
  });

  it('still uses an exit line whose entry is missing (a record sliced mid-call)', () => {
    const { events, stats } = parse([3, 3, 'sh X unlink(0x2 /tmp/x) = 0 (0x0) (1µs)']);
    expect(only(events)).toMatchObject({ type: 'unlink', path: '/tmp/x', ts: 1796416330 });
    expect(stats.orphanResumed).toBe(1);
  });

  it('emits exit and exit_group on entry, with the code and result strace shows (`= ?`)', () => {
    const { events } = parse(...call(9, 9, 'curl', 'exit_group', '0x7', OK), ...call(9, 10, 'curl', 'exit', '0xffffffff', OK));
    expect(events.map((e) => (e.type === 'exit' ? [e.pid, e.source, e.code, e.result] : null))).toEqual([
      [9, 'exit_group', 7, { status: 'unknown', raw: '?' }],
      [10, 'exit', -1, { status: 'unknown', raw: '?' }],
    ]);
  });

  it('counts unreadable lines and samples them, and ignores log lines that are not about syscalls', () => {
    const { events, stats } = parse(
      'usertrap_amd64.go:210] [   1:   1] Found the pattern at ip 438bf3:sysno 218',
      'strace.go:570] [   3:   3] sh E not a call',
      'main.go:196] **************** gVisor ****************',
    );
    const text = `${gvisorLine('x')}\nnot json\n{"msg": 5, "time": "2026-12-04T20:32:08Z"}\n`;
    const broken = parseRecord('gvisor-json', text);
    expect(events).toEqual([]);
    expect(stats).toMatchObject({ lines: 3, unknown: 1 });
    expect(broken.stats).toMatchObject({
      lines: 3,
      unknown: 2,
      unknownSamples: ['not json', '{"msg": 5, "time": "2026-12-04T20:32:08Z"}'],
    });
  });
});

describe('processes', () => {
  it('holds a clone3 until its child shows its thread group, then emits a thread or a process', () => {
    const { events } = parse(
      ...call(5, 5, 'node', 'clone3', '0x7ef977960670, 0x58', '6 (0x6)'),
      ...call(5, 5, 'node', 'clone3', '0x7ef977960670, 0x58', '7 (0x7)'),
      'task_acct.go:138] [   5:   6] Set thread name to "V8 Worker"',
      [7, 7, 'node E execve(0x1 /bin/sh, 0x2 ["sh"], 0x3 [])'],
    );
    expect(ofType(events, 'spawn').map((e) => [e.childPid, e.thread, e.flags])).toEqual([
      [6, true, ['CLONE_VM', 'CLONE_SIGHAND', 'CLONE_THREAD']],
      [7, false, ['SIGCHLD']],
    ]);
    // The spawn comes before anything the child does.
    expect(events.map((e) => e.type)).toEqual(['spawn', 'spawn', 'exec']);
  });

  it('resolves a clone3 at once when the child logged before the parent returned', () => {
    const { events } = parse(
      [5, 5, 'node E clone3(0x1, 0x58)'],
      [5, 8, 'node E exit(0x0)'],
      [5, 5, 'node X clone3(0x1, 0x58) = 8 (0x8) (1µs)'],
    );
    expect(events.map((e) => [e.type, e.pid])).toEqual([
      ['exit', 8],
      ['spawn', 5],
    ]);
    expect(ofType(events, 'spawn')[0]).toMatchObject({ childPid: 8, thread: true });
  });

  it('emits a clone3 whose child never appeared at the end, without claiming a kind', () => {
    const { events } = parse(...call(5, 5, 'node', 'clone3', '0x1, 0x58', '9 (0x9)'));
    expect(only(events)).toMatchObject({ type: 'spawn', childPid: 9, thread: false, flags: [] });
  });

  it("decodes clone's flags, with the exit signal in the low byte", () => {
    const { events } = parse(
      ...call(1, 1, 'init', 'clone', 'CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|0x11, 0x0, 0x0, 0x4b4650, 0x0', '2 (0x2)'),
      ...call(
        2,
        2,
        'py',
        'clone',
        'CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, 0x7f, 0x7f, 0x7f, 0x7f',
        '3 (0x3)',
      ),
    );
    expect(ofType(events, 'spawn').map((e) => [e.childPid, e.thread, e.flags.at(-1)])).toEqual([
      [2, false, 'SIGCHLD'],
      [3, true, 'CLONE_CHILD_CLEARTID'],
    ]);
  });

  it('pairs an execve made by a non-leader thread, whose exit line carries the leader tid', () => {
    const { events } = parse(
      [5, 7, 'node E execve(0x1 /bin/true, 0x2 ["true"], 0x3 ["A=1"])'],
      'task_signals.go:204] [   5:   6] Signal 9, PID: 5, TID: 6, fault addr: 0x0: terminating thread group',
      [5, 5, 'node X execve(0x1 /bin/true, 0x2 ["true"], 0x3 ["A=1"]) = 0 (0x0) (1µs)'],
    );
    // Siblings killed by the exec are not a death of the process.
    expect(only(events)).toMatchObject({ type: 'exec', pid: 5, path: '/bin/true', argv: ['true'], env: ['A=1'] });
  });

  it("reports a kill as strace's killed-by status, once, and not for a group that exited itself", () => {
    const { events, stats } = parse(
      ...call(3, 3, 'sh', 'kill', '0x1f, SIGKILL', OK),
      [31, 32, 'x E wait4(0xffffffff, 0x1, 0x0, 0x0)'],
      'task_signals.go:204] [  31:  32] Signal 9, PID: 31, TID: 32, fault addr: 0x0: terminating thread group',
      'task_signals.go:204] [  31:  31] Signal 9, PID: 31, TID: 31, fault addr: 0x0: terminating thread group',
      ...call(40, 40, 'node', 'exit_group', '0x0', OK),
      'task_signals.go:204] [  40:  41] Signal 9, PID: 40, TID: 41, fault addr: 0x0: terminating thread group',
      'task_signals.go:204] [  50:  50] Signal 15, PID: 50, TID: 50, fault addr: 0x0: terminating thread group',
    );
    expect(
      events
        .filter((e) => e.type === 'exit' || e.type === 'kill' || e.type === 'signal')
        .map((e) => [e.type, e.pid, 'signal' in e ? e.signal : null]),
    ).toEqual([
      ['kill', 3, 'SIGKILL'],
      ['exit', 31, 'SIGKILL'],
      ['exit', 40, null],
      ['signal', 50, 'SIGTERM'],
      ['exit', 50, 'SIGTERM'],
    ]);
    expect(ofType(events, 'kill')[0]).toMatchObject({ targetPid: 31, targetTid: null });
    expect(stats).toMatchObject({ exits: 2, signals: 1 });
  });

  it('reads kill, tkill and tgkill targets as signed ints (a process group is negative)', () => {
    const { events } = parse(
      ...call(3, 3, 'sh', 'kill', '0xfffffff6, SIGTERM', OK),
      ...call(3, 3, 'sh', 'tgkill', '0x5, 0x6, SIGUSR1', OK),
      ...call(3, 3, 'sh', 'kill', '0xffffffff, 0', OK),
    );
    expect(ofType(events, 'kill').map((e) => [e.targetPid, e.targetTid, e.signal])).toEqual([
      [-10, null, 'SIGTERM'],
      [5, 6, 'SIGUSR1'],
      [-1, null, '0'],
    ]);
  });

  it("binds each Sentry-started process to its pid: the spec's for the first, the registry's for docker exec", () => {
    const cid = '9bfb0b359a413e95a5b28d0a2c8b40b21d0324ba92a11f1e28382624bcd2f659';
    const spec = JSON.stringify({ process: { args: ['/sbin/docker-init', '--', 'sleep', 'a b'], env: ['HOME=/root'], cwd: '/srv' } });
    const { events } = parse(
      `specutils.go:91] Spec:\n${spec}`,
      'kernel.go:1043] EXEC: [/sbin/docker-init -- sleep a b]',
      'usertrap_amd64.go:210] [   1:   1] Found the pattern',
      ...call(1, 1, 'docker-init', 'clone', 'CLONE_CHILD_SETTID|0x11, 0x0, 0x0, 0x0, 0x0', '2 (0x2)'),
      'kernel.go:1043] EXEC: [sh -c npm install x]',
      `loader.go:1320] updated processes: map[{${cid} 0}:0xc000094c90 {${cid} 7}:0xc00007ebd0]`,
      [2, 2, 'sleep E openat(AT_FDCWD /, 0x1 /etc/passwd, O_RDONLY, 0o0)'],
      [7, 7, 'sh E openat(AT_FDCWD /home/u, 0x1 x, O_RDONLY, 0o0)'],
      `loader.go:1320] updated processes: map[{${cid} 0}:0xc000094c90 {${cid} 7}:0xc00007ebd0]`,
    );
    expect(ofType(events, 'exec').map((e) => [e.pid, e.path, e.argv, e.env, e.cwd])).toEqual([
      [1, '/sbin/docker-init', ['/sbin/docker-init', '--', 'sleep', 'a b'], ['HOME=/root'], '/srv'],
      [7, 'sh', ['sh', '-c', 'npm install x'], null, null],
    ]);
    expect(ofType(events, 'open').map((e) => [e.pid, e.path])).toEqual([
      [2, '/etc/passwd'],
      [7, '/home/u/x'],
    ]);
  });

  it('binds a start to the first new thread group when no registry line follows and no clone is in flight', () => {
    const { events } = parse(
      'kernel.go:1043] EXEC: [python3 -c pass]',
      [4, 4, 'python3 E clone(CLONE_CHILD_SETTID|0x11, 0x0, 0x0, 0x0, 0x0)'],
      [5, 5, 'python3 E exit_group(0x0)'],
      [4, 4, 'python3 X clone(CLONE_CHILD_SETTID|0x11, 0x0, 0x0, 0x0, 0x0) = 5 (0x5) (1µs)'],
    );
    expect(events.map((e) => [e.type, e.pid])).toEqual([
      ['exec', 4],
      ['exit', 5],
      ['spawn', 4],
    ]);
  });

  it('never takes a process seen before the start, or one with another program, for a Sentry-started one', () => {
    const cid = 'c0ffee';
    const { events } = parse(
      [2, 2, 'sleep E openat(AT_FDCWD /, 0x1 /a, O_RDONLY, 0o0)'],
      'kernel.go:1043] EXEC: [sh -c echo hi]',
      // A leftover from an earlier phase is still registered; the new process is the higher pid.
      `loader.go:1320] updated processes: map[{${cid} 0}:0xc0 {${cid} 2}:0xc1 {${cid} 8}:0xc2]`,
      'kernel.go:1043] EXEC: [npm install]',
      [5, 5, 'node E openat(AT_FDCWD /, 0x1 /b, O_RDONLY, 0o0)'],
      [9, 9, 'npm E openat(AT_FDCWD /, 0x1 /c, O_RDONLY, 0o0)'],
    );
    expect(ofType(events, 'exec').map((e) => [e.pid, e.argv])).toEqual([
      [8, ['sh', '-c', 'echo hi']],
      [9, ['npm', 'install']],
    ]);
  });

  it('keeps the comm known from `Set thread name` and after an exec, to split lines', () => {
    const { events } = parse(
      'task_acct.go:138] [   3:   3] Set thread name to "a E kill("',
      [3, 3, 'a E kill( E unlink(0x1 /tmp/a)'],
      [3, 3, 'a E kill( X unlink(0x1 /tmp/a) = 0 (0x0) (1µs)'],
    );
    expect(only(events)).toMatchObject({ type: 'unlink', path: '/tmp/a' });
  });
});

describe('syscall translation', () => {
  it('decorates fds as -yy does: paths, pipes, sockets; bad and host fds stay numbers', () => {
    const { events } = parse(
      ...call(3, 3, 'sh', 'fchmod', '0x4 /tmp/a<b>, 0o755', OK),
      ...call(3, 3, 'sh', 'ftruncate', '0x5 pipe:[9], 0x10', OK),
      ...call(3, 3, 'sh', 'fchdir', '0xffffffffffffffff (bad FD)', '0 (0x0) errno=9 (bad file descriptor)'),
      ...call(3, 3, 'sh', 'fchown', '0x1 host:[5], 0xffffffff, 0x3e8', OK),
    );
    expect(events.map((e) => ('path' in e ? e.path : null))).toEqual(['/tmp/a<b>', 'fd:5', 'fd:-1', 'fd:1']);
    expect(events[0]).toMatchObject({ type: 'chmod', mode: 0o755 });
    expect(events[3]).toMatchObject({ type: 'chown', uid: -1, gid: 1000 });
  });

  it('translates the file calls: modes, AT flags, the second dirfd, relative paths', () => {
    const { events } = parse(
      ...call(3, 3, 'sh', 'mkdirat', 'AT_FDCWD /w, 0x1 d, 0x1ed', OK),
      ...call(3, 3, 'sh', 'unlinkat', '0x4 /w, 0x1 d, 0x200', OK),
      ...call(3, 3, 'sh', 'renameat', '0x4 /w, 0x1 a, 0x4, 0x2 b', OK),
      ...call(3, 3, 'sh', 'renameat', '0x4 /w, 0x1 a, 0x9, 0x2 b', OK),
      ...call(3, 3, 'sh', 'linkat', 'AT_FDCWD /w, 0x1 a, 0xffffff9c, 0x2 /abs/b, 0x400', OK),
      ...call(3, 3, 'sh', 'symlink', '0x1 ../t, a, 0x2 /w/l, x', OK),
      ...call(3, 3, 'sh', 'fchownat', 'AT_FDCWD /w, 0x1 f, 0x0, 0xffffffff, 0x100', OK),
      ...call(3, 3, 'sh', 'creat', '0x1 /w/new, 0o600', '5 (0x5)'),
      ...call(3, 3, 'sh', 'truncate', '0x1 /w/new, 0x100000000', OK),
      ...call(3, 3, 'sh', 'faccessat2', 'AT_FDCWD /w, 0x1 .npmrc, 0o4, 0x200', '0 (0x0) errno=2 (no such file or directory)'),
      ...call(3, 3, 'sh', 'getdents64', '0x4 /w, 0x55, 0x8000', '144 (0x90)'),
      ...call(3, 3, 'sh', 'execveat', '0x4 /w, 0x1 run.sh, 0x2 ["run.sh"], 0x3 [], 0x0', '0 (0x0) errno=8 (exec format error)'),
    );
    expect(events.map((e) => [e.type, 'path' in e ? e.path : null])).toEqual([
      ['mkdir', '/w/d'],
      ['rmdir', '/w/d'],
      ['rename', '/w/a'],
      ['rename', '/w/a'],
      ['link', '/abs/b'],
      ['link', '/w/l, x'],
      ['chown', '/w/f'],
      ['open', '/w/new'],
      ['truncate', '/w/new'],
      ['stat', '/w/.npmrc'],
      ['readdir', '/w'],
      ['exec', '/w/run.sh'],
    ]);
    expect(events[0]).toMatchObject({ mode: 0o755 });
    // The second dirfd: a repeat of the first gets its path; another fd number stays unresolved.
    expect(ofType(events, 'rename').map((e) => e.newPath)).toEqual(['/w/b', 'b']);
    expect(ofType(events, 'link')).toMatchObject([
      { symbolic: false, target: '/w/a' },
      { symbolic: true, target: '../t, a' },
    ]);
    expect(events[6]).toMatchObject({ uid: 0, gid: -1 });
    expect(events[7]).toMatchObject({ intent: 'create', mode: 0o600, fd: 5 });
    expect(events[8]).toMatchObject({ length: 4294967296 });
    expect(events[10]).toMatchObject({ fd: 4, entryCount: null });
    expect(events[11]).toMatchObject({ result: { errno: 'ENOEXEC', message: 'Exec format error' } });
  });

  it('translates the identity and ptrace calls', () => {
    const { events } = parse(
      ...call(3, 3, 'py', 'setresuid', '0xffffffff, 0x0, 0xffffffff', OK),
      ...call(3, 3, 'py', 'setgid', '0x0', '0 (0x0) errno=1 (operation not permitted)'),
      ...call(3, 3, 'py', 'ptrace', 'PTRACE_ATTACH, 0x1f, 0x0, 0x0', OK),
    );
    expect(events.map((e) => (e.type === 'setid' ? [e.idKind, e.ids] : e.type === 'ptrace' ? [e.request, e.targetPid] : null))).toEqual([
      ['uid', [-1, 0, -1]],
      ['gid', [0]],
      ['PTRACE_ATTACH', 31],
    ]);
    expect(events[1]!.result).toMatchObject({ errno: 'EPERM' });
  });

  it('learns socket ends from the calls and decorates later uses, so sends get a destination and DNS is decoded', () => {
    const query = String.raw`\x124\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\aexample\x03com\x00\x00\x01\x00\x01`;
    const { events } = parse(
      ...call(9, 9, 'node', 'socket', 'AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP', '18 (0x12)'),
      ...call(9, 9, 'node', 'connect', '0x12 socket:[40], 0x1 {Family: AF_INET6, Addr: fd00::53, Port: 53}, 0x1c', OK),
      [
        9,
        9,
        `node E sendmsg(0x12 socket:[40], 0x7e {name=0x0, namelen=0, iovecs=0x7 {base=0x6, len=29, "${query}"}, control={0x0 }, flags=0}, 0x0)`,
      ],
      [
        9,
        9,
        'node X sendmsg(0x12 socket:[40], 0x7e {name=0x0, namelen=0, iovecs=0x7 {base=0x6, len=29}, control=0x0, control_len=0, flags=0}, 0x0) = 29 (0x1d) (9µs)',
      ],
      ...call(9, 9, 'node', 'socket', 'AF_INET, SOCK_STREAM, IPPROTO_TCP', '19 (0x13)'),
      ...call(9, 9, 'node', 'bind', '0x13 socket:[41], 0x1 {Family: AF_INET, Addr: , Port: 8080}, 0x10', OK),
      ...call(9, 9, 'node', 'listen', '0x13 socket:[41], 0x80', OK),
      ...call(
        9,
        9,
        'node',
        'accept4',
        '0x13 socket:[41], 0x1 {Family: AF_INET, Addr: 10.0.0.9, Port: 5555}, 0x2 {length=16}, SOCK_CLOEXEC',
        '20 (0x14)',
      ),
      ...call(9, 9, 'node', 'recvfrom', '0x14 socket:[42], 0x1, 0x400, 0x0, null, null', '3 (0x3)'),
    );
    expect(ofType(events, 'send')[0]).toMatchObject({
      destination: { family: 'AF_INET6', address: 'fd00::53', port: 53 },
      socket: { protocol: 'UDPv6', inode: 40, remote: { address: 'fd00::53', port: 53 } },
      size: 29,
    });
    expect(ofType(events, 'dns')).toMatchObject([{ qname: 'example.com', qtype: 'A', transport: 'udp' }]);
    expect(ofType(events, 'listen')[0]).toMatchObject({
      backlog: 128,
      socket: { protocol: 'TCP', local: { address: '0.0.0.0', port: 8080 } },
    });
    expect(ofType(events, 'accept')[0]).toMatchObject({ peer: { address: '10.0.0.9', port: 5555 }, newFd: 20 });
    expect(ofType(events, 'recv')[0]).toMatchObject({ socket: { protocol: 'TCP', inode: 42 }, size: 3, data: null });
  });

  it('makes one send per message of a sendmmsg, whose messages gVisor does not print', () => {
    const { events } = parse(
      ...call(9, 9, 'curl', 'sendmmsg', '0x7 socket:[26], 0x7eec17f7d1c0, 0x2, 0x4000', '2 (0x2)'),
      ...call(9, 9, 'curl', 'sendmmsg', '0x7 socket:[26], 0x7eec17f7d1c0, 0x2, 0x4000', '0 (0x0) errno=111 (connection refused)'),
    );
    expect(ofType(events, 'send').map((e) => [e.size, e.result.status])).toEqual([
      [null, 'ok'],
      [null, 'ok'],
      [null, 'error'],
      [null, 'error'],
    ]);
  });
});

describe('one interface for both formats', () => {
  it('picks the reader by format', () => {
    expect(recordReader('strace')).toBeInstanceOf(StraceParser);
    expect(recordReader('gvisor-json', { maxDataBytes: 4 })).toBeInstanceOf(GvisorRecordParser);
    const strace = parseRecord('strace', '5 1.5 unlink("/a") = 0\n');
    const gvisor = parse(...call(5, 5, 'rm', 'unlink', '0x1 /a', OK));
    const shape = (e: StraceEvent): unknown => ({ ...e, ts: 0 });
    expect(gvisor.events.map(shape)).toEqual(strace.events.map(shape));
  });

  it('holds at most maxPendingCalls open calls', () => {
    const parser = new GvisorRecordParser({ maxPendingCalls: 3 });
    let events = 0;
    for (let tid = 1; tid <= 10; tid++) events += parser.push(`${gvisorLine(straceMsg(tid, tid, 'x E unlink(0x1 /a)'))}\n`).length;
    expect(events).toBe(7);
    expect(parser.pendingCalls).toBe(3);
    expect(parser.end()).toHaveLength(3);
  });
});
