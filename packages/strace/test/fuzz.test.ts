/**
 * Property tests with a seeded PRNG (replayable): garbage and damaged traces never throw, a
 * truncated trace loses at most its last line, and chunking never changes the result.
 */
import { StraceParser, type StraceEvent, parseStrace } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixture, prng } from './helpers.js';

const SHARDS = [
  '"',
  '\\',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ' = ',
  '...',
  '->',
  '\n',
  ' ',
  '\t',
  '\r',
  '0',
  '7',
  '-1',
  'x',
  'AT_FDCWD',
  '</tmp/a>',
  '<TCP:[1.2.3.4:5->6.7.8.9:53]>',
  ' <unfinished ...>',
  '<... openat resumed>',
  '+++ exited with ',
  '+++ killed by SIGKILL +++',
  '--- SIGCHLD {si_pid=',
  'openat(',
  'execve(',
  'connect(',
  'sendto(',
  'clone3(',
  '{sa_family=AF_INET, ',
  'sin_port=htons(53)',
  'inet_addr("',
  '\\x4',
  '\\3',
  '\\',
  '123 1.5 ',
  '99 ',
  '1795485957.1 ',
  'é',
  '\u0000',
  '\ud800',
  '💥',
];

const SYSCALLS = [
  'openat',
  'execve',
  'connect',
  'sendto',
  'sendmsg',
  'sendmmsg',
  'clone3',
  'socket',
  'accept4',
  'getdents64',
  'renameat2',
  'kill',
  'setresuid',
  'ptrace',
  'recvmsg',
  'openat2',
  'fchownat',
  'linkat',
];

/** Lines with a valid header and syscall name but random arguments, to reach the event builders. */
function structuredGarbage(rand: () => number, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const name = SYSCALLS[Math.floor(rand() * SYSCALLS.length)]!;
    const args = garbage(rand, Math.floor(rand() * 120)).replace(/\n/g, ' ');
    const tail =
      rand() < 0.2 ? ' <unfinished ...>' : `) = ${rand() < 0.5 ? Math.floor(rand() * 100) : garbage(rand, 10).replace(/\n/g, ' ')}`;
    out.push(`${1 + Math.floor(rand() * 5)} ${i}.5 ${name}(${args}${tail}`);
  }
  return out.join('\n');
}

function garbage(rand: () => number, length: number): string {
  let s = '';
  while (s.length < length) {
    s += rand() < 0.7 ? SHARDS[Math.floor(rand() * SHARDS.length)]! : String.fromCharCode(Math.floor(rand() * 0x3000));
  }
  return s;
}

/** Invariants every parse result must satisfy, whatever the input. */
function checkWellFormed(events: StraceEvent[]): void {
  events.forEach((e, i) => {
    expect(e.seq).toBe(i);
    expect(Number.isFinite(e.ts)).toBe(true);
    expect(Number.isInteger(e.pid)).toBe(true);
    expect(['ok', 'error', 'unknown', 'none']).toContain(e.result.status);
    expect(['process', 'file', 'network', 'privilege']).toContain(e.category);
  });
}

function parseInChunks(text: string, rand: () => number, maxChunk: number): { events: StraceEvent[]; stats: StraceParser['stats'] } {
  const parser = new StraceParser();
  const events: StraceEvent[] = [];
  for (let pos = 0; pos < text.length;) {
    const size = 1 + Math.floor(rand() * maxChunk);
    events.push(...parser.push(text.slice(pos, pos + size)));
    pos += size;
  }
  events.push(...parser.end());
  return { events, stats: parser.stats };
}

const realLines = FIXTURES.flatMap((f) =>
  fixture(f)
    .split('\n')
    .filter((l) => l !== ''),
);

describe('fuzz', () => {
  it('never throws on random garbage, and counts every line', { timeout: 60_000 }, () => {
    const rand = prng(0xa1f10c);
    for (let round = 0; round < 300; round++) {
      const text = garbage(rand, Math.floor(rand() * 3000));
      const { events, stats } = parseStrace(text);
      checkWellFormed(events);
      expect(stats.lines + stats.overlong).toBe(text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
    }
  });

  it('never throws on well-framed lines with random arguments, and still emits events', { timeout: 60_000 }, () => {
    const rand = prng(0x5eed);
    let emitted = 0;
    const types = new Set<string>();
    for (let round = 0; round < 200; round++) {
      const { events, stats } = parseStrace(structuredGarbage(rand, 30));
      checkWellFormed(events);
      expect(stats.lines).toBe(30);
      emitted += events.length;
      for (const e of events) types.add(e.type);
    }
    // The inputs reach the builders: most lines still become events of many kinds.
    expect(emitted).toBeGreaterThan(1000);
    expect(types.size).toBeGreaterThanOrEqual(10);
  });

  it('never throws on mutated real lines', { timeout: 60_000 }, () => {
    const rand = prng(42);
    for (let round = 0; round < 2000; round++) {
      const line = realLines[Math.floor(rand() * realLines.length)]!;
      const at = Math.floor(rand() * line.length);
      const mutated =
        rand() < 0.5
          ? line.slice(0, at) + line.slice(at + 1 + Math.floor(rand() * 20))
          : line.slice(0, at) + garbage(rand, 1 + Math.floor(rand() * 8)) + line.slice(at);
      const { events } = parseStrace(`${mutated}\n${line}\n`);
      checkWellFormed(events);
    }
  });

  it('keeps every event of the complete lines when a real trace is truncated anywhere', { timeout: 60_000 }, () => {
    const rand = prng(7);
    for (const name of FIXTURES) {
      const text = fixture(name);
      // Events emitted after each complete line of the full trace.
      const parser = new StraceParser();
      const full: StraceEvent[] = [];
      const emittedAfterLine = [0];
      for (const line of text.split('\n').slice(0, -1)) {
        full.push(...parser.push(`${line}\n`));
        emittedAfterLine.push(full.length);
      }
      for (let round = 0; round < 12; round++) {
        const cut = Math.floor(rand() * text.length);
        const { events, stats } = parseStrace(text.slice(0, cut));
        checkWellFormed(events);
        // Only the cut line itself can be unreadable.
        expect(stats.unknown).toBeLessThanOrEqual(1);
        const completeLines = text.slice(0, cut).split('\n').length - 1;
        const kept = emittedAfterLine[completeLines]!;
        expect(events.slice(0, kept)).toEqual(full.slice(0, kept));
      }
    }
  });

  it('gives identical events and stats however the input is chunked', { timeout: 60_000 }, () => {
    const rand = prng(1234);
    for (const name of FIXTURES) {
      const text = fixture(name);
      const oneShot = parseStrace(text);
      for (const maxChunk of [1, 7, 64, 4096, 100_000]) {
        // 1-char chunks on the big fixture would be slow and prove nothing more.
        if (maxChunk === 1 && text.length > 50_000) continue;
        const chunked = parseInChunks(text, rand, maxChunk);
        expect(chunked.events).toEqual(oneShot.events);
        expect(chunked.stats).toEqual(oneShot.stats);
      }
    }
  });

  it('gives identical results for garbage however it is chunked', { timeout: 60_000 }, () => {
    const rand = prng(99);
    for (let round = 0; round < 100; round++) {
      const text = garbage(rand, 2000) + realLines.slice(0, 20).join('\n');
      const oneShot = parseStrace(text);
      const chunked = parseInChunks(text, rand, 1 + Math.floor(rand() * 50));
      expect(chunked.events).toEqual(oneShot.events);
      expect(chunked.stats).toEqual(oneShot.stats);
    }
  });
});
