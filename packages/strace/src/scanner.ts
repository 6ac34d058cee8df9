/**
 * Character-level scanning of strace's argument syntax. Everything here works on indexes into
 * one string and never allocates per character, because it runs over every byte of the trace.
 *
 * The hard part is knowing what NOT to treat as structure: quoted strings (which may contain
 * anything, escaped) and `-yy` decorations like `3</tmp/a,b)>` or `<TCP:[1.2.3.4:5->6.7.8.9:10]>`.
 */

const BACKSLASH = 92;
const QUOTE = 34;
const LT = 60;
const GT = 62;
const SLASH = 47;
const DOT = 46;
const DASH = 45;
const COMMA = 44;
const LPAREN = 40;
const RPAREN = 41;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;

/** Index just past the closing quote of the string whose opening quote is at `start`; `-1` if unterminated. */
export function skipString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q === -1) return -1;
    // The quote is escaped when preceded by an odd number of backslashes.
    let b = q - 1;
    while (b > start && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    i = q + 1;
  }
}

/** True when the `<` at `i` opens a decoration or a `<...>` marker rather than being an operator (`<<`). */
export function opensAngle(text: string, i: number): boolean {
  const next = text.charCodeAt(i + 1);
  return next === SLASH || next === DOT || (next >= 65 && next <= 90) || (next >= 97 && next <= 122);
}

/**
 * Index just past the `>` closing the angle group opened at `start`; `-1` if unterminated.
 * Paths (`</...>`) have `<`, `>` and `"` escaped by strace, but may nest a device note
 * (`</dev/null<char 1:3>>`). Other groups (sockets, pipes) contain `->` arrows and quoted paths.
 */
export function skipAngle(text: string, start: number): number {
  const n = text.length;
  let depth = 1;
  let i = start + 1;
  const isPath = text.charCodeAt(i) === SLASH;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      i += 2;
      continue;
    }
    if (c === QUOTE && !isPath) {
      const end = skipString(text, i);
      if (end === -1) return -1;
      i = end;
      continue;
    }
    if (c === LT) {
      depth++;
    } else if (c === GT && (isPath || text.charCodeAt(i - 1) !== DASH)) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/** Result of scanning a call's argument list. */
export interface ArgScan {
  /** Raw top-level argument texts, untrimmed. */
  args: string[];
  /** Index of the `)` that closes the list, or -1 when the text ended first (unfinished call). */
  close: number;
  /** False when a string or decoration was left open: the text is cut. */
  wellFormed: boolean;
}

/**
 * Splits `text` from `open + 1` at top-level commas until the matching `)`.
 * Nesting of (), [], {} is tracked; strings and angle groups are skipped whole.
 */
export function scanArgs(text: string, open: number): ArgScan {
  const args: string[] = [];
  const n = text.length;
  let depth = 0;
  let argStart = open + 1;
  let i = argStart;
  while (i < n) {
    const c = text.charCodeAt(i);
    switch (c) {
      case QUOTE: {
        const end = skipString(text, i);
        if (end === -1) return { args, close: -1, wellFormed: false };
        i = end;
        continue;
      }
      case LT:
        if (opensAngle(text, i)) {
          const end = skipAngle(text, i);
          if (end === -1) return { args, close: -1, wellFormed: false };
          i = end;
          continue;
        }
        break;
      case LPAREN:
      case LBRACKET:
      case LBRACE:
        depth++;
        break;
      case RPAREN:
        if (depth === 0) {
          pushArg(args, text, argStart, i);
          return { args, close: i, wellFormed: true };
        }
        depth--;
        break;
      case RBRACKET:
      case RBRACE:
        if (depth > 0) depth--;
        break;
      case COMMA:
        if (depth === 0) {
          args.push(text.slice(argStart, i));
          argStart = i + 1;
        }
        break;
    }
    i++;
  }
  pushArg(args, text, argStart, n);
  return { args, close: -1, wellFormed: depth === 0 };
}

/** Keeps `f()` at zero arguments while still recording a trailing empty argument after a comma. */
function pushArg(args: string[], text: string, start: number, end: number): void {
  if (args.length === 0 && isBlank(text, start, end)) return;
  args.push(text.slice(start, end));
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

/**
 * Index of the first top-level `,` or closing bracket at or after `start` (or `end`).
 * Used to find where one value inside a struct or array stops.
 */
export function findValueEnd(text: string, start: number, end: number): number {
  let depth = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const e = skipString(text, i);
      if (e === -1 || e > end) return end;
      i = e;
      continue;
    }
    if (c === LT && opensAngle(text, i)) {
      const e = skipAngle(text, i);
      if (e === -1 || e > end) return end;
      i = e;
      continue;
    }
    if (c === LPAREN || c === LBRACKET || c === LBRACE) depth++;
    else if (c === RPAREN || c === RBRACKET || c === RBRACE) {
      if (depth === 0) return i;
      depth--;
    } else if (c === COMMA && depth === 0) return i;
    i++;
  }
  return end;
}

/** Index of the bracket matching the opener at `start` (same rules as findValueEnd); `-1` if none. */
export function findClosing(text: string, start: number, end: number): number {
  let i = start + 1;
  while (i < end) {
    const e = findValueEnd(text, i, end);
    if (e >= end) return -1;
    const c = text.charCodeAt(e);
    if (c === RPAREN || c === RBRACKET || c === RBRACE) return e;
    i = e + 1; // a top-level comma inside the group
  }
  return -1;
}
