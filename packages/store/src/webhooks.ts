/** Webhook registrations per organization and the log of every delivery and attempt. */
import type { Redis } from 'ioredis';
import { nanoid } from 'nanoid';
import { keys } from './keys.js';
import { readHash, toFields } from './hash-json.js';
import type { DeliveryAttempt, DeliveryRecord, WebhookEvent, WebhookRecord } from './types.js';

export class WebhookStore {
  constructor(private readonly redis: Redis) {}

  async create(input: Pick<WebhookRecord, 'orgId' | 'url' | 'events' | 'secret'>): Promise<WebhookRecord> {
    const record: WebhookRecord = { ...input, id: `wh_${nanoid(16)}`, createdAt: new Date().toISOString() };
    await this.redis.multi().set(keys.webhook(record.id), JSON.stringify(record)).sadd(keys.orgWebhooks(record.orgId), record.id).exec();
    return record;
  }

  async get(id: string, orgId: string): Promise<WebhookRecord | null> {
    const text = await this.redis.get(keys.webhook(id));
    if (!text) return null;
    const record = JSON.parse(text) as WebhookRecord;
    return record.orgId === orgId ? record : null;
  }

  async list(orgId: string): Promise<WebhookRecord[]> {
    const ids = await this.redis.smembers(keys.orgWebhooks(orgId));
    const records = await Promise.all(ids.map((id) => this.get(id, orgId)));
    return records.filter((r): r is WebhookRecord => r !== null).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Deletes a registration; its delivery log stays (it is the record of what was sent). */
  async delete(id: string, orgId: string): Promise<boolean> {
    if (!(await this.get(id, orgId))) return false;
    await this.redis.multi().del(keys.webhook(id)).srem(keys.orgWebhooks(orgId), id).exec();
    return true;
  }

  async subscribedTo(orgId: string, event: WebhookEvent): Promise<WebhookRecord[]> {
    return (await this.list(orgId)).filter((w) => w.events.includes(event));
  }

  async createDelivery(webhook: WebhookRecord, event: WebhookEvent, body: string): Promise<DeliveryRecord> {
    const record: DeliveryRecord = {
      id: `dl_${nanoid(16)}`,
      webhookId: webhook.id,
      orgId: webhook.orgId,
      event,
      body,
      createdAt: new Date().toISOString(),
      status: 'pending',
      attempts: [],
    };
    await this.redis
      .multi()
      .hset(keys.delivery(record.id), ...toFields(record))
      .zadd(keys.webhookDeliveries(webhook.id), Date.now(), record.id)
      .exec();
    return record;
  }

  async getDelivery(id: string): Promise<DeliveryRecord | null> {
    return readHash<DeliveryRecord>(this.redis, keys.delivery(id));
  }

  /** Appends an attempt; the status moves to delivered, or failed when no attempt is left. */
  async recordAttempt(id: string, attempt: DeliveryAttempt, final: boolean): Promise<void> {
    const delivery = await this.getDelivery(id);
    if (!delivery) return;
    const status = attempt.ok ? 'delivered' : final ? 'failed' : 'pending';
    await this.redis.hset(keys.delivery(id), ...toFields({ attempts: [...delivery.attempts, attempt], status }));
  }

  async listDeliveries(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    const ids = await this.redis.zrevrange(keys.webhookDeliveries(webhookId), 0, limit - 1);
    const records = await Promise.all(ids.map((id) => this.getDelivery(id)));
    return records.filter((r): r is DeliveryRecord => r !== null);
  }
}
