import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import { SANDBOX_LABEL, WarmPool, connectDocker, settleTeardowns, type SandboxPair } from '@airlock/sandbox';
import { testTempDir } from '../support/temp-dir.js';

// The real engine under gVisor: pairs made ahead of time, each handed out once, none left after a drain.
const docker = connectDocker();
const owner = `airlock.owner=${hostname()}:${process.pid}`;
/** This process's pool containers still on the engine. */
async function poolContainers() {
  const all = await docker.listContainers({ all: true, filters: { label: [SANDBOX_LABEL, owner] } });
  return all.filter((c) => (c.Labels['airlock.analysis'] ?? '').startsWith('pool-'));
}
const claimed: SandboxPair[] = [];
afterAll(async () => {
  for (const p of claimed) for (const c of [p.container, p.owner.container]) await c.remove({ force: true }).catch(() => undefined);
});

describe('the warm pool', () => {
  it('hands each pair out once, refills, and leaves no container once drained', async () => {
    const pool = new WarmPool(docker, 2);
    pool.warm('gvisor');
    // More claims at once than the pool holds: each gets its own pair (a made-ahead one or the next made).
    const got = await Promise.all([pool.claim('gvisor'), pool.claim('gvisor'), pool.claim('gvisor')]);
    for (const pair of got) if (pair) claimed.push(pair);
    expect(got.every((p) => p !== null)).toBe(true);
    const ids = got.map((p) => p!.container.id);
    expect(new Set(ids).size).toBe(3);
    expect(new Set(got.map((p) => p!.owner.container.id)).size).toBe(3);
    expect(new Set(got.map((p) => p!.honeytokens.tokens[0]!.value)).size).toBe(3);
    // The made-ahead pair is ready to start: created, not running; its fake internet up.
    expect((await got[0]!.container.inspect()).State.Status).toBe('created');
    expect((await got[0]!.owner.container.inspect()).State.Running).toBe(true);
    await pool.drain();
    expect(await pool.claim('gvisor')).toBeNull();
    const left = (await poolContainers()).map((c) => c.Id);
    // Only the three pairs handed out are left (theirs to remove): nothing the pool kept or was making.
    expect(left.sort()).toEqual([...ids, ...got.map((p) => p!.owner.container.id)].sort());
    for (const p of claimed.splice(0)) for (const c of [p.container, p.owner.container]) await c.remove({ force: true });
  });

  it('gives a scan the same verdict and evidence as a pair made for it', async () => {
    const artifactsRoot = testTempDir('airlock-pool-');
    const target = resolve(__dirname, '../fixtures/npm/postinstall-shell-write');
    const pool = new WarmPool(docker, 1);
    pool.warm('gvisor');
    const messages: string[] = [];
    const options = {
      docker,
      artifactsRoot,
      timeView: false as const,
      callView: false,
      platformViews: false as const,
      retry: false as const,
    };
    const pooled = await analyzeLocalPackage(target, { ...options, pool, log: (m) => messages.push(m) });
    const fresh = await analyzeLocalPackage(target, options);
    await pool.drain();
    await settleTeardowns();
    expect(messages).toContain('sandbox pair from the warm pool');
    expect(pooled.verdict?.verdict).toBe(fresh.verdict?.verdict);
    expect(pooled.verdict?.score).toBe(fresh.verdict?.score);
    expect(pooled.verdict?.reasons.map((r) => r.rule)).toEqual(fresh.verdict?.reasons.map((r) => r.rule));
    expect(pooled.fsDiff.map((c) => c.path)).toContain('/home/jordan/.airlock-fixture-marker');
    const home = (r: typeof fresh) =>
      r.fsDiff.filter((c) => c.path.startsWith('/home/')).map((c) => `${c.kind} ${c.path.replace(/\d{4}-\d\d-\d\dT[\d_]+Z/, '<time>')}`); // npm's log is named by the time
    expect(home(pooled)).toEqual(home(fresh));
    const exe = (r: typeof fresh) => [...new Set(r.processes.map((p) => p.path))].sort();
    expect(exe(pooled)).toEqual(exe(fresh));
    expect(pooled.honeytokens.planted.length).toBe(fresh.honeytokens.planted.length);
    expect(await poolContainers()).toEqual([]);
  });
});
