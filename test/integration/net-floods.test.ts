import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeLocalPackage, type AnalyzeOptions } from '@airlock/analysis';
import type { EvidenceGap, SandboxReport } from '@airlock/core';
import { connectDocker, ensureImages } from '@airlock/sandbox';
import { reportSchemaErrors } from '../support/report-schema.js';
import { testTempDir } from '../support/temp-dir.js';

// Packages that try to crash or blind the fake internet before a theft (test/fixtures/net-floods/README.md), each
// run through the real pipeline under gVisor (real Docker engine, nothing mocked). Fixture code runs only inside
// the sandbox; its traffic reaches only the fake internet's namespace.
const docker = connectDocker();
const fixture = (name: string) => resolve(__dirname, '../fixtures/net-floods', name);
const artifactsRoot = testTempDir('airlock-net-floods-');
// No retry of inconclusive runs: each run here is the one under test (the planner's retry: fail-closed.test.ts).
// One run per fixture: the extra views (time, calls, platforms) have their own tests, and a second run's fake
// internet would be a second one to flood or kill.
const options: AnalyzeOptions = {
  docker,
  artifactsRoot,
  runtime: 'gvisor',
  timeoutsMs: { install: 90_000, import: 30_000 },
  retry: false,
  timeView: false,
  callView: false,
  platformViews: false,
};

/** The fake internet this tree builds (its image is tagged by the hash of its inputs). */
beforeAll(async () => {
  await ensureImages(docker);
});

async function scan(name: string): Promise<SandboxReport> {
  const started = Date.now();
  const report = await analyzeLocalPackage(fixture(name), options);
  const file = join(artifactsRoot, `${name}.report.json`);
  writeFileSync(file, JSON.stringify(report));
  const gaps = report.evidenceGaps.map((g) => `${g.kind}:${g.dropped}${g.hidesBehaviour ? '!' : ''}`);
  console.log(
    `${name}: ${report.verdict?.verdict} [${rules(report).join(', ')}] gaps [${gaps.join(', ')}] dns ${report.network.dns.length} tcp ${report.network.tcp.length} udp ${report.network.udp.length} in ${Date.now() - started} ms (install ${report.phases[0]?.durationMs} ms) (${file})`,
  );
  expect(report.sandbox.tracer).toBe('gvisor-sentry');
  expect(reportSchemaErrors(report)).toEqual([]);
  // The service never died and never failed while recording: it was flooded, not crashed.
  expect(networkGaps(report).filter((g) => /service/.test(g.kind))).toEqual([]);
  return report;
}

const rules = (report: SandboxReport) => report.verdict?.reasons.map((r) => r.rule) ?? [];
const networkGaps = (report: SandboxReport): EvidenceGap[] => report.evidenceGaps.filter((g) => g.source === 'network');

/** The planted npm token sent over HTTP to `host`:80, and the conclusive rule that names it. */
function expectTokenSent(report: SandboxReport, host: string): void {
  expect(report.honeytokens.exfiltrated).toContainEqual(
    expect.objectContaining({ kind: 'npm-token', channel: 'http', destination: `${host}:80`, encoding: 'raw' }),
  );
  expect(report.verdict?.verdict).toBe('malicious');
  expect(rules(report)).toContain('honeytoken-exfiltration');
}

/** How many records of one network list the report's cap dropped (the fake internet recorded them all). */
const reportCap = (report: SandboxReport, kind: 'dns' | 'tcp' | 'udp') =>
  report.evidenceGaps.find((g) => g.kind === `report.network-${kind}-capped`)?.dropped ?? 0;

describe('a fake internet that cannot be crashed or blinded, under gVisor', () => {
  it('dns-flood: 150,000 distinct names recycle fake addresses (counted), and the token POST after them is seen', async () => {
    const report = await scan('dns-flood');
    // Every query reached the report: the first ones kept, the rest counted by the report's cap on its DNS list.
    const cut = reportCap(report, 'dns');
    expect(report.network.dns.length + cut).toBeGreaterThanOrEqual(150_000);
    // More names than addresses: the pool recycled the oldest, and says so, with the count.
    const pool = networkGaps(report).find((g) => g.kind === 'network.address-pool-full');
    expect(pool).toMatchObject({ limit: 2 ** 17 - 2, hidesBehaviour: true });
    expect(pool!.dropped).toBeGreaterThanOrEqual(150_000 - (2 ** 17 - 2));
    expectTokenSent(report, 'after.dns-flood.net-fixture.example');
  });

  it('held-connections: 3,000 connections held open do not exhaust the service, and the token POST after them is seen', async () => {
    const report = await scan('held-connections');
    const held = report.network.tcp.filter((c) => c.destination.address?.startsWith('203.0.113.') && c.destination.port! >= 20000);
    // All 3,000 were recorded by the fake internet; the report keeps what fits its TCP list (4 MiB) and counts the rest.
    expect(held.length).toBeGreaterThan(0);
    expect(held.length + reportCap(report, 'tcp')).toBeGreaterThanOrEqual(3000);
    // Each held connection's 16 KiB were recorded (written as they came, not only at close).
    expect(held.every((c) => c.bytes === 16 * 1024 && Buffer.from(c.firstBytes, 'base64').length === 16 * 1024)).toBe(true);
    expect(networkGaps(report).map((g) => g.kind)).not.toContain('network.connections-dropped');
    expectTokenSent(report, 'after.held-connections.net-fixture.example');
  });

  it('filler-keepalive: a token after 80 KB of filler, and one in the second request of a keep-alive connection, are both found', async () => {
    const report = await scan('filler-keepalive');
    const filler = report.network.tcp.find((c) => c.destination.hostname === 'filler.net-fixture.example')!;
    const keepAlive = report.network.tcp.find((c) => c.destination.hostname === 'keepalive.net-fixture.example')!;
    // Past the records' 64 KiB: the records alone cannot show either token.
    expect(filler).toMatchObject({ truncated: true, http: expect.objectContaining({ target: '/upload' }) });
    expect(keepAlive).toMatchObject({ truncated: true, http: expect.objectContaining({ target: '/a' }) });
    expect(filler.bytes).toBeGreaterThan(80_000);
    expectTokenSent(report, 'filler.net-fixture.example');
    expectTokenSent(report, 'keepalive.net-fixture.example');
  });

  it('service-killed: a fake internet that dies mid-run is a network gap that hides behaviour, never a complete record', async () => {
    // This run's own fake internet (owner label: this process), killed by the engine while the install waits.
    const killer = (async () => {
      const owner = `airlock.owner=${hostname()}:${process.pid}`;
      for (let i = 0; i < 600; i++) {
        const running = await docker.listContainers({ filters: { label: [owner], status: ['running'] } });
        const fake = running.find((c) => c.Image.startsWith('airlock/fake-internet'));
        if (fake && running.length >= 2) {
          await delay(3000); // the install's script is waiting by now
          await docker.getContainer(fake.Id).kill({ signal: 'SIGKILL' });
          return true;
        }
        await delay(100);
      }
      return false;
    })();
    const report = await analyzeLocalPackage(fixture('service-killed'), options);
    expect(await killer).toBe(true);
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(networkGaps(report)).toContainEqual(
      expect.objectContaining({
        kind: 'network.service-failed',
        hidesBehaviour: true,
        message: expect.stringMatching(/exited \(code 137\)/),
      }),
    );
    // The POST went nowhere after the kill: nothing recorded it.
    expect(report.network.tcp.filter((c) => c.destination.hostname === 'after.service-killed.net-fixture.example')).toEqual([]);
    expect(report.verdict?.verdict).toBe('inconclusive');
    expect(report.verdict?.notObserved).toContainEqual(expect.objectContaining({ kind: 'evidence-gap', hidesBehaviour: true }));
  });

  it('udp-flood-4444: after 50,000 UDP flows the TCP connection to port 4444 has its destination, and reverse-shell.port fires', async () => {
    const report = await scan('udp-flood-4444');
    // Every datagram is a record, or counted as dropped by the kernel before the service could read it.
    const dropped = networkGaps(report).find((g) => g.kind === 'network.datagrams-dropped')?.dropped ?? 0;
    expect(report.network.udp.length + reportCap(report, 'udp') + dropped).toBeGreaterThanOrEqual(50_000);
    expect(report.network.udp.length).toBeGreaterThan(1_000);
    // One socket sent to 50,000 destinations (NAT remapped its port per flow): each datagram has its own destination.
    const wrong = report.network.udp.filter((d) => {
      const i = Number(/^flow (\d+)$/.exec(Buffer.from(d.data, 'base64').toString())?.[1]);
      return (
        d.destination.port !== null &&
        (d.destination.address !== `198.51.100.${1 + (i % 250)}` || d.destination.port !== 10_000 + Math.floor(i / 250))
      );
    });
    expect(wrong).toEqual([]);
    const unknown = report.network.udp.filter((d) => d.destination.port === null).length;
    expect(networkGaps(report).find((g) => g.kind === 'network.destinations-unknown')?.dropped ?? 0).toBeGreaterThanOrEqual(unknown);
    const shell = report.network.tcp.filter((c) => c.destination.port === 4444);
    expect(shell).toEqual([
      expect.objectContaining({ destination: expect.objectContaining({ address: '203.0.113.7', port: 4444 }), protocol: 'unknown' }),
    ]);
    expect(rules(report)).toContain('reverse-shell.port');
  });
});
