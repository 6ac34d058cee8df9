/**
 * The analyses list's page cursor: the last row's submission time and id. Time alone skipped the rows
 * that shared the last row's millisecond (a bulk submission makes many); within one millisecond, rows
 * are ordered by id, as Redis orders members of equal score.
 */
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
