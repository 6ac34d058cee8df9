/** Inventories (an uploaded lockfile or SBOM) and their expansion into analyses. */
import type { Redis } from 'ioredis';
import { nanoid } from 'nanoid';
import { keys } from './keys.js';
import { newestFirstPage, type ListCursor } from './list-cursor.js';
import type { InventoryRecord } from './types.js';

/**
 * An inventory scan whose expansion job has not finished (or a rescan asked for and not started): listed
 * until the scan is expanded, so a sweep finds it when its job is lost (a Redis restart) or failed.
 */
export interface OpenScan {
  mode: 'expand' | 'rescan';
  /** The BullMQ job expanding it (`expand|<id>`, or a rescan's job id); null: a scheduled rescan not started. */
  jobId: string | null;
  openedAt: string;
  requeues: number;
  /** A rescan's job began (the inventory's scan count moved on): lost after that, the same scan continues. */
  started?: boolean;
}

const CLOSE_IF_JOB = `local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and cjson.decode(v).jobId == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0`;

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
    const open: OpenScan = { mode: 'expand', jobId: `expand|${record.id}`, openedAt: record.createdAt, requeues: 0 };
    const multi = this.redis
      .multi()
      .set(keys.inventory(record.id), JSON.stringify(record))
      .zadd(keys.orgInventories(record.orgId), Date.now(), record.id)
      .hset(keys.inventoriesOpen(), record.id, JSON.stringify(open));
    if (record.schedule) multi.sadd(keys.inventoriesScheduled(), record.id);
    await multi.exec();
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

  /** A page of the organization's inventories, newest first, after `before` (list-cursor.ts), with each one's creation score. */
  async page(orgId: string, limit: number, before?: ListCursor): Promise<{ record: InventoryRecord; createdMs: number }[]> {
    const entries = (await newestFirstPage(this.redis, keys.orgInventories(orgId), limit, before)).map((e) => ({
      id: e.id,
      createdMs: e.at,
    }));
    const records = await Promise.all(entries.map((e) => this.get(e.id, orgId)));
    return entries.flatMap((e, i) => (records[i] ? [{ record: records[i], createdMs: e.createdMs }] : []));
  }

  /** Removes the inventory and its place in the organization's list (its analyses stay). False when not this organization's. */
  async delete(id: string, orgId: string): Promise<boolean> {
    if (!(await this.get(id, orgId))) return false;
    await this.redis
      .multi()
      .del(keys.inventory(id), keys.inventoryVerdicts(id))
      .zrem(keys.orgInventories(orgId), id)
      .hdel(keys.inventoriesOpen(), id)
      .srem(keys.inventoriesScheduled(), id)
      .exec();
    return true;
  }

  /** Notes a scan as open (before its job is enqueued, or when a rescan job starts). */
  async openScan(id: string, scan: OpenScan): Promise<void> {
    await this.redis.hset(keys.inventoriesOpen(), id, JSON.stringify(scan));
  }

  /**
   * The scan's expansion is over (or it failed for good): the analyses' own sweep covers the rest. With a
   * job id, only if the open scan is still that job's (a rescan asked for meanwhile stays listed).
   */
  async closeScan(id: string, jobId?: string): Promise<void> {
    if (jobId === undefined) return void (await this.redis.hdel(keys.inventoriesOpen(), id));
    await this.redis.eval(CLOSE_IF_JOB, 1, keys.inventoriesOpen(), id, jobId);
  }

  async openScanOf(id: string): Promise<OpenScan | null> {
    const text = await this.redis.hget(keys.inventoriesOpen(), id);
    return text ? (JSON.parse(text) as OpenScan) : null;
  }

  async openScans(): Promise<[string, OpenScan][]> {
    const all = await this.redis.hgetall(keys.inventoriesOpen());
    return Object.entries(all).map(([id, text]) => [id, JSON.parse(text) as OpenScan]);
  }

  /** Whether the inventory is rescanned on a schedule (kept in a set the sweep reads). */
  async setScheduled(id: string, scheduled: boolean): Promise<void> {
    if (scheduled) await this.redis.sadd(keys.inventoriesScheduled(), id);
    else await this.redis.srem(keys.inventoriesScheduled(), id);
  }

  async scheduled(): Promise<string[]> {
    return this.redis.smembers(keys.inventoriesScheduled());
  }
}
