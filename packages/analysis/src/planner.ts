/**
 * The planner of extra runs ("views"): after each run of an analysis it decides whether another run
 * would see more, and at the end which run's report answers. One planner for every view, so a new view
 * (another platform, another clock) is one more entry here and one more name in the report's `views`.
 *
 * Views today:
 * - `developer`: the first run, a developer's shell with the default limits.
 * - `retry`: the developer view was `inconclusive` (a phase cut short, processes still running, evidence
 *   lost): the same view once more with longer limits, before `inconclusive` is final.
 * - `ci`: nothing malicious so far and the package's code reads CI variables: a run imitating a CI job.
 * - `time`: nothing malicious so far and the code waits (a long timer or sleep, a detached child, a date
 *   check), or the first run left processes running: the clock at +3 days for the install and +30 days
 *   for the import, clocks and sleeps ten times faster (one run does both offsets: a stamp the install
 *   writes looks 27 days old at import).
 * - `calls`: the package exports functions: after the import, every export (and its members one level
 *   down) is called with a few argument shapes, strings carrying a honeytoken. Made as a stage of the
 *   developer run (`callsStageView`: same sandbox, no second install); planned here as a run of its own
 *   only when that stage could not start and nothing malicious was seen.
 * - `windows`, `macos`: nothing malicious so far, and the package could act only on another OS (see
 *   `platformViewReason`): a run where package code believes it runs on Windows (macOS).
 *
 * Pure: verdicts and facts in, the next view out.
 */
import type { PhaseName, SandboxReport, VerdictLabel } from '@airlock/core';
import type { ClockShift } from '@airlock/sandbox';

type ViewName = 'developer' | 'retry' | 'ci' | 'time' | 'calls' | 'windows' | 'macos';

/** The OS package code is made to believe it runs on (linux: none faked). */
type ViewPlatform = 'linux' | 'win32' | 'darwin';

/** Longer limits for the retry: phase time limits multiplied, and a longer dwell for detached processes. */
export interface RetryLimits {
  timeoutFactor: number;
  dwellMs: number;
}

/** Phase limits x2 and a 60 s dwell: a payload that waits a minute after the install is seen. */
export const DEFAULT_RETRY: RetryLimits = { timeoutFactor: 2, dwellMs: 60_000 };

export interface PlannedView {
  name: ViewName;
  profile: { name: 'developer' | 'ci'; reason: string | null };
  /** The platform the package is shown (absent: Linux, nothing faked). */
  platform?: ViewPlatform;
  /** Why the planner asked for this run (null for the first). */
  reason: string | null;
  /** Phase limits and dwell for this run; absent: the analysis's own. */
  timeoutsMs?: Record<PhaseName, number>;
  dwellMs?: number;
  /** The time view's clock. */
  clock?: ClockShift;
  /** The call view: the package's exports are called after the import. */
  calls?: boolean;
}

export interface ViewOutcome {
  view: PlannedView;
  report: SandboxReport;
}

export interface PlanFacts {
  /** CI variables the package's code reads (static): a reason for the `ci` view. */
  ciVariables: readonly string[];
  /** false: no `ci` view. */
  ciProfile: boolean;
  /** false: no retry; otherwise its limits. */
  retry: RetryLimits | false;
  /** The analysis's phase limits, which the retry multiplies. */
  timeoutsMs: Record<PhaseName, number>;
  /** Waiting or date checks in the package's code (static): a reason for the `time` view. */
  timeGates: readonly string[];
  /** The time view's clock and dwell; false: no `time` view. */
  time: { clock: ClockShift; dwellMs: number } | false;
  /** Run every view whatever the facts (the caller asked). */
  forceViews: boolean;
  /** false: no `calls` view. */
  calls: boolean;
  /** `auto`: platform views when a fact says so (platformViewReason); `all`: always both; false: never. */
  platformViews: 'auto' | 'all' | false;
  /** Static facts for the platform views. */
  platform: PlatformFacts;
}

export interface PlatformFacts {
  ecosystem: 'npm' | 'pypi';
  /** A PyPI sdist: setup.py runs at install, and most PyPI droppers gate on the platform there. */
  sdist: boolean;
  /** npm preinstall/install/postinstall (or binding.gyp). */
  installScripts: boolean;
  /** Platform reads in the code (`process.platform`, `sys.platform`, ...). */
  reads: readonly string[];
  /** Windows and macOS markers in the code (APPDATA, 'darwin', ...). */
  windows: readonly string[];
  macos: readonly string[];
}

export function firstView(): PlannedView {
  return { name: 'developer', profile: { name: 'developer', reason: null }, reason: null };
}

/** The next run to make, or null when more runs would not see more. */
export function nextView(done: readonly ViewOutcome[], facts: PlanFacts): PlannedView | null {
  const verdicts = done.map((d) => verdictOf(d.report));
  if (verdicts.includes('malicious')) return null;
  const ran = new Set(done.map((d) => d.view.name));
  const developer = done.find((d) => d.view.name === 'developer');
  if (facts.retry && developer && !ran.has('retry') && verdictOf(developer.report) === 'inconclusive') {
    const causes = (developer.report.verdict?.notObserved ?? []).filter((n) => n.hidesBehaviour).map((n) => n.kind);
    return {
      name: 'retry',
      profile: { name: 'developer', reason: null },
      reason: `the first run was inconclusive (${[...new Set(causes)].join(', ')}): again with longer limits`,
      timeoutsMs: scaled(facts.timeoutsMs, facts.retry.timeoutFactor),
      dwellMs: facts.retry.dwellMs,
    };
  }
  if (facts.ciProfile && !ran.has('ci') && (facts.ciVariables.length > 0 || facts.forceViews)) {
    const reason = facts.ciVariables.length > 0 ? `the package's code reads ${facts.ciVariables.join(', ')}` : 'every view was asked for';
    return { name: 'ci', profile: { name: 'ci', reason }, reason };
  }
  if (facts.time && !ran.has('time')) {
    const lingering = done.some((d) => d.report.phases.some((p) => p.lingeringProcesses > 0));
    const why = [...facts.timeGates, ...(lingering ? ['processes still running when a phase ended'] : [])];
    if (why.length > 0 || facts.forceViews) {
      const reason = why.length > 0 ? `the package may wait: ${why.join('; ')}` : 'every view was asked for';
      return { name: 'time', profile: { name: 'developer', reason: null }, reason, clock: facts.time.clock, dwellMs: facts.time.dwellMs };
    }
  }
  if (facts.calls && !ran.has('calls')) {
    const functions = exportedFunctions(done[0]?.report.importResult);
    if (functions > 0 || facts.forceViews) {
      const reason =
        functions > 0 ? `the package exports ${functions} function(s): each called after the import` : 'every view was asked for';
      return { name: 'calls', profile: { name: 'developer', reason: null }, reason, calls: true };
    }
  }
  for (const [name, platform] of [
    ['windows', 'win32'],
    ['macos', 'darwin'],
  ] as const) {
    if (ran.has(name)) continue;
    // A probing view's odd behaviour is not a reason for more runs, as it is not one for the verdict.
    const reason = platformViewReason(
      name,
      facts,
      done.filter((d) => !PROBING_VIEWS.has(d.view.name)).map((d) => verdictOf(d.report)),
    );
    if (reason) return { name, platform, profile: { name: 'developer', reason: null }, reason };
  }
  return null;
}

/**
 * Why a platform view is worth a run, or null. Windows: every PyPI sdist (setup.py droppers gate on
 * win32, often in disguise), npm packages with install scripts, code that reads the platform or names
 * Windows places, and any run so far `suspicious`. macOS costs a run for fewer packages: only code that
 * names macOS (darwin, ~/Library/..., osascript). `all` runs both.
 */
function platformViewReason(view: 'windows' | 'macos', facts: PlanFacts, verdicts: readonly VerdictLabel[]): string | null {
  if (facts.platformViews === false) return null;
  if (facts.platformViews === 'all') return 'every platform view was asked for';
  const p = facts.platform;
  const suspicious = verdicts.includes('suspicious');
  if (view === 'windows') {
    if (p.windows.length > 0) return `the package's code names Windows (${p.windows.join(', ')})`;
    if (p.ecosystem === 'pypi' && p.sdist) return 'a PyPI sdist: setup.py runs at install and may act only on Windows';
    if (p.reads.length > 0) return `the package's code reads the platform (${p.reads.join(', ')})`;
    if (p.installScripts) return 'the package has install scripts';
    if (suspicious) return 'a run so far was suspicious';
    return null;
  }
  if (p.macos.length > 0) return `the package's code names macOS (${p.macos.join(', ')})`;
  return null;
}

/**
 * Views that probe what a user's machine would not do on day one (a moved clock, calls with made-up
 * arguments): their run answers only
 * when it proves malice; a timeout or odd behaviour under the probe does not make a package inconclusive
 * or suspicious.
 */
const PROBING_VIEWS = new Set<ViewName>(['time', 'calls']);

/**
 * The report that answers: malicious evidence from any run wins; a retry replaces the run it retried (it
 * saw at least as much); then the worst verdict (malicious > inconclusive > suspicious > benign), and
 * within a verdict the higher score, the earlier run on a tie.
 */
export function chooseOutcome(done: readonly ViewOutcome[]): ViewOutcome {
  if (done.length === 0) throw new Error('no run to choose from');
  const retried = done.some((d) => d.view.name === 'retry');
  const candidates = done.filter(
    (d) => (!(retried && d.view.name === 'developer') && !PROBING_VIEWS.has(d.view.name)) || verdictOf(d.report) === 'malicious',
  );
  return candidates.reduce((best, d) => (rank(d.report) > rank(best.report) ? d : best));
}

/** The `views` list of the chosen report: every run made, in order, with its verdict. */
export function viewRecords(done: readonly ViewOutcome[], chosen: ViewOutcome): SandboxReport['views'] {
  return done.map((d) => ({
    view: d.view.name,
    reason: d.view.reason,
    reportId: d.report.id,
    verdict: verdictOf(d.report),
    score: d.report.verdict?.score ?? 0,
    chosen: d === chosen,
    platform: d.view.platform ?? 'linux',
    // What that run's verdict rests on, so a report chosen from another run still says what each saw.
    rules: [...new Set((d.report.verdict?.reasons ?? []).map((r) => r.rule))],
  }));
}

const ORDER: Record<VerdictLabel, number> = { benign: 0, suspicious: 1, inconclusive: 2, malicious: 3 };

function rank(report: SandboxReport): number {
  return ORDER[verdictOf(report)] * 1000 + (report.verdict?.score ?? 0);
}

function verdictOf(report: SandboxReport): VerdictLabel {
  // The pipeline scores every report before planning; an unscored one could not be read, so not clean.
  return report.verdict?.verdict ?? 'inconclusive';
}

function scaled(timeouts: Record<PhaseName, number>, factor: number): Record<PhaseName, number> {
  return Object.fromEntries(Object.entries(timeouts).map(([phase, ms]) => [phase, Math.round(ms * factor)])) as Record<PhaseName, number>;
}

/**
 * The call view made as a stage of the developer run (the analysis asks `runSandbox` for it when the
 * import's result shows functions): planned by the run itself, named here like every view.
 */
export function callsStageView(functions: number): PlannedView {
  const why = functions > 0 ? `the package exports ${functions} function(s): each called after the import` : 'every view was asked for';
  return { name: 'calls', profile: { name: 'developer', reason: null }, reason: `${why} (a stage of the developer run)`, calls: true };
}

/**
 * Functions an import found among the exports (the runner counts them; untrusted JSON, read defensively):
 * npm `require`/`import` results, Python per-module results.
 */
export function exportedFunctions(importResult: unknown): number {
  const result = importResult as Record<string, unknown> | null | undefined;
  if (!result || typeof result !== 'object') return 0;
  const counts = [result.require, result.import, ...Object.values((result.modules as Record<string, unknown> | undefined) ?? {})].map(
    (part) => (part && typeof part === 'object' ? Number((part as { functions?: unknown }).functions) : 0),
  );
  return Math.max(0, ...counts.filter((n) => Number.isFinite(n)));
}
