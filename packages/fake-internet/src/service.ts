import { execFile, spawn } from 'node:child_process';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Destination, ServiceStatsLine, TcpLogLine, TcpRecord } from '@airlock/core';
import { findNeedle, isOwnService, TokenSearch, type SearchedToken, type StreamHit } from '@airlock/honeytokens';
import { conntrackListing, DestinationTable, parseConntrackLine } from './conntrack.js';
import { answerDnsQuery } from './dns-answer.js';
import { ADDRESS_POOL_SIZE, FakeAddressBook } from './fake-addresses.js';
import { httpOkResponse, looksLikeHttp, parseHttpRequest } from './http-request.js';
import { HttpRequestStream } from './http-stream.js';
import { NetworkLogWriter } from './network-log.js';
import type { PypiMirror } from './pypi-mirror.js';
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
  /** The values planted in the sandbox, searched in every byte of every flow (see `startFakeInternet`). */
  tokens?: SearchedToken[];
  /** Connections open at once; more are closed at accept, counted. Default 10,000. */
  maxOpenConnections?: number;
  /** TLS connections decrypted at once (each holds a TLS engine); more are closed after their hello, counted. Default 1,000. */
  maxIntercepted?: number;
  /** Payload bytes held for records across all open connections; past it, records keep less (counted). Default 64 MiB. */
  captureBudgetBytes?: number;
  /** The log's size cap for records (findings, failures and stats are always written). Default 1 GiB. */
  maxLogBytes?: number;
  /** Learn original destinations from a `conntrack -E` event stream (needs conntrack and NET_ADMIN). Default true. */
  conntrackEvents?: boolean;
  /** Wheels served as pypi.org's simple index to code that pip-installs at run time (pypi-mirror.ts). */
  pypiMirror?: PypiMirror | null;
}

export interface FakeInternet {
  tcpPort: number;
  /** Records an error the service caught at its top level, as a `failure` line. */
  fail(err: unknown): void;
  stop(): Promise<void>;
}

const now = () => Date.now() / 1000;
/** How long a flow waits for its conntrack event before asking `conntrack -L`. */
const EVENT_WAIT_MS = 500;
const STATS_EVERY_MS = 1000;
const MAX_FINDINGS = 10_000;
const MAX_FAILURES = 1000;

/**
 * The fake internet: DNS on `dnsPort` (UDP and TCP) answering every name, a TCP sink on `tcpPort` and a
 * UDP sink on `udpPort` that iptables redirect everything else to. Each DNS query and datagram becomes one
 * JSON line in `logFile`; each connection is written as it goes (see `TcpLogLine`).
 *
 * The honeytoken search runs here, over every byte of every flow as it arrives (`StreamMatcher`, every
 * request of a keep-alive connection via `HttpRequestStream`, decrypted TLS included), and writes a
 * `honeytoken` line per token and flow. Why here and not on the host: the host would need whole flows
 * in the log, and a package can send gigabytes (filler before the token), so any log cap would again
 * blind it; here memory per flow is the overlap window, whatever the flow's size, and the only values the
 * service needs are the planted ones (given by the host at start, in this trusted container only). The host
 * still searches the records it gets (the first bytes of each flow) and merges both.
 *
 * Bounds, each counted in a `stats` line (the host turns them into evidence gaps): open connections,
 * concurrent TLS interceptions, bytes held for records (per flow and in total), the log's size, the fake
 * address pool (recycled, never exhausted), and findings.
 */
export async function startFakeInternet(config: FakeInternetConfig): Promise<FakeInternet> {
  const maxOpen = config.maxOpenConnections ?? 10_000;
  const maxIntercepted = config.maxIntercepted ?? 1000;
  const budget = config.captureBudgetBytes ?? 64 * 1024 ** 2;
  const tokenSearch = new TokenSearch(config.tokens ?? []);
  const searches = tokenSearch.searches;
  const log = new NetworkLogWriter(config.logFile, config.maxLogBytes ?? 1024 ** 3);
  const book = new FakeAddressBook();
  const stats: ServiceStatsLine = {
    kind: 'stats',
    time: now(),
    addressesRecycled: 0,
    addressPool: ADDRESS_POOL_SIZE,
    connectionsDropped: 0,
    maxOpenConnections: maxOpen,
    payloadBytesDropped: 0,
    captureBudgetBytes: budget,
    destinationsUnknown: 0,
    recordsDropped: 0,
    maxLogBytes: log.maxBytes,
    findingsDropped: 0,
    datagramsDropped: 0,
    conntrackEventsLost: 0,
  };
  const udpErrorsAtStart = udpInErrors();
  let findings = 0;
  let failures = 0;
  const fail = (err: unknown) => {
    failures++;
    if (failures <= MAX_FAILURES) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      log.always({ kind: 'failure', time: now(), message: message.slice(0, 2000) });
      log.flush();
    }
  };
  /** Runs a handler; an exception becomes a failure line, never a dead service. */
  const guard =
    <A extends unknown[]>(handler: (...args: A) => void) =>
    (...args: A) => {
      try {
        handler(...args);
      } catch (err) {
        fail(err);
      }
    };
  const writeStats = () => {
    stats.time = now();
    stats.addressesRecycled = book.recycled;
    stats.recordsDropped = log.recordsDropped;
    stats.datagramsDropped = Math.max(0, udpInErrors() - udpErrorsAtStart);
    stats.conntrackEventsLost = destinations.eventsLost();
    log.always(stats);
  };
  const found = (hit: StreamHit, channel: 'dns' | 'http' | 'tcp' | 'udp', destination: string, time: number) => {
    if (++findings > MAX_FINDINGS) return void stats.findingsDropped++;
    log.always({
      kind: 'honeytoken',
      tokenId: hit.token.id,
      tokenKind: hit.token.kind,
      channel,
      destination,
      encoding: hit.encoding,
      time,
    });
  };

  const destinations = destinationSource(config.conntrackEvents ?? true, fail);
  const destinationOf = async (protocol: 'tcp' | 'udp', clientPort: number, servicePort: number, fallback = true): Promise<Destination> => {
    const d = await destinations.lookup(protocol, clientPort, servicePort, fallback);
    return { address: d?.address ?? null, port: d?.port ?? null, hostname: d ? book.nameFor(d.address) : null };
  };

  /** Logs a query, and searches its name (labels joined too: exfiltration splits data across labels). */
  const dnsRecord = (
    transport: 'udp' | 'tcp',
    clientPort: number,
    time: number,
    answer: NonNullable<ReturnType<typeof answerDnsQuery>>,
    server: Promise<Destination>,
  ) => {
    void server.then(
      guard((resolver: Destination) => {
        log.record({
          kind: 'dns',
          time,
          transport,
          clientPort,
          server: resolver,
          qname: answer.qname,
          qtype: answer.qtype,
          answers: answer.answers,
        });
        if (searches.length === 0) return;
        for (const hit of tokenSearch.matcher().push(`${answer.qname}\n${answer.qname.replace(/\./g, '')}`)) {
          found(hit, 'dns', resolver.address ?? 'resolver', time);
        }
      }),
    );
  };
  // The resolver a query was sent to is context, not a destination: no `conntrack -L` for it under a flood.
  const resolverOf = (transport: 'udp' | 'tcp', clientPort: number) => destinationOf(transport, clientPort, config.dnsPort, false);

  const dnsUdp = createSocket('udp4');
  dnsUdp.on(
    'message',
    guard((msg: Buffer, rinfo: RemoteInfo) => {
      const time = now();
      const answer = answerDnsQuery(msg, book);
      if (!answer) return void recordDatagram(msg, rinfo);
      dnsUdp.send(answer.response, rinfo.port, rinfo.address);
      dnsRecord('udp', rinfo.port, time, answer, resolverOf('udp', rinfo.port));
    }),
  );

  const dnsTcp = createServer((socket) => {
    let buffered: Buffer = Buffer.alloc(0);
    const clientPort = socket.remotePort ?? 0;
    const resolver = resolverOf('tcp', clientPort); // one connection, one resolver
    socket.on(
      'data',
      guard((chunk: Buffer) => {
        buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
        const answers: Buffer[] = [];
        let at = 0;
        // Every complete message in what arrived (clients pipeline), answered in one write.
        while (buffered.length - at >= 2 && buffered.length - at >= 2 + buffered.readUInt16BE(at)) {
          const size = buffered.readUInt16BE(at);
          const message = buffered.subarray(at + 2, at + 2 + size);
          at += 2 + size;
          const answer = answerDnsQuery(message, book);
          if (!answer) return void socket.destroy();
          const length = Buffer.alloc(2);
          length.writeUInt16BE(answer.response.length);
          answers.push(length, answer.response);
          dnsRecord('tcp', clientPort, now(), answer, resolver);
        }
        buffered = Buffer.from(buffered.subarray(at));
        if (buffered.length > 65_537) return void socket.destroy(); // a message is at most 65,535 bytes
        if (answers.length) socket.write(Buffer.concat(answers));
      }),
    );
    socket.on('error', () => socket.destroy());
    socket.setTimeout(config.idleMs, () => socket.destroy());
  });

  const recordDatagram = (msg: Buffer, rinfo: RemoteInfo) => {
    const time = now();
    const data = msg.subarray(0, config.captureBytes).toString('base64');
    void destinationOf('udp', rinfo.port, config.udpPort).then(
      guard((destination: Destination) => {
        if (destination.port === null) stats.destinationsUnknown++;
        log.record({
          kind: 'udp',
          time,
          clientPort: rinfo.port,
          destination,
          data,
          bytes: msg.length,
          truncated: msg.length > config.captureBytes,
        });
        if (searches.length)
          for (const hit of tokenSearch.matcher().push(msg.toString('latin1'))) found(hit, 'udp', describe(destination), time);
      }),
    );
  };
  // The largest receive queue the kernel allows an unprivileged setsockopt (rmem_max); drops past it are counted (InErrors).
  const udpSink = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 ** 2 });
  udpSink.on('message', guard(recordDatagram));

  let held = 0; // payload bytes held for records, all connections together
  let nextFlow = 1;
  let intercepted = 0;
  const open = new Set<Connection>();
  const dirty = new Set<Connection>();

  /** One TCP connection: its record, the bytes held for it until written, its streaming search. */
  class Connection {
    readonly record: TcpLogLine;
    /** Bytes captured for the record and not yet written (the next line's `firstBytes`). */
    private unsent: Buffer[] = [];
    private unsentBytes = 0;
    /** Bytes captured in all (at most captureBytes). */
    captured = 0;
    /** The first bytes, kept only while the protocol and the first request are being recognised. */
    head: Buffer | null = Buffer.alloc(0);
    httpWritten = false;
    closed = false;
    destination: Promise<Destination>;
    private readonly matcher = searches.length ? tokenSearch.matcher() : null;
    private http: HttpRequestStream | null = null;
    private hits: { hit: StreamHit; channel: 'http' | 'tcp' }[] = [];

    constructor(socket: Socket) {
      this.record = {
        kind: 'tcp',
        flow: nextFlow++,
        final: false,
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
      this.destination = destinationOf('tcp', this.record.clientPort, config.tcpPort).then((d) => {
        if (d.port === null) stats.destinationsUnknown++;
        return (this.record.destination = d);
      });
    }

    /** Keeps what the record may hold of `chunk`, within the flow's cap and the shared budget. */
    capture(chunk: Buffer): void {
      this.record.bytes += chunk.length;
      const room = Math.min(config.captureBytes - this.captured, budget - held);
      const take = Math.max(0, Math.min(room, chunk.length));
      if (take < chunk.length && this.captured + take < config.captureBytes)
        stats.payloadBytesDropped += Math.min(chunk.length, config.captureBytes - this.captured) - take;
      if (take > 0) {
        const part = chunk.subarray(0, take);
        this.unsent.push(part);
        this.unsentBytes += take;
        held += take;
        this.captured += take;
        if (this.head) {
          this.head = Buffer.concat([this.head, part]);
          held += take;
        }
      }
      this.record.truncated = this.record.bytes > this.captured;
      dirty.add(this);
    }

    /** Lets the first bytes go (the protocol and first request are known, or TLS took them). */
    dropHead(): Buffer {
      const head = this.head ?? Buffer.alloc(0);
      held -= head.length;
      this.head = null;
      return head;
    }

    /** Plain bytes of the flow (clear, or decrypted TLS) for the honeytoken search. */
    search(chunk: Buffer, channel: 'http' | 'tcp'): void {
      if (!this.matcher) return;
      const text = chunk.toString('latin1');
      if (channel === 'tcp') return this.hitsFrom(this.matcher.push(text), 'tcp');
      this.http ??= new HttpRequestStream(
        (head) => this.searchAuthorization(head.host, head.authorization),
        (t) => this.hitsFrom(this.matcher!.push(t), 'http'),
      );
      this.http.push(text);
    }

    private searchAuthorization(host: string | null, values: string[]): void {
      if (values.length === 0) return;
      const name = (host ?? this.record.destination.hostname ?? '').toLowerCase().replace(/:\d+$/, '');
      for (const { token, needles } of searches) {
        if (isOwnService(token.kind, name)) continue;
        const needle = values.map((v) => findNeedle(v, needles)).find((n) => n !== null);
        if (needle) this.hitsFrom([{ token, encoding: needle.encoding }], 'http');
      }
    }

    private hitsFrom(hits: StreamHit[], channel: 'http' | 'tcp'): void {
      const fresh = hits.filter((h) => !this.hits.some((k) => k.hit.token.id === h.token.id));
      if (fresh.length === 0) return;
      this.hits.push(...fresh.map((hit) => ({ hit, channel })));
      void this.destination.then(
        guard((d: Destination) => {
          for (const h of fresh)
            found(h, this.record.http || this.record.protocol === 'http' ? 'http' : channel, describe(d), this.record.time);
        }),
      );
    }

    /** Writes the connection's state: the bytes captured since the last line, the latest summaries. */
    write(final: boolean): void {
      dirty.delete(this);
      const firstBytes = this.unsentBytes ? Buffer.concat(this.unsent).toString('base64') : '';
      held -= this.unsentBytes;
      this.unsent = [];
      this.unsentBytes = 0;
      // The request summary goes once, when complete (or at the end): not a growing body every second.
      const http = this.httpWritten || !(final || this.record.http?.complete) ? null : this.record.http;
      log.record({ ...this.record, final, firstBytes, http, endTime: final ? this.record.endTime : 0 });
      if (this.record.http?.complete) {
        // Written: the body is not kept any longer (a held connection costs its counters and its search window).
        this.httpWritten = true;
        this.record.http = { ...this.record.http, body: '', headers: [] };
      }
    }
  }

  const tcpSink = createServer(guard((socket: Socket) => handleTcp(socket)));
  const handleTcp = (socket: Socket) => {
    if (open.size >= maxOpen) {
      stats.connectionsDropped++;
      return void socket.destroy();
    }
    const conn = new Connection(socket);
    const record = conn.record;
    open.add(conn);
    let answered = false;
    // TLS interception: bytes that arrive while the certificate is being made wait in `pending`.
    let interception: Interception | null = null;
    let pending: Buffer[] | null = null;
    let ended = false;
    let plain: Buffer | null = Buffer.alloc(0);
    /** Records the HTTP request in `bytes` (clear or decrypted) and answers it once, when it is complete. */
    const answerHttp = (bytes: Buffer, reply: (answer: Buffer) => void) => {
      const request = parseHttpRequest(bytes);
      if (request && !conn.httpWritten) record.http = request;
      if (request?.complete && !answered) {
        answered = true;
        reply(config.pypiMirror?.answer(request) ?? httpOkResponse());
      }
    };
    const onPlain = guard((chunk: Buffer, reply: (answer: Buffer) => void) => {
      conn.search(chunk, 'http');
      if (!plain) return;
      if (plain.length < config.captureBytes) plain = Buffer.concat([plain, chunk]).subarray(0, config.captureBytes);
      if (looksLikeHttp(plain)) answerHttp(plain, reply);
      if (record.http?.complete || plain.length >= config.captureBytes) {
        plain = null;
        conn.write(false);
      }
    });
    const intercept = async (hello: NonNullable<TcpRecord['tls']>, authority: CertificateAuthority) => {
      pending = [conn.dropHead()];
      const name = hello.sni ?? (await conn.destination).address;
      const context = name ? await authority.contextFor(name) : null;
      if (!context || socket.destroyed) return void socket.end();
      intercepted++;
      socket.once('close', () => intercepted--);
      interception = interceptTls(socket, context, { onSecure: () => (hello.intercepted = true), onPlain });
      for (const chunk of pending) interception.push(chunk);
      pending = null;
      if (ended) interception.end();
    };
    const finish = () => {
      if (!open.delete(conn)) return;
      conn.dropHead();
      record.endTime = now();
      void conn.destination.finally(() => conn.write(true));
    };
    socket.on(
      'data',
      guard((chunk: Buffer) => {
        conn.capture(chunk);
        if (interception) return void interception.push(chunk);
        if (pending) return void pending.push(chunk);
        if (record.protocol === 'unknown' || record.protocol === 'http') {
          conn.search(chunk, record.protocol === 'http' ? 'http' : 'tcp');
          if (record.protocol === 'http' && conn.head && !answered) answerHttp(conn.head, (answer) => socket.end(answer));
        } else if (record.protocol === 'none' || (record.protocol === 'tls' && !record.tls)) {
          const head = conn.head ?? chunk;
          if (looksLikeTls(head)) {
            record.protocol = 'tls';
            const hello = parseClientHello(head);
            if (hello && !answered) {
              record.tls = hello;
              if (config.authority && intercepted < maxIntercepted) void intercept(hello, config.authority).catch(fail);
              else {
                if (config.authority) stats.connectionsDropped++;
                answered = true;
                socket.end(); // no certificate could be trusted, or too many are being decrypted: close after the hello
              }
            }
          } else if (looksLikeHttp(head)) {
            record.protocol = 'http';
            conn.search(head, 'http');
            answerHttp(head, (answer) => socket.end(answer));
          } else if (head.length > 0) {
            record.protocol = 'unknown';
            conn.search(head, 'tcp');
          }
        }
        // The first request (or the capture) is complete: its line is written and the head let go.
        if (
          conn.head &&
          (record.http?.complete ||
            conn.captured >= config.captureBytes ||
            record.protocol === 'unknown' ||
            (record.protocol === 'tls' && record.tls))
        ) {
          conn.dropHead();
          conn.write(false);
        }
      }),
    );
    socket.on('end', () => {
      ended = true;
      interception?.end();
    });
    socket.on('close', guard(finish));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(config.idleMs, () => socket.destroy());
  };

  // Connections that changed are written at most once a second each; the stats line too.
  const ticker = setInterval(
    guard(() => {
      for (const conn of [...dirty]) conn.write(false);
      stats.time = now();
      writeStats();
    }),
    STATS_EVERY_MS,
  );
  ticker.unref();

  await Promise.all([
    // 127.0.0.1, where REDIRECT delivers: replies then carry the address the redirected flow expects.
    new Promise<void>((r) => dnsUdp.bind(config.dnsPort, '127.0.0.1', () => r())),
    new Promise<void>((r) => dnsTcp.listen(config.dnsPort, '127.0.0.1', () => r())),
    new Promise<void>((r) => udpSink.bind(config.udpPort, '127.0.0.1', () => r())),
    new Promise<void>((r) => tcpSink.listen(config.tcpPort, '127.0.0.1', () => r())),
  ]);
  await destinations.ready;

  return {
    /** Where the TCP sink listens (the configured port, or the one the system chose for port 0). */
    tcpPort: (tcpSink.address() as AddressInfo).port,
    fail,
    stop: async () => {
      clearInterval(ticker);
      await destinations.drain();
      for (const conn of [...open]) {
        open.delete(conn);
        conn.record.endTime = now();
        conn.write(true);
      }
      writeStats();
      log.flush();
      destinations.close();
      dnsUdp.close();
      udpSink.close();
      dnsTcp.close();
      tcpSink.close();
    },
  };
}

/** The namespace's count of UDP datagrams the kernel dropped (receive queue full, and other input errors). */
function udpInErrors(): number {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Udp:'));
    const [names, values] = lines.map((l) => l.split(/\s+/));
    const index = names?.indexOf('InErrors') ?? -1;
    return index > 0 ? Number(values?.[index] ?? 0) : 0;
  } catch {
    return 0;
  }
}

function describe(d: Destination): string {
  return `${d.hostname ?? d.address ?? '?'}:${d.port ?? '?'}`;
}

const LOOKUP_BATCH_MS = 250;

/**
 * Where redirected flows were going before redirection. First source: two long-lived `conntrack -E`
 * streams of NEW events (one per protocol, filtered in the kernel, so a UDP flood cannot overflow the TCP
 * stream's buffer), kept in a bounded table (`DestinationTable`). A flow whose event has not come within
 * EVENT_WAIT_MS asks `conntrack -L` (batched: one process per 250 ms for all such flows; one at a time).
 * Node cannot read SO_ORIGINAL_DST and UDP has none; a process per flow would meet the pids limit.
 */
function destinationSource(useEvents: boolean, fail: (err: unknown) => void) {
  const table = new DestinationTable();
  let eventsLost = 0;
  const streams = useEvents
    ? (['tcp', 'udp'] as const).map((protocol) => {
        const child = spawn('stdbuf', ['-oL', 'conntrack', '-E', '-e', 'NEW', '-p', protocol, '-b', '33554432'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stopping = false;
        const started = new Promise<void>((resolve) => {
          child.once('spawn', () => resolve());
          child.once('error', (err) => {
            fail(new Error(`conntrack -E (${protocol}) did not start: ${err.message}`));
            resolve();
          });
        });
        createInterface({ input: child.stdout }).on('line', (line) => {
          const event = parseConntrackLine(line);
          if (event) table.add(event);
        });
        child.stderr.on('data', (chunk: Buffer) => {
          const text = chunk.toString();
          // Events lost to a full netlink buffer: those flows fall back to `conntrack -L` (and are counted if still unknown).
          const lost = text.match(/ENOBUFS/g)?.length ?? 0;
          eventsLost += lost;
          if (!lost && /error|fail/i.test(text)) fail(new Error(`conntrack -E (${protocol}): ${text.trim().slice(0, 500)}`));
        });
        child.once('exit', (code, signal) => {
          if (!stopping) fail(new Error(`conntrack -E (${protocol}) exited (${code ?? signal})`));
        });
        return {
          started,
          stop: () => {
            stopping = true;
            child.kill();
          },
        };
      })
    : [];

  let pending: {
    protocol: 'tcp' | 'udp';
    clientPort: number;
    servicePort: number;
    resolve: (d: { address: string; port: number } | null) => void;
  }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const flush = () => {
    timer = null;
    if (running) return void (timer = setTimeout(flush, LOOKUP_BATCH_MS));
    const batch = pending;
    pending = [];
    const protocols = new Set(batch.map((p) => p.protocol));
    const args = protocols.size === 1 ? ['-L', '-p', [...protocols][0]!] : ['-L'];
    running = new Promise<void>((done) =>
      execFile('conntrack', args, { timeout: 5000, maxBuffer: 128 * 1024 * 1024 }, (_err, stdout) => {
        running = null;
        const listing = conntrackListing(String(stdout ?? ''));
        for (const p of batch) p.resolve(listing.get(`${p.protocol}:${p.clientPort}:${p.servicePort}`) ?? null);
        done();
      }),
    );
  };
  const inFlight = new Set<Promise<unknown>>();
  const listed = (protocol: 'tcp' | 'udp', clientPort: number, servicePort: number) =>
    new Promise<{ address: string; port: number } | null>((resolve) => {
      pending.push({ protocol, clientPort, servicePort, resolve });
      timer ??= setTimeout(flush, LOOKUP_BATCH_MS);
    });
  const lookup = (protocol: 'tcp' | 'udp', clientPort: number, servicePort: number, fallback: boolean) => {
    const promise = table
      .take(protocol, clientPort, servicePort, (ms) => delay(ms), streams.length ? EVENT_WAIT_MS : 0)
      .then((d) => d ?? (fallback ? listed(protocol, clientPort, servicePort) : null));
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
    return promise;
  };
  /** Runs the pending lookups now and waits for them (and the records waiting on them). */
  const drain = async () => {
    await Promise.all([...inFlight].map((p) => Promise.race([p, delay(EVENT_WAIT_MS + 100)])));
    if (timer) {
      clearTimeout(timer);
      flush();
    }
    await Promise.all([...inFlight]);
    await running;
    await new Promise((r) => setImmediate(r));
  };
  return {
    ready: Promise.all(streams.map((s) => s.started)).then(() => undefined),
    lookup,
    drain,
    close: () => streams.forEach((s) => s.stop()),
    /** Times a conntrack event stream reported lost events (ENOBUFS). */
    eventsLost: () => eventsLost,
  };
}
