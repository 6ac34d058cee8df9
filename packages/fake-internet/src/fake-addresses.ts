/** Addresses 198.18.0.1 to 198.19.255.254: 198.18.0.0/15 less its first and last. */
export const ADDRESS_POOL_SIZE = 2 ** 17 - 2;

/**
 * Hands out a distinct fake IPv4 address per DNS name from 198.18.0.0/15 (reserved for benchmarking,
 * never routed), so that a connection to that address can be mapped back to the name that was asked.
 * The pool never runs out: once every address is taken, the name used least recently (asked for, or
 * connected to) gives its address to the new name, and `recycled` counts it (a late connection to a
 * recycled address is named after its newer owner: the host reports the count as an evidence gap).
 */
export class FakeAddressBook {
  /** Name -> address, in order of last use (a Map iterates in insertion order; a use re-inserts). */
  private readonly byName = new Map<string, string>();
  private readonly byAddress = new Map<string, string>();
  private next = 1;
  /** Names whose address went to a newer name. */
  recycled = 0;

  constructor(private readonly poolSize = ADDRESS_POOL_SIZE) {}

  /** The address for `name` (case-insensitive), allocating one on first sight. */
  addressFor(name: string): string {
    const key = name.toLowerCase().replace(/\.$/, '');
    const known = this.byName.get(key);
    if (known) {
      this.touch(key, known);
      return known;
    }
    let address: string;
    if (this.next <= this.poolSize) {
      const n = this.next++;
      address = `198.${18 + (n >> 16)}.${(n >> 8) & 0xff}.${n & 0xff}`;
    } else {
      const [oldest, reused] = this.byName.entries().next().value as [string, string];
      this.byName.delete(oldest);
      address = reused;
      this.recycled++;
    }
    this.byName.set(key, address);
    this.byAddress.set(address, key);
    return address;
  }

  /** The name `address` was last given to; a connection to it counts as a use. */
  nameFor(address: string): string | null {
    const name = this.byAddress.get(address) ?? null;
    if (name) this.touch(name, address);
    return name;
  }

  private touch(name: string, address: string): void {
    this.byName.delete(name);
    this.byName.set(name, address);
  }
}

/** The PTR name (`d.c.b.a.in-addr.arpa`) of an IPv4 address, or null. */
export function reverseName(address: string): string {
  return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
}

export function addressFromReverseName(name: string): string | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa\.?$/i.exec(name);
  return m ? `${m[4]}.${m[3]}.${m[2]}.${m[1]}` : null;
}
