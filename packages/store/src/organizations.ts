/** Organizations. Their API keys are in api-keys.ts; the first one is made with the organization. */
import type { Redis } from 'ioredis';
import { nanoid } from 'nanoid';
import { ApiKeyStore } from './api-keys.js';
import { keys } from './keys.js';
import type { Organization } from './types.js';

export class OrganizationStore {
  private readonly apiKeys: ApiKeyStore;

  constructor(private readonly redis: Redis) {
    this.apiKeys = new ApiKeyStore(redis);
  }

  async create(name: string): Promise<{ organization: Organization; apiKey: string }> {
    const organization: Organization = { id: `org_${nanoid(12)}`, name, createdAt: new Date().toISOString() };
    await this.redis
      .multi()
      .set(keys.organization(organization.id), JSON.stringify(organization))
      .sadd(keys.organizations(), organization.id)
      .exec();
    return { organization, apiKey: (await this.apiKeys.create(organization.id, 'default')).secret };
  }

  async get(orgId: string): Promise<Organization | null> {
    const text = await this.redis.get(keys.organization(orgId));
    return text ? (JSON.parse(text) as Organization) : null;
  }
}
