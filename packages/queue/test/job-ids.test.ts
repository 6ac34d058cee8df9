import { describe, expect, it } from 'vitest';
import { PRIORITY, runKeyOf, safeJobId, webhookBackoffMs } from '../src/index.js';

describe('run keys', () => {
  it('are the same for the same registry version and differ by source, archive and nonce', () => {
    const reg = { kind: 'registry' as const, ecosystem: 'npm' as const, name: '@scope/pkg', version: '1.2.3' };
    expect(runKeyOf(reg)).toBe('run|npm|@scope/pkg@1.2.3|registry');
    expect(runKeyOf({ ...reg })).toBe(runKeyOf(reg));
    const upload = { ...reg, kind: 'archive' as const, path: '/x', sha256: 'ab'.repeat(32), fileName: 'p.tgz' };
    expect(runKeyOf(upload)).toBe(`run|npm|@scope/pkg@1.2.3|sha256=${'ab'.repeat(32)}`);
    expect(runKeyOf(upload)).not.toBe(runKeyOf({ ...upload, sha256: 'cd'.repeat(32) }));
    expect(runKeyOf(reg, 'n1')).not.toBe(runKeyOf(reg, 'n2'));
  });

  it("of a private registry's package carry its organization: never the public run, never another organization's", () => {
    const reg = { kind: 'registry' as const, ecosystem: 'npm' as const, name: '@acme/lib', version: '1.0.0' };
    expect(runKeyOf({ ...reg, privateTo: 'org_a' })).toBe('run|npm|@acme/lib@1.0.0|private=org_a');
    expect(runKeyOf({ ...reg, privateTo: 'org_a' })).not.toBe(runKeyOf(reg));
    expect(runKeyOf({ ...reg, privateTo: 'org_a' })).not.toBe(runKeyOf({ ...reg, privateTo: 'org_b' }));
  });

  it('never contain a colon once made job ids (BullMQ refuses them)', () => {
    const key = runKeyOf({ kind: 'registry', ecosystem: 'pypi', name: 'a', version: '1!2.0' }, 'x:y');
    expect(safeJobId(key)).not.toContain(':');
    expect(safeJobId(key)).toBe(safeJobId(key));
  });
});

describe('priorities and webhook backoff', () => {
  it('puts API submissions before inventories before rescans (lower runs first)', () => {
    expect(PRIORITY.api).toBeLessThan(PRIORITY.inventory);
    expect(PRIORITY.inventory).toBeLessThan(PRIORITY.rescan);
  });

  it('doubles from the base delay, within ±20% jitter, capped at one hour', () => {
    expect(webhookBackoffMs(1, 5000, () => 0.5)).toBe(5000);
    expect(webhookBackoffMs(3, 5000, () => 0.5)).toBe(20000);
    expect(webhookBackoffMs(3, 5000, () => 0)).toBe(16000);
    expect(webhookBackoffMs(3, 5000, () => 1)).toBe(24000);
    expect(webhookBackoffMs(30, 5000, () => 0.5)).toBe(3_600_000);
  });
});
