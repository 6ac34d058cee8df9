/**
 * Known-normal behaviour: signatures subtracted before the noise rules look, so npm's cache writes or a
 * build tool that popular packages run does not count against a package.
 *
 * Two sources, merged at scoring time (see `mergeBaselines`):
 * - a baseline learned from the train split of a benign corpus (`learnBaseline`, stored as data with
 *   its provenance: `packages/scoring/data/baseline-npm.json`, written by `airlock baseline learn`).
 *   Not a union: a signature is kept only when at least `minPackages` distinct packages showed it, so
 *   one benign package contacting a host never whitelists that host for every package;
 * - the empty-package control run of the exact image a report ran in (`baselineFromReports`, no
 *   threshold: a package with no code has nothing of its own, so all it shows is the image's and the
 *   package manager's behaviour).
 *
 * Only noise rules consult it: `writtenPaths` the file rules (download-execute, destructive writes),
 * `programs` lifecycle-shell and setup-script-shell, `hosts` network-egress. Proof rules (honeytoken
 * exfiltration, credential reads, pipe-to-shell, reverse shells, persistence, mining, exfiltration-like
 * requests, publish) never do.
 */

export interface Baseline {
  /** Path patterns (`pathPattern` of a written file's normalised path). */
  writtenPaths: string[];
  /**
   * Program signatures (`programSignature`: `sh -c node-gyp-build-test`, `python3 <NODE_PKG>/gyp/gyp_main.py`).
   * A bare program name (`python3`) matches every use of it; learning never produces one.
   */
  programs: string[];
  /** DNS names, and TCP/UDP hostnames (or addresses without one), lowercase. */
  hosts: string[];
}

export function emptyBaseline(): Baseline {
  return { writtenPaths: [], programs: [], hosts: [] };
}

export const KINDS = ['writtenPaths', 'programs', 'hosts'] as const;
export type BaselineKind = (typeof KINDS)[number];

/** One learned signature with its support: how many distinct training packages showed it, and which. */
export interface LearnedEntry {
  value: string;
  packages: number;
  /** The supporting packages (all of them, sorted), so a reviewer can see where an entry came from. */
  seenIn: string[];
}

export interface LearnThresholds {
  /** A signature is kept only when at least this many distinct packages showed it. */
  minPackages: number;
}

export const DEFAULT_THRESHOLDS: LearnThresholds = { minPackages: 2 };

export interface LearnedSignatures {
  thresholds: LearnThresholds;
  /** Distinct packages learned from (runs of the same package count once). */
  packages: number;
  writtenPaths: LearnedEntry[];
  programs: LearnedEntry[];
  hosts: LearnedEntry[];
  /** Signatures seen but below the threshold: how many per kind, and (hosts and programs) which. */
  belowThreshold: { writtenPaths: number; programs: LearnedEntry[]; hosts: LearnedEntry[] };
}

/** The learned data file (`packages/scoring/data/baseline-<ecosystem>.json`): signatures plus how they were produced. */
export interface BaselineFile extends LearnedSignatures {
  format: 'airlock-baseline/1';
  ecosystem: 'npm' | 'pypi';
  provenance: BaselineProvenance;
}

export interface BaselineProvenance {
  /** ISO time the file was written. */
  createdAt: string;
  /** The command line that produced it. */
  command: string;
  /** The corpus files (as given, with their sha256), the split learned from and its rule, and how many samples it held. */
  corpora: { file: string; sha256: string }[];
  split: { name: 'train' | 'test' | 'all'; rule: string; samples: number };
  /** Runs that produced a report (learned from) and runs that failed (left out, with why). */
  runs: { ok: number; failed: { id: string; error: string }[] };
  /** The sandbox images the runs used, from each report's `sandbox` section, with how many runs each. */
  images: { image: string; imageId: string; inputsHash: string; runs: number }[];
  /** The empty-package control run learned at the same time (scoring uses the one of its own image). */
  control: { inputsHash: string; writtenPaths: number; programs: number; hosts: number } | null;
  /** Where the per-sample results (and the reports they point at) were kept. */
  results: string;
}

/** The Baseline a learned file stands for: its kept entries. */
export function baselineFromFile(file: Pick<LearnedSignatures, 'writtenPaths' | 'programs' | 'hosts'>): Baseline {
  return {
    writtenPaths: file.writtenPaths.map((e) => e.value),
    programs: file.programs.map((e) => e.value),
    hosts: file.hosts.map((e) => e.value),
  };
}

/** Checks the shape of a parsed baseline file, so a hand-edited or truncated file fails loudly. */
export function isBaselineFile(data: unknown): data is BaselineFile {
  const d = data as Partial<BaselineFile> | null;
  const list = (v: unknown) =>
    Array.isArray(v) && v.every((e) => typeof (e as LearnedEntry)?.value === 'string' && typeof (e as LearnedEntry)?.packages === 'number');
  return (
    !!d &&
    d.format === 'airlock-baseline/1' &&
    (d.ecosystem === 'npm' || d.ecosystem === 'pypi') &&
    list(d.writtenPaths) &&
    list(d.programs) &&
    list(d.hosts) &&
    typeof d.provenance === 'object'
  );
}

export function mergeBaselines(...baselines: Baseline[]): Baseline {
  const merged = emptyBaseline();
  for (const kind of KINDS) merged[kind] = sorted(new Set(baselines.flatMap((b) => b[kind])));
  return merged;
}

/** The name a destination is known by: its hostname, else its address; null when neither is known. */
export function destinationHost(destination: { hostname: string | null; address: string | null }): string | null {
  return destination.hostname?.toLowerCase() ?? destination.address ?? null;
}

const sorted = (values: Set<string>): string[] => [...values].sort();
