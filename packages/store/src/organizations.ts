/** Organizations and their API keys. Keys are random, shown once, and stored only as a SHA-256. */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { nanoid } from 'nanoid';
import { keys } from './keys.js';
import type { Organization } from './types.js';

export const API_KEY_PREFIX = 'alk_';

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

export class OrganizationStore {
  constructor(private readonly redis: Redis) {}

  async create(name: string): Promise<{ organization: Organization; apiKey: string }> {
    const organization: Organization = { id: `org_${nanoid(12)}`, name, createdAt: new Date().toISOString() };
    await this.redis
      .multi()
      .set(keys.organization(organization.id), JSON.stringify(organization))
      .sadd(keys.organizations(), organization.id)
      .exec();
    return { organization, apiKey: await this.createApiKey(organization.id) };
  }

  async get(orgId: string): Promise<Organization | null> {
    const text = await this.redis.get(keys.organization(orgId));
    return text ? (JSON.parse(text) as Organization) : null;
  }

  async createApiKey(orgId: string): Promise<string> {
    const apiKey = `${API_KEY_PREFIX}${nanoid(40)}`;
    await this.redis.set(keys.apiKey(hashApiKey(apiKey)), JSON.stringify({ orgId, createdAt: new Date().toISOString() }));
    return apiKey;
  }

  /** The organization a presented key belongs to, or null. Looked up by hash: the key itself is never stored. */
  async authenticate(apiKey: string): Promise<Organization | null> {
    if (!apiKey.startsWith(API_KEY_PREFIX) || apiKey.length > 200) return null;
    const text = await this.redis.get(keys.apiKey(hashApiKey(apiKey)));
    if (!text) return null;
    return this.get((JSON.parse(text) as { orgId: string }).orgId);
  }
}
