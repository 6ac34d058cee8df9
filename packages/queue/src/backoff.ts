/**
 * Webhook retry schedule: exponential from 5 s, doubling, capped at one hour, with ±20% jitter so a
 * receiver that comes back is not hit by every queued delivery at the same second.
 */
export const WEBHOOK_ATTEMPTS = 8;
export const WEBHOOK_BASE_DELAY_MS = 5_000;
const MAX_DELAY_MS = 60 * 60 * 1000;

export function webhookBackoffMs(attemptsMade: number, baseMs = WEBHOOK_BASE_DELAY_MS, random: () => number = Math.random): number {
  const exact = Math.min(MAX_DELAY_MS, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exact * (0.8 + 0.4 * random()));
}
