/**
 * The prefix strace writes before each record with `-f -ttt`: `PID EPOCH.USEC `.
 * `[pid  N] ` (strace's stderr style) and a bare timestamp (no -f) are accepted too.
 */
export interface LineHeader {
  pid: number;
  ts: number;
  /** Index where the record text starts. */
  bodyStart: number;
}

const BRACKET_PID = /^\[pid +(\d{1,10})\] +(\d{1,12}(?:\.\d{1,9})?) +/;

/** Index after a run of ASCII digits starting at `i`. */
function digitsEnd(line: string, i: number): number {
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  return i;
}

function spacesEnd(line: string, i: number): number {
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

/** `SECONDS[.FRACTION]` at `i`: returns its end, or -1. */
function timestampEnd(line: string, i: number, requireFraction: boolean): number {
  const secEnd = digitsEnd(line, i);
  if (secEnd === i || secEnd - i > 12) return -1;
  if (line.charCodeAt(secEnd) !== 46 /* . */) return requireFraction ? -1 : secEnd;
  const fracEnd = digitsEnd(line, secEnd + 1);
  return fracEnd === secEnd + 1 || fracEnd - secEnd > 10 ? -1 : fracEnd;
}

export function parseLineHeader(line: string): LineHeader | null {
  const first = digitsEnd(line, 0);
  if (first > 0 && first <= 10 && line.charCodeAt(first) === 32) {
    // PID TS BODY
    const tsStart = spacesEnd(line, first);
    const tsEnd = timestampEnd(line, tsStart, false);
    if (tsEnd === -1 || line.charCodeAt(tsEnd) !== 32) return null;
    return { pid: parseInt(line.slice(0, first), 10), ts: parseFloat(line.slice(tsStart, tsEnd)), bodyStart: spacesEnd(line, tsEnd) };
  }
  if (first > 0) {
    // TS BODY (traced without -f)
    const tsEnd = timestampEnd(line, 0, true);
    if (tsEnd === -1 || line.charCodeAt(tsEnd) !== 32) return null;
    return { pid: 0, ts: parseFloat(line.slice(0, tsEnd)), bodyStart: spacesEnd(line, tsEnd) };
  }
  const m = BRACKET_PID.exec(line);
  if (m) return { pid: parseInt(m[1]!, 10), ts: parseFloat(m[2]!), bodyStart: m[0].length };
  return null;
}
