/** The service's one store over one Redis connection: every record kind, each in its own class. */
import { Redis } from 'ioredis';
import { AnalysisStore } from './analyses.js';
import { ApiKeyStore } from './api-keys.js';
import { BudgetStore } from './budgets.js';
import { IdempotencyStore } from './idempotency.js';
import { InventoryStore } from './inventories.js';
import { InventoryProgress } from './inventory-progress.js';
import { OrganizationStore } from './organizations.js';
import { OrgSettingsStore } from './org-settings-store.js';
import { RetentionStore } from './retention.js';
import { StatsStore } from './stats.js';
import { VerdictStore } from './verdicts.js';
import { WebhookStore } from './webhooks.js';

export interface Store {
  redis: Redis;
  organizations: OrganizationStore;
  settings: OrgSettingsStore;
  apiKeys: ApiKeyStore;
  idempotency: IdempotencyStore;
  analyses: AnalysisStore;
  verdicts: VerdictStore;
  inventories: InventoryStore;
  inventoryProgress: InventoryProgress;
  webhooks: WebhookStore;
  stats: StatsStore;
  retention: RetentionStore;
  budgets: BudgetStore;
  close(): Promise<void>;
}

export function openStore(redisUrl: string, onError: (err: Error) => void = () => undefined): Store {
  // Commands queue while Redis restarts and run when it is back: a restart delays requests, loses none.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null, enableOfflineQueue: true });
  // Connection errors while Redis is away are reported here; ioredis keeps reconnecting by itself.
  redis.on('error', onError);
  return {
    redis,
    organizations: new OrganizationStore(redis),
    settings: new OrgSettingsStore(redis),
    apiKeys: new ApiKeyStore(redis),
    idempotency: new IdempotencyStore(redis),
    analyses: new AnalysisStore(redis),
    verdicts: new VerdictStore(redis),
    inventories: new InventoryStore(redis),
    inventoryProgress: new InventoryProgress(redis),
    webhooks: new WebhookStore(redis),
    stats: new StatsStore(redis),
    retention: new RetentionStore(redis),
    budgets: new BudgetStore(redis),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
