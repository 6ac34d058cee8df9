/**
 * Bounded, approximate call-argument extraction for JavaScript and Python source: enough to ask
 * "what does this eval/exec receive?" without a parser, and linear in the bytes it looks at.
 */

/** Characters looked at past an opening parenthesis before giving up. */
export const MAX_ARGUMENT_CHARS = 4000;

/**
 * The text between the `(` at `open` and its matching `)`, skipping string literals; cut at
 * `max` characters when unbalanced (hostile or truncated input).
 */
export function callArguments(text: string, open: number, max = MAX_ARGUMENT_CHARS): string {
  let depth = 0;
  const limit = Math.min(text.length, open + max);
  for (let i = open; i < limit; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i, limit);
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return text.slice(open + 1, limit);
}

/** Index of the closing quote of the literal opening at `start` (Python triple quotes included). */
export function skipString(text: string, start: number, limit = text.length): number {
  const q = text[start]!;
  const triple = q !== '`' && text[start + 1] === q && text[start + 2] === q;
  const close = triple ? q.repeat(3) : q;
  for (let i = start + close.length; i < limit; i++) {
    if (text[i] === '\\') i++;
    else if (text.startsWith(close, i)) return i + close.length - 1;
    else if (!triple && q !== '`' && text[i] === '\n') return i; // unterminated single-line string
  }
  return limit;
}

/**
 * The variable a value at `offset` is assigned to, if it sits on the right of `name =` in the same
 * statement (looked for at most 300 characters back), e.g. `const code = Buffer.from(x, 'base64')`.
 * One backwards pass, no regex backtracking: it runs for every decoder and use in a file.
 */
export function assignedName(text: string, offset: number): string | null {
  const from = Math.max(0, offset - 300);
  for (let i = offset - 1; i >= from; i--) {
    const c = text[i]!;
    if (c === ';' || c === '\n' || c === '{') return null;
    if (c !== '=') continue;
    const prev = text[i - 1];
    const next = text[i + 1];
    // ==, ===, !=, <=, >=, => are not assignments; neither is a default in `(a = 1)`, which is fine to treat as one.
    if (next === '=' || next === '>' || prev === '=' || prev === '!' || prev === '<' || prev === '>') return null;
    let end = i - 1;
    while (end >= from && (text[end] === ' ' || text[end] === '\t' || text[end] === '+')) end--;
    let start = end;
    while (start >= from && /[\w$]/.test(text[start]!)) start--;
    const name = text.slice(start + 1, end + 1);
    return /^[A-Za-z_$][\w$]*$/.test(name) ? name : null;
  }
  return null;
}
