/**
 * Property tests for the gVisor reader with a seeded PRNG (replayable): chunking never changes the
 * result, garbage and damaged records never throw and are counted, a truncated record loses at
 * most its last line.
 */
import { GvisorRecordParser, type StraceEvent, parseRecord } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { ARG_KINDS, type ArgKind } from '../src/gvisor/arg-kinds.js';
import { fixture, gvisorLine, gvisorSample, prng, straceMsg } from './helpers.js';

const RECORDS = { sample: gvisorSample(), workload: fixture('gvisor/workload.gvisor.jsonl') };
const realLines = Object.values(RECORDS).flatMap((text) => text.split('\n').filter((l) => l !== ''));

const SHARDS = [
  '"',
  '\\',
  '\\"',
  '\\n',
  '\\u00b5',
  ', ',
  ', 0x1 ',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ' = ',
  '0 (0x0)',
  ' errno=2 (x)',
  '(1µs)',
  '...',
  'AT_FDCWD /',
  '0x7f ',
  '/etc/passwd',
  'socket:[1]',
  '(bad FD)',
  '<null>',
  'Family: AF_INET, Addr: 1.2.3.4, Port: 53',
  'iovecs=0x1 {base=0x2, len=3, "abc"}',
  ' E ',
  ' X ',
  '[   1:   2] ',
  'strace.go:570] ',
  'Signal 9, PID: 1, TID: 1, fault addr: 0x0: terminating thread group',
  'EXEC: [',
  'é',
  '\u0000',
  '💥',
  '\ud800',
  '\n',
  '{',
  '}',
];
const NAMES = [
  'openat',
  'execve',
  'connect',
  'sendmsg',
  'sendmmsg',
  'clone',
  'clone3',
  'vfork',
  'renameat2',
  'linkat',
  'symlinkat',
  'unlinkat',
  'kill',
  'exit_group',
  'socket',
  'recvfrom',
  'setresuid',
  'statx',
  'getdents64',
  'fchownat',
];

function garbage(rand: () => number, length: number): string {
  let s = '';
  while (s.length < length)
    s += rand() < 0.7 ? SHARDS[Math.floor(rand() * SHARDS.length)]! : String.fromCharCode(Math.floor(rand() * 0x3000));
  return s;
}

/** A random argument of the kind gVisor would print there: hostile text where the kind is free text. */
function argOf(kind: ArgKind, rand: () => number): string {
  const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)]!;
  const hex = `0x${Math.floor(rand() * 0xffffffff).toString(16)}`;
  switch (kind) {
    case 'fd':
      return pick([
        `AT_FDCWD /${garbage(rand, 12)}`,
        `0x3 /${garbage(rand, 8)}`,
        '0x12 socket:[7]',
        '0xffffffffffffffff (bad FD)',
        '0x1 host:[5]',
        '0x4 pipe:[2]',
      ]);
    case 'path':
      return pick([`0x7f${hex.slice(2)} ${garbage(rand, 20)}`, '<null>', '0x1 (error decoding path: bad address)', '0x2 ']);
    case 'vec':
      return pick([`${hex} ["${garbage(rand, 6).replace(/["\\]/g, '')}", "b"]`, `${hex} {error copying vector: x}`]);
    case 'sockaddr':
      return pick([`${hex} {Family: AF_INET, Addr: 1.2.3.4, Port: 53}`, `${hex} {Family: AF_INET6, Addr: ::1, Port: 9}`, 'null', hex]);
    case 'msghdr':
      return `${hex} {name=0x0, namelen=0, iovecs=0x1 {base=0x2, len=4, "${garbage(rand, 4).replace(/["\\]/g, '')}"}, control={0x0 }, flags=0}`;
    case 'openflags':
      return pick(['O_RDONLY|0x0', 'O_WRONLY|O_CREAT|O_TRUNC', 'O_RDWR|O_TMPFILE|0x8000']);
    case 'cloneflags':
      return pick(['CLONE_CHILD_SETTID|0x11', 'CLONE_VM|CLONE_THREAD|CLONE_SIGHAND']);
    case 'mode':
    case 'oct':
      return pick(['0o644', 'S_IFREG|0o755', '0o0']);
    case 'sym':
      return pick(['SIGKILL', 'AF_INET', 'SOCK_STREAM|SOCK_CLOEXEC', '0x0', 'PTRACE_TRACEME']);
    default:
      return pick([hex, '0x0', '0xffffffff', '0xffffff9c']);
  }
}

/** Valid JSON lines with a valid strace prefix and random arguments, most shaped like gVisor's, to reach the translation and builders. */
function structuredGarbage(rand: () => number, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const name = NAMES[Math.floor(rand() * NAMES.length)]!;
    const tid = 1 + Math.floor(rand() * 4);
    const args =
      rand() < 0.2
        ? garbage(rand, Math.floor(rand() * 100))
        : ARG_KINDS.get(name)!
            .map((k) => argOf(k, rand))
            .join(', ');
    const exit =
      rand() < 0.6 ? ` = ${Math.floor(rand() * 40)} (0x1)${rand() < 0.3 ? ' errno=2 (no such file or directory)' : ''} (1µs)` : '';
    out.push(gvisorLine(straceMsg(1 + Math.floor(rand() * 2), tid, `comm ${exit ? 'X' : 'E'} ${name}(${args})${exit}`)));
  }
  return out.join('\n');
}

function checkWellFormed(events: StraceEvent[]): void {
  events.forEach((e, i) => {
    expect(e.seq).toBe(i);
    expect(Number.isFinite(e.ts)).toBe(true);
    expect(Number.isInteger(e.pid)).toBe(true);
    expect(['ok', 'error', 'unknown', 'none']).toContain(e.result.status);
  });
}

function parseInChunks(text: string, rand: () => number, maxChunk: number): { events: StraceEvent[]; stats: GvisorRecordParser['stats'] } {
  const parser = new GvisorRecordParser();
  const events: StraceEvent[] = [];
  for (let pos = 0; pos < text.length;) {
    const size = 1 + Math.floor(rand() * maxChunk);
    events.push(...parser.push(text.slice(pos, pos + size)));
    pos += size;
  }
  events.push(...parser.end());
  return { events, stats: parser.stats };
}

describe('gVisor reader fuzz', () => {
  it('gives identical events and stats however the input is chunked', { timeout: 60_000 }, () => {
    const rand = prng(2024);
    for (const text of Object.values(RECORDS)) {
      const oneShot = parseRecord('gvisor-json', text);
      expect(oneShot.events.length).toBeGreaterThan(100);
      for (const maxChunk of [3, 64, 4096, 100_000]) {
        const chunked = parseInChunks(text, rand, maxChunk);
        expect(chunked.events).toEqual(oneShot.events);
        expect(chunked.stats).toEqual(oneShot.stats);
      }
    }
  });

  it('never throws on random garbage, and counts every line', { timeout: 60_000 }, () => {
    const rand = prng(0x9715);
    for (let round = 0; round < 300; round++) {
      const text = garbage(rand, Math.floor(rand() * 3000));
      const { events, stats } = parseRecord('gvisor-json', text);
      checkWellFormed(events);
      const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      expect(stats.lines + stats.overlong).toBe(lines);
      const nonBlank = text.split('\n').filter((l) => l.trim() !== '').length;
      expect(stats.unknown).toBe(nonBlank);
    }
  });

  it('never throws on well-framed lines with random arguments, and still reaches the builders', { timeout: 60_000 }, () => {
    const rand = prng(0x5eed);
    let emitted = 0;
    let unreadable = 0;
    const types = new Set<string>();
    for (let round = 0; round < 200; round++) {
      const { events, stats } = parseRecord('gvisor-json', structuredGarbage(rand, 30));
      checkWellFormed(events);
      expect(stats.lines).toBe(30);
      emitted += events.length;
      unreadable += stats.unknown;
      for (const e of events) types.add(e.type);
    }
    // Most shaped lines become events of many kinds; the unshaped ones are counted, not guessed at.
    expect(emitted).toBeGreaterThan(2000);
    expect(types.size).toBeGreaterThanOrEqual(12);
    expect(unreadable).toBeGreaterThan(100);
  });

  it('never throws on mutated real lines, inside the JSON or breaking it, and counts what breaks', { timeout: 60_000 }, () => {
    const rand = prng(42);
    for (let round = 0; round < 2000; round++) {
      const line = realLines[Math.floor(rand() * realLines.length)]!;
      let mutated: string;
      if (rand() < 0.5) {
        const frame = JSON.parse(line) as { msg: string };
        const at = Math.floor(rand() * frame.msg.length);
        frame.msg = frame.msg.slice(0, at) + garbage(rand, 1 + Math.floor(rand() * 8)) + frame.msg.slice(at + Math.floor(rand() * 20));
        mutated = JSON.stringify(frame);
      } else {
        const at = Math.floor(rand() * line.length);
        mutated = line.slice(0, at) + line.slice(at + 1 + Math.floor(rand() * 20));
      }
      const { events, stats } = parseRecord('gvisor-json', `${mutated}\n${line}\n`);
      checkWellFormed(events);
      let valid = true;
      try {
        JSON.parse(mutated);
      } catch {
        valid = false;
      }
      if (!valid && !mutated.includes('\n')) expect(stats.unknown).toBeGreaterThanOrEqual(1);
    }
  });

  it('keeps every event of the complete lines when a real record is truncated anywhere', { timeout: 60_000 }, () => {
    const rand = prng(7);
    for (const text of Object.values(RECORDS)) {
      const parser = new GvisorRecordParser();
      const full: StraceEvent[] = [];
      const emittedAfterLine = [0];
      for (const line of text.split('\n').slice(0, -1)) {
        full.push(...parser.push(`${line}\n`));
        emittedAfterLine.push(full.length);
      }
      for (let round = 0; round < 12; round++) {
        const cut = Math.floor(rand() * text.length);
        const { events, stats } = parseRecord('gvisor-json', text.slice(0, cut));
        checkWellFormed(events);
        expect(stats.unknown).toBeLessThanOrEqual(1);
        const kept = emittedAfterLine[text.slice(0, cut).split('\n').length - 1]!;
        expect(events.slice(0, kept)).toEqual(full.slice(0, kept));
      }
    }
  });

  it('drops overlong lines and counts them', () => {
    const long = gvisorLine(straceMsg(1, 1, `a E openat(AT_FDCWD /, 0x1 /${'x'.repeat(5000)}, O_RDONLY, 0o0)`));
    const { stats } = parseRecord('gvisor-json', `${long}\n${long}\n`, { maxLineLength: 1000 });
    expect(stats).toMatchObject({ overlong: 2, lines: 0, unknown: 0 });
  });
});
