/**
 * Per-organization request limit in a fixed one-minute window, counted in Redis so every api instance
 * shares it. Answers carry the IETF RateLimit headers; over the limit is a 429 problem.
 */
import type { RequestHandler } from 'express';
import type { Store } from '@airlock/store';
import { keys } from '@airlock/store';
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
