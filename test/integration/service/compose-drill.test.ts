/**
 * The compose fault drill in its CI size (issue 14): the real stack of this checkout, two organizations,
 * 8 uploads (one archive in both) and a 2-package inventory, the worker container SIGKILLed twice mid-run
 * and Redis restarted once. Every analysis ends `completed` or `failed` with a reason, no sandbox container
 * or gVisor log folder of the drill is left, each organization lists exactly its own analyses. The drill is
 * test/bench/fault-drill.mjs (the full one, 60 analyses: `npm run bench:drill`); this reads its JSON line.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('compose fault drill (CI size, gVisor)', () => {
  it(
    'loses no analysis to two worker SIGKILLs and a Redis restart, leaves nothing behind, keeps organizations apart',
    async () => {
      const { stdout } = await run(process.execPath, ['test/bench/fault-drill.mjs', '--ci', '--json'], {
        maxBuffer: 16 * 1024 * 1024,
        timeout: 20 * 60_000,
      }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
        // The drill exits 1 when a check fails: its JSON line still says which.
        if (err.stdout) return { stdout: err.stdout };
        throw new Error(`${err.message}\n${err.stderr ?? ''}`);
      });
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown> & {
        isolation: { foreign: number; missing: number; extra: number; otherAnalysisStatus: number; otherInventoryStatus: number }[];
        faults: { kind: string }[];
      };
      expect(result.errors).toEqual([]);
      expect(result.faults.map((f) => f.kind)).toEqual(['kill-worker', 'restart-redis', 'kill-worker']);
      expect(result.submissions).toBe(10);
      expect(result.lost).toBe(0);
      expect(result.failedWithoutReason).toBe(0);
      expect((result.completed as number) + (result.failed as number)).toBe(10);
      expect(result.containersLeft).toBe(0);
      expect(result.containersLeftAfterDown).toBe(0); // the warm pools drained or reaped
      expect(result.sandboxContainersSeen).toBeGreaterThan(0);
      expect(result.gvisorLogFoldersLeft).toBe(0);
      expect(result.tracer).toBe('gvisor-sentry');
      for (const org of result.isolation)
        expect(org).toEqual(
          expect.objectContaining({ foreign: 0, missing: 0, extra: 0, otherAnalysisStatus: 404, otherInventoryStatus: 404 }),
        );
      expect(result.ok).toBe(true);
    },
    25 * 60_000,
  );
});
