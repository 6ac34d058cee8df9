import { describe, expect, it } from 'vitest';
import { parsePhaseStatus, toPhaseResult } from '../src/phase-status.js';
import type { ExecOutcome } from '../src/exec.js';

const text = (t: string) => ({ text: t, bytes: t.length, truncated: false });
const outcome = (over: Partial<ExecOutcome> = {}): ExecOutcome => ({
  exitCode: 0,
  stdout: text('out'),
  stderr: text(''),
  hitDeadline: false,
  ...over,
});
const rec = (bytes: number) => ({ bytes, truncated: false, issue: null });
const good =
  '{"phase":"install","status":"completed","exitCode":0,"durationMs":2100,"timeoutMs":120000,"lingeringProcesses":0,"cpuNsBefore":1000000,"cpuNsAfter":901000000,"memoryPeakBytes":4096}';

describe('parsePhaseStatus', () => {
  it('reads the runner status file', () => {
    expect(parsePhaseStatus(good)).toEqual({
      status: 'completed',
      exitCode: 0,
      durationMs: 2100,
      lingeringProcesses: 0,
      cpuNsBefore: 1000000,
      cpuNsAfter: 901000000,
      memoryPeakBytes: 4096,
      traceCut: false,
    });
  });
  it('keeps null counters the runner could not read', () => {
    expect(parsePhaseStatus('{"status":"timeout","exitCode":null,"durationMs":5,"cpuNsBefore":null}')).toMatchObject({
      status: 'timeout',
      exitCode: null,
      cpuNsBefore: null,
    });
  });
  it.each([undefined, '', 'not json', '{"status":"owned"}', '[1]', '{"status":"completed"'])('rejects %j', (input) => {
    expect(parsePhaseStatus(input)).toBeNull();
  });
});

describe('toPhaseResult', () => {
  const run = { startedAt: '2026-01-01T00:00:00.000Z', outcome: outcome() };
  it('takes status, exit code, duration and CPU from the runner when the exec ended normally', () => {
    const r = toPhaseResult('install', 120000, run, parsePhaseStatus(good), rec(77));
    expect(r).toMatchObject({
      status: 'completed',
      exitCode: 0,
      durationMs: 2100,
      traceBytes: 77,
      traceTruncated: false,
      resources: { cpuMs: 900, memoryPeakBytes: 4096 },
    });
    expect(r.stdout.text).toBe('out');
  });
  it('lets the host deadline win over anything the runner wrote', () => {
    const r = toPhaseResult(
      'install',
      30000,
      { ...run, outcome: outcome({ hitDeadline: true, exitCode: null }) },
      parsePhaseStatus(good),
      rec(0),
    );
    expect(r.status).toBe('timeout');
    expect(r.durationMs).toBe(30000);
    expect(r.error).toMatch(/host killed/);
  });
  it('says the host stopped the phase for a bound, whatever the runner or the deadline say', () => {
    const stopped = { ...run, outcome: outcome({ hitDeadline: true, exitCode: null }) };
    const r = toPhaseResult('install', 30000, stopped, parsePhaseStatus(good), rec(0), undefined, 'disk limit reached');
    expect(r).toMatchObject({ status: 'error', error: 'disk limit reached' });
  });
  it('is an error when the runner left no status', () => {
    const r = toPhaseResult('import', 30000, run, null, rec(0));
    expect(r.status).toBe('error');
    expect(r.error).toMatch(/no status/);
  });
  it('is an error when the runner itself failed', () => {
    expect(toPhaseResult('import', 30000, { ...run, outcome: outcome({ exitCode: 2 }) }, parsePhaseStatus(good), rec(0)).status).toBe(
      'error',
    );
  });
  it('marks a phase that never ran', () => {
    expect(toPhaseResult('import', 30000, undefined, null, rec(0))).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/not run/),
    });
  });
  it('marks the record incomplete when strace ended before the phase (killed, or cut at the file size limit)', () => {
    const cut = parsePhaseStatus(good.replace('}', ',"tracer":"strace","traceCut":true}'));
    const r = toPhaseResult('install', 120000, run, cut, rec(50));
    expect(r).toMatchObject({ status: 'completed', traceTruncated: true, traceIssue: expect.stringMatching(/strace ended/) });
  });
  it('marks the record incomplete when the host cut it at its cap, and says why', () => {
    const r = toPhaseResult('install', 120000, run, parsePhaseStatus(good), {
      bytes: 10,
      truncated: true,
      issue: 'the record reached its cap',
    });
    expect(r).toMatchObject({ traceTruncated: true, traceIssue: 'the record reached its cap', traceBytes: 10 });
  });
  it('leaves a complete record unmarked', () => {
    expect(toPhaseResult('install', 120000, run, parsePhaseStatus(good), rec(10))).not.toHaveProperty('traceIssue');
  });
});
