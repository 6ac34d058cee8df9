/** Inventories (an uploaded lockfile or SBOM) and their expansion into analyses. */
import type { Redis } from 'ioredis';
import { nanoid } from 'nanoid';
import { keys } from './keys.js';
import type { InventoryRecord } from './types.js';

export type NewInventory = Pick<InventoryRecord, 'orgId' | 'fileName' | 'format' | 'schedule' | 'packages' | 'skipped'>;

export class InventoryStore {
  constructor(private readonly redis: Redis) {}

  async create(input: NewInventory): Promise<InventoryRecord> {
    const record: InventoryRecord = {
      ...input,
      id: `inv_${nanoid(16)}`,
      createdAt: new Date().toISOString(),
      status: 'expanding',
      integrityMismatches: [],
      integrityUnchecked: [],
      completedAt: null,
      rescans: 0,
      error: null,
    };
    await this.redis
      .multi()
      .set(keys.inventory(record.id), JSON.stringify(record))
      .zadd(keys.orgInventories(record.orgId), Date.now(), record.id)
      .exec();
    return record;
  }

  async get(id: string, orgId?: string): Promise<InventoryRecord | null> {
    const text = await this.redis.get(keys.inventory(id));
    if (!text) return null;
    const record = JSON.parse(text) as InventoryRecord;
    return orgId !== undefined && record.orgId !== orgId ? null : record;
  }

  /** Whole-record write: only the inventory's own job (one at a time per inventory) calls it. */
  async save(record: InventoryRecord): Promise<void> {
    await this.redis.set(keys.inventory(record.id), JSON.stringify(record));
  }

  async list(orgId: string, limit: number): Promise<string[]> {
    return this.redis.zrevrange(keys.orgInventories(orgId), 0, limit - 1);
  }

  /** A page of the organization's inventories, newest first, created before `before` (ms), with each one's creation score. */
  async page(orgId: string, limit: number, before?: number): Promise<{ record: InventoryRecord; createdMs: number }[]> {
    const flat = await this.redis.zrevrangebyscore(
      keys.orgInventories(orgId),
      before === undefined ? '+inf' : `(${before}`,
      '-inf',
      'WITHSCORES',
      'LIMIT',
      0,
      limit,
    );
    const entries: { id: string; createdMs: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) entries.push({ id: flat[i]!, createdMs: Number(flat[i + 1]) });
    const records = await Promise.all(entries.map((e) => this.get(e.id, orgId)));
    return entries.flatMap((e, i) => (records[i] ? [{ record: records[i], createdMs: e.createdMs }] : []));
  }

  /** Removes the inventory and its place in the organization's list (its analyses stay). False when not this organization's. */
  async delete(id: string, orgId: string): Promise<boolean> {
    if (!(await this.get(id, orgId))) return false;
    await this.redis.multi().del(keys.inventory(id), keys.inventoryVerdicts(id)).zrem(keys.orgInventories(orgId), id).exec();
    return true;
  }
}
