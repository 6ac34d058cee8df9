import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import { connectDocker } from '@airlock/sandbox';
import { reportSchemaErrors } from '../support/report-schema.js';

// The call view: after the import, the runner calls the package's exports with argument shapes whose
// strings carry the run's call-argument honeytoken. Fixture code runs only in the sandbox.
const artifactsRoot = mkdtempSync(join(tmpdir(), 'airlock-calls-'));
const docker = connectDocker();
const fixture = resolve(__dirname, '../fixtures/incidents/mal-typosquat-argument-stealer');

describe('the call view', () => {
  it('catches a typosquat that sends the arguments its functions are given, which install and import never show', async () => {
    const r = await analyzeLocalPackage(fixture, { docker, artifactsRoot, retry: false, ciProfile: false, timeView: false });
    expect(reportSchemaErrors(r)).toEqual([]);
    expect(r.views.map((v) => [v.view, v.verdict === 'malicious', v.chosen])).toEqual([
      ['developer', false, false],
      ['calls', true, true],
    ]);
    expect(r.views[1]?.reason).toMatch(/exports \d+ function/);
    const leaks = r.honeytokens.exfiltrated.filter((l) => l.kind === 'call-argument');
    expect(leaks.map((l) => l.destination)).toContainEqual(expect.stringMatching(/^keys\.wallet-args-fixture\.example:/));
    expect(r.verdict?.reasons.map((h) => h.rule)).toContain('honeytoken-exfiltration');
    const calls = (r.importResult as { calls?: { attempted: number; list: { path: string }[] } }).calls;
    expect(calls?.list.map((c) => c.path)).toEqual(expect.arrayContaining(['Wallet', 'toHex']));
  });

  it('without the call view the same package looks benign', async () => {
    const r = await analyzeLocalPackage(fixture, {
      docker,
      artifactsRoot,
      retry: false,
      ciProfile: false,
      timeView: false,
      callView: false,
    });
    expect(r.views.map((v) => v.view)).toEqual(['developer']);
    expect(r.honeytokens.exfiltrated).toEqual([]);
    expect(r.verdict?.verdict).not.toBe('malicious');
  });
});
