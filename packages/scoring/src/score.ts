/** Rules in, verdict out: the score is the capped sum of hit weights; conclusive hits force malicious. */
import type { SandboxReport } from '@airlock/core';
import { emptyBaseline, type Baseline } from './baseline.js';
import { createContext, type ScoringContext } from './context.js';
import { notObserved } from './not-observed.js';
import { credentialAccess, environmentDump, honeytokenExfiltration } from './rules/credentials.js';
import { sandboxEvasion } from './rules/evasion.js';
import { evidenceTampering } from './rules/tampering.js';
import { obfuscatedImportExec, obfuscatedInstallExec } from './rules/obfuscation.js';
import {
  downloadExecute,
  lifecycleShell,
  minerBinary,
  npmPublish,
  pipeToShell,
  reverseShellCommand,
  setupScriptShell,
  windowsPayloadAttempt,
  windowsPayloadLaunch,
} from './rules/execution.js';
import { destructiveWrites, persistence } from './rules/filesystem.js';
import {
  collectorEgress,
  exfiltrationLikeEgress,
  fileSharingDownload,
  githubApiWithToken,
  miningPool,
  networkEgress,
  reverseShellPort,
} from './rules/network.js';
import { updateDrift } from './rules/update-drift.js';
import { hostDetailsExfiltration } from './rules/host-details.js';
import { windowsDrop } from './rules/windows-drop.js';
import { STATIC_CAP, staticSignalHits } from './static-signals.js';
import type { NotObserved, RuleHit, StaticSignalLike, Verdict, VerdictLabel } from './types.js';

/** Score at or above which a run is `malicious` (without a conclusive hit). */
export const MALICIOUS_THRESHOLD = 70;
/** Score at or above which a run is `suspicious`. */
export const SUSPICIOUS_THRESHOLD = 25;

export interface ScoreOptions {
  /** Overrides the report's own `staticSignals` (reports before 0.4.0 carry none). */
  staticSignals?: readonly StaticSignalLike[];
  baseline?: Baseline;
  /** The report of the previous version of the same package, when one was analysed: updates that change behaviour score. */
  previous?: SandboxReport;
}

/** Every dynamic rule, in the priority order of issue 5. */
export const DYNAMIC_RULES: readonly ((context: ScoringContext) => RuleHit[])[] = [
  honeytokenExfiltration,
  pipeToShell,
  downloadExecute,
  credentialAccess,
  lifecycleShell,
  obfuscatedInstallExec,
  obfuscatedImportExec,
  setupScriptShell,
  windowsPayloadAttempt,
  windowsPayloadLaunch,
  networkEgress,
  exfiltrationLikeEgress,
  collectorEgress,
  fileSharingDownload,
  hostDetailsExfiltration,
  windowsDrop,
  reverseShellCommand,
  reverseShellPort,
  persistence,
  miningPool,
  minerBinary,
  destructiveWrites,
  environmentDump,
  sandboxEvasion,
  evidenceTampering,
  npmPublish,
  githubApiWithToken,
];

/**
 * A sandbox probe is evasion when it is all the package did: a probe, then silence. When another rule
 * saw something else (a read of .env, a shell, a download), the package did act here, and its probes
 * were a telemetry library's is-docker or machine-id, not a gate: `sandbox-evasion` is dropped.
 */
function probesAsGate(hits: RuleHit[]): RuleHit[] {
  const evasion = hits.find((h) => h.rule === 'sandbox-evasion');
  if (!evasion) return hits;
  const probes = new Set(evasion.evidence.map((e) => `${e.section}:${e.index}`));
  const otherActivity = hits.some((h) => h !== evasion && h.evidence.some((e) => !probes.has(`${e.section}:${e.index}`)));
  return otherActivity ? hits.filter((h) => h !== evasion) : hits;
}

/**
 * What an ordinary install does on the platform it runs on: a lifecycle shell, its package manager's config
 * read, the download of its platform binary from a host the Linux install never needed, a prebuilt binary run
 * from its own folder (a Windows program run without a Windows file is no attempt there: rules/execution.ts). The baseline learned these on Linux only. (A setup.py shell stays: benign setup scripts call build
 * tools directly on every platform.)
 */
const ORDINARY_INSTALL_RULES: ReadonlySet<string> = new Set([
  'lifecycle-shell',
  'credential-access.config',
  'network-egress',
  'download-execute.own-folder',
  'dropped-file-execute',
  'sandbox-evasion',
  'update.new-destinations',
  'update.new-sensitive-access',
  'update.new-programs',
]);

/**
 * In a platform view (the package shown Windows or macOS), a benign package takes its other platform's
 * install path: a bundler fetches its Windows binary with a nested `npm install`, a CLI downloads its Windows
 * build from its CDN, a binary wrapper builds from source through Node's `cmd.exe` shell, a system-information
 * library keeps a PowerShell session open. Those are ordinary-install rules the Linux baseline never learned, so there they
 * count only beside another rule (a Windows payload launched or dropped, a setup.py shell, the machine
 * beaconed, credentials sent, persistence, a file-sharing download, ...); alone they describe the install
 * path, not a payload.
 */
function otherPlatformPathsAsOrdinary(hits: RuleHit[], report: SandboxReport): RuleHit[] {
  const platform = report.sandbox.profile?.platform ?? 'linux';
  if (platform === 'linux') return hits;
  return hits.some((h) => !ORDINARY_INSTALL_RULES.has(h.rule)) ? hits : [];
}

export function scoreReport(report: SandboxReport, options: ScoreOptions = {}): Verdict {
  const context = createContext(report, options.baseline ?? emptyBaseline());
  const dynamic = otherPlatformPathsAsOrdinary(
    probesAsGate([...DYNAMIC_RULES.flatMap((rule) => rule(context)), ...(options.previous ? updateDrift(context, options.previous) : [])]),
    report,
  );
  const signals = options.staticSignals ?? (report as Partial<SandboxReport>).staticSignals ?? [];
  const staticHits = staticSignalHits(signals);
  const conclusive = dynamic.some((h) => h.conclusive);
  const dynamicPoints = dynamic.reduce((sum, h) => sum + h.weight, 0);
  const staticPoints = Math.min(
    STATIC_CAP,
    staticHits.reduce((sum, h) => sum + h.weight, 0),
  );
  const score = conclusive ? 100 : Math.min(100, dynamicPoints + staticPoints);
  const reasons = [...dynamic, ...staticHits].sort((a, b) => b.weight - a.weight || a.rule.localeCompare(b.rule));
  const blindSpots = notObserved(report, signals, dynamic.length > 0);
  return { verdict: verdictLabel(conclusive, score, blindSpots), score, reasons, notObserved: blindSpots };
}

/**
 * Malicious evidence always wins. Otherwise a blind spot that could hide behaviour (a phase cut short, a
 * record or the fake internet lost, evidence capped) makes the run `inconclusive`, above `suspicious`: what
 * was seen is a lower bound of what the package does, so neither label would be honest. The score and the
 * reasons stay, so a reader still sees what was seen.
 */
function verdictLabel(conclusive: boolean, score: number, blindSpots: readonly NotObserved[]): VerdictLabel {
  if (conclusive || score >= MALICIOUS_THRESHOLD) return 'malicious';
  if (blindSpots.some((n) => n.hidesBehaviour)) return 'inconclusive';
  return score >= SUSPICIOUS_THRESHOLD ? 'suspicious' : 'benign';
}
