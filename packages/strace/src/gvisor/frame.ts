/**
 * Framing of runsc's `--debug-log-format=json` log: one `{"msg", "level", "time"}` object per line.
 * JSON framing is why this format was chosen: a path or process name containing a newline is
 * escaped inside `msg` and cannot split or forge a line, as it can in the text (glog) format.
 */

export interface LogFrame {
  msg: string;
  /** `time` as epoch seconds with microsecond precision, like strace's `-ttt`. */
  ts: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Every line repeats the date, hour and minute (`2026-12-04T20:32:`): their epoch value is
 * computed once per minute. Both paths compute the same value for the same text.
 */
let memoMinute = '';
let memoMicros = 0;

/**
 * Microseconds of a fraction's digits, rounded half up in integers (nanoseconds would exceed a
 * double's precision at this magnitude; strace prints microseconds too).
 */
function fractionMicros(digits: string): number {
  if (digits === '') return 0;
  return Math.floor((parseInt(digits.padEnd(7, '0').slice(0, 7), 10) + 5) / 10);
}

/** `SS[.fffffffff]Z` after the memoised minute, in microseconds; null if not that shape. */
function secondsInMinute(text: string): number | null {
  const s1 = text.charCodeAt(17) - 48;
  const s2 = text.charCodeAt(18) - 48;
  if (s1 < 0 || s1 > 5 || s2 < 0 || s2 > 9) return null;
  const whole = (s1 * 10 + s2) * 1e6;
  if (text.length === 20) return whole;
  if (text.charCodeAt(19) !== 46 /* . */ || text.length < 22 || text.length > 30) return null;
  for (let i = 20; i < text.length - 1; i++) {
    const d = text.charCodeAt(i);
    if (d < 48 || d > 57) return null;
  }
  return whole + fractionMicros(text.slice(20, -1));
}

/** `2026-12-04T20:32:08.596107524Z` (0 to 9 fraction digits) as epoch seconds; null if malformed. */
export function parseLogTime(text: string): number | null {
  if (memoMinute !== '' && text.charCodeAt(text.length - 1) === 90 /* Z */ && text.startsWith(memoMinute)) {
    const micros = secondsInMinute(text);
    if (micros !== null) return (memoMicros + micros) / 1e6;
  }
  const m = RFC3339.exec(text);
  if (!m) return null;
  const minute = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!) / 1000;
  if (!Number.isFinite(minute)) return null;
  const zone = m[8]!;
  const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (+zone.slice(1, 3) * 3600 + +zone.slice(4, 6) * 60);
  const base = (minute - offset) * 1e6;
  if (zone === 'Z') {
    memoMinute = text.slice(0, 17);
    memoMicros = base;
  }
  return (base + +m[6]! * 1e6 + fractionMicros(m[7] ?? '')) / 1e6;
}

/** Parses one line; null when it is not a JSON object with a string `msg` and a valid `time`. */
export function parseFrame(line: string): LogFrame | null {
  if (line.charCodeAt(0) !== 123 /* { */) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { msg, time } = value as { msg?: unknown; time?: unknown };
  if (typeof msg !== 'string' || typeof time !== 'string') return null;
  const ts = parseLogTime(time);
  return ts === null ? null : { msg, ts };
}
