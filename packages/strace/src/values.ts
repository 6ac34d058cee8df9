/**
 * A small recursive-descent reader for one strace argument: strings, arrays, structs, calls like
 * `htons(443)`, and atoms (numbers, flags, fds with decorations). Only the syscalls that produce
 * events are parsed this deeply; the rest of the line is only scanned.
 */
import { decodeEscapedBytes, decodeEscapedText } from './c-string.js';
import { findClosing, findValueEnd, skipString } from './scanner.js';

export type ArgValue =
  /** `body` is still escaped; use stringText/stringBytes. `truncated`: strace printed `"..."...`. */
  | { kind: 'string'; body: string; truncated: boolean; abstract: boolean }
  | { kind: 'array'; items: ArgValue[]; truncated: boolean }
  | { kind: 'struct'; fields: StructField[] }
  | { kind: 'call'; name: string; args: ArgValue[] }
  | { kind: 'atom'; text: string };

export interface StructField {
  name: string | null;
  value: ArgValue;
}

/** Deeper nesting than this is not strace output; it is read as an atom instead of recursing. */
const MAX_DEPTH = 48;

interface Parsed {
  value: ArgValue;
  next: number;
}

/** Parses the first value in `text` (one argument); trailing annotations like `=> {...}` are ignored. */
export function parseValue(text: string): ArgValue {
  return parseAt(text, 0, text.length, 0).value;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function atom(text: string, start: number, end: number): Parsed {
  const stop = findValueEnd(text, start, end);
  return { value: { kind: 'atom', text: text.slice(start, stop).trim() }, next: stop };
}

function parseAt(text: string, start: number, end: number, depth: number): Parsed {
  let i = start;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (i >= end) return { value: { kind: 'atom', text: '' }, next: end };
  const c = text.charCodeAt(i);
  if (c === 34 /* " */) return parseString(text, i, end, false);
  if (c === 64 /* @ */ && text.charCodeAt(i + 1) === 34) return parseString(text, i + 1, end, true);
  if (depth >= MAX_DEPTH) return atom(text, i, end);
  if (c === 91 /* [ */) return parseList(text, i, end, depth, false);
  if (c === 123 /* { */) return parseList(text, i, end, depth, true);
  if (isIdentStart(c)) {
    let j = i + 1;
    while (j < end && isIdentChar(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) === 40 /* ( */) {
      const close = findClosing(text, j, end);
      if (close !== -1) {
        const after = findValueEnd(text, close + 1, end);
        if (text.slice(close + 1, after).trim() === '') {
          return { value: { kind: 'call', name: text.slice(i, j), args: parseItems(text, j + 1, close, depth + 1) }, next: after };
        }
      }
    }
  }
  return atom(text, i, end);
}

function parseString(text: string, quote: number, end: number, abstract: boolean): Parsed {
  const close = skipString(text, quote);
  if (close === -1 || close > end) {
    // Unterminated: keep what there is, marked truncated.
    return { value: { kind: 'string', body: text.slice(quote + 1, end), truncated: true, abstract }, next: end };
  }
  const truncated = text.startsWith('...', close);
  return {
    value: { kind: 'string', body: text.slice(quote + 1, close - 1), truncated, abstract },
    next: truncated ? close + 3 : close,
  };
}

function parseList(text: string, open: number, end: number, depth: number, isStruct: boolean): Parsed {
  const closeFound = findClosing(text, open, end);
  const close = closeFound === -1 ? end : closeFound;
  const next = closeFound === -1 ? end : close + 1;
  if (isStruct) return { value: { kind: 'struct', fields: parseFields(text, open + 1, close, depth + 1) }, next };
  const items: ArgValue[] = [];
  const truncated = parseItemsInto(items, text, open + 1, close, depth + 1) || closeFound === -1;
  return { value: { kind: 'array', items, truncated }, next };
}

function parseItems(text: string, start: number, end: number, depth: number): ArgValue[] {
  const items: ArgValue[] = [];
  parseItemsInto(items, text, start, end, depth);
  return items;
}

/** Fills `items`; returns true when the list ended with strace's `...` elision marker. */
function parseItemsInto(items: ArgValue[], text: string, start: number, end: number, depth: number): boolean {
  let pos = start;
  let elided = false;
  while (pos < end) {
    while (pos < end && isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= end) break;
    if (text.startsWith('...', pos) && findValueEnd(text, pos, end) - pos <= 4) {
      elided = true;
      pos = findValueEnd(text, pos, end) + 1;
      continue;
    }
    const parsed = parseAt(text, pos, end, depth);
    items.push(parsed.value);
    pos = Math.max(findValueEnd(text, parsed.next, end), pos + 1) + 1;
  }
  return elided;
}

function parseFields(text: string, start: number, end: number, depth: number): StructField[] {
  const fields: StructField[] = [];
  let pos = start;
  while (pos < end) {
    while (pos < end && isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= end) break;
    let name: string | null = null;
    let j = pos;
    if (isIdentStart(text.charCodeAt(j))) {
      while (j < end && isIdentChar(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 61 /* = */ && text.charCodeAt(j + 1) !== 61) {
        name = text.slice(pos, j);
        pos = j + 1;
      }
    }
    const parsed = parseAt(text, pos, end, depth);
    if (!(name === null && parsed.value.kind === 'atom' && parsed.value.text === '...')) {
      fields.push({ name, value: parsed.value });
    }
    pos = Math.max(findValueEnd(text, parsed.next, end), pos + 1) + 1;
  }
  return fields;
}

// ---- accessors: each returns null instead of throwing on an unexpected shape ----

export function field(value: ArgValue | undefined, name: string): ArgValue | undefined {
  if (!value || value.kind !== 'struct') return undefined;
  for (const f of value.fields) if (f.name === name) return f.value;
  return undefined;
}

export function atomText(value: ArgValue | undefined): string | null {
  return value && value.kind === 'atom' ? value.text : null;
}

export function stringText(value: ArgValue | undefined): string | null {
  return value && value.kind === 'string' ? decodeEscapedText(value.body) : null;
}

export function stringBytes(value: ArgValue | undefined): Uint8Array | null {
  return value && value.kind === 'string' ? decodeEscapedBytes(value.body) : null;
}

/** Leading integer of an atom (`-1`, `0x1f`, `42 /* comment *\/`, `3</path>`); null if none. */
export function parseIntPrefix(text: string | null | undefined): number | null {
  if (!text) return null;
  const n = text.length;
  let i = 0;
  while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  let sign = 1;
  if (text.charCodeAt(i) === 45 /* - */) {
    sign = -1;
    i++;
  }
  if (text.charCodeAt(i) === 48 /* 0 */ && (text.charCodeAt(i + 1) | 32) === 120 /* x */) {
    let j = i + 2;
    while (j < n && isHexDigit(text.charCodeAt(j))) j++;
    return j === i + 2 ? 0 : sign * parseInt(text.slice(i + 2, j), 16);
  }
  let j = i;
  let v = 0;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    j++;
  }
  return j === i ? null : sign * v;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** File mode as printed by strace: octal `0644`, possibly after type flags (`S_IFREG|0644`). */
export function parseMode(text: string | null | undefined): number | null {
  if (!text) return null;
  const last = text.slice(text.lastIndexOf('|') + 1).trim();
  if (!/^0[0-7]*$/.test(last)) return /^\d+$/.test(last) ? parseInt(last, 10) : null;
  return parseInt(last, 8);
}

/** Flag strings repeat endlessly in a trace (`O_RDONLY|O_CLOEXEC`); split each distinct one once. */
const flagCache = new Map<string, string[]>();

/** Splits `O_RDONLY|O_CLOEXEC` into flag names; empty for `0`. Returns a fresh array each time. */
export function parseFlags(text: string | null | undefined): string[] {
  if (!text) return [];
  const cached = flagCache.get(text);
  if (cached) return cached.slice();
  const out = splitFlags(text);
  if (text.length <= 200) {
    if (flagCache.size >= 1024) flagCache.clear();
    flagCache.set(text, out.slice());
  }
  return out;
}

function splitFlags(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split('|')) {
    // Trimming allocates; most parts have no surrounding spaces.
    const t = part.charCodeAt(0) === 32 || part.charCodeAt(part.length - 1) === 32 ? part.trim() : part;
    if (t !== '' && t !== '0') out.push(t);
  }
  return out;
}

/**
 * Number of items in an array argument like getdents64's `[{...}, {...}]`, found by scanning
 * alone (no item is parsed); null when the argument is not an array (e.g. a pointer).
 */
export function countListItems(text: string): number | null {
  const open = text.indexOf('[');
  if (open === -1 || text.slice(0, open).trim() !== '') return null;
  const end = text.length;
  let count = 0;
  let pos = open + 1;
  while (pos < end) {
    const stop = findValueEnd(text, pos, end);
    const item = text.slice(pos, stop).trim();
    if (item !== '' && item !== '...') count++;
    if (stop >= end || text.charCodeAt(stop) !== 44 /* , */) break;
    pos = stop + 1;
  }
  return count;
}
