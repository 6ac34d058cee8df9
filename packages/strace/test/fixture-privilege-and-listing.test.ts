/**
 * Real traces: fixtures/python-privilege.py (ptrace attempts, kill, setres*id, a refused setuid)
 * and `ls /tmp/fx/evil-pkg` (a complete, small trace checked event by event).
 */
import { eventSignature } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { ofType, parseFixture } from './helpers.js';

describe('python privilege fixture', () => {
  const { events, stats } = parseFixture('python-privilege.strace');

  it('reads every line', () => {
    expect(stats.lines).toBe(62);
    expect(stats.unknown).toBe(0);
    expect(stats.signals).toBe(1);
    expect(stats.exits).toBe(2);
  });

  it('reports ptrace attempts and identity changes with their outcome', () => {
    const privilege = events.filter((e) => e.category === 'privilege').map((e) => eventSignature(e));
    expect(privilege).toEqual([
      'privilege.ptrace PTRACE_TRACEME = EPERM',
      'privilege.ptrace PTRACE_ATTACH = EPERM',
      'privilege.setid setresgid(65534,65534,65534) = ok',
      'privilege.setid setgid(65534) = ok',
      'privilege.setid setresuid(65534,65534,65534) = ok',
      'privilege.setid setuid(0) = EPERM',
    ]);
    expect(ofType(events, 'ptrace')[1]).toMatchObject({ request: 'PTRACE_ATTACH', targetPid: 20556, pid: 20553 });
    expect(ofType(events, 'setid').map((e) => e.idKind)).toEqual(['gid', 'gid', 'uid', 'uid']);
  });

  it('reports the fork, the kill and how the child died', () => {
    expect(ofType(events, 'spawn')).toMatchObject([{ pid: 20553, childPid: 20556, thread: false, syscall: 'clone' }]);
    expect(ofType(events, 'kill')).toMatchObject([{ targetPid: 20556, signal: 'SIGKILL' }]);
    expect(ofType(events, 'exit').map((e) => [e.pid, e.source, e.code, e.signal])).toEqual([
      [20556, 'status', null, 'SIGKILL'],
      [20553, 'exit_group', 0, null],
      [20553, 'status', 0, null],
    ]);
  });
});

describe('ls fixture', () => {
  const { events, stats } = parseFixture('ls-directory.strace');

  it('turns each line into exactly one event, in order', () => {
    expect(stats).toMatchObject({ lines: 11, events: 11, syscalls: 10, ignored: 0, unknown: 0 });
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Signatures normalise paths; /tmp entries become <TMP> by default.
    expect(events.map((e) => eventSignature(e))).toEqual([
      'process.exec /usr/bin/ls ["<TMP>/fx/evil-pkg"] = ok',
      'file.open.read /etc/ld.so.cache = ok',
      'file.open.read /lib/x86_64-linux-gnu/libselinux.so.1 = ok',
      'file.open.read /lib/x86_64-linux-gnu/libc.so.6 = ok',
      'file.open.read /lib/x86_64-linux-gnu/libpcre2-8.so.0 = ok',
      'file.open.read /proc/filesystems = ok',
      'file.open.read <TMP>/fx/evil-pkg = ok',
      'file.readdir <TMP>/fx/evil-pkg = ok',
      'file.readdir <TMP>/fx/evil-pkg = ok',
      'process.exit exit_group 0 = unknown',
      'process.exit status 0 = none',
    ]);
    expect(ofType(events, 'readdir').map((e) => e.entryCount)).toEqual([5, 0]);
    expect(ofType(events, 'open')[1]).toMatchObject({
      resolvedPath: '/usr/lib/x86_64-linux-gnu/libselinux.so.1',
      flags: ['O_RDONLY', 'O_CLOEXEC'],
      fd: 3,
      ts: 1795485957.882393,
    });
    expect(ofType(events, 'exec')[0]!.cwd).toBeNull();
  });
});
