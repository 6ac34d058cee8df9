/** The streaming entry points, and that parser state stays bounded on long traces. */
import { StraceParser, type StraceEvent, parseStrace, parseStraceChunks, parseStraceStream } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { fixture } from './helpers.js';

describe('streaming API', () => {
  it('yields the same events from a generator of chunks and returns the stats', () => {
    const text = fixture('python-privilege.strace');
    const chunks = text.match(/[\s\S]{1,333}/g)!;
    const generator = parseStraceChunks(chunks);
    const events: StraceEvent[] = [];
    let step = generator.next();
    while (!step.done) {
      events.push(step.value);
      step = generator.next();
    }
    const oneShot = parseStrace(text);
    expect(events).toEqual(oneShot.events);
    expect(step.value).toEqual(oneShot.stats);
  });

  it('decodes byte chunks that split a UTF-8 character', async () => {
    // strace escapes non-ASCII in strings, but a decorated path may carry raw UTF-8 from other tools.
    const text = '1 1.0 openat(AT_FDCWD</tmp/é>, "x", O_RDONLY) = 3</tmp/é/x>\n';
    const bytes = new TextEncoder().encode(text);
    const split = bytes.indexOf(0xc3) + 1; // between the two bytes of é
    async function* source(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, split);
      yield bytes.subarray(split);
    }
    const events: StraceEvent[] = [];
    for await (const e of parseStraceStream(source())) events.push(e);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'open', path: '/tmp/é/x', resolvedPath: '/tmp/é/x' });
  });

  it('returns events as soon as the line that completes them arrives', () => {
    const parser = new StraceParser();
    expect(parser.push('5 1.0 unlink("/a") = ')).toEqual([]);
    expect(parser.push('0\n5 1.1 unlink("/b"')).toMatchObject([{ path: '/a', seq: 0 }]);
    expect(parser.push(') = 0\n')).toMatchObject([{ path: '/b', seq: 1 }]);
    expect(parser.end()).toEqual([]);
  });
});

describe('bounded state', () => {
  it('holds only open calls and live pids, however long the trace', () => {
    const parser = new StraceParser();
    let maxPending = 0;
    let maxTracked = 0;
    let events = 0;
    for (let round = 0; round < 20_000; round++) {
      const parent = 1000 + (round % 7);
      const child = 100_000 + round;
      const lines = [
        `${parent} ${round}.1 clone(child_stack=NULL, flags=SIGCHLD <unfinished ...>`,
        `${child} ${round}.2 openat(AT_FDCWD</w/${round}>, "f", O_RDONLY <unfinished ...>`,
        `${parent} ${round}.3 <... clone resumed>) = ${child}`,
        `${child} ${round}.4 <... openat resumed>) = 3</w/${round}/f>`,
        `${child} ${round}.5 exit_group(0) = ?`,
        `${child} ${round}.6 +++ exited with 0 +++`,
      ];
      for (const line of lines) {
        events += parser.push(`${line}\n`).length;
        maxPending = Math.max(maxPending, parser.pendingCalls);
        maxTracked = Math.max(maxTracked, parser.trackedPids);
      }
    }
    events += parser.end().length;
    expect(events).toBe(20_000 * 4);
    expect(parser.stats).toMatchObject({ unknown: 0, unfinished: 40_000, resumed: 40_000 });
    // Nothing per line is retained: at most the two interleaved unfinished calls, and only the
    // live child's working directory (exited children are forgotten).
    expect(maxPending).toBe(2);
    expect(maxTracked).toBe(1);
    expect(parser.pendingCalls).toBe(0);
    expect(parser.trackedPids).toBe(0);
  });

  it('caps held unfinished calls, emitting the oldest as interrupted', () => {
    const parser = new StraceParser({ maxPendingCalls: 3 });
    const lines = [1, 2, 3, 4, 5].map((pid) => `${pid} 1.${pid} unlink("/p${pid}" <unfinished ...>`).join('\n');
    const events = parser.push(`${lines}\n`);
    expect(events.map((e) => [e.pid, e.result.status])).toEqual([
      [1, 'unknown'],
      [2, 'unknown'],
    ]);
    expect(parser.pendingCalls).toBe(3);
    expect(parser.stats.interrupted).toBe(2);
    expect(parser.end().map((e) => e.pid)).toEqual([3, 4, 5]);
  });
});
