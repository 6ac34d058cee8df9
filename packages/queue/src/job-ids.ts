/**
 * Deterministic run keys, used as BullMQ job ids so identical analyses dedupe across organizations.
 * BullMQ refuses ids with `:` or made only of digits, so the parts are joined with `|` and prefixed.
 */
import type { AnalysisTarget } from './catalog.js';

/** A private registry's package has the organization in its key: it never joins, or answers, another organization's run. */
export function runKeyOf(target: AnalysisTarget, nonce?: string): string {
  const source = target.kind === 'archive' ? `sha256=${target.sha256}` : target.privateTo ? `private=${target.privateTo}` : 'registry';
  const base = `run|${target.ecosystem}|${target.name}@${target.version}|${source}`;
  return nonce ? `${base}|${nonce}` : base;
}

/** The same key with any character BullMQ or Redis keys dislike replaced; stable for one input. */
export function safeJobId(key: string): string {
  return key.replace(/:/g, '%3A');
}
