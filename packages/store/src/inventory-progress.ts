/**
 * An inventory scan's progress in O(1) Redis commands per analysis: the scan's analysis ids (a set, and
 * a hash by package index so a retried expansion resumes), the finished ones (a set), the total once
 * expansion is over, and a set of inventories whose scan is complete and not yet announced. Nothing
 * here re-reads the inventory or its analyses: the summary is read once, at completion.
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/**
 * KEYS: scan ids, scan done, progress, the analysis hash, ready set, scan index hash.
 * ARGV: analysis id, inventory id, '1' to register it (with ARGV[4], its package index) or '0' to note a finish.
 * A finished analysis counts once it is both registered and terminal, whichever is written last; when the
 * scan's total is known and reached, the inventory joins the ready set. Returns 1 when it did.
 */
const NOTE = `
if ARGV[3] == '1' then
  redis.call('SADD', KEYS[1], ARGV[1])
  redis.call('HSET', KEYS[6], ARGV[4], ARGV[1])
elseif redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  return 0
end
local s = redis.call('HGET', KEYS[4], 'status')
if s == '"completed"' or s == '"failed"' or s == '"cancelled"' then redis.call('SADD', KEYS[2], ARGV[1]) end
local total = tonumber(redis.call('HGET', KEYS[3], 'total') or '-1')
if total >= 0 and redis.call('SCARD', KEYS[2]) >= total then
  redis.call('SADD', KEYS[5], ARGV[2])
  return 1
end
return 0
`;

/** KEYS: scan done, progress, ready set. ARGV: total, inventory id. The expansion is over: total known. */
const EXPANDED = `
redis.call('HSET', KEYS[2], 'total', ARGV[1])
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  redis.call('SADD', KEYS[3], ARGV[2])
  return 1
end
return 0
`;

export class InventoryProgress {
  constructor(private readonly redis: Redis) {}

  private noteKeys(inventoryId: string, analysisId: string): string[] {
    return [
      keys.inventoryScanIds(inventoryId),
      keys.inventoryScanDone(inventoryId),
      keys.inventoryProgress(inventoryId),
      keys.analysis(analysisId),
      keys.inventoriesReady(),
      keys.inventoryScanIndex(inventoryId),
    ];
  }

  /** A new scan (first or rescan): the previous scan's progress is forgotten. */
  async startScan(inventoryId: string): Promise<void> {
    await this.redis.del(
      keys.inventoryScanIds(inventoryId),
      keys.inventoryScanDone(inventoryId),
      keys.inventoryProgress(inventoryId),
      keys.inventoryScanIndex(inventoryId),
    );
  }

  /** The analysis submitted for package `index` of the current scan (counted at once if already finished). */
  async register(inventoryId: string, index: number, analysisId: string): Promise<void> {
    await this.redis.eval(NOTE, 6, ...this.noteKeys(inventoryId, analysisId), analysisId, inventoryId, '1', String(index));
  }

  /** An analysis of the inventory reached a terminal status (a no-op for another scan's analysis). */
  async noteFinished(inventoryId: string, analysisId: string): Promise<void> {
    await this.redis.eval(NOTE, 6, ...this.noteKeys(inventoryId, analysisId), analysisId, inventoryId, '0', '');
  }

  /** Analysis ids by package index submitted so far in the current scan: a retried expansion resumes from them. */
  async submitted(inventoryId: string): Promise<Map<number, string>> {
    const byIndex = await this.redis.hgetall(keys.inventoryScanIndex(inventoryId));
    return new Map(Object.entries(byIndex).map(([index, id]) => [Number(index), id]));
  }

  /** Every package of the scan has its analysis: the total is known from now on. */
  async expanded(inventoryId: string, total: number): Promise<void> {
    await this.redis.eval(
      EXPANDED,
      3,
      keys.inventoryScanDone(inventoryId),
      keys.inventoryProgress(inventoryId),
      keys.inventoriesReady(),
      String(total),
      inventoryId,
    );
  }

  async isReady(inventoryId: string): Promise<boolean> {
    return (await this.redis.sismember(keys.inventoriesReady(), inventoryId)) === 1;
  }

  /** Takes the inventory out of the ready set (its completion is claimed). */
  async takeReady(inventoryId: string): Promise<boolean> {
    return (await this.redis.srem(keys.inventoriesReady(), inventoryId)) === 1;
  }

  /** Inventories complete and not yet announced (a sweep completes those whose finisher died). */
  async ready(): Promise<string[]> {
    return this.redis.smembers(keys.inventoriesReady());
  }
}
