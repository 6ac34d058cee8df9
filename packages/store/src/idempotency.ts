/**
 * Idempotency keys: per organization, the first request's fingerprint (method, path, body hash) and, once
 * answered, its status and body, kept 24 h. A request in progress holds the key for at most PENDING_MS.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3600e3;
/** How long a request that never answered (a crashed process) blocks its key. */
const PENDING_MS = 5 * 60e3;

export interface StoredResponse {
  status: number;
  body: string;
  contentType: string | null;
  location: string | null;
}

type Entry = { state: 'pending'; fingerprint: string } | { state: 'done'; fingerprint: string; response: StoredResponse };

export type IdempotencyClaim =
  { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse } | { kind: 'in-progress' } | { kind: 'mismatch' };

const redisKey = (orgId: string, key: string) => keys.idempotency(orgId, createHash('sha256').update(key).digest('hex'));

export class IdempotencyStore {
  constructor(private readonly redis: Redis) {}

  /** Claims the key for this request, or says what the first request with it did. */
  async claim(orgId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const k = redisKey(orgId, key);
    for (let attempt = 0; attempt < 3; attempt++) {
      const pending: Entry = { state: 'pending', fingerprint };
      if (await this.redis.set(k, JSON.stringify(pending), 'PX', PENDING_MS, 'NX')) return { kind: 'claimed' };
      const text = await this.redis.get(k);
      if (!text) continue; // expired between the two commands: claim again
      const entry = JSON.parse(text) as Entry;
      if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return entry.state === 'done' ? { kind: 'replay', response: entry.response } : { kind: 'in-progress' };
    }
    return { kind: 'in-progress' };
  }

  /** The claimed request's answer, replayed to every repeat for 24 h. */
  async complete(orgId: string, key: string, fingerprint: string, response: StoredResponse): Promise<void> {
    const entry: Entry = { state: 'done', fingerprint, response };
    await this.redis.set(redisKey(orgId, key), JSON.stringify(entry), 'PX', IDEMPOTENCY_TTL_MS);
  }

  /** The claimed request did not succeed: the key is free again, so the client can retry with it. */
  async release(orgId: string, key: string): Promise<void> {
    await this.redis.del(redisKey(orgId, key));
  }
}
