/**
 * Splits gVisor's argument text by position. Arguments are joined with `, ` and paths are printed
 * raw, so `openat(AT_FDCWD /home/u, 0x55 a, b, O_RDONLY, 0o0)` cannot be split at commas. Known
 * shapes are taken from both ends; what is left between them is free text (fd and path). Where
 * two free arguments meet, each `, 0x.. ` boundary is a candidate: the caller's expected first
 * argument (the known cwd) wins, else the first that lets the rest parse. Never throws.
 */
import { type ArgKind, isFree, isGrouped } from './arg-kinds.js';
import { goStringStart, skipGoString } from './quoting.js';

const SIMPLE: Partial<Record<ArgKind, RegExp>> = {
  oct: /^0o[0-7]+$/,
  mode: /^(?:[A-Z_]+\|)*0o[0-7]+$/,
  openflags: /^[A-Za-z0-9_|]+$/,
  cloneflags: /^[A-Za-z0-9_|]+$/,
  sym: /^[A-Za-z0-9_|+-]+$/,
};
const HEX = /^0x[0-9a-f]+$/;
const POINTER = /^(?:0x[0-9a-f]+|null)$/;
const FD_START = /^(?:AT_FDCWD(?: |$)|0x[0-9a-f]+ )/;
const PATH_START = /^(?:0x[0-9a-f]+ |<null>)/;
/** Steps of the boundary search per call: enough for any real line, bounded for a hostile one. */
const BUDGET = 4096;

function isOpen(c: number): boolean {
  return c === 40 || c === 91 || c === 123;
}

function isClose(c: number): boolean {
  return c === 41 || c === 93 || c === 125;
}

/** Whether `text` is a plausible rendering of `kind`. */
function fits(kind: ArgKind, text: string): boolean {
  if (kind === 'fd') return FD_START.test(text) || text === 'AT_FDCWD';
  if (kind === 'path') return PATH_START.test(text);
  if (isGrouped(kind)) return POINTER.test(text) || /^0x[0-9a-f]+ [[{(]/.test(text);
  return (SIMPLE[kind] ?? HEX).test(text);
}

/** Index just past the bracket group opened at `open`; -1 if unbalanced. */
function groupEnd(text: string, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const after = skipGoString(text, i, end);
      if (after === -1) return -1;
      i = after - 1;
    } else if (isOpen(c)) depth++;
    else if (isClose(c) && --depth === 0) return i + 1;
  }
  return -1;
}

/** Index of the opener of the bracket group closed at `close`; -1 if unbalanced. */
function groupStart(text: string, close: number, floor: number): number {
  let depth = 0;
  for (let i = close; i >= floor; i--) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const q = goStringStart(text, i, floor);
      if (q === -1) return -1;
      i = q;
    } else if (isClose(c)) depth++;
    else if (isOpen(c) && --depth === 0) return i;
  }
  return -1;
}

/** End of a shaped argument starting at `pos`. */
function shapedEnd(kind: ArgKind, text: string, pos: number, end: number): number {
  if (isGrouped(kind)) {
    const m = /^0x[0-9a-f]+ /.exec(text.slice(pos, pos + 20));
    const open = m ? pos + m[0].length : -1;
    if (open !== -1 && isOpen(text.charCodeAt(open))) return groupEnd(text, open, end);
  }
  const comma = text.indexOf(', ', pos);
  return comma === -1 || comma > end ? end : comma;
}

/** Start of a shaped argument ending at `stop`. */
function shapedStart(kind: ArgKind, text: string, floor: number, stop: number): number {
  if (isGrouped(kind) && isClose(text.charCodeAt(stop - 1))) {
    const open = groupStart(text, stop - 1, floor);
    if (open === -1) return -1;
    const comma = text.lastIndexOf(', ', open);
    return comma < floor ? floor : comma + 2;
  }
  const comma = text.lastIndexOf(', ', stop - 1);
  return comma < floor ? floor : comma + 2;
}

/**
 * Splits `text[start, end)` into one string per kind, or returns null when it does not fit.
 * `firstHint` is the expected text of the first argument when the caller knows it.
 */
export function splitArgs(text: string, start: number, end: number, kinds: readonly ArgKind[], firstHint?: string): string[] | null {
  const n = kinds.length;
  if (n === 0) return start === end ? [] : null;
  const out: string[] = new Array<string>(n);
  let i = 0;
  let pos = start;
  for (; i < n && !isFree(kinds[i]!); i++) {
    const stop = shapedEnd(kinds[i]!, text, pos, end);
    if (stop === -1 || (i === n - 1 ? stop !== end : !text.startsWith(', ', stop))) return null;
    out[i] = text.slice(pos, stop);
    if (!fits(kinds[i]!, out[i]!)) return null;
    pos = stop + 2;
  }
  if (i === n) return out;
  let j = n - 1;
  let stop = end;
  for (; j > i && !isFree(kinds[j]!); j--) {
    const s = shapedStart(kinds[j]!, text, pos, stop);
    if (s <= pos || !text.startsWith(', ', s - 2)) return null;
    out[j] = text.slice(s, stop);
    if (!fits(kinds[j]!, out[j]!)) return null;
    stop = s - 2;
  }
  if (stop < pos) return null;
  const budget = { left: BUDGET };
  return splitMiddle(text, pos, stop, kinds, i, j, out, budget, i === 0 ? firstHint : undefined) ? out : null;
}

/** Fills `out[k..last]` from `text[pos, stop)`; the first and last of these kinds are free text. */
function splitMiddle(
  text: string,
  pos: number,
  stop: number,
  kinds: readonly ArgKind[],
  k: number,
  last: number,
  out: string[],
  budget: { left: number },
  hint: string | undefined,
): boolean {
  if (--budget.left < 0) return false;
  const kind = kinds[k]!;
  if (k === last) {
    out[k] = text.slice(pos, stop);
    return fits(kind, out[k]);
  }
  if (!isFree(kind)) {
    const e = shapedEnd(kind, text, pos, stop);
    if (e === -1 || !text.startsWith(', ', e)) return false;
    out[k] = text.slice(pos, e);
    return fits(kind, out[k]) && splitMiddle(text, e + 2, stop, kinds, k + 1, last, out, budget, undefined);
  }
  const next = kinds[k + 1]!;
  const tryAt = (e: number): boolean => {
    // A cheap look at the next argument's prefix rejects most candidates before recursing.
    if (isFree(next) && !fits(next, text.slice(e + 2, Math.min(stop, e + 24)))) return false;
    out[k] = text.slice(pos, e);
    return fits(kind, out[k]) && splitMiddle(text, e + 2, stop, kinds, k + 1, last, out, budget, undefined);
  };
  const hinted = hint !== undefined && text.startsWith(hint, pos) ? pos + hint.length : -1;
  if (hinted !== -1 && text.startsWith(', ', hinted) && tryAt(hinted)) return true;
  for (let e = text.indexOf(', ', pos); e !== -1 && e < stop; e = text.indexOf(', ', e + 1)) {
    if (budget.left <= 0) return false;
    if (e !== hinted && tryAt(e)) return true;
  }
  return false;
}
