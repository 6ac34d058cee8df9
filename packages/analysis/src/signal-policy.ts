/**
 * An organization's own static-signal inputs: its internal names and scopes (dependency confusion) and
 * an OSV feed of known-malicious packages on disk (ossf/malicious-packages `MAL-` entries). Loaded once
 * per process; checked against the package and, for registry trees, every dependency.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '@airlock/core';
import {
  buildMaliciousIndex,
  checkDependencyConfusion,
  checkKnownMalicious,
  parseOsvMalicious,
  type InternalNamespacePolicy,
  type MaliciousIndex,
  type MaliciousPackageRecord,
  type StaticSignal,
} from '@airlock/static-signals';

export interface SignalPolicy {
  internal?: InternalNamespacePolicy;
  malicious?: MaliciousIndex;
  /** How many OSV records were loaded, for logs and the README's "what it knows". */
  maliciousRecords?: number;
}

export interface PackageRef {
  ecosystem: 'npm' | 'pypi';
  name: string;
  version: string;
  /** Where the package was named (e.g. `package-lock.json`), for evidence. */
  file: string;
}

/**
 * `@acme,@acme-internal,acme-*,billing-core`: scopes start with `@`, prefixes end with `*`, the rest are
 * exact internal names.
 */
export function parseInternalNamespaces(text: string): InternalNamespacePolicy {
  const items = text.split(/[,\s]+/).filter(Boolean);
  return {
    scopes: items.filter((i) => i.startsWith('@')),
    prefixes: items.filter((i) => !i.startsWith('@') && i.endsWith('*')).map((i) => i.slice(0, -1)),
    names: items.filter((i) => !i.startsWith('@') && !i.endsWith('*')),
  };
}

/** Every `*.json` under `dir` (an OSV export, nested folders allowed); documents that are not OSV `MAL-` entries yield nothing. */
export async function loadMaliciousFeed(dir: string): Promise<{ index: MaliciousIndex; records: number; files: number }> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (err) {
    throw new AirlockError(
      'INVALID_INPUT',
      `cannot read the OSV feed folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const records: MaliciousPackageRecord[] = [];
  let files = 0;
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const path = join(entry.parentPath, entry.name);
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new AirlockError('INVALID_INPUT', `${path} is not valid JSON: ${(err as Error).message}`);
    }
    files += 1;
    records.push(...parseOsvMalicious(doc));
  }
  return { index: buildMaliciousIndex(records), records: records.length, files };
}

/** AIRLOCK_INTERNAL_NAMESPACES and AIRLOCK_OSV_DIR, for the CLI, the api and the worker alike. */
export async function signalPolicyFromSettings(settings: { internalNamespaces?: string; osvDir?: string }): Promise<SignalPolicy> {
  const policy: SignalPolicy = {};
  if (settings.internalNamespaces) policy.internal = parseInternalNamespaces(settings.internalNamespaces);
  if (settings.osvDir) {
    const feed = await loadMaliciousFeed(settings.osvDir);
    policy.malicious = feed.index;
    policy.maliciousRecords = feed.records;
  }
  return policy;
}

/**
 * Known-malicious matches for any package; dependency confusion only for packages that came from a
 * public registry (`public`), since an internal package may rightly carry an internal name.
 */
export function policySignals(
  policy: SignalPolicy | undefined,
  packages: readonly PackageRef[],
  source: 'public' | 'local',
): StaticSignal[] {
  if (!policy) return [];
  const out: StaticSignal[] = [];
  for (const pkg of packages) {
    if (policy.malicious) out.push(...checkKnownMalicious(pkg, policy.malicious));
    if (policy.internal && source === 'public') out.push(...checkDependencyConfusion({ ...pkg, source: 'public' }, policy.internal));
  }
  return out;
}
