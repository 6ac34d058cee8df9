/**
 * Decoding of strace's quoted strings. strace prints printable ASCII as is and everything else
 * escaped (`\n`, `\t`, `\"`, `\\`, octal `\0`..`\377`, or `\x41` with -x), so a string without a
 * backslash is plain ASCII and can be used without decoding: the common, fast case.
 */

const BACKSLASH = 92;
const utf8 = new TextDecoder('utf-8', { fatal: false });

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10,
  t: 9,
  r: 13,
  v: 11,
  f: 12,
  a: 7,
  b: 8,
  e: 27,
  '"': 34,
  '\\': 92,
  "'": 39,
  '?': 63,
};

function isOctal(c: number): boolean {
  return c >= 48 && c <= 55;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Bytes of an escaped string body (the text between the quotes). Never throws. */
export function decodeEscapedBytes(body: string): Uint8Array {
  const out = new Uint8Array(body.length);
  let o = 0;
  const n = body.length;
  for (let i = 0; i < n;) {
    const c = body.charCodeAt(i);
    if (c !== BACKSLASH || i + 1 >= n) {
      // strace output is ASCII; anything wider is kept as its low byte rather than failing.
      out[o++] = c & 0xff;
      i++;
      continue;
    }
    const e = body.charCodeAt(i + 1);
    if (isOctal(e)) {
      let v = 0;
      let j = i + 1;
      while (j < n && j < i + 4 && isOctal(body.charCodeAt(j))) v = v * 8 + body.charCodeAt(j++) - 48;
      out[o++] = v & 0xff;
      i = j;
      continue;
    }
    if (e === 120 /* x */) {
      const h1 = i + 2 < n ? hexValue(body.charCodeAt(i + 2)) : -1;
      if (h1 >= 0) {
        const h2 = i + 3 < n ? hexValue(body.charCodeAt(i + 3)) : -1;
        out[o++] = h2 >= 0 ? h1 * 16 + h2 : h1;
        i += h2 >= 0 ? 4 : 3;
        continue;
      }
    }
    const simple = SIMPLE_ESCAPES[String.fromCharCode(e)];
    out[o++] = simple ?? e & 0xff;
    i += 2;
  }
  return out.subarray(0, o);
}

/** Text of an escaped string body, UTF-8 decoded (invalid bytes become U+FFFD). */
export function decodeEscapedText(body: string): string {
  if (body.indexOf('\\') === -1) return body;
  return utf8.decode(decodeEscapedBytes(body));
}
