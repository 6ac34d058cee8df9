/**
 * Rescan schedules: `hourly`, `daily`, `weekly`, `every:<n>[smhd]` or `cron:<5 or 6 fields>`, parsed with
 * cron-parser (the parser BullMQ uses) and held to one floor for every kind: the shortest interval
 * between two consecutive runs, computed. Refused before anything is stored.
 */
import { CronExpressionParser } from 'cron-parser';

/** Each rescan runs every package again in the sandbox: more often than this only burns workers. */
export const MIN_RESCAN_INTERVAL_MS = 5 * 60 * 1000;
/** Fire days are walked this far (or this many) to find the closest two (cron-parser's next() is slow). */
const DAY_HORIZON_MS = 4 * 366 * 86_400_000;
const MAX_DAYS_WALKED = 60;
const DAY_S = 86_400;

export interface Schedule {
  pattern?: string;
  everyMs?: number;
}

const NAMED: Record<string, number> = { hourly: 3600e3, daily: 86400e3, weekly: 7 * 86400e3 };
const UNIT_MS = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 } as const;

/** `daily` / `every:6h` / `cron:0 3 * * *` -> a BullMQ repeat (call `scheduleProblem` first). */
export function parseSchedule(text: string): Schedule {
  if (NAMED[text]) return { everyMs: NAMED[text] };
  const every = /^every:(\d+)([smhd])$/.exec(text);
  if (every) return { everyMs: Number(every[1]) * UNIT_MS[every[2] as keyof typeof UNIT_MS] };
  return { pattern: text.slice('cron:'.length).trim() };
}

/**
 * The shortest interval between two consecutive runs of a cron pattern, in UTC. Computed, not sampled
 * run by run: the times of day are the product of the hour, minute and second fields (sorted), so the
 * shortest gap within a day is between neighbours of that list; across days it is the closest two fire
 * days (walked with cron-parser, up to four years or MAX_DAYS_WALKED fire days) minus the day's span.
 * Throws on an invalid pattern.
 */
export function cronMinIntervalMs(pattern: string, from: Date): number {
  const { fields } = CronExpressionParser.parse(pattern, { currentDate: from, tz: 'UTC' });
  const numbers = (values: readonly (number | string)[]) => values.filter((v): v is number => typeof v === 'number').sort((x, y) => x - y);
  const [hours, minutes, seconds] = [numbers(fields.hour.values), numbers(fields.minute.values), numbers(fields.second.values)];
  const times: number[] = [];
  for (const h of hours) for (const m of minutes) for (const s of seconds) times.push(h * 3600 + m * 60 + s);
  if (times.length === 0) throw new Error('it names no time of day');
  let shortest = Infinity;
  for (let i = 1; i < times.length; i++) shortest = Math.min(shortest, times[i]! - times[i - 1]!);
  const span = times[times.length - 1]! - times[0]!;
  shortest = Math.min(shortest, closestFireDays(pattern, from) * DAY_S - span);
  return shortest * 1000;
}

/** The fewest days between two consecutive days on which the pattern fires (1 for most patterns). */
function closestFireDays(pattern: string, from: Date): number {
  const dayFields = pattern.trim().split(/\s+/).slice(-3).join(' ');
  const days = CronExpressionParser.parse(`0 0 0 ${dayFields}`, { currentDate: from, tz: 'UTC' });
  let previous = days.next().getTime();
  const end = previous + DAY_HORIZON_MS;
  let closest = Infinity;
  for (let walked = 1; walked < MAX_DAYS_WALKED && closest > 1; walked++) {
    let next: number;
    try {
      next = days.next().getTime();
    } catch {
      break; // no later fire day
    }
    if (next > end) break;
    closest = Math.min(closest, Math.round((next - previous) / (DAY_S * 1000)));
    previous = next;
  }
  return closest;
}

/** Why a schedule is refused (invalid, or runs closer than the floor), or null when it is fine. */
export function scheduleProblem(text: string, now = new Date()): string | null {
  const schedule = parseSchedule(text);
  if (schedule.everyMs !== undefined)
    return schedule.everyMs < MIN_RESCAN_INTERVAL_MS ? `${text} rescans more often than every 5 minutes` : null;
  if (!text.startsWith('cron:')) return `unknown schedule ${JSON.stringify(text)}`;
  const fields = schedule.pattern!.split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return `a cron schedule has 5 or 6 fields (got ${fields})`;
  let shortest: number;
  try {
    shortest = cronMinIntervalMs(schedule.pattern!, now);
  } catch (err) {
    return `invalid cron pattern ${JSON.stringify(schedule.pattern)}: ${(err as Error).message}`;
  }
  if (shortest < MIN_RESCAN_INTERVAL_MS)
    return `cron:${schedule.pattern} runs ${Math.round(shortest / 1000)} s apart at times; rescans at most every 5 minutes`;
  return null;
}
