/** `Authorization: Bearer alk_...` -> the caller's organization on `res.locals.org`; everything under /v1 needs it. */
import type { RequestHandler, Response } from 'express';
import type { Organization, Store } from '@airlock/store';
import { problems } from './problem.js';

/** Keys seen recently, so a burst of lookups costs one Redis round trip per key and period, not per request. */
const CACHE_MS = 10_000;

export function requireApiKey(store: Store): RequestHandler {
  const cache = new Map<string, { org: Organization | null; until: number }>();
  const authenticate = async (key: string) => {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.org;
    const org = await store.organizations.authenticate(key);
    if (cache.size > 10_000) cache.clear();
    // Unknown keys are not cached: a wrong key costs its sender a lookup each time, never a hit later.
    if (org) cache.set(key, { org, until: now + CACHE_MS });
    return org;
  };
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw problems.unauthorized('send an API key as "Authorization: Bearer <key>"');
    const org = await authenticate(match[1]!);
    if (!org) throw problems.unauthorized('the API key is not valid');
    res.locals.org = org;
    next();
  };
}

export function orgOf(res: Response): Organization {
  return res.locals.org as Organization;
}
