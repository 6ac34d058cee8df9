/**
 * The shape every static pre-signal takes. A signal is evidence for the scorer, never a verdict:
 * it says what was seen, where, and how much it should weigh on its own.
 */

/** Package ecosystems (same values as `Ecosystem` in @airlock/core; kept local so this package stands alone). */
export type Ecosystem = 'npm' | 'pypi';

/** How strongly a signal points at malice on its own; the scorer combines them with dynamic evidence. */
export type SignalSeverity = 'info' | 'low' | 'medium' | 'high';

export const SEVERITY_ORDER: readonly SignalSeverity[] = ['info', 'low', 'medium', 'high'];

/** Where the signal was found. Every string is bounded (see MAX_SNIPPET_CHARS / MAX_VALUE_CHARS). */
export interface SignalEvidence {
  /** Path inside the package (e.g. `package.json`, `lib/install.js`, `setup.py`). */
  file?: string;
  /** 1-based line of the first occurrence. */
  line?: number;
  /** The source around the first occurrence, bounded. */
  snippet?: string;
  /** The matched value itself (a command, a name, a dependency spec, a hash), bounded. */
  value?: string;
}

/** Structured facts for the scorer (distance, target name, counts); values are scalars so they serialise as-is. */
export type SignalDetails = Readonly<Record<string, string | number | boolean>>;

export interface StaticSignal {
  /** Stable dotted id, e.g. `typosquat.edit-distance`; see SIGNAL_IDS. */
  id: SignalId;
  severity: SignalSeverity;
  /** One short sentence a human can read in a report. */
  message: string;
  evidence: SignalEvidence;
  details?: SignalDetails;
}

/** Every id this package emits, so consumers (scorer, report) can switch on them exhaustively. */
export const SIGNAL_IDS = [
  'install-script.present',
  'install-script.node-gyp',
  'install-script.runs-file',
  'install-script.inline-code',
  'install-script.download',
  'install-script.pipe-to-shell',
  'install-script.decodes-payload',
  'install-script.network-shell',
  'install-script.setup-py',
  'install-script.custom-command',
  'install-script.spawns-process',
  'obfuscation.hex-identifiers',
  'obfuscation.long-base64-string',
  'obfuscation.long-hex-string',
  'obfuscation.exec-decoded',
  'obfuscation.exec-compile',
  'obfuscation.marshal-loads',
  'obfuscation.compressed-payload',
  'obfuscation.charcode-string',
  'obfuscation.jsfuck',
  'obfuscation.minified-install-script',
  'typosquat.edit-distance',
  'typosquat.separator',
  'typosquat.scope-confusion',
  'typosquat.unscoped-copy',
  'typosquat.affix',
  'typosquat.homoglyph',
  'dependency-confusion.internal-name',
  'dependency-confusion.internal-scope',
  'dependency-confusion.high-version',
  'dependency-source.git',
  'dependency-source.url',
  'dependency-source.file',
  'dependency-source.alias',
  'dependency-source.extra-index',
  'manifest-confusion.name',
  'manifest-confusion.version',
  'manifest-confusion.scripts',
  'manifest-confusion.dependencies',
  'manifest-confusion.bin',
  'integrity.mismatch',
  'integrity.unverifiable',
  'known-malicious.osv',
] as const;

export type SignalId = (typeof SIGNAL_IDS)[number];

export const MAX_SNIPPET_CHARS = 160;
export const MAX_VALUE_CHARS = 200;

/** Cuts a string to `max` characters, marking the cut, so hostile input cannot bloat a report. */
export function clip(text: string, max: number = MAX_VALUE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Builds a signal, clipping evidence strings and dropping empty fields. */
export function signal(
  id: SignalId,
  severity: SignalSeverity,
  message: string,
  evidence: SignalEvidence,
  details?: SignalDetails,
): StaticSignal {
  const bounded: SignalEvidence = {};
  if (evidence.file !== undefined) bounded.file = clip(evidence.file, 300);
  if (evidence.line !== undefined) bounded.line = evidence.line;
  if (evidence.snippet !== undefined) bounded.snippet = clip(evidence.snippet, MAX_SNIPPET_CHARS);
  if (evidence.value !== undefined) bounded.value = clip(evidence.value, MAX_VALUE_CHARS);
  const out: StaticSignal = { id, severity, message: clip(message, 300), evidence: bounded };
  if (details !== undefined && Object.keys(details).length > 0) out.details = details;
  return out;
}

/** One step up the severity scale (capped at high): used when a finding sits in install-time code. */
export function raiseSeverity(severity: SignalSeverity): SignalSeverity {
  return SEVERITY_ORDER[Math.min(SEVERITY_ORDER.indexOf(severity) + 1, SEVERITY_ORDER.length - 1)]!;
}

/** The highest severity among signals, or null for none: a quick summary for logs and tests. */
export function maxSeverity(signals: readonly StaticSignal[]): SignalSeverity | null {
  let best = -1;
  for (const s of signals) best = Math.max(best, SEVERITY_ORDER.indexOf(s.severity));
  return best < 0 ? null : SEVERITY_ORDER[best]!;
}
