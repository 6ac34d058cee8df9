/** The pieces of the gVisor reader: framing, line grammar, quoting, argument splitting and translation. */
import { describe, expect, it } from 'vitest';
import { splitArgs } from '../src/gvisor/arg-split.js';
import { callResult, errnoName } from '../src/gvisor/errno.js';
import { parseFrame, parseLogTime } from '../src/gvisor/frame.js';
import { parseCallLine, parseLogHead } from '../src/gvisor/log-line.js';
import { translateMsghdr } from '../src/gvisor/msghdr-text.js';
import { cEscape, decodeGoBody, goBodyToC, goStringStart, skipGoString } from '../src/gvisor/quoting.js';
import { splitExecText } from '../src/gvisor/root-execs.js';
import { formatIpv6, translateSockaddr } from '../src/gvisor/sockaddr-text.js';
import { parseSocketAddress, parseValue, stringText } from '@airlock/strace';

describe('framing', () => {
  it('turns RFC 3339 times with 0 to 9 fraction digits into epoch seconds at microsecond precision', () => {
    expect(parseLogTime('2026-12-04T20:32:08.596107524Z')).toBe(1796416328.596108);
    expect(parseLogTime('2026-12-04T20:32:08.00993195Z')).toBe(1796416328.009932);
    expect(parseLogTime('2026-12-04T20:32:08Z')).toBe(1796416328);
    expect(parseLogTime('2026-12-04T21:32:08.5+01:00')).toBe(1796416328.5);
    expect(parseLogTime('2026-12-04 20:32:08Z')).toBeNull();
  });

  it('gives the same time for the same text whatever came before (the minute is memoised)', () => {
    const times = [
      '2026-12-04T20:32:08.0000005Z',
      '2026-12-04T20:32:59.9999995Z',
      '2026-12-04T20:33:00.123456789Z',
      '2026-12-04T20:32:08.5Z',
      '2027-01-01T00:00:00Z',
    ];
    const forward = times.map(parseLogTime);
    const backward = [...times].reverse().map(parseLogTime).reverse();
    expect(backward).toEqual(forward);
    expect(forward).toEqual([1796416328.000001, 1796416380, 1796416380.123457, 1796416328.5, 1798761600]);
  });

  it('accepts only JSON objects with a string msg and a valid time', () => {
    expect(parseFrame('{"msg":"a","level":"info","time":"2026-12-04T20:32:08Z"}')).toEqual({ msg: 'a', ts: 1796416328 });
    expect(parseFrame('{"msg":1,"time":"2026-12-04T20:32:08Z"}')).toBeNull();
    expect(parseFrame('{"msg":"a","time":"yesterday"}')).toBeNull();
    expect(parseFrame('{"msg":"a"')).toBeNull();
    expect(parseFrame('[1]')).toBeNull();
    expect(parseFrame('I1204 20:25:26.778603   21525 strace.go:567] x')).toBeNull();
  });
});

describe('line grammar', () => {
  it('reads the source, the padded task ids and the body', () => {
    expect(parseLogHead('strace.go:570] [   3:   3] sh E openat()')).toEqual({ source: 'strace.go', tgid: 3, tid: 3, body: 27 });
    expect(parseLogHead('strace.go:570] [12345:12346] x')).toMatchObject({ tgid: 12345, tid: 12346 });
    expect(parseLogHead('kernel.go:1043] EXEC: [sh]')).toEqual({ source: 'kernel.go', tgid: null, tid: null, body: 16 });
    expect(parseLogHead('no prefix')).toBeNull();
    expect(parseLogHead('strace.go:570] [ 3: x] sh')).toBeNull();
  });

  it('splits entry and exit lines, and the return value, errno and its text', () => {
    const entry = 'strace.go:570] [   3:   3] sh E openat(AT_FDCWD /, 0x1 /a, O_RDONLY, 0o0)';
    const e = parseCallLine(entry, 27, undefined)!;
    expect(e).toMatchObject({ exit: false, comm: 'sh', name: 'openat', ret: null });
    expect(entry.slice(e.argsStart, e.argsEnd)).toBe('AT_FDCWD /, 0x1 /a, O_RDONLY, 0o0');
    const exit =
      'strace.go:608] [   2:   2] sleep X openat(AT_FDCWD /, 0x7e /x, O_RDONLY, 0o0) = 0 (0x0) errno=2 (no such file or directory) (96.774µs)';
    expect(parseCallLine(exit, 27, undefined)).toMatchObject({
      exit: true,
      comm: 'sleep',
      ret: { value: 0, errno: 2, message: 'no such file or directory' },
    });
    const ok = 'strace.go:596] [   3:   3] sh X vfork() = 4 (0x4) (120.84µs)';
    expect(parseCallLine(ok, 27, undefined)).toMatchObject({ name: 'vfork', argsStart: 38, argsEnd: 38, ret: { value: 4, errno: null } });
    expect(parseCallLine('strace.go:1] [ 1: 1] sh X vfork() = 4', 22, undefined)).toBeNull();
  });

  it('finds the syscall after a comm with spaces, preferring the comm known for the task', () => {
    const msg = 'strace.go:570] [  24:  24] npm install E openat(AT_FDCWD /, 0x1 /a, O_RDONLY, 0o0)';
    expect(parseCallLine(msg, 27, undefined)).toMatchObject({ comm: 'npm install', name: 'openat' });
    // A comm that itself looks like `x E name(`: the known comm settles it.
    const tricky = 'strace.go:570] [   5:   5] a E kill( E unlink(0x1 /etc/passwd)';
    expect(parseCallLine(tricky, 27, undefined)).toMatchObject({ comm: 'a', name: 'kill' });
    expect(parseCallLine(tricky, 27, 'a E kill(')).toMatchObject({ comm: 'a E kill(', name: 'unlink' });
    expect(parseCallLine('strace.go:1] [ 1: 1]  E vfork()', 21, undefined)).toMatchObject({ comm: '', name: 'vfork' });
  });

  it('names errnos as strace does and capitalizes Go error texts like strerror', () => {
    expect([errnoName(2), errnoName(13), errnoName(111), errnoName(115), errnoName(512), errnoName(41), errnoName(9999)]).toEqual([
      'ENOENT',
      'EACCES',
      'ECONNREFUSED',
      'EINPROGRESS',
      'ERESTARTSYS',
      'errno 41',
      'errno 9999',
    ]);
    expect(callResult({ value: 0, errno: 13, message: 'permission denied' })).toEqual({
      status: 'error',
      errno: 'EACCES',
      message: 'Permission denied',
      raw: '-1 EACCES (Permission denied)',
    });
    expect(callResult({ value: 17, errno: null, message: null })).toEqual({ status: 'ok', value: 17, raw: '17' });
  });
});

describe('quoting', () => {
  it('decodes every Go escape to bytes', () => {
    const body = String.raw`a\"b\\c\n\t\x00\xff\u00e9\U0001f4a5é` + '💥';
    expect([...decodeGoBody(body)]).toEqual([
      ...Buffer.from('a"b\\c\n\t'),
      0,
      255,
      0xc3,
      0xa9,
      0xf0,
      0x9f,
      0x92,
      0xa5,
      0xc3,
      0xa9,
      0xf0,
      0x9f,
      0x92,
      0xa5,
    ]);
  });

  it("re-escapes in strace's style, which the existing decoders read back to the same text", () => {
    expect(cEscape(Buffer.from('a"\\\n\x01\xff<', 'latin1'))).toBe('a\\"\\\\\\n\\001\\377<');
    expect(cEscape(Buffer.from('<>'), true)).toBe('\\074\\076');
    for (const text of ['plain', 'quote " and \\ back', 'nl\nname', 'é ünïcode 💥', 'tab\there']) {
      const goBody = JSON.stringify(text).slice(1, -1); // JSON's escapes are a subset of Go's %q
      expect(stringText(parseValue(`"${goBodyToC(goBody)}"`))).toBe(text);
    }
  });

  it('finds string ends in both directions through escaped quotes and backslashes', () => {
    const text = String.raw`["a\"b", "c\\", "d"]`;
    expect(skipGoString(text, 1)).toBe(7);
    expect(skipGoString(text, 9)).toBe(14);
    expect(goStringStart(text, 13)).toBe(9);
    expect(goStringStart(text, 6)).toBe(1);
    expect(skipGoString('"open', 0)).toBe(-1);
  });
});

describe('argument splitting', () => {
  it('keeps `, ` inside a raw path, parsing the known shapes from both ends', () => {
    const text = 'AT_FDCWD /home/jordan, 0x555bf9a17ac0 weird, name with spaces, O_WRONLY|O_CREAT|O_TRUNC, 0o666';
    expect(splitArgs(text, 0, text.length, ['fd', 'path', 'openflags', 'mode'])).toEqual([
      'AT_FDCWD /home/jordan',
      '0x555bf9a17ac0 weird, name with spaces',
      'O_WRONLY|O_CREAT|O_TRUNC',
      '0o666',
    ]);
  });

  it('uses the known cwd where a directory name would make the split ambiguous', () => {
    const text = 'AT_FDCWD /tmp/d, 0x5 q, 0x7ffd1234 file, O_RDONLY, 0o0';
    const kinds = ['fd', 'path', 'openflags', 'mode'] as const;
    expect(splitArgs(text, 0, text.length, kinds)![1]).toBe('0x5 q, 0x7ffd1234 file');
    expect(splitArgs(text, 0, text.length, kinds, 'AT_FDCWD /tmp/d, 0x5 q')![1]).toBe('0x7ffd1234 file');
  });

  it('splits calls with several free arguments and a hex dirfd between them', () => {
    const text = 'AT_FDCWD /home/jordan, 0x7eb9c707bf23 a, b, 0xffffff9c, 0x7eb9c707bf33 c, d, 0x1';
    expect(splitArgs(text, 0, text.length, ['fd', 'path', 'dirfd', 'path', 'renameflags'])).toEqual([
      'AT_FDCWD /home/jordan',
      '0x7eb9c707bf23 a, b',
      '0xffffff9c',
      '0x7eb9c707bf33 c, d',
      '0x1',
    ]);
    const link = '0x7eebbbf61f20 b, c, AT_FDCWD /home/jordan/eqv, 0x7eebbbf61f26 link.txt';
    expect(splitArgs(link, 0, link.length, ['path', 'fd', 'path'])).toEqual([
      '0x7eebbbf61f20 b, c',
      'AT_FDCWD /home/jordan/eqv',
      '0x7eebbbf61f26 link.txt',
    ]);
  });

  it('takes bracketed arguments whole, Go strings with brackets and quotes included', () => {
    const text = String.raw`0x1 /bin/sh, 0x2 ["sh", "-c", "echo \"], [x\", y"], 0x3 ["A=1, B"]`;
    expect(splitArgs(text, 0, text.length, ['path', 'vec', 'vec'])).toEqual([
      '0x1 /bin/sh',
      String.raw`0x2 ["sh", "-c", "echo \"], [x\", y"]`,
      '0x3 ["A=1, B"]',
    ]);
    const empty = '0x11 /etc/hostname, 0x3fdefdf , 0x1000, 0xfff, 0x7ef97795ef10';
    expect(splitArgs(empty, 0, empty.length, ['fd', 'path', 'atflags', 'hex', 'hex'])![1]).toBe('0x3fdefdf ');
  });

  it('rejects text that does not fit the shapes instead of guessing', () => {
    expect(splitArgs('0x1, 0x2', 0, 8, ['int'])).toBeNull();
    expect(splitArgs('garbage', 0, 7, ['fd', 'path'])).toBeNull();
    expect(splitArgs('', 0, 0, [])).toEqual([]);
  });

  it('gives up within its budget on a line built to make the search explode', () => {
    const path = Array.from({ length: 600 }, () => 'x, 0x1 ').join('');
    const text = `AT_FDCWD /a, 0x1 ${path}, 0xffffff9c, 0x2 ${path}, 0x0`;
    const started = performance.now();
    splitArgs(text, 0, text.length, ['fd', 'path', 'dirfd', 'path', 'renameflags']);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('argument translation', () => {
  it("writes sockaddrs as strace does, so strace's decoder reads them", () => {
    const v4 = translateSockaddr('0x7ee28dce8cb0 {Family: AF_INET, Addr: 127.0.0.1, Port: 9}');
    expect(v4).toBe('{sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}');
    expect(parseSocketAddress(v4)).toEqual({ family: 'AF_INET', address: '127.0.0.1', port: 9 });
    expect(parseSocketAddress(translateSockaddr('0x1 {Family: AF_INET, Addr: , Port: 0}'))).toEqual({
      family: 'AF_INET',
      address: '0.0.0.0',
      port: 0,
    });
    expect(parseSocketAddress(translateSockaddr('0x1 {Family: AF_INET6, Addr: ::1, Port: 443}'))).toEqual({
      family: 'AF_INET6',
      address: '::1',
      port: 443,
    });
    expect(parseSocketAddress(translateSockaddr('0x1 {Family: AF_INET6, Addr: , Port: 80}'))).toEqual({
      family: 'AF_INET6',
      address: '::',
      port: 80,
    });
    expect(
      parseSocketAddress(translateSockaddr('0x1 {Family: AF_UNIX, error extracting address: address family not supported by protocol}')),
    ).toEqual({
      family: 'AF_UNIX',
      path: '',
      abstract: false,
    });
    expect(parseSocketAddress(translateSockaddr(String.raw`0x1 {Family: AF_UNIX, Addr: "/run/x.sock"}`))).toEqual({
      family: 'AF_UNIX',
      path: '/run/x.sock',
      abstract: false,
    });
    expect(parseSocketAddress(translateSockaddr(String.raw`0x1 {Family: AF_UNIX, Addr: "\x00name"}`))).toEqual({
      family: 'AF_UNIX',
      path: 'name',
      abstract: true,
    });
    expect(parseSocketAddress(translateSockaddr('0x1 {Family: AF_NETLINK, PortID: 0, Groups: 0}'))).toMatchObject({
      family: 'other',
      name: 'AF_NETLINK',
    });
    expect(translateSockaddr('null')).toBe('NULL');
    expect(translateSockaddr('0x7eec17f7d1a0')).toBe('0x7eec17f7d1a0');
    expect(translateSockaddr('0x1 {error reading address: bad address}')).toBe('0x1');
  });

  it("formats IPv6 as inet_ntop does, with embedded IPv4 in strace's dotted form", () => {
    expect(formatIpv6('::ffff:c612:1')).toBe('::ffff:198.18.0.1');
    expect(formatIpv6('fe80::1:0:0:1')).toBe('fe80::1:0:0:1');
    expect(formatIpv6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6('::1')).toBe('::1');
    expect(formatIpv6('::')).toBe('::');
    expect(formatIpv6('not an address')).toBe('not an address');
  });

  it('writes msghdrs with their iovec payloads as strace does', () => {
    const entry = String.raw`0x7e {name=0x7eb20, namelen=16, iovecs=0x7eb8 {base=0x6cc2750, len=6, "hi\n\x00\"}"}, {base=0x1, len=0}, control={0x0 }, flags=0}`;
    const text = translateMsghdr(entry);
    expect(text).toBe(
      String.raw`{msg_name=0x7eb20, msg_namelen=16, msg_iov=[{iov_base="hi\n\000\"}", iov_len=6}, {iov_base="", iov_len=0}], msg_iovlen=2, msg_controllen=0, msg_flags=0}`,
    );
    const cut = translateMsghdr('0x7e {name=0x0, namelen=0, iovecs=0x7 {base=0x6, len=9000, "AB"...}, control={0x0 }, flags=0}');
    expect(cut).toContain('msg_name=NULL');
    expect(cut).toContain('iov_base="AB"..., iov_len=9000');
    // The exit line of a sendmsg has no payload: the base stays a pointer, so no data is claimed.
    expect(
      translateMsghdr('0x7e {name=0x0, namelen=0, iovecs=0x7 {base=0x6cbedb8, len=29}, control=0x0, control_len=0, flags=0}'),
    ).toContain('iov_base=0x6cbedb8');
    expect(translateMsghdr('0x7e (error decoding msghdr: bad address)')).toBe('0x7e');
  });

  it("splits EXEC's space-joined argv, keeping a shell's -c script whole", () => {
    expect(splitExecText('/sbin/docker-init -- sleep infinity')).toEqual(['/sbin/docker-init', '--', 'sleep', 'infinity']);
    expect(splitExecText('sh -c npm install --ignore-scripts x')).toEqual(['sh', '-c', 'npm install --ignore-scripts x']);
    expect(splitExecText('/bin/bash -c a b')).toEqual(['/bin/bash', '-c', 'a b']);
    expect(splitExecText('sh /w/work.sh')).toEqual(['sh', '/w/work.sh']);
  });
});
