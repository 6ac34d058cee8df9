/**
 * Bounds on the report's evidence. Every list the summarizer or the report keeps has a cap on its entries
 * and on its (estimated) serialised size; what a cap drops is counted and becomes an evidence gap, one per
 * capped list and phase. `hidesBehaviour` says whether the dropped tail could hold what decides a verdict.
 *
 * Sizes measured on the benign and incident reports of `npm run eval` (tens of packages, gVisor): at most 12
 * processes, 2,511 file writes, 28 sensitive accesses, 12 connections, 620 fsDiff entries and 1,179
 * characters of argv per phase. The caps below are one to two orders of magnitude above that, so a big npm tree
 * (thousands of files, hundreds of compiler processes) stays under the caps whose gaps hide behaviour.
 */
import type { EvidenceGap, PhaseName } from '@airlock/core';

const MiB = 1024 * 1024;

/** A list's bounds: entries, and characters of its estimated serialised size. */
export interface ListCap {
  items: number;
  chars: number;
}

export const CAPS = {
  /** Execs per phase: each one is behaviour (the scorer reads program and command line). */
  processes: { items: 20_000, chars: 8 * MiB },
  /** Process-tree nodes per phase: who ran what under which script (a node is small; its argv is clipped and budgeted, so entries only). */
  processTree: { items: 50_000, chars: Infinity },
  /** Distinct file writes per phase (repeats are folded, see `TraceSummarizer`): persistence and wipers are read here. */
  fileWrites: { items: 100_000, chars: 16 * MiB },
  /**
   * Failed file writes per phase, within `fileWrites`: a benign install fails a few dozen (mkdir EEXIST,
   * ENOENT); a flood of failing calls is the cheap way to fill the report, so it is bounded lower.
   */
  failedFileWrites: { items: 10_000, chars: 2 * MiB },
  /**
   * `mkdir` of a directory that already exists (EEXIST), within `fileWrites` and not among the failed: it
   * changes nothing and no rule reads it, but npm's `mkdir -p` of a big tree makes thousands (a framework's
   * install: about 9,000), which filled the failed cap and made benign installs inconclusive.
   */
  existingDirectories: { items: 10_000, chars: 2 * MiB },
  /** Distinct sensitive accesses per phase (repeats are already counted on one entry): credential theft. */
  sensitiveFiles: { items: 5_000, chars: 2 * MiB },
  /** Connection attempts per phase: egress. */
  connections: { items: 10_000, chars: 2 * MiB },
  /** Refused operations per phase: escalation, escape and sandbox probes. */
  denied: { items: 10_000, chars: 2 * MiB },
  /** The fake internet's records, per kind (whole run). */
  network: { items: 10_000, chars: 4 * MiB },
  /** `docker diff` entries (whole run); added files are dropped first (see `capFsDiff`). */
  fsDiff: { items: 20_000, chars: 4 * MiB },
} satisfies Record<string, ListCap>;

/** Bounds on one exec's argv, and on all argv text kept per phase (memory and report both hold it). */
export const ARGV_CAPS = {
  /** Characters of one argument. */
  argChars: 4096,
  /** Arguments of one exec. */
  args: 256,
  /** Characters of one exec's whole argv. */
  totalChars: 16_384,
  /** Characters of argv kept per phase; past it each exec keeps `afterBudgetChars`. */
  phaseChars: 4 * MiB,
  afterBudgetChars: 256,
} as const;

/** Bound on an exec's environment, which is kept in memory for attribution (npm_* variables) and never reported. */
export const ENV_CAPS = { entries: 1024, entryChars: 4096 } as const;

/** The serialised report (JSON, UTF-8 bytes) with its verdict. */
export const REPORT_MAX_BYTES = 32 * MiB;
/** Room left for the verdict, which is added after the lists are capped (its evidence points into them). */
export const VERDICT_HEADROOM_BYTES = 4 * MiB;

/** A list that keeps its first entries up to a cap and counts the rest. */
export class CappedList<T> {
  readonly items: T[] = [];
  dropped = 0;
  private chars = 0;

  constructor(
    readonly cap: ListCap,
    private readonly sizeOf: (item: T) => number,
  ) {}

  push(item: T): boolean {
    const size = this.sizeOf(item);
    if (this.items.length >= this.cap.items || this.chars + size > this.cap.chars) {
      this.dropped++;
      return false;
    }
    this.chars += size;
    this.items.push(item);
    return true;
  }
}

/** Rough JSON size of an entry: its strings plus a constant for keys and numbers. */
export function roughSize(...strings: (string | null | undefined | readonly string[])[]): number {
  let n = 120;
  for (const s of strings) {
    if (s === null || s === undefined) continue;
    if (typeof s === 'string') n += s.length + 2;
    else for (const item of s) n += item.length + 3;
  }
  return n;
}

export function capGap(
  section: string,
  phase: PhaseName | null,
  dropped: number,
  cap: ListCap | number,
  hidesBehaviour: boolean,
  what = `${section} entries`,
): EvidenceGap {
  const limit = typeof cap === 'number' ? cap : cap.items;
  const bytes = typeof cap === 'number' ? '' : ` or ${Math.round(cap.chars / MiB)} MiB`;
  return {
    source: 'report',
    kind: `report.${section}-capped`,
    phase,
    message: `${dropped} ${what} past the cap (${limit}${bytes}${phase ? ` in the ${phase} phase` : ''}) were dropped`,
    dropped,
    limit,
    hidesBehaviour,
  };
}

/** Bytes of `text` in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
