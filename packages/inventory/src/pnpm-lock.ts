/**
 * pnpm-lock.yaml, lockfile versions 5.x, 6 and 9. Package keys differ by version: `/name/1.0.0_peer@1`
 * (5.x), `/name@1.0.0(peer@1)` (6), `name@1.0.0` in `packages` plus peer-suffixed copies in `snapshots`
 * (9). Registry packages carry `resolution.integrity`; tarball, git and directory packages carry
 * `resolution.tarball` / `repo` / `directory` instead. 5.x and 6 flag `dev`; for 9 it is worked out
 * from the importers and the snapshot graph.
 */
import { parse, YAMLError } from 'yaml';
import { Collector } from './collect.js';
import { InventoryError, excerpt } from './errors.js';
import { isObject, str, type JsonObject } from './json.js';
import { REASONS, classifySpec, isExactSemver, type SourceKind } from './npm-spec.js';
import { sriAsWritten } from './sri.js';
import type { InventoryParseResult } from './types.js';

const F = 'pnpm-lock';

export function parsePnpmLock(text: string): InventoryParseResult {
  const doc = readYaml(text);
  const lockfileVersion = doc.lockfileVersion;
  if (lockfileVersion === undefined) throw new InventoryError(F, 'no lockfileVersion: this is not a pnpm lockfile');
  const major = Number.parseFloat(String(lockfileVersion));
  if (!Number.isFinite(major)) throw new InventoryError(F, `lockfileVersion ${excerpt(lockfileVersion)} is not a number`);
  const packages = objectField(doc, 'packages');
  const importers = importersOf(doc);
  const c = new Collector();

  for (const [name, spec] of importedLinks(importers)) c.skip(name, spec, REASONS.link);
  const required = major >= 9 ? requiredByProduction(importers, objectField(doc, 'snapshots')) : undefined;

  for (const [key, entry] of Object.entries(packages)) {
    if (!isObject(entry)) throw new InventoryError(F, `packages entry "${excerpt(key)}" is not a mapping`);
    const parsed = parseKey(key);
    const name = str(entry.name) ?? parsed?.name;
    const resolution = isObject(entry.resolution) ? entry.resolution : {};
    const tarball = str(resolution.tarball);
    const kind = sourceOf(parsed?.version, resolution);
    if (name === undefined || name === '') {
      c.skip(key, tarball ?? key, kind === 'registry' ? 'the package key could not be read as name@version' : REASONS[kind]);
      continue;
    }
    if (kind !== 'registry' || parsed === undefined) {
      c.skip(name, tarball ?? str(resolution.repo) ?? str(resolution.directory) ?? key, REASONS[kind === 'registry' ? 'unknown' : kind]);
      continue;
    }
    const integrity = sriAsWritten(resolution.integrity);
    const dev = required ? !required.has(`${parsed.name}@${parsed.version}`) : isTrue(entry.dev) || isTrue(entry.optional);
    c.add({
      ecosystem: 'npm',
      name,
      version: parsed.version,
      ...(integrity ? { integrity } : {}),
      ...(tarball ? { resolved: tarball } : {}),
      ...(dev ? { dev } : {}),
    });
  }
  return c.result(F);
}

function readYaml(text: string): JsonObject {
  let doc: unknown;
  try {
    doc = parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const line = err instanceof YAMLError ? err.linePos?.[0]?.line : undefined;
    throw new InventoryError(F, `not valid YAML (${String((err as Error).message).split('\n')[0]})`, line, { cause: err });
  }
  if (!isObject(doc)) throw new InventoryError(F, 'expected a YAML mapping with lockfileVersion at the top');
  return doc;
}

function objectField(obj: JsonObject, field: string): JsonObject {
  const value = obj[field];
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new InventoryError(F, `"${field}" is not a mapping`);
  return value;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** `name@1.0.0(peer@1)`, `/name@1.0.0`, `/@scope/name/1.0.0_peer@1` -> name and the version before any peer suffix. */
function parseKey(key: string): { name: string; version: string } | undefined {
  const k = key.startsWith('/') ? key.slice(1) : key;
  const paren = k.indexOf('(');
  const bare = paren === -1 ? k : k.slice(0, paren);
  const v6 = /^(@[^/@]+\/[^/@]+|[^/@]+)@(.+)$/.exec(bare);
  if (v6) return { name: v6[1]!, version: v6[2]! };
  const v5 = /^(@[^/@]+\/[^/@]+|[^/@]+)\/([^/]+)$/.exec(bare);
  if (v5) return { name: v5[1]!, version: v5[2]!.split('_')[0]! };
  return undefined;
}

/** Registry packages have an exact version in their key and no tarball-only/git/directory resolution. */
function sourceOf(version: string | undefined, resolution: JsonObject): SourceKind {
  if (resolution.type === 'git' || resolution.repo !== undefined) return 'git';
  if (resolution.type === 'directory' || resolution.directory !== undefined) return 'file';
  if (version !== undefined && isExactSemver(version)) return 'registry';
  const tarball = str(resolution.tarball);
  if (tarball !== undefined) return classifySpec(tarball) === 'file' ? 'file' : classifySpec(tarball) === 'git' ? 'git' : 'url';
  if (version !== undefined) {
    const kind = classifySpec(version);
    return kind === 'registry' ? 'unknown' : kind;
  }
  return 'unknown';
}

type Importer = Record<'dependencies' | 'devDependencies' | 'optionalDependencies', Record<string, string>>;

/** `importers` (workspaces, 5.3+) or the top-level dependency maps of single-project 5.x/6 lockfiles. */
function importersOf(doc: JsonObject): Map<string, Importer> {
  const raw = doc.importers !== undefined ? objectField(doc, 'importers') : { '.': doc };
  const out = new Map<string, Importer>();
  for (const [path, importer] of Object.entries(raw)) {
    if (!isObject(importer)) throw new InventoryError(F, `importer "${excerpt(path)}" is not a mapping`);
    const section = (field: string): Record<string, string> => {
      const deps: Record<string, string> = {};
      for (const [name, ref] of Object.entries(objectField(importer, field))) {
        // 5.x writes `name: 1.0.0`; 6 and 9 write `name: {specifier, version}`.
        const version = isObject(ref) ? ref.version : ref;
        if (typeof version === 'string' || typeof version === 'number') deps[name] = String(version);
      }
      return deps;
    };
    out.set(path, {
      dependencies: section('dependencies'),
      devDependencies: section('devDependencies'),
      optionalDependencies: section('optionalDependencies'),
    });
  }
  return out;
}

/** Workspace and `link:` dependencies never appear under `packages`, only in importers. */
function* importedLinks(importers: Map<string, Importer>): Generator<[string, string]> {
  for (const importer of importers.values()) {
    for (const deps of Object.values(importer)) {
      for (const [name, version] of Object.entries(deps)) if (version.startsWith('link:')) yield [name, version];
    }
  }
}

/** Snapshot key a dependency reference points at: `1.0.0(peer@1)` under `name`, or an alias' `real@1.0.0`. */
function snapshotKey(name: string, ref: string): string {
  const paren = ref.indexOf('(');
  const bare = paren === -1 ? ref : ref.slice(0, paren);
  return bare.indexOf('@', 1) > 0 || bare.startsWith('@') ? ref : `${name}@${ref}`;
}

/**
 * v9 has no dev flags: packages reachable from the importers' `dependencies` through snapshots'
 * `dependencies` (not optional ones) are needed in production; the rest are dev- or optional-only.
 * Returns `name@version` keys (peer suffixes removed), or undefined when there is nothing to walk.
 */
function requiredByProduction(importers: Map<string, Importer>, snapshots: JsonObject): Set<string> | undefined {
  if (importers.size === 0 || Object.keys(snapshots).length === 0) return undefined;
  const queue: string[] = [];
  for (const importer of importers.values()) {
    for (const [name, ref] of Object.entries(importer.dependencies)) if (!ref.startsWith('link:')) queue.push(snapshotKey(name, ref));
  }
  const seen = new Set<string>();
  const required = new Set<string>();
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const parsed = parseKey(key);
    if (parsed) required.add(`${parsed.name}@${parsed.version}`);
    const snapshot = snapshots[key];
    if (!isObject(snapshot) || !isObject(snapshot.dependencies)) continue;
    for (const [name, ref] of Object.entries(snapshot.dependencies)) {
      if (typeof ref === 'string' && !ref.startsWith('link:')) queue.push(snapshotKey(name, ref));
    }
  }
  return required;
}
