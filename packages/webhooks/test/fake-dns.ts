import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

/** A name's answers per call (the last one repeats); 'ENOTFOUND' makes the lookup fail like a missing name. */
export type FakeAnswers = Record<string, Array<string[] | 'ENOTFOUND'>>;

/**
 * Replaces node:dns lookup for this test process (both our code and request-filtering-agent read it), so tests
 * can use made-up names without sending DNS traffic anywhere. Unknown names fail with ENOTFOUND.
 */
export function fakeDns(answers: FakeAnswers): { calls: string[]; restore: () => void } {
  const original = dns.lookup;
  const calls: string[] = [];
  const fake = (host: string, options: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    const seq = answers[host] ?? ['ENOTFOUND'];
    const answer = seq[Math.min(calls.filter((c) => c === host).length, seq.length - 1)];
    calls.push(host);
    if (answer === 'ENOTFOUND' || answer === undefined || answer.length === 0) {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
      return process.nextTick(cb, err);
    }
    const list = answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (all) return process.nextTick(cb, null, list);
    return process.nextTick(cb, null, list[0]?.address, list[0]?.family);
  };
  (dns as { lookup: unknown }).lookup = fake;
  syncBuiltinESMExports();
  return {
    calls,
    restore: () => {
      (dns as { lookup: unknown }).lookup = original;
      syncBuiltinESMExports();
    },
  };
}
