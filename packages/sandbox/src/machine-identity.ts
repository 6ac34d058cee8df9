/**
 * The machine a run pretends to be: a hostname and, for the platform views, the user name a Windows or
 * macOS account would have. A constant name (`jordan-thinkpad`) fingerprints the sandbox for any payload
 * that remembers it; a fresh plausible one per run does not, and the values feed the beacon matcher (a
 * payload that sends them out is exfiltrating the machine's identity). Deterministic from a seed for tests.
 */
export interface MachineIdentity {
  hostname: string;
  /** The account name the platform views show (USERNAME, os.userInfo(), C:\Users\<name>). */
  user: string;
}

const FIRST = [
  'alex',
  'sam',
  'maria',
  'jonas',
  'priya',
  'lukas',
  'emma',
  'noah',
  'lea',
  'omar',
  'nina',
  'tomas',
  'ana',
  'felix',
  'sara',
  'dev',
];
const LAST = ['weber', 'novak', 'silva', 'khan', 'meyer', 'rossi', 'berg', 'ortiz', 'lund', 'kowal', 'haas', 'costa', 'fischer', 'dahl'];
// At least 8 characters in every hostname (needles shorter than that are not searched in egress).
const MACHINES = ['thinkpad', 'laptop', 'desktop', 'workstation', 'macbook', 'elitebook', 'zenbook', 'latitude', 'precision', 'surface'];

/** A small deterministic generator (mulberry32) from a 32-bit seed: tests pin the names a seed gives. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plausible identity from `seed` (a 32-bit integer; the caller draws it at random per run). */
export function machineIdentity(seed: number): MachineIdentity {
  const next = generator(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const first = pick(FIRST);
  const last = pick(LAST);
  const style = Math.floor(next() * 3);
  const user = style === 0 ? first : style === 1 ? `${first}.${last}` : `${first[0]}${last}`;
  const machine = pick(MACHINES);
  const named = `${first}-${machine}`;
  const hostname = next() < 0.5 && named.length >= 8 ? named : `${machine}-${Math.floor(next() * 9000 + 1000)}`;
  return { hostname, user };
}
