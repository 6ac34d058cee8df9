/** Shared test helpers: fixture loading, typed event filters, a seeded PRNG for fuzzing. */
import { readFileSync } from 'node:fs';
import { type StraceEvent, parseStrace } from '@airlock/strace';

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** The real gVisor sample recorded for the migration, kept with the sandbox fixtures at the repository root. */
export function gvisorSample(): string {
  return readFileSync(new URL('../../../test/fixtures/gvisor/sample-strace.log', import.meta.url), 'utf8');
}

/** One gVisor log line as runsc writes it with `--debug-log-format=json`. */
export function gvisorLine(msg: string, time = '2026-12-04T20:32:08.5Z', level = 'info'): string {
  return JSON.stringify({ msg, level, time });
}

/** A strace message of task `tid` in thread group `tgid`, padded as gVisor pads them. */
export function straceMsg(tgid: number, tid: number, text: string): string {
  return `strace.go:570] [${String(tgid).padStart(4)}:${String(tid).padStart(4)}] ${text}`;
}

export function parseFixture(name: string): ReturnType<typeof parseStrace> {
  return parseStrace(fixture(name));
}

/** Events of one `type`, narrowed to that event interface. */
export function ofType<T extends StraceEvent['type']>(events: StraceEvent[], type: T): Extract<StraceEvent, { type: T }>[] {
  return events.filter((e): e is Extract<StraceEvent, { type: T }> => e.type === type);
}

/** Parses a hand-written trace given as lines. */
export function parseLines(...lines: string[]): ReturnType<typeof parseStrace> {
  return parseStrace(`${lines.join('\n')}\n`);
}

/** Deterministic PRNG (mulberry32) so a failing fuzz case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FIXTURES = [
  'ls-directory.strace',
  'node-dns-spawn-kill.strace',
  'npm-install-postinstall.strace',
  'python-network.strace',
  'python-privilege.strace',
  'sh-file-operations.strace',
] as const;
