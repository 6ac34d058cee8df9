/**
 * The page cursor of the analyses and inventories lists: the last row's time and id. Time alone skipped
 * the rows that shared the last row's millisecond (a bulk submission makes many); within one millisecond,
 * rows are ordered by id, as Redis orders members of equal score.
 */
import type { Redis } from 'ioredis';

export interface ListCursor {
  /** Submission time, ms since epoch (the sorted set's score). */
  at: number;
  /** The last row's id; absent for a time-only cursor (rows strictly before `at`). */
  id?: string;
}

const CURSOR = /^(\d{1,16})(?::([A-Za-z0-9_-]{1,64}))?$/;

/** `<ms>:<id>`, or `<ms>` alone (the older form: everything strictly before that millisecond); null when neither. */
export function parseListCursor(text: string): ListCursor | null {
  const m = CURSOR.exec(text);
  if (!m) return null;
  return { at: Number(m[1]), ...(m[2] ? { id: m[2] } : {}) };
}

export function formatListCursor(at: number, id: string): string {
  return `${at}:${id}`;
}

/**
 * One page of a sorted set scored by time, newest first, after `before`: members of its millisecond with a
 * smaller id (read whole: rows sharing a millisecond are few), then strictly older ones.
 */
export async function newestFirstPage(
  redis: Redis,
  key: string,
  limit: number,
  before?: ListCursor,
): Promise<{ id: string; at: number }[]> {
  const page: { id: string; at: number }[] = [];
  if (before?.id !== undefined) {
    const cursorId = before.id;
    const same = await redis.zrevrangebyscore(key, before.at, before.at);
    page.push(...same.filter((id) => id < cursorId).map((id) => ({ id, at: before.at })));
  }
  if (page.length < limit) {
    const flat = await redis.zrevrangebyscore(
      key,
      before === undefined ? '+inf' : `(${before.at}`,
      '-inf',
      'WITHSCORES',
      'LIMIT',
      0,
      limit - page.length,
    );
    for (let i = 0; i < flat.length; i += 2) page.push({ id: flat[i]!, at: Number(flat[i + 1]) });
  }
  return page.slice(0, limit);
}
