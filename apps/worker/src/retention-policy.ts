/**
 * Which entries of the data folder the retention sweep deletes: pure (no I/O, the time is handed in), so the
 * rule is tested from data alone. An entry is one analysis's artifacts folder or one uploaded archive's folder.
 */

export interface RetentionEntry {
  /** The folder's name: a report id (artifacts) or an archive's sha256 (uploads). */
  name: string;
  /** The newest modification time of the folder and the files in it, in ms since the epoch. */
  newestMtimeMs: number;
}

export interface RetentionDecision {
  expired: string[];
  /** Kept because younger than the retention (or than MIN_AGE_MS). */
  fresh: string[];
  /** Kept because a queued or running analysis uses it, whatever its age. */
  inUse: string[];
}

/**
 * Nothing younger than this is ever deleted, whatever the retention asked: a run creates its artifacts folder
 * when its first phase ends and reads it until the report is built, minutes later; an upload waits in the queue.
 */
export const MIN_AGE_MS = 60 * 60_000;

/**
 * Splits entries into expired, fresh and in use. `retentionMs` 0 keeps everything (retention off). Names are
 * returned sorted, so a sweep's log is stable.
 */
export function selectExpired(
  entries: RetentionEntry[],
  nowMs: number,
  retentionMs: number,
  inUse: ReadonlySet<string>,
): RetentionDecision {
  const decision: RetentionDecision = { expired: [], fresh: [], inUse: [] };
  const maxAgeMs = Math.max(retentionMs, MIN_AGE_MS);
  for (const entry of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
    if (inUse.has(entry.name)) decision.inUse.push(entry.name);
    else if (retentionMs <= 0 || nowMs - entry.newestMtimeMs < maxAgeMs) decision.fresh.push(entry.name);
    else decision.expired.push(entry.name);
  }
  return decision;
}
