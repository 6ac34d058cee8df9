/**
 * Exit codes, one list for every command (osv-scanner style, extended so a CI gate can tell apart what
 * it must not confuse: a finding, a run that could not tell, and a tool that could not run).
 */
import type { VerdictLabel } from '@airlock/core';

export const EXIT = {
  /** The verdict is below --fail-on (or the command did its job). */
  ok: 0,
  /** The verdict is `malicious`, or `suspicious` with --fail-on suspicious. */
  findings: 1,
  /** Bad arguments or input (an unreadable archive, an unknown target). */
  usage: 2,
  /** The sandbox or the engine failed, or the service's analysis failed: no verdict. */
  sandbox: 3,
  /** The verdict is `inconclusive`: the run could not see everything and proved nothing malicious. */
  inconclusive: 4,
  /** The Airlock service could not be reached (network, DNS, refused). */
  unreachable: 5,
  /** No verdict was checked: `submit` without --wait, a cancelled analysis, or --wait ran out of time. */
  noVerdict: 6,
} as const;

/** What --fail-on accepts, from the most to the least permissive gate. */
export const FAIL_ON = ['malicious', 'inconclusive', 'suspicious'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/**
 * The default gate fails closed: `inconclusive` fails (exit 4) as well as `malicious` (exit 1), because a
 * gate that passes what it could not see is worse than none. `--fail-on suspicious` adds `suspicious`;
 * `--fail-on malicious` lets an inconclusive run pass (exit 0), an explicit choice the caller makes.
 */
export const DEFAULT_FAIL_ON: FailOn = 'inconclusive';

export function verdictExitCode(verdict: VerdictLabel | string, failOn: FailOn): number {
  if (verdict === 'malicious') return EXIT.findings;
  if (verdict === 'inconclusive') return failOn === 'malicious' ? EXIT.ok : EXIT.inconclusive;
  if (verdict === 'suspicious') return failOn === 'suspicious' ? EXIT.findings : EXIT.ok;
  return EXIT.ok;
}

/** The table printed under `airlock --help`, so the codes are documented where they are used. */
export const EXIT_CODES_HELP = `
Exit codes:
  0  verdict below --fail-on
  1  malicious (or suspicious with --fail-on suspicious)
  2  usage or input error
  3  sandbox, engine or service-side analysis failure: no verdict
  4  inconclusive: the run could not see everything (timeout, lost evidence) and proved nothing malicious
  5  the Airlock service could not be reached
  6  no verdict checked (submit without --wait, cancelled, --wait timed out)
--fail-on defaults to "inconclusive": malicious exits 1, inconclusive exits 4; "malicious" lets inconclusive pass.`;
