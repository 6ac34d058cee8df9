/**
 * What the terminal can show: colour (NO_COLOR, FORCE_COLOR, TERM=dumb, a TTY) and the verdict in its
 * colour. ANSI SGR codes written by hand: a handful of codes is not worth a dependency.
 */
import type { VerdictLabel } from '@airlock/core';

/**
 * Colour on `stream`? FORCE_COLOR wins (as in Node and supports-color: `0` or `false` turns it off, any other
 * value on, even when piped); then NO_COLOR (no-color.org: set and not empty turns it off); then a TTY whose
 * TERM is not `dumb`.
 */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const VERDICT_SGR: Record<VerdictLabel, string> = { malicious: '1;31', inconclusive: '1;35', suspicious: '1;33', benign: '1;32' };

/** `text` in the verdict's colour (bold red, magenta, yellow, green), or as it is when colour is off. */
export function paintVerdict(on: boolean, verdict: string, text: string): string {
  const sgr = VERDICT_SGR[verdict as VerdictLabel];
  return on && sgr ? `\x1b[${sgr}m${text}\x1b[0m` : text;
}
