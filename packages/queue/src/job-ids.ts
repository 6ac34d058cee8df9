/**
 * Deterministic run keys, used as BullMQ job ids so identical analyses dedupe across organizations.
 * BullMQ refuses ids with `:` or made only of digits, so the parts are joined with `|` and prefixed.
 */
import type { AnalysisTarget } from './catalog.js';

export function runKeyOf(target: AnalysisTarget, nonce?: string): string {
  const source = target.kind === 'registry' ? 'registry' : `sha256=${target.sha256}`;
  const base = `run|${target.ecosystem}|${target.name}@${target.version}|${source}`;
  return nonce ? `${base}|${nonce}` : base;
}

/** The same key with any character BullMQ or Redis keys dislike replaced; stable for one input. */
export function safeJobId(key: string): string {
  return key.replace(/:/g, '%3A');
}
