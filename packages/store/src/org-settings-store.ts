/**
 * The one record of an organization's settings (org-settings.ts has the model), one JSON value per
 * organization. Writes are read-modify-write under WATCH, so two concurrent changes (an acceptance added
 * while the registry is set) never lose one another.
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import { defaultOrgSettings, type OrgSettings } from './org-settings.js';
import type { SecretBox } from './secret-box.js';

const MAX_WRITE_ATTEMPTS = 10;

export class OrgSettingsStore {
  constructor(private readonly redis: Redis) {}

  /** The organization's settings; the defaults when it never changed any. */
  async get(orgId: string): Promise<OrgSettings> {
    return parseSettings(await this.redis.get(keys.orgSettings(orgId)));
  }

  /** Applies `change` to the current settings and writes the result; `change` may throw to refuse (nothing is written). */
  async update(orgId: string, change: (current: OrgSettings) => OrgSettings, now: Date = new Date()): Promise<OrgSettings> {
    const key = keys.orgSettings(orgId);
    // A dedicated connection: WATCH belongs to a connection, and the store's is shared by every request.
    const conn = this.redis.duplicate();
    try {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        await conn.watch(key);
        const next = { ...change(parseSettings(await conn.get(key))), updatedAt: now.toISOString() };
        if (await conn.multi().set(key, JSON.stringify(next)).exec()) return next;
      }
      throw new Error(`the settings of ${orgId} changed ${MAX_WRITE_ATTEMPTS} times while being written; try again`);
    } finally {
      conn.disconnect();
    }
  }
}

function parseSettings(text: string | null): OrgSettings {
  const defaults = defaultOrgSettings();
  if (!text) return defaults;
  const stored = JSON.parse(text) as Partial<OrgSettings>;
  return {
    ...defaults,
    ...stored,
    budgets: { ...defaults.budgets, ...stored.budgets },
    registries: { ...defaults.registries, ...stored.registries },
  };
}

/** An organization's npm registry with its token opened, for fetching its private packages; null when it has none. */
export function openNpmRegistry(
  settings: OrgSettings,
  box: SecretBox | null,
  orgId: string,
): { url: string; scopes: string[]; token: string | null } | null {
  const npm = settings.registries.npm;
  if (!npm) return null;
  if (npm.tokenSealed && !box) throw new Error('a registry token is stored but the service has no secrets key (AIRLOCK_SECRETS_KEY)');
  return { url: npm.url, scopes: npm.scopes, token: npm.tokenSealed ? box!.open(npm.tokenSealed, orgId) : null };
}
