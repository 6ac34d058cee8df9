/**
 * Records kept as Redis hashes whose fields hold JSON values: single fields can then be updated
 * atomically (a status change never rewrites a verdict written at the same moment by someone else).
 */
import type { Redis } from 'ioredis';

export function toFields(record: object): string[] {
  return Object.entries(record).flatMap(([field, value]) => (value === undefined ? [] : [field, JSON.stringify(value)]));
}

function fromFields<T>(fields: Record<string, string>): T | null {
  if (Object.keys(fields).length === 0) return null;
  return Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, JSON.parse(value)])) as T;
}

export async function readHash<T>(redis: Redis, key: string): Promise<T | null> {
  return fromFields<T>(await redis.hgetall(key));
}

/**
 * Sets fields only while the record exists and its `status` is not terminal; returns false otherwise.
 * One script, so a late "running" from a worker can never reopen a cancelled analysis.
 */
export const UPDATE_UNLESS_TERMINAL = `
local s = redis.call('HGET', KEYS[1], 'status')
if not s then return -1 end
if s == '"completed"' or s == '"failed"' or s == '"cancelled"' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;
