/**
 * Real traces of loopback-only network code: fixtures/python-network.py (TCP, UDP DNS queries,
 * IPv6, AF_UNIX) and fixtures/node-dns-spawn-kill.js (c-ares DNS over a connected UDP socket).
 */
import { describe, expect, it } from 'vitest';
import { ofType, parseFixture } from './helpers.js';

const ascii = (bytes: Uint8Array | null): string => (bytes === null ? '(none)' : String.fromCharCode(...bytes));

describe('python network fixture', () => {
  const { events, stats } = parseFixture('python-network.strace');

  it('reads every line', () => {
    expect(stats.lines).toBe(76);
    expect(stats.unknown).toBe(0);
    // getsockname x3 are well-formed but produce no event.
    expect(stats.ignored).toBe(3);
  });

  it('decodes socket creation with the -yy socket identity', () => {
    const sockets = ofType(events, 'socket');
    expect(sockets.map((e) => `${e.domain} ${e.socketType} ${e.socket?.protocol}`)).toEqual([
      'AF_INET SOCK_STREAM TCP',
      'AF_INET SOCK_STREAM TCP',
      'AF_INET SOCK_DGRAM UDP',
      'AF_INET SOCK_DGRAM UDP',
      'AF_INET SOCK_DGRAM UDP',
      'AF_INET6 SOCK_STREAM TCPv6',
      'AF_UNIX SOCK_STREAM UNIX-STREAM',
      'AF_UNIX SOCK_STREAM UNIX-STREAM',
      'AF_UNIX SOCK_DGRAM UNIX',
    ]);
    expect(sockets[0]).toMatchObject({ fd: 3, socketFlags: ['SOCK_CLOEXEC'], protocol: 'IPPROTO_IP', socket: { inode: 49130 } });
  });

  it('decodes connect, bind, listen and accept addresses for every family', () => {
    const connects = ofType(events, 'connect');
    expect(connects.map((e) => [e.address, e.result.status === 'error' ? e.result.errno : 'ok'])).toEqual([
      [{ family: 'AF_INET', address: '127.0.0.1', port: 49185 }, 'ok'],
      [{ family: 'AF_INET', address: '127.0.0.1', port: 53 }, 'ok'],
      [{ family: 'AF_INET6', address: '::1', port: 9 }, 'ECONNREFUSED'],
      [{ family: 'AF_UNIX', path: '/tmp/fx/airlock.sock', abstract: false }, 'ok'],
    ]);
    expect(ofType(events, 'bind').map((e) => e.address)).toEqual([
      { family: 'AF_INET', address: '127.0.0.1', port: 0 },
      { family: 'AF_UNIX', path: '/tmp/fx/airlock.sock', abstract: false },
      { family: 'AF_UNIX', path: 'airlock-abstract', abstract: true },
    ]);
    const [tcpListen, unixListen] = ofType(events, 'listen');
    expect(tcpListen).toMatchObject({ fd: 3, backlog: 4, socket: { protocol: 'TCP', local: { address: '127.0.0.1', port: 49185 } } });
    expect(unixListen).toMatchObject({ backlog: 1, socket: { protocol: 'UNIX-STREAM', inode: 50179, path: '/tmp/fx/airlock.sock' } });
    const [tcpAccept, unixAccept] = ofType(events, 'accept');
    expect(tcpAccept).toMatchObject({
      fd: 3,
      newFd: 5,
      peer: { family: 'AF_INET', address: '127.0.0.1', port: 41994 },
      socket: { local: { address: '127.0.0.1', port: 49185 }, remote: { address: '127.0.0.1', port: 41994 } },
    });
    expect(unixAccept).toMatchObject({ newFd: 5, peer: { family: 'AF_UNIX', path: '' }, socket: { inode: 50186, peerInode: 50183 } });
  });

  it('keeps payload bytes of sends and receives, escapes decoded', () => {
    const sends = ofType(events, 'send');
    expect(sends).toHaveLength(5);
    expect(ascii(sends[0]!.data)).toBe('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // A NULL address on a connected TCP socket: the destination comes from the decoration.
    expect(sends[0]!.destination).toEqual({ family: 'AF_INET', address: '127.0.0.1', port: 49185 });
    expect(sends[0]!.size).toBe(35);
    // `"\0224\1\0..."`: octal \022 then the digit 4, i.e. DNS id 0x1234.
    expect([...sends[1]!.data!.slice(0, 4)]).toEqual([0x12, 0x34, 0x01, 0x00]);
    expect([...sends[4]!.data!]).toEqual([...'hello'].map((c) => c.charCodeAt(0)).concat([0, 0xff]));
    expect(sends[4]!.destination).toBeNull();
    const recvs = ofType(events, 'recv');
    expect(recvs.map((e) => [e.size, ascii(e.data).length, e.source?.family ?? null])).toEqual([
      [35, 35, 'AF_INET'],
      [7, 7, null],
    ]);
  });

  it('decodes DNS questions sent to port 53 by sendto and sendmsg', () => {
    const dns = ofType(events, 'dns');
    expect(dns.map((e) => [e.syscall, e.id, e.qname, e.qtype, e.qtypeCode, e.transport, e.server])).toEqual([
      ['sendto', 0x1234, 'example.com', 'A', 1, 'udp', { family: 'AF_INET', address: '127.0.0.1', port: 53 }],
      ['sendmsg', 0x4321, 'evil.test', 'AAAA', 28, 'udp', { family: 'AF_INET', address: '127.0.0.1', port: 53 }],
      ['sendmsg', 7, 'exfil.data.example.org', 'TXT', 16, 'udp', { family: 'AF_INET', address: '127.0.0.1', port: 53 }],
    ]);
    // Each DNS event directly follows the send that carried it.
    for (const d of dns) {
      const before = events[events.indexOf(d) - 1]!;
      expect(before.type).toBe('send');
      expect(before.ts).toBe(d.ts);
    }
  });
});

describe('node DNS, spawn and kill fixture', () => {
  const { events, stats } = parseFixture('node-dns-spawn-kill.strace');

  it('reads every line and joins the threads’ unfinished exits', () => {
    expect(stats.lines).toBe(70);
    expect(stats.unknown).toBe(0);
    expect(stats.unfinished).toBe(3);
    expect(stats.resumed).toBe(3);
  });

  it('decodes the c-ares TXT query sent on a connected UDP socket', () => {
    const [query] = ofType(events, 'dns');
    expect(query).toMatchObject({
      pid: 20191,
      syscall: 'sendto',
      id: 0xab6b,
      qname: 'payload.attacker.example',
      qtype: 'TXT',
      server: { family: 'AF_INET', address: '127.0.0.1', port: 53 },
      socket: { protocol: 'UDP', local: { address: '127.0.0.1', port: 52921 } },
    });
    // The reply never came: recvfrom failed and printed only a pointer.
    const [recv] = ofType(events, 'recv');
    expect(recv).toMatchObject({ data: null, size: null, result: { status: 'error', errno: 'ECONNREFUSED' } });
  });

  it('records the kill, the killed child and the SIGCHLD', () => {
    expect(ofType(events, 'kill')).toMatchObject([{ pid: 20191, targetPid: 20198, signal: 'SIGKILL', result: { status: 'ok' } }]);
    const childExit = ofType(events, 'exit').find((e) => e.pid === 20198)!;
    expect(childExit).toMatchObject({ source: 'status', code: null, signal: 'SIGKILL', coreDumped: false, result: { status: 'none' } });
    expect(ofType(events, 'signal')).toMatchObject([{ pid: 20191, signal: 'SIGCHLD', code: 'CLD_KILLED', senderPid: 20198 }]);
    const threads = ofType(events, 'spawn').filter((e) => e.thread);
    expect(threads.map((e) => e.childPid)).toEqual([20192, 20193, 20194, 20195, 20196, 20197]);
    expect(threads[0]!.syscall).toBe('clone3');
  });
});
