/** Unit tests of the low-level decoders the event builders rely on. */
import {
  countListItems,
  decodeEscapedBytes,
  decodeEscapedText,
  normalizeAbsolute,
  openIntent,
  parseCallResult,
  parseDnsQuery,
  parseFdArg,
  parseFlags,
  parseLineHeader,
  parseSocketAddress,
  parseValue,
  resolvePath,
  scanArgs,
} from '@airlock/strace';
import { describe, expect, it } from 'vitest';

describe('decodeEscapedBytes', () => {
  it('decodes every escape form strace uses', () => {
    expect([...decodeEscapedBytes('a\\0b')]).toEqual([97, 0, 98]);
    // Octal takes at most three digits: \0224 is byte 0o22 then "4".
    expect([...decodeEscapedBytes('\\0224')]).toEqual([0o22, 0x34]);
    expect([...decodeEscapedBytes('\\377\\x41\\x4a\\xf')]).toEqual([255, 0x41, 0x4a, 0xf]);
    expect([...decodeEscapedBytes('\\n\\t\\r\\v\\f\\"\\\\')]).toEqual([10, 9, 13, 11, 12, 34, 92]);
    expect(decodeEscapedText('caf\\303\\251')).toBe('café');
    expect(decodeEscapedText('plain')).toBe('plain');
  });

  it('never throws on malformed escapes', () => {
    expect([...decodeEscapedBytes('\\')]).toEqual([92]);
    expect([...decodeEscapedBytes('\\x')]).toEqual([120]);
    expect([...decodeEscapedBytes('\\q')]).toEqual([113]);
    expect(decodeEscapedText('\\377\\376')).toBe('\ufffd\ufffd');
  });
});

describe('scanArgs', () => {
  it('splits top-level arguments around strings, decorations and nesting', () => {
    const text = 'openat(AT_FDCWD</a,b)>, "x, y) = 1", [1, {a=2, b=(3)}], 3<TCP:[1.2.3.4:5->6.7.8.9:10]>) = 0';
    const scan = scanArgs(text, 6);
    expect(scan.args.map((a) => a.trim())).toEqual([
      'AT_FDCWD</a,b)>',
      '"x, y) = 1"',
      '[1, {a=2, b=(3)}]',
      '3<TCP:[1.2.3.4:5->6.7.8.9:10]>',
    ]);
    expect(text.slice(scan.close)).toBe(') = 0');
    expect(scan.wellFormed).toBe(true);
  });

  it('treats << as an operator, not a decoration', () => {
    const text = 'wait4(-1, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP | PTRACE_EVENT_EXEC << 16}], __WALL, NULL) = 5';
    expect(scanArgs(text, 5).args).toHaveLength(4);
  });

  it('reports zero arguments for f() and an unterminated string as not well-formed', () => {
    expect(scanArgs('vfork( ) = 3', 5).args).toEqual([]);
    expect(scanArgs('openat(AT_FDCWD, "/x', 6)).toMatchObject({ close: -1, wellFormed: false });
  });
});

describe('parseValue', () => {
  it('reads structs, arrays, calls, strings and atoms', () => {
    expect(parseValue('{sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")}')).toEqual({
      kind: 'struct',
      fields: [
        { name: 'sa_family', value: { kind: 'atom', text: 'AF_INET' } },
        { name: 'sin_port', value: { kind: 'call', name: 'htons', args: [{ kind: 'atom', text: '443' }] } },
        {
          name: 'sin_addr',
          value: { kind: 'call', name: 'inet_addr', args: [{ kind: 'string', body: '1.2.3.4', truncated: false, abstract: false }] },
        },
      ],
    });
    expect(parseValue('["a", "b"..., ...]')).toEqual({
      kind: 'array',
      items: [
        { kind: 'string', body: 'a', truncated: false, abstract: false },
        { kind: 'string', body: 'b', truncated: true, abstract: false },
      ],
      truncated: true,
    });
    expect(parseValue('@"abstract"')).toMatchObject({ kind: 'string', body: 'abstract', abstract: true });
    expect(parseValue('O_RDONLY|O_CLOEXEC')).toEqual({ kind: 'atom', text: 'O_RDONLY|O_CLOEXEC' });
    expect(parseValue('{WIFEXITED(s) && WEXITSTATUS(s) == 0}')).toEqual({
      kind: 'struct',
      fields: [{ name: null, value: { kind: 'atom', text: 'WIFEXITED(s) && WEXITSTATUS(s) == 0' } }],
    });
  });

  it('stops recursing on absurd nesting instead of overflowing the stack', () => {
    const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    expect(() => parseValue(deep)).not.toThrow();
    expect(parseValue(deep).kind).toBe('array');
  });

  it('counts list items without parsing them', () => {
    expect(countListItems('[{d_name="a,b"}, {d_name="]"}, {d_name="c"}]')).toBe(3);
    expect(countListItems('[]')).toBe(0);
    expect(countListItems('0x55d0')).toBeNull();
  });
});

describe('parseFdArg', () => {
  it('splits fd numbers from path and socket decorations', () => {
    expect(parseFdArg('AT_FDCWD</home/u>')).toEqual({ fd: null, atFdcwd: true, path: '/home/u', socket: null });
    expect(parseFdArg('3</tmp/x (deleted)>').path).toBe('/tmp/x');
    expect(parseFdArg('1</dev/pts/0<char 136:0>>').path).toBe('/dev/pts/0');
    expect(parseFdArg('7</tmp/a\\76b\\74c\\n>').path).toBe('/tmp/a>b<c\n');
    expect(parseFdArg('-100')).toEqual({ fd: -100, atFdcwd: false, path: null, socket: null });
    expect(parseFdArg('9<pipe:[1234]>')).toEqual({ fd: 9, atFdcwd: false, path: null, socket: null });
  });

  it('decodes socket decorations for inet, inet6 and unix sockets', () => {
    expect(parseFdArg('5<TCP:[10.0.0.2:40000->93.184.216.34:443]>').socket).toEqual({
      protocol: 'TCP',
      inode: null,
      peerInode: null,
      local: { address: '10.0.0.2', port: 40000 },
      remote: { address: '93.184.216.34', port: 443 },
      path: null,
      raw: 'TCP:[10.0.0.2:40000->93.184.216.34:443]',
    });
    expect(parseFdArg('6<TCPv6:[[::1]:40000->[2001:db8::1]:443]>').socket).toMatchObject({
      local: { address: '::1', port: 40000 },
      remote: { address: '2001:db8::1', port: 443 },
    });
    expect(parseFdArg('4<UNIX-STREAM:[47149->47146,"/run/a\\"b.sock"]>').socket).toMatchObject({
      inode: 47149,
      peerInode: 47146,
      path: '/run/a"b.sock',
    });
    expect(parseFdArg('3<UDP:[47129]>').socket).toMatchObject({ inode: 47129, local: null, remote: null });
  });
});

describe('parseSocketAddress', () => {
  it('decodes each family', () => {
    expect(parseSocketAddress('{sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}')).toEqual({
      family: 'AF_INET',
      address: '127.0.0.1',
      port: 8080,
    });
    expect(
      parseSocketAddress(
        '{sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "fe80::1", &sin6_addr), sin6_scope_id=if_nametoindex("eth0")}',
      ),
    ).toEqual({ family: 'AF_INET6', address: 'fe80::1', port: 53 });
    expect(parseSocketAddress('{sa_family=AF_UNIX, sun_path="/var/run/docker.sock"}')).toEqual({
      family: 'AF_UNIX',
      path: '/var/run/docker.sock',
      abstract: false,
    });
    expect(parseSocketAddress('NULL')).toBeNull();
    expect(parseSocketAddress('0x7ffc1234')).toBeNull();
  });
});

describe('parseCallResult', () => {
  it('reads success values, decorations, errors and unknowns', () => {
    expect(parseCallResult(' 0')).toEqual({ status: 'ok', value: 0, raw: '0' });
    expect(parseCallResult(' 3</etc/passwd>')).toEqual({ status: 'ok', value: 3, raw: '3</etc/passwd>' });
    expect(parseCallResult(' 0x7f1c2000')).toMatchObject({ status: 'ok', value: 0x7f1c2000 });
    expect(parseCallResult(' 1 (in [3])')).toMatchObject({ status: 'ok', value: 1 });
    expect(parseCallResult(' ?')).toEqual({ status: 'unknown', raw: '?' });
    expect(parseCallResult(' -1 (errno 512)')).toMatchObject({ status: 'error', errno: 'errno 512', message: null });
    expect(parseCallResult(' banana')).toEqual({ status: 'unknown', raw: 'banana' });
  });
});

describe('parseDnsQuery', () => {
  const query = (name: string, qtype: number, flags = 0x0100): Uint8Array => {
    const labels = name.split('.').flatMap((l) => [l.length, ...[...l].map((c) => c.charCodeAt(0))]);
    return new Uint8Array([0xbe, 0xef, flags >> 8, flags & 0xff, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, qtype >> 8, qtype & 0xff, 0, 1]);
  };

  it('reads the question of a query', () => {
    expect(parseDnsQuery(query('a.b.example', 28))).toEqual({
      id: 0xbeef,
      questions: [{ qname: 'a.b.example', qtype: 'AAAA', qtypeCode: 28 }],
    });
    expect(parseDnsQuery(query('x.example', 999))!.questions[0]!.qtype).toBe('TYPE999');
  });

  it('rejects responses, truncated messages and compression pointers', () => {
    expect(parseDnsQuery(query('a.example', 1, 0x8180))).toBeNull();
    expect(parseDnsQuery(query('a.example', 1).subarray(0, 20))).toBeNull();
    const pointer = query('a.example', 1);
    pointer[12] = 0xc0;
    expect(parseDnsQuery(pointer)).toBeNull();
  });

  it('escapes non-printable label bytes', () => {
    const bytes = query('ab.example', 16);
    bytes[14] = 0x00; // "a\000"
    expect(parseDnsQuery(bytes)!.questions[0]!.qname).toBe('a\\000.example');
  });
});

describe('paths, headers and intents', () => {
  it('normalises and resolves lexically', () => {
    expect(normalizeAbsolute('/a//b/./c/../d/')).toBe('/a/b/d');
    expect(normalizeAbsolute('/..')).toBe('/');
    expect(normalizeAbsolute('/home/u/.npm/_cacache')).toBe('/home/u/.npm/_cacache');
    expect(normalizeAbsolute('/a/...')).toBe('/a/...');
    expect(normalizeAbsolute('/a/.')).toBe('/a');
    expect(normalizeAbsolute('/a/b/..')).toBe('/a');
    expect(normalizeAbsolute('/')).toBe('/');
    expect(resolvePath('/home/u', '../x')).toBe('/home/x');
    expect(resolvePath(null, 'rel')).toBe('rel');
    expect(resolvePath('/base', '')).toBe('/base');
  });

  it('reads line headers', () => {
    expect(parseLineHeader('12345 1795485903.937297 socket(...)')).toEqual({ pid: 12345, ts: 1795485903.937297, bodyStart: 24 });
    expect(parseLineHeader('12 34 x')).toEqual({ pid: 12, ts: 34, bodyStart: 6 });
    expect(parseLineHeader('12 x')).toBeNull();
    expect(parseLineHeader('1795485903.1 x')).toEqual({ pid: 0, ts: 1795485903.1, bodyStart: 13 });
  });

  it('splits flags into fresh arrays even when the text repeats', () => {
    const first = parseFlags('O_RDONLY|O_CLOEXEC');
    first.push('MUTATED');
    expect(parseFlags('O_RDONLY|O_CLOEXEC')).toEqual(['O_RDONLY', 'O_CLOEXEC']);
    expect(parseFlags('0')).toEqual([]);
    expect(parseFlags(' SOCK_STREAM | SOCK_CLOEXEC')).toEqual(['SOCK_STREAM', 'SOCK_CLOEXEC']);
  });

  it('derives the open intent from flags', () => {
    expect(openIntent(['O_RDONLY', 'O_CLOEXEC'])).toBe('read');
    expect(openIntent(['O_WRONLY', 'O_APPEND'])).toBe('write');
    expect(openIntent(['O_RDWR', 'O_TRUNC'])).toBe('truncate');
    expect(openIntent(['O_RDONLY', 'O_TRUNC'])).toBe('read');
    expect(openIntent(['O_WRONLY', 'O_CREAT', 'O_TRUNC'])).toBe('create');
    expect(openIntent(['O_RDWR', 'O_TMPFILE'])).toBe('create');
  });
});
