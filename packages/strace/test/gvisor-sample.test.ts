/**
 * Golden tests on the real gVisor record of the migration (test/fixtures/gvisor/sample-strace.log):
 * the hardened sandbox in the fake internet's namespace running cat, node, curl, a UDP send under
 * the comm `npm install`, a SIGKILL, file moves and a name with a newline.
 */
import { type StraceEvent, buildProcessTree, parseRecord } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { gvisorSample, ofType } from './helpers.js';

const { events, stats } = parseRecord('gvisor-json', gvisorSample());
const of = <T extends StraceEvent['type']>(type: T, pid?: number): Extract<StraceEvent, { type: T }>[] =>
  ofType(events, type).filter((e) => pid === undefined || e.pid === pid);

describe('gVisor sample record', () => {
  it('reads every line, with nothing unreadable', () => {
    expect(stats).toMatchObject({ lines: 427, unknown: 0, overlong: 0, interrupted: 0, exits: 1 });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  });

  it('gives the container init and the docker exec root an exec event, though neither has an execve line', () => {
    const roots = of('exec').filter((e) => e.syscall === null);
    expect(roots).toHaveLength(2);
    // The first process comes from the OCI spec: exact argv, env and cwd.
    expect(roots[0]).toMatchObject({ pid: 1, path: '/sbin/docker-init', argv: ['/sbin/docker-init', '--', 'sleep', 'infinity'], cwd: '/' });
    expect(roots[0]!.env).toEqual([
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOSTNAME=jordan-thinkpad',
      'LANG=C.UTF-8',
      'TZ=Europe/Berlin',
    ]);
    expect(roots[0]!.result).toEqual({ status: 'none' });
    // The docker exec's argv is only logged space-joined; `sh -c SCRIPT` keeps the script whole.
    expect(roots[1]).toMatchObject({ pid: 3, path: 'sh', env: null, cwd: null });
    expect(roots[1]!.argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(roots[1]!.argv[2]).toContain('cat /etc/passwd >/dev/null\nnode -e');
    expect(roots[1]!.ts).toBe(1796416327.984156);
  });

  it('decodes execve: PATH tries, argv with Go escapes, env, and the cwd inherited from the parent', () => {
    expect(of('exec', 2).map((e) => [e.path, e.result.status === 'error' ? e.result.errno : 'ok'])).toEqual([
      ['/usr/local/sbin/sleep', 'ENOENT'],
      ['/usr/local/bin/sleep', 'ENOENT'],
      ['/usr/sbin/sleep', 'ENOENT'],
      ['/usr/bin/sleep', 'ok'],
    ]);
    expect(of('exec', 4)).toMatchObject([{ path: '/usr/bin/cat', argv: ['cat', '/etc/passwd'], cwd: '/home/jordan', envCount: 6 }]);
    expect(of('exec', 5)[0]!.argv).toEqual([
      'node',
      '-e',
      'require("fs").readFileSync("/etc/hostname"); require("child_process").execSync("id")',
    ]);
    expect(of('exec', 12)).toMatchObject([{ path: '/bin/sh', argv: ['/bin/sh', '-c', 'id'] }]);
    expect(of('exec', 21)[0]!.argv).toEqual(['curl', '-sS', '-m', '2', 'http://127.0.0.1:9/']);
    // `%{http_code}\\n` in Go's quoting is a backslash and an n, not a newline.
    expect(of('exec', 22)[0]!.argv).toEqual(['curl', '-sS', '-m', '5', '-o', '/dev/null', '-w', '%{http_code}\\n', 'http://example.com/']);
    expect(of('exec', 37)[0]!.argv).toEqual(['touch', 'nl\nname']);
    expect(of('exec', 4)[0]!.env).toContain('PWD=/home/jordan');
  });

  it('makes paths absolute and keeps the open intent', () => {
    const opens = of('open').map((e) => [e.pid, e.path, e.intent, e.fd]);
    expect(opens).toContainEqual([4, '/etc/passwd', 'read', 3]);
    expect(opens).toContainEqual([5, '/etc/hostname', 'read', 17]);
    expect(opens).toContainEqual([3, '/dev/null', 'create', 3]);
    expect(opens).toContainEqual([21, '/home/jordan/.curlrc', 'read', null]);
    expect(of('open', 37)).toMatchObject([
      {
        path: '/home/jordan/nl\nname',
        requestedPath: 'nl\nname',
        intent: 'create',
        mode: 0o666,
        flags: ['O_WRONLY', 'O_CREAT', 'O_NOCTTY', 'O_NONBLOCK'],
      },
    ]);
    // strace prints no mode for an open that creates nothing; gVisor's `|0x0` remainder is dropped.
    expect(of('open', 4)[0]).toMatchObject({ mode: null, flags: ['O_RDONLY'] });
    expect(of('stat', 3).map((e) => e.path)).toEqual(['/etc/ld.so.preload', '/usr/local/sbin/cat', '/usr/local/bin/cat']);
  });

  it('decodes connects with their results and the sockets behind them', () => {
    const connects = of('connect').map((e) => [e.pid, e.address, e.result.status === 'error' ? e.result.errno : 'ok']);
    const inet = connects.filter(([, a]) => (a as { family: string }).family === 'AF_INET');
    expect(inet).toEqual([
      [14, { family: 'AF_INET', address: '127.0.0.1', port: 9 }, 'EINPROGRESS'],
      [21, { family: 'AF_INET', address: '127.0.0.1', port: 9 }, 'EINPROGRESS'],
      [23, { family: 'AF_INET', address: '10.255.255.53', port: 53 }, 'ok'],
      [22, { family: 'AF_INET', address: '198.18.0.1', port: 80 }, 'EINPROGRESS'],
    ]);
    // This runsc never decodes AF_UNIX addresses: an address without a path.
    expect(connects.filter(([, a]) => (a as { family: string }).family === 'AF_UNIX')).toHaveLength(10);
    expect(of('connect', 13)[0]!.address).toEqual({ family: 'AF_UNIX', path: '', abstract: false });
    expect(of('connect', 14)[0]!.socket).toMatchObject({ protocol: 'TCP', inode: 11 });
    expect(of('connect', 14)[0]!.result).toEqual({
      status: 'error',
      errno: 'EINPROGRESS',
      message: 'Operation now in progress',
      raw: '-1 EINPROGRESS (Operation now in progress)',
    });
  });

  it('gives sends a destination from the socket connect/getpeername named, and keeps sendmsg payloads', () => {
    // The resolver's sendmmsg: two queries (messages not decoded) to the connected DNS server.
    expect(of('send', 23).filter((e) => e.syscall === 'sendmmsg')).toMatchObject([
      { destination: { address: '10.255.255.53', port: 53 }, size: null, data: null },
      { destination: { address: '10.255.255.53', port: 53 }, size: null, data: null },
    ]);
    expect(of('send', 22)).toMatchObject([{ syscall: 'sendto', size: 75, destination: { address: '198.18.0.1', port: 80 } }]);
    expect(of('send', 22)[0]!.socket).toMatchObject({
      local: { address: '10.213.0.2', port: 37120 },
      remote: { address: '198.18.0.1', port: 80 },
    });
    expect(of('recv', 23)[0]).toMatchObject({ source: { address: '10.255.255.53', port: 53 }, size: 45 });
    // 6000 bytes sent, 4096 printed by gVisor, 256 kept.
    const [udp] = of('send', 24);
    expect(udp).toMatchObject({ syscall: 'sendmsg', size: 6000, dataTruncated: true, destination: null });
    expect(Buffer.from(udp!.data!).toString()).toBe('A'.repeat(256));
  });

  it('tells threads from processes, for clone3 too (whose flags gVisor does not print)', () => {
    const spawns = of('spawn').map((e) => [e.pid, e.syscall, e.childPid, e.thread]);
    expect(spawns).toContainEqual([1, 'clone', 2, false]);
    expect(spawns).toContainEqual([3, 'vfork', 4, false]);
    expect(spawns).toContainEqual([5, 'clone', 12, false]);
    for (const child of [6, 7, 8, 9]) expect(spawns).toContainEqual([5, 'clone3', child, true]);
    expect(of('spawn', 5).find((e) => e.childPid === 6)!.flags).toEqual(['CLONE_VM', 'CLONE_SIGHAND', 'CLONE_THREAD']);
    expect(of('spawn', 1)[0]!.flags).toEqual(['CLONE_CHILD_CLEARTID', 'CLONE_CHILD_SETTID', 'SIGCHLD']);

    const tree = buildProcessTree(events);
    // The sample is trimmed: the spawns of some later processes (22, 24, 33, ...) were cut out.
    expect(tree.roots.slice(0, 2)).toEqual([1, 3]);
    expect(tree.nodes.get(5)!.children).toEqual(expect.arrayContaining([6, 7, 8, 9, 12]));
    expect(tree.nodes.get(6)).toMatchObject({ ppid: 5, thread: true });
    expect(tree.nodes.get(12)).toMatchObject({ ppid: 5, thread: false, execs: [{ path: '/bin/sh', ok: true }] });
    expect(tree.nodes.get(3)!.execs[0]).toMatchObject({ path: 'sh', ok: true });
  });

  it("reports the kill, and the victim's death as strace's `+++ killed by SIGKILL +++`", () => {
    expect(of('kill')).toMatchObject([{ pid: 3, targetPid: 31, signal: 'SIGKILL', result: { status: 'ok' } }]);
    expect(of('exit').filter((e) => e.source === 'status')).toEqual([
      expect.objectContaining({ pid: 31, signal: 'SIGKILL', code: null, syscall: null, ts: 1796416328.864969 }),
    ]);
    // After exit_group gVisor logs `Signal 9 ... terminating thread group` for the other threads: no kill.
    expect(of('exit', 5).map((e) => e.source)).toEqual(['exit_group']);
    expect(of('exit', 24).map((e) => e.source)).toEqual(['exit_group']);
  });

  it('gives exit codes and thread exits', () => {
    expect(of('exit', 21)).toMatchObject([{ code: 7, source: 'exit_group', result: { status: 'unknown', raw: '?' } }]);
    expect(of('exit', 3)).toMatchObject([{ code: 0, source: 'exit_group' }]);
    expect(of('exit', 6)).toMatchObject([{ code: 0, source: 'exit' }]);
    expect(buildProcessTree(events).nodes.get(21)).toMatchObject({ exitCode: 7 });
    expect(buildProcessTree(events).nodes.get(31)).toMatchObject({ exitSignal: 'SIGKILL' });
  });

  it('decodes renameat2, unlinkat and mkdir, with the second dirfd printed as plain hex', () => {
    expect(of('rename')).toMatchObject([
      { pid: 34, path: '/home/jordan/.config/x/token', newPath: '/home/jordan/.config/x/token2', flags: ['RENAME_NOREPLACE'] },
    ]);
    expect(of('unlink')).toMatchObject([{ pid: 35, path: '/home/jordan/.config/x/token2', result: { status: 'ok' } }]);
    expect(of('mkdir').map((e) => [e.path, e.mode, e.result.status === 'error' ? e.result.errno : 'ok'])).toEqual([
      ['.config', 0o777, 'EEXIST'],
      ['x', 0o777, 'ok'],
    ]);
    expect(of('chdir')).toMatchObject([{ pid: 33, path: '.config' }]);
  });

  it('splits lines whose comm has a space (`npm install`)', () => {
    const pid24 = events.filter((e) => e.pid === 24).map((e) => e.type);
    expect(pid24).toEqual(['exec', 'open', 'open', 'open', 'open', 'socket', 'bind', 'send', 'exit']);
    expect(of('open', 24)[0]).toMatchObject({ path: '/etc/resolv.conf' });
    expect(of('bind', 24)).toMatchObject([
      { address: { family: 'AF_INET', address: '0.0.0.0', port: 0 }, socket: { protocol: 'UDP', inode: 28 } },
    ]);
  });

  it('reports delivered signals', () => {
    expect(of('signal').map((e) => [e.pid, e.signal])).toEqual([
      [3, 'SIGCHLD'],
      [12, 'SIGCHLD'],
      [5, 'SIGCHLD'],
      [3, 'SIGCHLD'],
      [3, 'SIGCHLD'],
    ]);
  });
});
