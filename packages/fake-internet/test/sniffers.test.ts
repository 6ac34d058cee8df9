import { describe, expect, it } from 'vitest';
import { DestinationTable, originalDestination, parseConntrackLine } from '../src/conntrack.js';
import { httpOkResponse, looksLikeHttp, parseHttpRequest } from '../src/http-request.js';
import { looksLikeTls, parseClientHello } from '../src/tls-client-hello.js';

/** A minimal TLS 1.3 ClientHello with SNI and ALPN extensions, built byte by byte. */
function clientHello(sni: string, alpn: string[]): Buffer {
  const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
  const ext = (type: number, body: Buffer) => Buffer.concat([u16(type), u16(body.length), body]);
  const name = Buffer.from(sni);
  const sniExt = ext(0, Buffer.concat([u16(name.length + 3), Buffer.from([0]), u16(name.length), name]));
  const protos = Buffer.concat(alpn.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])));
  const alpnExt = ext(16, Buffer.concat([u16(protos.length), protos]));
  const versionsExt = ext(43, Buffer.from([4, 0x03, 0x04, 0x03, 0x03]));
  const extensions = Buffer.concat([sniExt, alpnExt, versionsExt]);
  const body = Buffer.concat([
    u16(0x0303),
    Buffer.alloc(32, 7),
    Buffer.from([0]),
    u16(2),
    u16(0x1301),
    Buffer.from([1, 0]),
    u16(extensions.length),
    extensions,
  ]);
  const handshake = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), u16(handshake.length), handshake]);
}

describe('parseClientHello', () => {
  it('reads SNI, ALPN and the highest offered version', () => {
    const hello = clientHello('exfil.example.com', ['h2', 'http/1.1']);
    expect(looksLikeTls(hello)).toBe(true);
    expect(parseClientHello(hello)).toEqual({ sni: 'exfil.example.com', alpn: ['h2', 'http/1.1'], version: 'TLS1.3', intercepted: false });
  });
  it('waits for the whole record and survives every truncation', () => {
    const hello = clientHello('a.example', ['h2']);
    for (let n = 0; n < hello.length; n++) expect(parseClientHello(hello.subarray(0, n))).toBeNull();
  });
  it('ignores lengths that point past the record', () => {
    const hello = clientHello('b.example', []);
    hello.writeUInt16BE(0xffff, hello.length - 9);
    expect(() => parseClientHello(hello)).not.toThrow();
  });
});

describe('parseHttpRequest', () => {
  const post = Buffer.from(
    'POST /collect?id=7 HTTP/1.1\r\nHost: evil.example.com\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"env":"AWS"}',
  );
  it('parses method, target, host, headers and body', () => {
    expect(looksLikeHttp(post)).toBe(true);
    expect(parseHttpRequest(post)).toMatchObject({
      method: 'POST',
      target: '/collect?id=7',
      version: 'HTTP/1.1',
      host: 'evil.example.com',
      body: '{"env":"AWS"}',
      bodyBytes: 13,
      complete: true,
    });
  });
  it('says a request is incomplete until the declared body is there', () => {
    expect(parseHttpRequest(post.subarray(0, post.length - 4))?.complete).toBe(false);
    expect(parseHttpRequest(post.subarray(0, 20))).toBeNull();
  });
  it('rejects what is not HTTP', () => {
    expect(looksLikeHttp(Buffer.from('\x16\x03\x01'))).toBe(false);
    expect(parseHttpRequest(Buffer.from('HELLO\r\n\r\n'))).toBeNull();
  });
  it('answers 200 with a body length that matches', () => {
    const text = httpOkResponse().toString();
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const [head, body] = text.split('\r\n\r\n');
    expect(Number(/Content-Length: (\d+)/.exec(head!)![1])).toBe(Buffer.byteLength(body!));
  });
});

describe('originalDestination', () => {
  const out = [
    'tcp      6 431999 ESTABLISHED src=10.213.0.2 dst=203.0.113.7 sport=41234 dport=4444 src=127.0.0.1 dst=10.213.0.2 sport=15001 dport=41234 [ASSURED] mark=0 use=1',
    'udp      17 29 src=10.213.0.2 dst=8.8.8.8 sport=5353 dport=53 src=127.0.0.1 dst=10.213.0.2 sport=53 dport=5353 mark=0 use=1',
    'udp      17 29 src=10.213.0.2 dst=198.51.100.9 sport=5353 dport=9999 src=127.0.0.1 dst=10.213.0.2 sport=15002 dport=5353 mark=0 use=1',
  ].join('\n');
  it('finds the original tuple by client port, service port and protocol', () => {
    expect(originalDestination(out, 'tcp', 41234, 15001)).toEqual({ address: '203.0.113.7', port: 4444 });
    expect(originalDestination(out, 'udp', 5353, 53)).toEqual({ address: '8.8.8.8', port: 53 });
    expect(originalDestination(out, 'udp', 5353, 15002)).toEqual({ address: '198.51.100.9', port: 9999 });
    expect(originalDestination(out, 'tcp', 5353, 15001)).toBeNull();
    expect(originalDestination('', 'tcp', 1, 15001)).toBeNull();
  });
});

describe('conntrack entries keyed as the service sees the client', () => {
  // One UDP socket (port 40000) sent to two destinations: NAT remapped the second flow's port (reply dport 1025).
  const listing = [
    'udp      17 29 src=10.213.0.2 dst=198.51.100.1 sport=40000 dport=10000 [UNREPLIED] src=127.0.0.1 dst=10.213.0.2 sport=15002 dport=40000 mark=0 use=1',
    'udp      17 29 src=10.213.0.2 dst=198.51.100.2 sport=40000 dport=10001 [UNREPLIED] src=127.0.0.1 dst=10.213.0.2 sport=15002 dport=1025 mark=0 use=1',
  ].join('\n');
  it('uses the reply tuple port, so remapped flows keep their own destinations', () => {
    expect(originalDestination(listing, 'udp', 40000, 15002)).toEqual({ address: '198.51.100.1', port: 10000 });
    expect(originalDestination(listing, 'udp', 1025, 15002)).toEqual({ address: '198.51.100.2', port: 10001 });
  });

  it('parses event lines and keeps a bounded table: TCP entries taken once, UDP entries kept, the oldest forgotten', async () => {
    const event = parseConntrackLine(
      '    [NEW] tcp      6 120 SYN_SENT src=10.213.0.2 dst=203.0.113.7 sport=36850 dport=4444 [UNREPLIED] src=127.0.0.1 dst=10.213.0.2 sport=15001 dport=36850',
    )!;
    expect(event).toEqual({ protocol: 'tcp', clientPort: 36850, servicePort: 15001, address: '203.0.113.7', port: 4444 });
    const table = new DestinationTable(2);
    const never = () => new Promise<void>(() => {});
    const now = () => Promise.resolve();
    table.add(event);
    expect(await table.take('tcp', 36850, 15001, now, 10)).toEqual({ address: '203.0.113.7', port: 4444 });
    expect(await table.take('tcp', 36850, 15001, now, 10)).toBeNull();
    // A lookup before its event waits for it.
    const waiting = table.take('tcp', 36850, 15001, never, 10);
    table.add(event);
    expect(await waiting).toEqual({ address: '203.0.113.7', port: 4444 });
    expect(table.size).toBe(0);
    for (let port = 1; port <= 3; port++)
      table.add({ protocol: 'udp', clientPort: port, servicePort: 15002, address: '198.51.100.1', port: 9 });
    expect(table.size).toBe(2);
    expect(await table.take('udp', 1, 15002, now, 0)).toBeNull();
    expect(await table.take('udp', 3, 15002, now, 0)).toEqual({ address: '198.51.100.1', port: 9 });
    expect(await table.take('udp', 3, 15002, now, 0)).not.toBeNull();
  });
});
