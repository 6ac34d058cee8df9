/** A redirected flow as connection tracking knows it: where it was really going, keyed as the service sees it. */
export interface ConntrackEntry {
  protocol: 'tcp' | 'udp';
  /**
   * The client port the service sees: the reply tuple's destination port. It differs from the port the
   * client chose when NAT had to remap it (one client port sending to many destinations, as a UDP socket
   * does, or as gVisor reuses a local port for different remote addresses): their replies would clash.
   */
  clientPort: number;
  /** The port the flow was redirected to (the reply tuple's source port). */
  servicePort: number;
  address: string;
  port: number;
}

/**
 * Parses one line of `conntrack -L` or `conntrack -E` output: the first `src= dst= sport= dport=` tuple is
 * the original direction, as the client sent it; the second is the reply direction.
 */
export function parseConntrackLine(line: string): ConntrackEntry | null {
  const m = /^\s*(?:\[\w+\]\s+)?(tcp|udp)\s/.exec(line);
  if (!m) return null;
  const [original, reply] = [...line.matchAll(/src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/g)];
  if (!original || !reply) return null;
  return {
    protocol: m[1] as 'tcp' | 'udp',
    clientPort: Number(reply[4]),
    servicePort: Number(reply[3]),
    address: original[2]!,
    port: Number(original[4]),
  };
}

const keyOf = (protocol: 'tcp' | 'udp', clientPort: number, servicePort: number) => `${protocol}:${clientPort}:${servicePort}`;

/** Every entry of a `conntrack -L` listing, by protocol, client port (as the service sees it) and service port. */
export function conntrackListing(output: string): Map<string, { address: string; port: number }> {
  const entries = new Map<string, { address: string; port: number }>();
  for (const line of output.split('\n')) {
    const entry = parseConntrackLine(line);
    if (entry) entries.set(keyOf(entry.protocol, entry.clientPort, entry.servicePort), { address: entry.address, port: entry.port });
  }
  return entries;
}

/** Where a redirected flow was going, from `conntrack -L` output; null when it is not listed. */
export function originalDestination(
  output: string,
  protocol: 'tcp' | 'udp',
  clientPort: number,
  servicePort: number,
): { address: string; port: number } | null {
  return conntrackListing(output).get(keyOf(protocol, clientPort, servicePort)) ?? null;
}

/**
 * Original destinations by protocol, client port and service port, from the conntrack event stream, in
 * bounded memory: at most `max` entries, the oldest forgotten first. A TCP entry is taken by the one
 * connection it announces (a later connection on the same port gets its own event); a UDP entry stays, as
 * every datagram of that flow shares it. Lookups that come before their event wait for it.
 */
export class DestinationTable {
  private readonly entries = new Map<string, { address: string; port: number }>();
  private readonly waiting = new Map<string, ((d: { address: string; port: number }) => void)[]>();

  constructor(private readonly max = 65_536) {}

  get size(): number {
    return this.entries.size;
  }

  add(entry: ConntrackEntry): void {
    const key = keyOf(entry.protocol, entry.clientPort, entry.servicePort);
    const destination = { address: entry.address, port: entry.port };
    const waiters = this.waiting.get(key);
    if (waiters?.length) {
      this.waiting.delete(key);
      for (const w of waiters) w(destination);
      if (entry.protocol === 'tcp') return;
    }
    this.entries.delete(key);
    this.entries.set(key, destination);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The destination if its event came; else waits up to `waitMs` (via `wait`) for it; null if it never does. */
  take(
    protocol: 'tcp' | 'udp',
    clientPort: number,
    servicePort: number,
    wait: (ms: number) => Promise<void>,
    waitMs: number,
  ): Promise<{ address: string; port: number } | null> {
    const key = keyOf(protocol, clientPort, servicePort);
    const known = this.entries.get(key);
    if (known) {
      if (protocol === 'tcp') this.entries.delete(key);
      return Promise.resolve(known);
    }
    if (waitMs <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter = (d: { address: string; port: number }) => resolve(d);
      this.waiting.set(key, [...(this.waiting.get(key) ?? []), waiter]);
      void wait(waitMs).then(() => {
        const list = this.waiting.get(key);
        if (!list?.includes(waiter)) return;
        const left = list.filter((w) => w !== waiter);
        if (left.length) this.waiting.set(key, left);
        else this.waiting.delete(key);
        resolve(null);
      });
    });
  }
}
