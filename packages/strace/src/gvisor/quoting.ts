/**
 * Between gVisor's quoting and strace's. gVisor quotes argv, env and payloads with Go's `%q`
 * (`\x..`, `\u....`, printable Unicode left as is) and prints paths raw; the builders read
 * strace's C escapes (printable ASCII as is, the rest `\n` or octal). Bytes survive both ways.
 */

const BACKSLASH = 92;
const QUOTE = 34;
const utf8 = new TextEncoder();

const GO_SIMPLE: Record<number, number> = { 97: 7, 98: 8, 102: 12, 110: 10, 114: 13, 116: 9, 118: 11, 92: 92, 39: 39, 34: 34 };
const C_NAMED: Record<number, string> = { 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };

/** Backslashes directly before `i`. */
function backslashesBefore(text: string, i: number, floor: number): number {
  let n = 0;
  while (i - 1 - n >= floor && text.charCodeAt(i - 1 - n) === BACKSLASH) n++;
  return n;
}

/** Index just past the closing quote of the Go string opening at `start`; -1 if unterminated. */
export function skipGoString(text: string, start: number, end = text.length): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1 || q >= end) return -1;
    // Inside %q output every `"` is escaped, and `\\` pairs up: an even run means a real quote.
    if (backslashesBefore(text, q, start + 1) % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/** Index of the opening quote of the Go string whose closing quote is at `close`; -1 if none. */
export function goStringStart(text: string, close: number, floor = 0): number {
  let i = close - 1;
  while (i >= floor) {
    const q = text.lastIndexOf('"', i);
    if (q < floor) return -1;
    if (backslashesBefore(text, q, floor) % 2 === 0) return q;
    i = q - 1;
  }
  return -1;
}

function hexDigits(text: string, at: number, count: number): number {
  if (at + count > text.length) return -1;
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) | 32;
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

function putCodePoint(out: Uint8Array, o: number, cp: number): number {
  if (cp < 0x80) out[o++] = cp;
  else if (cp < 0x800) {
    out[o++] = 0xc0 | (cp >> 6);
    out[o++] = 0x80 | (cp & 63);
  } else if (cp < 0x10000) {
    out[o++] = 0xe0 | (cp >> 12);
    out[o++] = 0x80 | ((cp >> 6) & 63);
    out[o++] = 0x80 | (cp & 63);
  } else {
    out[o++] = 0xf0 | (cp >> 18);
    out[o++] = 0x80 | ((cp >> 12) & 63);
    out[o++] = 0x80 | ((cp >> 6) & 63);
    out[o++] = 0x80 | (cp & 63);
  }
  return o;
}

/** Bytes of a Go `%q` string body (between the quotes). Never throws; a bad escape is kept literally. */
export function decodeGoBody(body: string): Uint8Array {
  const out = new Uint8Array(body.length * 3);
  let o = 0;
  for (let i = 0; i < body.length;) {
    const c = body.codePointAt(i)!;
    if (c !== BACKSLASH || i + 1 >= body.length) {
      o = putCodePoint(out, o, c);
      i += c > 0xffff ? 2 : 1;
      continue;
    }
    const e = body.charCodeAt(i + 1);
    const simple = GO_SIMPLE[e];
    let v = -1;
    let len = 2;
    if (simple !== undefined) v = simple;
    else if (e === 120 /* x */) [v, len] = [hexDigits(body, i + 2, 2), 4];
    else if (/^[0-7]{3}$/.test(body.slice(i + 1, i + 4))) [v, len] = [parseInt(body.slice(i + 1, i + 4), 8), 4];
    else if (e === 117 /* u */ || e === 85 /* U */) {
      len = e === 117 ? 6 : 10;
      const cp = hexDigits(body, i + 2, len - 2);
      if (cp >= 0 && cp <= 0x10ffff) {
        o = putCodePoint(out, o, cp);
        i += len;
        continue;
      }
    }
    if (v >= 0 && v <= 255) {
      out[o++] = v;
      i += len;
    } else {
      out[o++] = BACKSLASH;
      i++;
    }
  }
  return out.subarray(0, o);
}

/** strace's escaping of bytes; `angle` also escapes `<` and `>`, as inside a `-yy` decoration. */
export function cEscape(bytes: Uint8Array, angle = false): string {
  let s = '';
  for (const b of bytes) {
    const named = C_NAMED[b];
    if (named !== undefined) s += named;
    else if (b >= 32 && b < 127 && !(angle && (b === 60 || b === 62))) s += String.fromCharCode(b);
    else s += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return s;
}

/** True when the text is printable ASCII with nothing to escape: the common case, copied as is. */
function plain(text: string, angle: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c > 126 || c === QUOTE || c === BACKSLASH || (angle && (c === 60 || c === 62))) return false;
  }
  return true;
}

/** A raw path (already JSON-decoded) as strace's escaped text, without the quotes. */
export function escapeText(text: string, angle = false): string {
  return plain(text, angle) ? text : cEscape(utf8.encode(text), angle);
}

/** A Go `%q` body as strace's escaped body. */
export function goBodyToC(body: string): string {
  return plain(body, false) ? body : cEscape(decodeGoBody(body));
}
