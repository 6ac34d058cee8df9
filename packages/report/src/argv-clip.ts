import type { ArgvClipped } from '@airlock/core';
import { ARGV_CAPS, ENV_CAPS } from './caps.js';

/**
 * Clips exec argv (a megabyte-long argument is one exec call away) to `ARGV_CAPS`, keeping the full count of
 * arguments and characters, and holds the phase's argv budget: past it, each exec keeps a short prefix.
 */
export class ArgvClipper {
  /** Characters of argv kept so far in the phase. */
  private kept = 0;
  /** Execs whose argv was clipped, and the characters they lost. */
  clippedExecs = 0;
  droppedChars = 0;
  /** The full size of each clipped argv, by the clipped array (which the report's lists share). */
  private readonly full = new WeakMap<readonly string[], ArgvClipped>();

  clip(argv: string[]): string[] {
    const limit = this.kept < ARGV_CAPS.phaseChars ? ARGV_CAPS.totalChars : ARGV_CAPS.afterBudgetChars;
    let chars = 0;
    for (const a of argv) chars += a.length;
    if (argv.length <= ARGV_CAPS.args && chars <= limit && argv.every((a) => a.length <= ARGV_CAPS.argChars)) {
      this.kept += chars;
      return argv;
    }
    const out: string[] = [];
    let room = limit;
    for (const a of argv) {
      if (out.length >= ARGV_CAPS.args || room <= 0) break;
      const piece = a.length > Math.min(ARGV_CAPS.argChars, room) ? a.slice(0, Math.min(ARGV_CAPS.argChars, room)) : a;
      out.push(piece);
      room -= piece.length;
    }
    const keptChars = limit - room;
    this.kept += keptChars;
    this.clippedExecs++;
    this.droppedChars += chars - keptChars;
    this.full.set(out, { args: argv.length, chars });
    return out;
  }

  /** The full size of `argv` when it was clipped here; null when it is whole. */
  clippedOf(argv: readonly string[]): ArgvClipped | null {
    return this.full.get(argv) ?? null;
  }
}

/** The environment, kept for attribution only (never reported): at most ENV_CAPS entries, each clipped. */
export function clipEnv(env: string[] | null): string[] | null {
  if (env === null) return null;
  if (env.length <= ENV_CAPS.entries && env.every((e) => e.length <= ENV_CAPS.entryChars)) return env;
  return env.slice(0, ENV_CAPS.entries).map((e) => (e.length > ENV_CAPS.entryChars ? e.slice(0, ENV_CAPS.entryChars) : e));
}
