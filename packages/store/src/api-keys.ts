/**
 * API keys: many per organization, named, listed, revoked and rotated. A key is random, shown once, and
 * stored only as its SHA-256 (the Redis key of its record), so nothing in Redis can be replayed as a key.
 * A revoked key is refused by the next lookup: the API does not cache keys.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { nanoid } from 'nanoid';
import { readHash, toFields } from './hash-json.js';
import { keys } from './keys.js';

export const API_KEY_PREFIX = 'alk_';
/** Revoked and expired keys stay listed this long, then their record expires. */
const REVOKED_KEPT_MS = 30 * 86400e3;
/** The last-used time is written at most this often per key (one Redis write a minute, not one per request). */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeyRecord {
  id: string;
  orgId: string;
  name: string;
  /** The first characters of the key, enough to tell keys apart in a list, never enough to use one. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Set by a rotation with a grace period: the key works until then. */
  expiresAt: string | null;
  revokedAt: string | null;
  /** The key that replaced this one by rotation. */
  replacedBy: string | null;
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** A key as stored when it is made (or migrated): never used, revoked or replaced yet. */
function newKeyRecord(id: string, orgId: string, name: string, secret: string, createdAt: string): ApiKeyRecord {
  const prefix = secret.slice(0, API_KEY_PREFIX.length + 4);
  return { id, orgId, name, prefix, createdAt, lastUsedAt: null, expiresAt: null, revokedAt: null, replacedBy: null };
}

export function isActiveKey(key: ApiKeyRecord, now = Date.now()): boolean {
  return key.revokedAt === null && (key.expiresAt === null || Date.parse(key.expiresAt) > now);
}

/** Sets lastUsedAt only while the record exists: a touch racing a revoke never recreates a key. */
const TOUCH = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[1])
return 1
`;

export class ApiKeyStore {
  constructor(private readonly redis: Redis) {}

  async create(orgId: string, name: string): Promise<{ key: ApiKeyRecord; secret: string }> {
    const secret = `${API_KEY_PREFIX}${nanoid(40)}`;
    const sha256 = hashApiKey(secret);
    const key = newKeyRecord(`key_${nanoid(16)}`, orgId, name, secret, new Date().toISOString());
    await this.redis
      .multi()
      .hset(keys.apiKey(sha256), ...toFields(key))
      .hset(keys.orgApiKeys(orgId), key.id, sha256)
      .exec();
    return { key, secret };
  }

  /** The key a presented secret names, whatever its state (the caller checks isActiveKey), or null. */
  async lookup(secret: string): Promise<ApiKeyRecord | null> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 200) return null;
    const sha256 = hashApiKey(secret);
    try {
      return await readHash<ApiKeyRecord>(this.redis, keys.apiKey(sha256));
    } catch (err) {
      if (!/WRONGTYPE/.test((err as Error).message)) throw err;
      return this.migrateLegacy(sha256, secret);
    }
  }

  /** Records the key's use, at most once per LAST_USED_RESOLUTION_MS (the caller passes what it read). */
  async touch(key: ApiKeyRecord, now = Date.now()): Promise<void> {
    if (key.lastUsedAt && now - Date.parse(key.lastUsedAt) < LAST_USED_RESOLUTION_MS) return;
    const sha256 = await this.redis.hget(keys.orgApiKeys(key.orgId), key.id);
    if (sha256) await this.redis.eval(TOUCH, 1, keys.apiKey(sha256), JSON.stringify(new Date(now).toISOString()));
  }

  async get(orgId: string, id: string): Promise<ApiKeyRecord | null> {
    const sha256 = await this.redis.hget(keys.orgApiKeys(orgId), id);
    if (!sha256) return null;
    const key = await readHash<ApiKeyRecord>(this.redis, keys.apiKey(sha256));
    return key?.orgId === orgId ? key : null;
  }

  /** Every key of the organization, newest first; revoked and expired ones until their record expires. */
  async list(orgId: string): Promise<ApiKeyRecord[]> {
    const index = await this.redis.hgetall(keys.orgApiKeys(orgId));
    const found = await Promise.all(
      Object.entries(index).map(async ([id, sha256]) => [id, await readHash<ApiKeyRecord>(this.redis, keys.apiKey(sha256))] as const),
    );
    const gone = found.filter(([, key]) => key === null).map(([id]) => id);
    if (gone.length > 0) await this.redis.hdel(keys.orgApiKeys(orgId), ...gone);
    return found
      .map(([, key]) => key)
      .filter((key): key is ApiKeyRecord => key !== null)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  /** Refuses the key from now on; it stays listed (revokedAt) for 30 days. False when it is not this organization's. */
  async revoke(orgId: string, id: string, now = Date.now()): Promise<ApiKeyRecord | null> {
    return this.end(orgId, id, { revokedAt: new Date(now).toISOString() }, now);
  }

  /**
   * A new key with the same name; the old one is revoked at once, or (graceMs > 0) keeps working until
   * `expiresAt` so deployments can switch over. Null when the old key is unknown here, no longer active, or
   * already rotated (rotating it again would extend its grace period for ever).
   */
  async rotate(
    orgId: string,
    id: string,
    graceMs: number,
    now = Date.now(),
  ): Promise<{ key: ApiKeyRecord; secret: string; old: ApiKeyRecord } | null> {
    const current = await this.get(orgId, id);
    if (!current || !isActiveKey(current, now) || current.replacedBy) return null;
    const created = await this.create(orgId, current.name);
    const change = graceMs > 0 ? { expiresAt: new Date(now + graceMs).toISOString() } : { revokedAt: new Date(now).toISOString() };
    const old = await this.end(orgId, id, { ...change, replacedBy: created.key.id }, now);
    return old ? { ...created, old } : null;
  }

  private async end(orgId: string, id: string, change: Partial<ApiKeyRecord>, now: number): Promise<ApiKeyRecord | null> {
    const sha256 = await this.redis.hget(keys.orgApiKeys(orgId), id);
    const current = sha256 ? await readHash<ApiKeyRecord>(this.redis, keys.apiKey(sha256)) : null;
    if (!sha256 || !current || current.orgId !== orgId) return null;
    const updated = { ...current, ...change };
    const endsAt = updated.revokedAt ? now : Date.parse(updated.expiresAt ?? new Date(now).toISOString());
    await this.redis
      .multi()
      .hset(keys.apiKey(sha256), ...toFields(change))
      .pexpireat(keys.apiKey(sha256), endsAt + REVOKED_KEPT_MS)
      .exec();
    return updated;
  }

  /** A key created before keys had records (a plain JSON string): made a record named "default", same secret. */
  private async migrateLegacy(sha256: string, secret: string): Promise<ApiKeyRecord | null> {
    const text = await this.redis.get(keys.apiKey(sha256));
    if (!text) return null;
    const legacy = JSON.parse(text) as { orgId: string; createdAt: string };
    // The id comes from the hash, so two requests migrating the same key at once write the same record.
    const key = newKeyRecord(`key_${sha256.slice(0, 16)}`, legacy.orgId, 'default', secret, legacy.createdAt);
    await this.redis
      .multi()
      .del(keys.apiKey(sha256))
      .hset(keys.apiKey(sha256), ...toFields(key))
      .hset(keys.orgApiKeys(key.orgId), key.id, sha256)
      .exec();
    return key;
  }
}
