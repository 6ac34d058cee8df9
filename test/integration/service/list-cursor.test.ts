/**
 * The analyses and inventories lists page by (time, id) against a real Redis: many analyses submitted in
 * the same millisecond (a bulk submission) are each listed once across pages of every size, in order, for
 * the whole list and for one verdict, and so are inventories that share a millisecond; a time-only cursor
 * still lists what is strictly older.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, type VerdictSummary } from '@airlock/store';
import { startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { createOrg, startTestApi } from '../../support/service.js';

let redis: TestRedis;
let api: Awaited<ReturnType<typeof startTestApi>>;
let org: { id: string; apiKey: string };
/** Every id, newest first: 30 in one millisecond, 3 a millisecond older, 2 newer. */
const expected: string[] = [];
const SAME = '2026-12-05T06:00:00.000Z';

const page = async (query: string, list = 'analyses') => {
  const res = await fetch(`${api.url}/v1/${list}${query}`, { headers: { authorization: `Bearer ${org.apiKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { analyses: { id: string }[]; inventories: { id: string }[]; next: string | null };
};

/** Follows `next` from the first page to the last. */
async function walk(limit: number, filter = '', list: 'analyses' | 'inventories' = 'analyses'): Promise<string[]> {
  const ids: string[] = [];
  let before: string | null = null;
  for (let i = 0; i < 100; i++) {
    const p = await page(`?limit=${limit}${filter}${before === null ? '' : `&before=${encodeURIComponent(before)}`}`, list);
    ids.push(...p[list].map((a) => a.id));
    if (p.next === null) return ids;
    before = p.next;
  }
  throw new Error('more than 100 pages');
}

beforeAll(async () => {
  redis = await startTestRedis();
  api = await startTestApi(redis.url, { rateLimitPerMinute: 100_000 });
  org = await createOrg(api, 'cursor');
  const verdict: VerdictSummary = { verdict: 'benign', score: 0, reasons: [], notObserved: [] };
  const make = (submittedAt: string, n: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        api.context.store.analyses.create(
          {
            orgId: org.id,
            ecosystem: 'npm',
            name: `pkg-${submittedAt}-${i}`,
            version: '1.0.0',
            source: 'registry',
            archiveSha256: null,
            runKey: `npm:pkg-${submittedAt}-${i}@1.0.0`,
            inventoryId: null,
          },
          { submittedAt, status: 'completed', verdict },
        ),
      ),
    );
  const older = await make('2026-12-05T05:59:59.999Z', 3);
  const same = await make(SAME, 30);
  const newer = await make('2026-12-05T06:00:00.001Z', 2);
  // Newest first; within one millisecond, by id descending (as Redis orders equal scores).
  const desc = (rs: { id: string }[]) => rs.map((r) => r.id).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  expected.push(...desc(newer), ...desc(same), ...desc(older));
});

afterAll(async () => {
  await api?.close();
  await redis?.stop();
});

describe('analyses list cursor', () => {
  it.each([1, 4, 7, 30, 35, 200])('lists every analysis once, in order, with pages of %i', async (limit) => {
    expect(await walk(limit)).toEqual(expected);
  });

  it('pages the same way by verdict', async () => {
    expect(await walk(4, '&verdict=benign')).toEqual(expected);
  });

  it('pages inventories that share a millisecond the same way', async () => {
    const made = await Promise.all(
      Array.from({ length: 12 }, () =>
        api.context.store.inventories.create({
          orgId: org.id,
          fileName: 'requirements.txt',
          format: 'requirements',
          schedule: null,
          packages: [],
          skipped: [],
        }),
      ),
    );
    // One millisecond for all (a burst of uploads): the score is the creation time.
    for (const inv of made) await api.context.store.redis.zadd(keys.orgInventories(org.id), Date.parse(SAME), inv.id);
    const ids = made.map((i) => i.id).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    for (const limit of [1, 5, 12]) expect(await walk(limit, '', 'inventories')).toEqual(ids);
  });

  it('takes a bare time as "strictly before that millisecond"', async () => {
    const p = await page(`?limit=50&before=${Date.parse(SAME)}`);
    expect(p.analyses.map((a) => a.id)).toEqual(expected.slice(-3));
    expect((await fetch(`${api.url}/v1/analyses?before=yesterday`, { headers: { authorization: `Bearer ${org.apiKey}` } })).status).toBe(
      400,
    );
  });
});
