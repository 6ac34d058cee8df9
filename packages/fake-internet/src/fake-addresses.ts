/**
 * Hands out a distinct fake IPv4 address per DNS name from 198.18.0.0/15 (reserved for benchmarking,
 * never routed), so that a connection to that address can be mapped back to the name that was asked.
 */
export class FakeAddressBook {
  private readonly byName = new Map<string, string>();
  private readonly byAddress = new Map<string, string>();
  private next = 1;

  /** The address for `name` (case-insensitive), allocating one on first sight. */
  addressFor(name: string): string {
    const key = name.toLowerCase().replace(/\.$/, '');
    const known = this.byName.get(key);
    if (known) return known;
    if (this.next >= 2 ** 17 - 1) throw new Error('fake address pool exhausted');
    const n = this.next++;
    const address = `198.${18 + (n >> 16)}.${(n >> 8) & 0xff}.${n & 0xff}`;
    this.byName.set(key, address);
    this.byAddress.set(address, key);
    return address;
  }

  nameFor(address: string): string | null {
    return this.byAddress.get(address) ?? null;
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
