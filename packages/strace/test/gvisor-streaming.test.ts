/** The gVisor reader as a stream: byte chunks, early events, and state that stays bounded on long records. */
import { GvisorRecordParser, type StraceEvent, parseRecord, recordReader } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { gvisorLine, gvisorSample, straceMsg } from './helpers.js';

describe('gVisor reader streaming', () => {
  it('gives the same events from byte chunks that split UTF-8 characters (µs, é)', () => {
    const text = `${gvisorSample()}${gvisorLine(straceMsg(9, 9, 'sh E unlink(0x1 /tmp/é)'))}\n${gvisorLine(straceMsg(9, 9, 'sh X unlink(0x1 /tmp/é) = 0 (0x0) (7.24µs)'))}\n`;
    const bytes = new TextEncoder().encode(text);
    const reader = recordReader('gvisor-json');
    const decoder = new TextDecoder();
    const events: StraceEvent[] = [];
    // 5-byte chunks cut through every multi-byte character somewhere.
    for (let i = 0; i < bytes.length; i += 5) events.push(...reader.push(decoder.decode(bytes.subarray(i, i + 5), { stream: true })));
    events.push(...reader.push(decoder.decode()), ...reader.end());
    expect(events).toEqual(parseRecord('gvisor-json', text).events);
    expect(events.at(-1)).toMatchObject({ type: 'unlink', path: '/tmp/é' });
  });

  it('returns an event as soon as the exit line that completes it arrives', () => {
    const parser = new GvisorRecordParser();
    const entry = gvisorLine(straceMsg(3, 3, 'rm E unlink(0x1 /a)'));
    const exit = gvisorLine(straceMsg(3, 3, 'rm X unlink(0x1 /a) = 0 (0x0) (1µs)'));
    expect(parser.push(`${entry}\n${exit.slice(0, 40)}`)).toEqual([]);
    expect(parser.pendingCalls).toBe(1);
    expect(parser.push(`${exit.slice(40)}\n`)).toMatchObject([{ type: 'unlink', path: '/a', seq: 0 }]);
    expect(parser.end()).toEqual([]);
  });

  it('holds only open calls and live tasks, however long the record', () => {
    const parser = new GvisorRecordParser();
    const line = (tgid: number, tid: number, text: string): string => `${gvisorLine(straceMsg(tgid, tid, text))}\n`;
    let maxPending = 0;
    let maxTracked = 0;
    let events = 0;
    for (let n = 0; n < 5000; n++) {
      const child = 10 + n * 2;
      let chunk = line(1, 1, 'sh E vfork()') + line(1, 1, `sh X vfork() = ${child} (0x${child.toString(16)}) (1µs)`);
      chunk += line(child, child, 'sh E clone3(0x1, 0x58)') + line(child, child, `sh X clone3(0x1, 0x58) = ${child + 1} (0x1) (1µs)`);
      chunk += line(child, child, `sh E openat(AT_FDCWD /home/u${n}, 0x1 f, O_RDONLY, 0o0)`);
      chunk += line(child, child + 1, 'sh E exit(0x0)') + line(child, child + 1, 'sh X exit(0x0) = 0 (0x0) (1µs)');
      chunk += line(child, child, `sh X openat(AT_FDCWD /home/u${n}, 0x1 f, O_RDONLY, 0o0) = 3 (0x3) (1µs)`);
      chunk += line(child, child, 'sh E exit_group(0x0)') + line(child, child, 'sh X exit_group(0x0) = 0 (0x0) (1µs)');
      events += parser.push(chunk).length;
      maxPending = Math.max(maxPending, parser.pendingCalls);
      maxTracked = Math.max(maxTracked, parser.trackedPids);
    }
    expect(events).toBe(5000 * 5);
    expect(parser.end()).toEqual([]);
    expect(maxPending).toBeLessThanOrEqual(2);
    expect(maxTracked).toBeLessThanOrEqual(3);
    expect(parser.stats).toMatchObject({ unknown: 0, interrupted: 0 });
  });
});
