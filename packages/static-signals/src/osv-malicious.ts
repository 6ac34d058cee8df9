/**
 * Known-malicious matches from an OSV feed of `MAL-` entries (ossf/malicious-packages format). The
 * caller loads the JSON documents; this parses them into records and answers "is this package
 * version a known malicious one?". Most entries cover every version (`introduced: "0"`).
 */
import { compareReleases } from './loose-version.js';
import { asRecord, stringField } from './manifest-fields.js';
import { normalizeName } from './package-names.js';
import { signal, type Ecosystem, type StaticSignal } from './signal.js';
import type { PackageCoordinates } from './dependency-confusion.js';

export interface OsvRangeEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
}

export interface MaliciousPackageRecord {
  /** `MAL-2024-1234` (or the entry's id when a `MAL-` id is among its aliases). */
  id: string;
  aliases: string[];
  ecosystem: Ecosystem;
  /** Normalised package name. */
  name: string;
  /** True when a range starts at version 0 with no end: the whole package is malicious. */
  allVersions: boolean;
  /** Explicitly listed versions. */
  versions: string[];
  /** Ranges other than the all-versions one, as OSV event lists. */
  ranges: OsvRangeEvent[][];
  summary?: string;
}

const ECOSYSTEMS: Record<string, Ecosystem> = { npm: 'npm', pypi: 'pypi' };

/**
 * Records of one OSV document, one per affected npm/PyPI package. Entries whose id and aliases carry
 * no `MAL-` id (ordinary vulnerabilities) and withdrawn entries yield nothing.
 */
export function parseOsvMalicious(document: unknown): MaliciousPackageRecord[] {
  const doc = asRecord(document);
  const id = stringField(doc, 'id');
  if (!doc || id === undefined || doc.withdrawn !== undefined) return [];
  const aliases = Array.isArray(doc.aliases) ? doc.aliases.filter((a): a is string => typeof a === 'string') : [];
  if (!id.startsWith('MAL-') && !aliases.some((a) => a.startsWith('MAL-'))) return [];
  const summary = stringField(doc, 'summary');
  const out: MaliciousPackageRecord[] = [];
  for (const entry of Array.isArray(doc.affected) ? doc.affected : []) {
    const affected = asRecord(entry);
    const pkg = asRecord(affected?.package);
    const ecosystem = ECOSYSTEMS[(stringField(pkg, 'ecosystem') ?? '').toLowerCase()];
    const name = stringField(pkg, 'name');
    if (!ecosystem || !name) continue;
    const versions = Array.isArray(affected?.versions) ? affected.versions.filter((v): v is string => typeof v === 'string') : [];
    let allVersions = false;
    const ranges: OsvRangeEvent[][] = [];
    for (const range of Array.isArray(affected?.ranges) ? affected.ranges : []) {
      const events = (Array.isArray(asRecord(range)?.events) ? (asRecord(range)!.events as unknown[]) : []).map((e) => {
        const r = asRecord(e);
        const ev: OsvRangeEvent = {};
        for (const key of ['introduced', 'fixed', 'last_affected'] as const) {
          const v = stringField(r, key);
          if (v !== undefined) ev[key] = v;
        }
        return ev;
      });
      if (
        events.length > 0 &&
        events.every((e) => e.fixed === undefined && e.last_affected === undefined) &&
        events.some((e) => e.introduced === '0')
      )
        allVersions = true;
      else if (events.length > 0) ranges.push(events);
    }
    // An entry with neither versions nor ranges names the package as a whole.
    if (versions.length === 0 && ranges.length === 0) allVersions = true;
    out.push({
      id,
      aliases,
      ecosystem,
      name: normalizeName(ecosystem, name),
      allVersions,
      versions,
      ranges,
      ...(summary ? { summary } : {}),
    });
  }
  return out;
}

export type MaliciousIndex = ReadonlyMap<string, readonly MaliciousPackageRecord[]>;

/** Groups records by ecosystem and normalised name for constant-time lookups. */
export function buildMaliciousIndex(records: Iterable<MaliciousPackageRecord>): MaliciousIndex {
  const index = new Map<string, MaliciousPackageRecord[]>();
  for (const r of records) {
    const key = `${r.ecosystem}:${r.name}`;
    const list = index.get(key);
    if (list) list.push(r);
    else index.set(key, [r]);
  }
  return index;
}

/** `affected`, `unaffected`, or `unknown` when a range uses versions this module cannot order. */
export function versionAffected(record: MaliciousPackageRecord, version: string | undefined): 'affected' | 'unaffected' | 'unknown' {
  if (record.allVersions) return 'affected';
  if (version === undefined) return 'unknown';
  if (record.versions.includes(version)) return 'affected';
  let unknown = false;
  for (const events of record.ranges) {
    const r = inRange(events, version);
    if (r === true) return 'affected';
    if (r === null) unknown = true;
  }
  return unknown ? 'unknown' : 'unaffected';
}

function inRange(events: OsvRangeEvent[], version: string): boolean | null {
  let affected = false;
  for (const e of events) {
    if (e.introduced !== undefined) {
      const c = e.introduced === '0' ? 1 : compareReleases(version, e.introduced);
      if (c === null) return null;
      if (c >= 0) affected = true;
    }
    if (e.fixed !== undefined || e.last_affected !== undefined) {
      const c = compareReleases(version, (e.fixed ?? e.last_affected)!);
      if (c === null) return null;
      if (e.fixed !== undefined ? c >= 0 : c > 0) affected = false;
    }
  }
  return affected;
}

/** A signal for each feed entry naming this package (and version, where the entry lists versions). */
export function checkKnownMalicious(pkg: PackageCoordinates & { file?: string }, index: MaliciousIndex): StaticSignal[] {
  const records = index.get(`${pkg.ecosystem}:${normalizeName(pkg.ecosystem, pkg.name)}`) ?? [];
  const out: StaticSignal[] = [];
  for (const record of records) {
    const match = versionAffected(record, pkg.version);
    if (match === 'unaffected') continue;
    const label = pkg.version ? `${pkg.name}@${pkg.version}` : pkg.name;
    out.push(
      signal(
        'known-malicious.osv',
        match === 'affected' ? 'high' : 'medium',
        match === 'affected'
          ? `${label} is listed as malicious in ${record.id}${record.summary ? `: ${record.summary}` : ''}`
          : `${pkg.name} is listed as malicious in ${record.id} (this version could not be placed in its ranges)`,
        { ...(pkg.file ? { file: pkg.file } : {}), value: label },
        { osvId: record.id, allVersions: record.allVersions, versionMatch: match },
      ),
    );
  }
  return out;
}
