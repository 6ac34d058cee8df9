/**
 * An organization's settings, one record per organization: accepted false positives, what an install-time
 * guard refuses, its budgets, its private npm registry. Pure (no I/O): types, defaults and the rules that
 * read them; OrgSettingsStore (org-settings-store.ts) reads and writes the record.
 */
import type { Ecosystem } from '@airlock/core';
import type { VerdictName } from './types.js';

/** What one accepted false positive covers: every version of a package, a version range, or one rule's exact evidence. */
export type AcceptanceMatch =
  | { kind: 'package'; ecosystem: Ecosystem; name: string }
  /** `range`: a semver range for npm, a PEP 440 specifier set for PyPI. */
  | { kind: 'range'; ecosystem: Ecosystem; name: string; range: string }
  /** One rule's evidence, by its signature (`ruleSignature`): new evidence of the same rule is not covered. */
  | { kind: 'signature'; ecosystem: Ecosystem; name: string; rule: string; evidenceSha256: string };

export interface AcceptedFalsePositive {
  id: string;
  match: AcceptanceMatch;
  reason: string;
  /** Who accepted it: the API key's id and name. */
  by: { keyId: string; keyName: string };
  at: string;
}

/** An organization's private npm registry. The token is stored encrypted (secret-box.ts), never returned. */
export interface NpmRegistrySettings {
  /** The registry URL (https or http, with a trailing slash). */
  url: string;
  /** `@scope`s fetched from it; empty: every npm package of the organization is fetched from it. */
  scopes: string[];
  /** The token, AES-256-GCM sealed (secret-box.ts); null when none is set. */
  tokenSealed: string | null;
  /** The token's last 4 characters, to tell tokens apart (all that is ever shown). */
  tokenLast4: string | null;
}

export interface OrgSettings {
  acceptedFalsePositives: AcceptedFalsePositive[];
  /** Verdicts an install-time guard (CLI, proxy) refuses for this organization. */
  guardRefuses: VerdictName[];
  /** Per UTC day; null: the service default (AIRLOCK_FORCE_BUDGET_PER_DAY, AIRLOCK_RESCAN_BUDGET_PER_DAY). */
  budgets: { forcePerDay: number | null; rescanPerDay: number | null };
  registries: { npm: NpmRegistrySettings | null };
  updatedAt: string | null;
}

export const DEFAULT_GUARD_REFUSES: readonly VerdictName[] = ['malicious', 'inconclusive'];

/** At most this many accepted false positives per organization (the record is read on every verdict read). */
export const MAX_ACCEPTED_FALSE_POSITIVES = 500;

export function defaultOrgSettings(): OrgSettings {
  return {
    acceptedFalsePositives: [],
    guardRefuses: [...DEFAULT_GUARD_REFUSES],
    budgets: { forcePerDay: null, rescanPerDay: null },
    registries: { npm: null },
    updatedAt: null,
  };
}

/** The budget that applies: the organization's own when set, else the service default. */
export function effectiveBudget(settings: OrgSettings, kind: 'force' | 'rescan', serviceDefault: number): number {
  const own = kind === 'force' ? settings.budgets.forcePerDay : settings.budgets.rescanPerDay;
  return own ?? serviceDefault;
}

/** The scope of an npm name (`@acme`), or null. */
function npmScope(name: string): string | null {
  return name.startsWith('@') && name.includes('/') ? name.slice(0, name.indexOf('/')).toLowerCase() : null;
}

/**
 * Whether a package is fetched from the organization's private registry, which makes it PRIVATE to the
 * organization: its runs, verdict and report are never shared, never public. npm only (PyPI packages come
 * from the service's index).
 */
export function isPrivatePackage(settings: OrgSettings, ecosystem: Ecosystem, name: string): boolean {
  const npm = settings.registries.npm;
  if (ecosystem !== 'npm' || !npm) return false;
  if (npm.scopes.length === 0) return true;
  const scope = npmScope(name);
  return scope !== null && npm.scopes.includes(scope);
}

/**
 * Why an organization may not set its own budget to `requested` (null: it may). It may lower a budget,
 * never raise it past what applies now (raising is an operator action): `null` (the service default)
 * counts as `serviceDefault`.
 */
export function ownBudgetProblem(applies: number, requested: number | null, serviceDefault: number): string | null {
  const value = requested ?? serviceDefault;
  return value > applies ? `${value} is more than the ${applies} that applies now: only an operator can raise a budget` : null;
}
