import { execFile } from 'node:child_process';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { appendFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { Destination, NetworkRecord, TcpRecord } from '@airlock/core';
import { originalDestination } from './conntrack.js';
import { answerDnsQuery } from './dns-answer.js';
import { FakeAddressBook } from './fake-addresses.js';
import { httpOkResponse, looksLikeHttp, parseHttpRequest } from './http-request.js';
import { looksLikeTls, parseClientHello } from './tls-client-hello.js';
import { interceptTls, type CertificateAuthority, type Interception } from './tls-intercept.js';

export interface FakeInternetConfig {
  logFile: string;
  dnsPort: number;
  tcpPort: number;
  udpPort: number;
  /** Bytes of each TCP stream and UDP datagram kept in the log. */
  captureBytes: number;
  /** A connection that sends nothing for this long is closed. */
  idleMs: number;
  /**
   * The run's certificate authority, trusted inside the sandbox: TLS is terminated with a certificate for
   * the requested name and the HTTP request inside is recorded and answered. Without it a TLS connection
   * is closed after its ClientHello.
   */
  authority?: CertificateAuthority | null;
}

const now = () => Date.now() / 1000;

/**
 * The fake internet: DNS on `dnsPort` (UDP and TCP) answering every name, a TCP sink on `tcpPort` and a
 * UDP sink on `udpPort` that iptables redirect everything else to. Each DNS query, connection and
 * datagram becomes one JSON line in `logFile`; open connections are written when the service stops.
 */
export async function startFakeInternet(config: FakeInternetConfig): Promise<{ tcpPort: number; stop: () => Promise<void> }> {
  const book = new FakeAddressBook();
  const { lookup: lookupConntrack, drain } = conntrackLookups();
  const open = new Set<TcpRecord>();
  const write = (record: NetworkRecord) => appendFileSync(config.logFile, `${JSON.stringify(record)}\n`);

  const destinationOf = async (protocol: 'tcp' | 'udp', clientPort: number, servicePort: number): Promise<Destination> => {
    const found = await lookupConntrack(protocol, clientPort, servicePort);
    return { address: found?.address ?? null, port: found?.port ?? null, hostname: found ? book.nameFor(found.address) : null };
  };

  const dnsUdp = createSocket('udp4');
  dnsUdp.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    const time = now();
    const answer = answerDnsQuery(msg, book);
    if (!answer) return void recordDatagram(msg, rinfo);
    dnsUdp.send(answer.response, rinfo.port, rinfo.address);
    void destinationOf('udp', rinfo.port, config.dnsPort).then((server) =>
      write({
        kind: 'dns',
        time,
        transport: 'udp',
        clientPort: rinfo.port,
        server,
        qname: answer.qname,
        qtype: answer.qtype,
        answers: answer.answers,
      }),
    );
  });

  const dnsTcp = createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]).subarray(0, 65_537);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        buffered = buffered.subarray(2 + message.length);
        const time = now();
        const answer = answerDnsQuery(message, book);
        if (!answer) return void socket.destroy();
        const length = Buffer.alloc(2);
        length.writeUInt16BE(answer.response.length);
        socket.write(Buffer.concat([length, answer.response]));
        const clientPort = socket.remotePort ?? 0;
        void destinationOf('tcp', clientPort, config.dnsPort).then((server) =>
          write({
            kind: 'dns',
            time,
            transport: 'tcp',
            clientPort,
            server,
            qname: answer.qname,
            qtype: answer.qtype,
            answers: answer.answers,
          }),
        );
      }
    });
    socket.on('error', () => socket.destroy());
    socket.setTimeout(config.idleMs, () => socket.destroy());
  });

  const recordDatagram = (msg: Buffer, rinfo: RemoteInfo) => {
    const time = now();
    void destinationOf('udp', rinfo.port, config.udpPort).then((destination) =>
      write({
        kind: 'udp',
        time,
        clientPort: rinfo.port,
        destination,
        data: msg.subarray(0, config.captureBytes).toString('base64'),
        bytes: msg.length,
        truncated: msg.length > config.captureBytes,
      }),
    );
  };
  const udpSink = createSocket('udp4');
  udpSink.on('message', recordDatagram);

  const tcpSink = createServer((socket) => handleTcp(socket));
  const handleTcp = (socket: Socket) => {
    const record: TcpRecord = {
      kind: 'tcp',
      time: now(),
      endTime: 0,
      clientPort: socket.remotePort ?? 0,
      destination: { address: null, port: null, hostname: null },
      protocol: 'none',
      http: null,
      tls: null,
      firstBytes: '',
      bytes: 0,
      truncated: false,
    };
    open.add(record);
    let captured = Buffer.alloc(0);
    let answered = false;
    const lookup = destinationOf('tcp', record.clientPort, config.tcpPort).then((d) => (record.destination = d));
    // TLS interception: bytes that arrive while the certificate is being made wait in `pending`.
    let interception: Interception | null = null;
    let pending: Buffer[] | null = null;
    let ended = false;
    let plain = Buffer.alloc(0);
    /** Records the HTTP request in `bytes` (clear or decrypted) and answers it once, when it is complete. */
    const answerHttp = (bytes: Buffer, reply: (answer: Buffer) => void) => {
      const request = parseHttpRequest(bytes);
      if (request) record.http = request;
      if (request?.complete && !answered) {
        answered = true;
        reply(httpOkResponse());
      }
    };
    const onPlain = (chunk: Buffer, reply: (answer: Buffer) => void) => {
      if (plain.length < config.captureBytes) plain = Buffer.concat([plain, chunk]).subarray(0, config.captureBytes);
      if (looksLikeHttp(plain) && !record.http?.complete) answerHttp(plain, reply);
    };
    const intercept = async (hello: NonNullable<TcpRecord['tls']>, authority: CertificateAuthority) => {
      pending = [captured];
      const name = hello.sni ?? (await lookup).address;
      const context = name ? await authority.contextFor(name) : null;
      if (!context || socket.destroyed) return void socket.end();
      interception = interceptTls(socket, context, { onSecure: () => (hello.intercepted = true), onPlain });
      for (const chunk of pending) interception.push(chunk);
      pending = null;
      if (ended) interception.end();
    };
    const finish = () => {
      if (!open.delete(record)) return;
      record.endTime = now();
      void lookup.finally(() => write(record));
    };
    socket.on('data', (chunk: Buffer) => {
      record.bytes += chunk.length;
      if (captured.length < config.captureBytes) captured = Buffer.concat([captured, chunk]).subarray(0, config.captureBytes);
      record.truncated = record.bytes > captured.length;
      record.firstBytes = captured.toString('base64');
      if (interception) return void interception.push(chunk);
      if (pending) return void pending.push(chunk);
      if (looksLikeTls(captured)) {
        record.protocol = 'tls';
        const hello = parseClientHello(captured);
        if (hello && !answered) {
          record.tls = hello;
          if (config.authority) void intercept(hello, config.authority);
          else {
            answered = true;
            socket.end(); // no certificate could be trusted: close politely after the hello
          }
        }
      } else if (looksLikeHttp(captured)) {
        record.protocol = 'http';
        answerHttp(captured, (answer) => socket.end(answer));
      } else record.protocol = 'unknown';
    });
    socket.on('end', () => {
      ended = true;
      interception?.end();
    });
    socket.on('close', finish);
    socket.on('error', () => socket.destroy());
    socket.setTimeout(config.idleMs, () => socket.destroy());
  };

  await Promise.all([
    // 127.0.0.1, where REDIRECT delivers: replies then carry the address the redirected flow expects.
    new Promise<void>((r) => dnsUdp.bind(config.dnsPort, '127.0.0.1', () => r())),
    new Promise<void>((r) => dnsTcp.listen(config.dnsPort, '127.0.0.1', () => r())),
    new Promise<void>((r) => udpSink.bind(config.udpPort, '127.0.0.1', () => r())),
    new Promise<void>((r) => tcpSink.listen(config.tcpPort, '127.0.0.1', () => r())),
  ]);

  return {
    /** Where the TCP sink listens (the configured port, or the one the system chose for port 0). */
    tcpPort: (tcpSink.address() as AddressInfo).port,
    stop: async () => {
      await drain();
      for (const record of [...open]) {
        open.delete(record);
        record.endTime = now();
        write(record);
      }
      dnsUdp.close();
      udpSink.close();
      dnsTcp.close();
      tcpSink.close();
    },
  };
}

const LOOKUP_BATCH_MS = 100;

/**
 * Asks the kernel's connection tracking where redirected flows were going before redirection. Lookups
 * are batched: one `conntrack -L` per 100 ms answers all pending ones, so a burst of connections costs
 * one process start, not one each (the service shares the CPU with the analysed package).
 */
function conntrackLookups() {
  let pending: {
    protocol: 'tcp' | 'udp';
    clientPort: number;
    servicePort: number;
    resolve: (d: { address: string; port: number } | null) => void;
  }[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const batch = pending;
    pending = [];
    execFile('conntrack', ['-L'], { timeout: 2000, maxBuffer: 64 * 1024 * 1024 }, (_err, stdout) => {
      for (const p of batch) p.resolve(originalDestination(String(stdout ?? ''), p.protocol, p.clientPort, p.servicePort));
    });
  };
  const inFlight = new Set<Promise<unknown>>();
  const lookup = (protocol: 'tcp' | 'udp', clientPort: number, servicePort: number) => {
    const promise = new Promise<{ address: string; port: number } | null>((resolve) => {
      pending.push({ protocol, clientPort, servicePort, resolve });
      timer ??= setTimeout(flush, LOOKUP_BATCH_MS);
    });
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  };
  /** Runs the pending lookups now and waits for them (and the records waiting on them). */
  const drain = async () => {
    if (timer) {
      clearTimeout(timer);
      flush();
    }
    await Promise.all([...inFlight]);
    await new Promise((r) => setImmediate(r));
  };
  return { lookup, drain };
}
