/**
 * package-lock.json / npm-shrinkwrap.json. v2 and v3 list every installed copy in `packages`, keyed by
 * its node_modules path (the name is the last `node_modules/` segment unless `name` says otherwise, which
 * is how npm records aliases); v1 nests `dependencies` and writes aliases as `version: "npm:real@x"`.
 */
import { Collector } from './collect.js';
import { InventoryError, excerpt, quoted } from './errors.js';
import { isObject, parseJsonObject, str, type JsonObject } from './json.js';
import { REASONS, classifyResolved, classifySpec, isExactSemver, splitNameSpec } from './npm-spec.js';
import { sriAsWritten } from './sri.js';
import type { InventoryParseResult } from './types.js';

type Format = 'package-lock' | 'npm-shrinkwrap';

export function parsePackageLock(text: string, format: Format = 'package-lock'): InventoryParseResult {
  const doc = parseJsonObject(format, text);
  const version = doc.lockfileVersion;
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1)) {
    throw new InventoryError(format, `"lockfileVersion" must be a positive integer, got ${quoted(version)}`);
  }
  const c = new Collector();
  if (doc.packages !== undefined && version !== 1) {
    if (!isObject(doc.packages)) throw new InventoryError(format, '"packages" is not an object');
    readPackages(format, doc.packages, c);
  } else if (doc.dependencies !== undefined) {
    if (!isObject(doc.dependencies)) throw new InventoryError(format, '"dependencies" is not an object');
    readDependencies(format, doc.dependencies, c, 'dependencies');
  } else if (version === undefined) {
    throw new InventoryError(format, 'no "lockfileVersion", "packages" or "dependencies": this is not an npm lockfile');
  }
  return c.result(format);
}

/** v2/v3 `packages`: path-keyed entries. */
function readPackages(format: Format, packages: JsonObject, c: Collector): void {
  const entries = Object.entries(packages);
  const linkTargets = new Set<string>();
  for (const [, entry] of entries)
    if (isObject(entry) && entry.link === true && typeof entry.resolved === 'string') linkTargets.add(entry.resolved);

  for (const [path, entry] of entries) {
    if (path === '') continue; // the project itself
    if (!isObject(entry)) throw new InventoryError(format, `"packages" entry "${excerpt(path)}" is not an object`);
    const at = path.lastIndexOf('node_modules/');
    if (at === -1) {
      // A workspace or file: folder; its link entry already says so when there is one.
      if (!linkTargets.has(path)) c.skip(str(entry.name) ?? path, path, REASONS.file);
      continue;
    }
    const installed = path.slice(at + 'node_modules/'.length);
    if (installed === '') throw new InventoryError(format, `"packages" key "${excerpt(path)}" names no package`);
    const name = str(entry.name) ?? installed;
    if (entry.link === true) {
      c.skip(name, `link:${str(entry.resolved) ?? '?'}`, REASONS.link);
      continue;
    }
    addEntry(format, c, entry, name, installed, path);
  }
}

/** v1 `dependencies`, nested the way node_modules was. */
function readDependencies(format: Format, deps: JsonObject, c: Collector, where: string): void {
  for (const [installed, entry] of Object.entries(deps)) {
    if (!isObject(entry)) throw new InventoryError(format, `${where} entry "${excerpt(installed)}" is not an object`);
    const version = str(entry.version);
    if (version?.startsWith('npm:')) {
      const real = splitNameSpec(version.slice(4));
      addEntry(format, c, { ...entry, version: real.spec }, real.name, installed, `${where}.${installed}`);
    } else if (version !== undefined && !isExactSemver(version)) {
      const kind = classifySpec(version);
      c.skip(installed, version, kind === 'registry' ? `version "${excerpt(version)}" is not an exact version` : REASONS[kind]);
    } else {
      addEntry(format, c, entry, installed, installed, `${where}.${installed}`);
    }
    if (entry.dependencies !== undefined) {
      if (!isObject(entry.dependencies)) throw new InventoryError(format, `"dependencies" of "${excerpt(installed)}" is not an object`);
      readDependencies(format, entry.dependencies, c, `${where}.${installed}.dependencies`);
    }
  }
}

function addEntry(format: Format, c: Collector, entry: JsonObject, name: string, installed: string, where: string): void {
  const version = str(entry.version);
  if (version === undefined) {
    c.skip(name, where, 'the lockfile entry has no version');
    return;
  }
  if (entry.inBundle === true || entry.bundled === true) {
    c.skip(name, version, "bundled inside its parent package's tarball, not fetched from the registry on its own");
    return;
  }
  const resolved = str(entry.resolved);
  const kind = classifyResolved(resolved, name, version);
  if (kind !== 'registry') {
    c.skip(name, resolved ?? version, REASONS[kind]);
    return;
  }
  if (!isExactSemver(version)) {
    c.skip(name, version, `version "${excerpt(version)}" is not an exact version`);
    return;
  }
  if (name === '' || /\s/.test(name)) throw new InventoryError(format, `${excerpt(where)} has an invalid package name ${excerpt(name)}`);
  const integrity = sriAsWritten(entry.integrity);
  const dev = entry.dev === true || entry.optional === true || entry.devOptional === true;
  c.add({
    ecosystem: 'npm',
    name,
    version,
    ...(integrity ? { integrity } : {}),
    ...(resolved ? { resolved } : {}),
    ...(dev ? { dev } : {}),
    ...(name !== installed ? { alias: installed } : {}),
  });
}
