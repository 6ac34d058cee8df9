/**
 * Complete installs of a local npm archive (a file or an upload): its registry dependencies resolved and
 * downloaded like a registry package's, so that `npm ci` in the sandbox installs the archive with its tree
 * and its code gets far enough to act. Stealer libraries `require()` their dependencies first; installed
 * alone with `--offline`, they failed before any of their code ran.
 *
 * The archive under test enters the tree as itself: it is never resolved by name (a registry may hold a
 * different package of the same name). Its dependencies are resolved on a scratch project that depends on
 * them directly; the archive's own lockfile entry (its integrity, its available dependencies) is added after,
 * and its tarball is seeded into the sandbox's npm cache with the others (npm finds it there by integrity).
 */
import { AirlockError } from '@airlock/core';
import { DEFAULT_NPM_REGISTRY, resolveAndDownload, type FetchNpmOptions, type NpmTarball } from './fetch-npm-tree.js';

/** A declared dependency that is not in the tree, and why (not found, a git or URL spec, ...). */
export interface MissingDependency {
  name: string;
  spec: string;
  optional: boolean;
  reason: string;
}

export interface LocalNpmArchive {
  name: string;
  version: string;
  /** sha512 SRI of the archive's bytes. */
  integrity: string;
  tgz: Buffer;
  /** The archive's package.json, parsed. */
  manifest: Record<string, unknown>;
  /** The archive has a binding.gyp (npm then runs `node-gyp rebuild` as its install script). */
  hasBindingGyp: boolean;
}

export interface LocalNpmTree {
  manifest: string;
  lockfile: string;
  /** Every tarball to seed, the archive's own first. */
  tarballs: NpmTarball[];
  missing: MissingDependency[];
}

/** The dependencies npm installs for a package it installs: `dependencies` and `optionalDependencies`. */
export function declaredDependencies(manifest: Record<string, unknown>): { name: string; spec: string; optional: boolean }[] {
  const required = stringMap(manifest.dependencies);
  const optional = stringMap(manifest.optionalDependencies);
  const names = new Set([...Object.keys(required), ...Object.keys(optional)]);
  // npm: an optional dependency named in both lists is optional.
  return [...names].map((name) => ({ name, spec: optional[name] ?? required[name] ?? '*', optional: name in optional }));
}

/**
 * The archive's tree: a project depending on exactly the archive, a lockfile with every available
 * dependency (integrity from the registry), and the dependencies that could not be had, named. A
 * dependency that fails to resolve is found by resolving each alone, then left out; if what is left still
 * fails, the error is thrown.
 */
export async function fetchLocalNpmTree(archive: LocalNpmArchive, options: FetchNpmOptions): Promise<LocalNpmTree> {
  const declared = declaredDependencies(archive.manifest);
  const missing: MissingDependency[] = [];
  let wanted = declared.filter((d) => {
    if (d.name !== archive.name) return true;
    missing.push({ ...d, reason: 'the package depends on its own name' });
    return false;
  });
  let resolved: Awaited<ReturnType<typeof resolveAndDownload>>;
  const label = `${archive.name}@${archive.version} (local archive)`;
  try {
    resolved = await resolveAndDownload({ dependencies: specsOf(wanted) }, options, label);
  } catch {
    // Which ones fail: each alone (only on failure, so a complete tree costs one resolution).
    const kept: typeof wanted = [];
    for (const d of wanted) {
      try {
        await resolveAndDownload({ dependencies: { [d.name]: d.spec } }, options, `${d.name}@${d.spec}`);
        kept.push(d);
      } catch (err) {
        missing.push({ ...d, reason: (err as Error).message });
      }
    }
    wanted = kept;
    resolved = await resolveAndDownload({ dependencies: specsOf(wanted) }, options, label);
  }
  const lock = JSON.parse(resolved.lockfile) as { packages: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  const slot = `node_modules/${archive.name}`;
  if (lock.packages[slot]) {
    // A dependency needs a registry package named like the archive: the archive cannot take that place.
    throw new AirlockError(
      'INVALID_INPUT',
      `${label}: a dependency of the archive depends on a registry package named ${archive.name}, the archive's own name; not installed`,
    );
  }
  const available = new Set(wanted.map((d) => d.name));
  const pick = (optional: boolean) =>
    Object.fromEntries(declared.filter((d) => d.optional === optional && available.has(d.name)).map((d) => [d.name, d.spec]));
  const root = { [archive.name]: archive.version };
  const registry = options.registry ?? options.npmrc?.registry ?? DEFAULT_NPM_REGISTRY;
  const entry = {
    version: archive.version,
    // Never fetched: npm ci --offline takes the seeded tarball from its cache by integrity.
    resolved: `${registry.replace(/\/?$/, '/')}${archive.name}/-/${archive.name.replace(/^@[^/]+\//, '')}-${archive.version}.tgz`,
    integrity: archive.integrity,
    ...nonEmpty('dependencies', pick(false)),
    ...nonEmpty('optionalDependencies', pick(true)),
    ...binOf(archive),
    ...(hasInstallScript(archive) ? { hasInstallScript: true } : {}),
  };
  const packages = { '': { name: 'app', version: '1.0.0', dependencies: root }, [slot]: entry, ...withoutRoot(lock.packages) };
  const manifest = JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: root }, null, 2);
  const lockfile = JSON.stringify({ ...lock, packages }, null, 2);
  const self: NpmTarball = { location: slot, name: archive.name, version: archive.version, integrity: archive.integrity, tgz: archive.tgz };
  return { manifest, lockfile, tarballs: [self, ...resolved.tarballs], missing };
}

function specsOf(deps: readonly { name: string; spec: string }[]): Record<string, string> {
  return Object.fromEntries(deps.map((d) => [d.name, d.spec]));
}

function withoutRoot(packages: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(packages).filter(([location]) => location !== ''));
}

function nonEmpty(key: string, map: Record<string, string>): Record<string, Record<string, string>> {
  return Object.keys(map).length > 0 ? { [key]: map } : {};
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** npm's lockfile `bin`: a string bin is named after the unscoped package name. */
function binOf(archive: LocalNpmArchive): { bin?: Record<string, string> } {
  const bin = archive.manifest.bin;
  if (typeof bin === 'string') return { bin: { [archive.name.replace(/^@[^/]+\//, '')]: bin } };
  const map = stringMap(bin);
  return Object.keys(map).length > 0 ? { bin: map } : {};
}

/** What makes npm run the archive's install scripts from a lockfile entry. */
function hasInstallScript(archive: LocalNpmArchive): boolean {
  const scripts = stringMap(archive.manifest.scripts);
  return Boolean(scripts.preinstall || scripts.install || scripts.postinstall || archive.hasBindingGyp);
}
