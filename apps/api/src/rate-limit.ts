/**
 * Per-organization request limit in a fixed one-minute window, counted in Redis so every api instance
 * shares it. Answers carry the IETF RateLimit headers; over the limit is a 429 problem.
 */
import type { RequestHandler, Response } from 'express';
import type { Store } from '@airlock/store';
import { effectiveBudget, keys } from '@airlock/store';
import { orgOf } from './auth.js';
import { problems } from './problem.js';

export function rateLimit(store: Store, perMinute: number): RequestHandler {
  return async (_req, res, next) => {
    if (perMinute === 0) return next();
    const window = Math.floor(Date.now() / 60_000);
    const key = keys.rateLimit(orgOf(res).id, window);
    const [[, count]] = (await store.redis.multi().incr(key).expire(key, 120).exec()) as [[null, number]];
    const reset = 60 - Math.floor((Date.now() / 1000) % 60);
    res.set('RateLimit-Policy', `${perMinute};w=60`);
    res.set('RateLimit', `limit=${perMinute}, remaining=${Math.max(0, perMinute - count)}, reset=${reset}`);
    if (count > perMinute) {
      res.set('Retry-After', String(reset));
      throw problems.tooManyRequests(`more than ${perMinute} requests this minute for this organization; retry in ${reset} s`);
    }
    next();
  };
}

/**
 * Takes one forced run from the organization's daily budget (its settings, else AIRLOCK_FORCE_BUDGET_PER_DAY),
 * or refuses with a 429 problem that says how many were used and when the budget is whole again.
 */
export async function takeForceBudget(store: Store, res: Response, orgId: string, serviceDefault: number): Promise<void> {
  const perDay = effectiveBudget(await store.settings.get(orgId), 'force', serviceDefault);
  const use = await store.budgets.take('force', orgId, perDay);
  res.set('X-Force-Budget', `limit=${use.limit}, used=${use.used}, reset=${use.resetsAt}`);
  if (use.ok) return;
  res.set('Retry-After', String(Math.max(1, Math.ceil((Date.parse(use.resetsAt) - Date.now()) / 1000))));
  throw problems.tooManyRequests(
    `this organization used its ${use.limit} forced runs (force, rerun, inventory rescan) for today; ` +
      `they are available again at ${use.resetsAt}; without force, a known verdict answers at once`,
  );
}
