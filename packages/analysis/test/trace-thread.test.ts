import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { idleParserThreads, summarizeTraceInThread } from '../src/trace-thread.js';
import { testTempDir } from '../../../test/support/temp-dir.js';

// Runs the built thread body (dist/trace-thread-main.js): `tsc -b` first, as `npm test` does.
const LIMIT_MB = 16;
const dir = testTempDir('airlock-threads-');
const normal = join(dir, 'normal.strace');
const crafted = join(dir, 'crafted.strace');
const parse = (path: string) => summarizeTraceInThread({ path, format: 'strace', phase: 'install', packageName: 'pkg' }, LIMIT_MB);

beforeAll(async () => {
  writeFileSync(normal, '30 1.0 execve("/bin/sh", ["sh", "-c", "node install.js"], ["A=1"]) = 0\n31 1.1 exit_group(0) = ?\n');
  // 8,000 distinct execs with 6 KB argvs: more summary than a 16 MiB heap holds.
  const out = createWriteStream(crafted);
  const arg = 'y'.repeat(3000);
  for (let i = 0; i < 8000; i++) out.write(`${1000 + i} ${i}.0 execve("/usr/bin/p${i}", ["p${i}", "${arg}${i}", "${arg}"], ["A=1"]) = 0\n`);
  await new Promise((r) => out.end(r));
});

describe('parser threads', () => {
  it('are kept for the next record after an answer, never after a failure, and answer each record on its own', async () => {
    expect(idleParserThreads(LIMIT_MB)).toBe(0);
    const first = await parse(normal);
    expect(first.summary.processes.map((p) => p.path)).toEqual(['/bin/sh']);
    expect(idleParserThreads(LIMIT_MB)).toBe(1);
    // Two at once: the kept thread and a new one, both kept after.
    await Promise.all([parse(normal), parse(normal)]);
    expect(idleParserThreads(LIMIT_MB)).toBe(2);
    // A record that blows the heap fails with the reason; its thread (a kept one) is not kept again.
    await expect(parse(crafted)).rejects.toThrow(/ran out of its 16 MiB memory limit/);
    expect(idleParserThreads(LIMIT_MB)).toBe(1);
    // A reader's error ends its thread the same way.
    await expect(parse(join(dir, 'missing.strace'))).rejects.toThrow(/its parser failed \(ENOENT/);
    expect(idleParserThreads(LIMIT_MB)).toBe(0);
    // The next record in a kept thread: the same answer as the first (nothing left of the records between).
    const again = await parse(normal);
    expect(again.summary).toEqual(first.summary);
    expect(again.stats).toEqual(first.stats);
    expect(idleParserThreads(LIMIT_MB)).toBe(1);
  });
});
