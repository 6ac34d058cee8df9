/**
 * Parser isolation (issue 14): a syscall record is hostile input, so its reader and summarizer run in a
 * worker thread with its own heap limit (packages/analysis/src/trace-thread.ts). A crafted record that
 * blows that limit (8,000 distinct execs with 6 KB argvs, 48 MB) fails its own analysis with the reason,
 * through the worker's real job processor and Redis, while a second job parsing a normal record at the
 * same time completes. The limit here is 16 MiB so the test is quick; the service's is 512 MiB
 * (AIRLOCK_PARSER_MEMORY_MB), which that record stays under (about 35 MB of summary at 40,000 execs).
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeTraceInThread } from '@airlock/analysis';
import { safeJobId, submitAnalysis, type AnalysisTarget } from '@airlock/queue';
import { analysisProcessor, type WorkerContext } from '@airlock/worker';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, startTestApi } from '../../support/service.js';
import { craftedReport, sandboxlessWorkerContext } from '../../support/worker.js';
import { testTempDir } from '../../support/temp-dir.js';

type AnalysisJobRun = Parameters<ReturnType<typeof analysisProcessor>>[0];

const TEST_LIMIT_MB = 16;
const dir = testTempDir('airlock-parser-');
const crafted = join(dir, 'install.strace');
const normal = join(dir, 'normal.strace');
let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let ctx: WorkerContext;
let orgId: string;

const target = (name: string): AnalysisTarget => ({
  kind: 'archive',
  ecosystem: 'npm',
  name,
  version: '1.0.0',
  path: join(dir, `${name}.tgz`),
  sha256: name.padEnd(64, '0'),
  fileName: `${name}.tgz`,
});

beforeAll(async () => {
  const out = createWriteStream(crafted);
  const arg = 'y'.repeat(3000);
  for (let i = 0; i < 8000; i++) out.write(`${1000 + i} ${i}.0 execve("/usr/bin/p${i}", ["p${i}", "${arg}${i}", "${arg}"], ["A=1"]) = 0\n`);
  await new Promise((r) => out.end(r));
  writeFileSync(normal, '30 1.0 execve("/bin/sh", ["sh", "-c", "node install.js"], ["A=1"]) = 0\n31 1.1 exit_group(0) = ?\n');
  redis = await startTestRedis();
  api = await startTestApi(redis.url);
  ctx = sandboxlessWorkerContext(api, redis.url);
  orgId = (await createOrg(api, 'parsers')).id;
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('parser isolation', () => {
  it('fails only the analysis whose record blows its parser thread, with the reason; a concurrent one completes', async () => {
    const submitted = await Promise.all(
      ['crafted-record', 'normal-record'].map((name) =>
        submitAnalysis(ctx.store, ctx.queues, { orgId, target: target(name), source: 'api' }),
      ),
    );
    // Each job's run parses its record in its own thread, as the pipeline does, then reports.
    const run = async (_ctx: WorkerContext, t: AnalysisTarget) => {
      const path = t.name === 'crafted-record' ? crafted : normal;
      await summarizeTraceInThread({ path, format: 'strace', phase: 'install', packageName: t.name }, TEST_LIMIT_MB);
      return craftedReport(`rep_${t.name}`, 'benign', { sha256: t.kind === 'archive' ? t.sha256 : undefined });
    };
    const outcomes = await Promise.all(
      submitted.map(async (analysis) => {
        const queued = (await ctx.queues.analyses.getJob(safeJobId(analysis.runKey)))!;
        await queued.remove();
        // The last attempt: a failure is final at once (BullMQ retries the earlier ones).
        const job = { data: queued.data, attemptsMade: 2, opts: { attempts: 3 }, timestamp: Date.now() } as unknown as AnalysisJobRun;
        return analysisProcessor(
          ctx,
          run,
        )(job).then(
          () => null,
          (err: Error) => err,
        );
      }),
    );
    expect(outcomes[0]?.message).toMatch(
      /install phase's syscall record could not be parsed: its parser ran out of its 16 MiB memory limit/,
    );
    expect(outcomes[1]).toBeNull();
    const [bad, good] = await Promise.all(submitted.map((a) => ctx.store.analyses.get(a.id)));
    expect(bad).toEqual(
      expect.objectContaining({ status: 'failed', error: expect.stringMatching(/could not be parsed: its parser ran out of its 16 MiB/) }),
    );
    expect(good).toEqual(expect.objectContaining({ status: 'completed' }));
  }, 120_000);

  it('parses the same record under the service limit (the bounds inside hold)', async () => {
    const result = await summarizeTraceInThread({ path: crafted, format: 'strace', phase: 'install', packageName: 'x' });
    expect(result.stats).toEqual({ lines: 8000, events: 8000, unknownLines: 0 });
    expect(result.summary.evidenceGaps.length).toBeGreaterThan(0); // the argv budget was reached and counted
  }, 120_000);
});
