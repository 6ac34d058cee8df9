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

/** `2026-12-04T20:32:08.596107524Z` (0 to 9 fraction digits) as epoch seconds; null if malformed. */
export function parseLogTime(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const seconds = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
  if (!Number.isFinite(seconds)) return null;
  const zone = m[8]!;
  const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (+zone.slice(1, 3) * 3600 + +zone.slice(4, 6) * 60);
  // Nanoseconds would exceed a double's precision at this magnitude; strace prints microseconds too.
  const micros = m[7] === undefined ? 0 : Math.round(+`0.${m[7]}` * 1e6);
  return (Math.round((seconds - offset) * 1e6) + micros) / 1e6;
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
