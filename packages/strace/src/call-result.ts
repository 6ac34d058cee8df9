/**
 * The return part of a syscall line, after `) = `:
 *   `0`, `3</etc/passwd>`, `0x7f12a000`, `1 (in [3])`, `?`,
 *   `-1 ENOENT (No such file or directory)`, `? ERESTARTSYS (To be restarted if SA_RESTART is set)`.
 */
import type { CallResult } from './events.js';
import { parseIntPrefix } from './values.js';

/** `-1 ENOENT (text)`, `? ERESTARTSYS (text)`, or `-1 (errno 512)` for errnos strace cannot name. */
const ERROR = /^(?:-1|\?)\s+(?:([A-Z][A-Z0-9_]*)|\((errno \d+)\))\s*(?:\((.*)\))?/;

/** Parses the text after `=`; anything unreadable becomes `unknown` (kept raw), never an exception. */
export function parseCallResult(text: string): CallResult {
  const raw = text.trim();
  const c = raw.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    // Fast path: success values (`0`, `3</etc/passwd>`, `0x7f...`) start with a digit.
    return { status: 'ok', value: parseIntPrefix(raw), raw };
  }
  const err = ERROR.exec(raw);
  if (err) return { status: 'error', errno: err[1] ?? err[2]!, message: err[3] ?? null, raw };
  if (raw === '' || raw.startsWith('?')) return { status: 'unknown', raw };
  const value = parseIntPrefix(raw);
  if (value === null) return { status: 'unknown', raw };
  return { status: 'ok', value, raw };
}

/** Splits `name(args) = result` at the result: the text after the `=` following `close`. */
export function resultTextAfter(text: string, close: number): string | null {
  let i = close + 1;
  while (i < text.length && text.charCodeAt(i) === 32) i++;
  if (text.charCodeAt(i) !== 61 /* = */) return null;
  return text.slice(i + 1);
}
