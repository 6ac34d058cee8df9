/**
 * Parses `conntrack -L` output to find where a redirected flow was really going: the first
 * `src= dst= sport= dport=` tuple of an entry is the original direction, as the client sent it; the
 * second is the reply direction, whose source port is the service the flow was redirected to. Both
 * ports are matched: one client socket can send to several destinations (one entry each).
 */
export function originalDestination(
  output: string,
  protocol: 'tcp' | 'udp',
  clientPort: number,
  servicePort: number,
): { address: string; port: number } | null {
  const tuple = /src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/g;
  for (const line of output.split('\n')) {
    if (!line.startsWith(protocol)) continue;
    const [original, reply] = [...line.matchAll(tuple)];
    if (original && reply && Number(original[3]) === clientPort && Number(reply[3]) === servicePort) {
      return { address: original[2]!, port: Number(original[4]) };
    }
  }
  return null;
}

/** A redirected flow as one `conntrack -E` NEW event announces it. */
export interface ConntrackEvent {
  protocol: 'tcp' | 'udp';
  clientPort: number;
  servicePort: number;
  address: string;
  port: number;
}

/** Parses one line of `conntrack -E -e NEW` output (the same tuples as `conntrack -L`, after `[NEW]`). */
export function parseConntrackEvent(line: string): ConntrackEvent | null {
  const m = /^\s*(?:\[NEW\]\s+)?(tcp|udp)\s/.exec(line);
  if (!m) return null;
  const [original, reply] = [...line.matchAll(/src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/g)];
  if (!original || !reply) return null;
  return {
    protocol: m[1] as 'tcp' | 'udp',
    clientPort: Number(original[3]),
    servicePort: Number(reply[3]),
    address: original[2]!,
    port: Number(original[4]),
  };
}

/**
 * Original destinations by protocol, client port and service port, from the conntrack event stream, in
 * bounded memory: at most `max` entries per protocol, the oldest forgotten first. A TCP entry is taken by
 * the one connection it announces (a later connection from the same port gets its own event); a UDP entry
 * stays, as every datagram of that socket to that destination shares it. Lookups that come before their
 * event wait for it.
 */
export class DestinationTable {
  private readonly entries = new Map<string, { address: string; port: number }>();
  private readonly waiting = new Map<string, ((d: { address: string; port: number }) => void)[]>();

  constructor(private readonly max = 65_536) {}

  add(event: ConntrackEvent): void {
    const key = `${event.protocol}:${event.clientPort}:${event.servicePort}`;
    const destination = { address: event.address, port: event.port };
    const waiters = this.waiting.get(key);
    if (waiters?.length) {
      this.waiting.delete(key);
      for (const w of waiters) w(destination);
      if (event.protocol === 'tcp') return;
    }
    this.entries.delete(key);
    this.entries.set(key, destination);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The destination if its event came; else waits up to `waitMs` (via `wait`) for it; null if it never does. */
  take(protocol: 'tcp' | 'udp', clientPort: number, servicePort: number, wait: (ms: number) => Promise<void>, waitMs: number): Promise<{ address: string; port: number } | null> {
    const key = `${protocol}:${clientPort}:${servicePort}`;
    const known = this.entries.get(key);
    if (known) {
      if (protocol === 'tcp') this.entries.delete(key);
      return Promise.resolve(known);
    }
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
