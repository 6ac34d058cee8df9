import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Arborist from '@npmcli/arborist';
import pacote from 'pacote';
import { AirlockError } from '@airlock/core';
import { npmrcOptions, type NpmRegistryConfig } from './npmrc.js';

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';

export interface NpmTarball {
  /** Install path in the lockfile, e.g. `node_modules/chalk`. */
  location: string;
  name: string;
  version: string;
  integrity: string;
  tgz: Buffer;
}

export interface NpmTree {
  /** The requested package itself (also among `tarballs`). */
  root: NpmTarball;
  /** package.json and package-lock.json of a project that depends on exactly the requested package. */
  manifest: string;
  lockfile: string;
  tarballs: NpmTarball[];
}

export interface FetchNpmOptions {
  registry?: string;
  /** Scoped registries and registry credentials, as an .npmrc sets them (see parseNpmrc). */
  npmrc?: NpmRegistryConfig;
  /** npm-style cache folder for packuments and tarballs (cacache). */
  cacheDir: string;
  /**
   * The platform npm installs the tree on (the sandbox's): an optional package whose `os`, `cpu` or `libc`
   * excludes it is one npm skips there, so its tarball is not downloaded. Default: every tarball.
   */
  installPlatform?: InstallPlatform;
}

export interface InstallPlatform {
  os: string;
  cpu: string;
  libc: string;
}

export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  name?: string;
  /** A bundled dependency: it comes inside its parent's tarball (checked against the parent's integrity), not from the registry. */
  inBundle?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

/** npm's platform check (npm-install-checks): a list allows a value it names or does not deny with `!`. */
function allows(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const named = list.filter((v) => !v.startsWith('!'));
  return named.length === 0 || named.includes(value);
}

/** Whether npm on `platform` installs this entry (an optional one that does not fit is skipped). */
function installedOn(entry: LockEntry, platform: InstallPlatform | undefined): boolean {
  if (!platform || !entry.optional) return true;
  return allows(entry.os, platform.os) && allows(entry.cpu, platform.cpu) && allows(entry.libc, platform.libc);
}

/** The nearest package above `location` that is not itself bundled, when it has a tarball of its own (resolved). */
function bundlingParent(packages: Record<string, LockEntry>, location: string): string | null {
  for (let at = location; at.includes('/node_modules/');) {
    at = at.slice(0, at.lastIndexOf('/node_modules/'));
    const above = packages[at];
    if (!above) return null;
    if (!above.inBundle) return above.resolved && !above.link ? at : null;
  }
  return null;
}

/**
 * The lockfile's entries whose tarballs are downloaded: each must come from one of `registries` with an
 * integrity, else the tree is refused. A bundled dependency (`inBundle`) is inside the tarball of a package
 * above it in the tree and is not fetched; one with no such package above it is refused too. An optional
 * package that npm skips on `platform` (another OS's or CPU's prebuilt binary) is not fetched.
 */
export function tarballEntries(
  packages: Record<string, LockEntry>,
  registries: readonly string[],
  label: string,
  platform?: InstallPlatform,
): { location: string; resolved: string; integrity: string; version: string }[] {
  const out: { location: string; resolved: string; integrity: string; version: string }[] = [];
  for (const [location, entry] of Object.entries(packages)) {
    if (location === '' || !installedOn(entry, platform)) continue;
    const { resolved, integrity, version } = entry;
    if (entry.inBundle && !entry.link && bundlingParent(packages, location)) continue;
    if (entry.link || !resolved || !registries.some((r) => resolved.startsWith(r)) || !integrity || !version) {
      throw new AirlockError(
        'ARCHIVE_REJECTED',
        `${label}: ${location} does not come from the registry with an integrity (resolved ${resolved ?? 'nowhere'}); refused`,
      );
    }
    out.push({ location, resolved, integrity, version });
  }
  return out;
}

/**
 * Resolves `spec` (`name`, `name@version`, `name@range`, `@scope/name@tag`) and its whole dependency tree
 * with npm's own resolver, and downloads every tarball checked against its registry integrity. Runs no
 * package code: lockfile only, scripts ignored, and git, URL, file and directory specs refused
 * anywhere in the tree (pacote would run `prepare` scripts to build those).
 */
export async function fetchNpmTree(spec: string, options: FetchNpmOptions): Promise<NpmTree> {
  if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(@[\w.^~<>=| *+-]+)?$/i.test(spec)) {
    throw new AirlockError('INVALID_INPUT', `not a registry package spec: ${JSON.stringify(spec)} (expected name or name@version)`);
  }
  const { manifest, lockfile, tarballs } = await resolveAndDownload({ add: [spec] }, options, spec);
  const name = Object.keys((JSON.parse(manifest) as { dependencies?: Record<string, string> }).dependencies ?? {})[0];
  const root = tarballs.find((t) => t.location === `node_modules/${name}`);
  if (!name || !root) throw new AirlockError('SANDBOX_FAILED', `${spec}: the resolved tree does not contain the package itself`);
  return { root, manifest, lockfile, tarballs };
}

/**
 * npm's resolver on a scratch project (lockfile only, scripts ignored, git/URL/file/directory specs
 * refused anywhere in the tree), then every locked tarball downloaded and checked against its integrity.
 * `add`: specs added as `npm install <spec>` would; `dependencies`: the scratch project's own.
 */
export async function resolveAndDownload(
  request: { add: string[] } | { dependencies: Record<string, string> },
  options: FetchNpmOptions,
  label: string,
): Promise<{ manifest: string; lockfile: string; tarballs: NpmTarball[] }> {
  const registry = options.registry ?? options.npmrc?.registry ?? DEFAULT_NPM_REGISTRY;
  const registries = [registry, ...Object.values(options.npmrc?.scopes ?? {})];
  const dir = await mkdtemp(join(tmpdir(), 'airlock-resolve-'));
  try {
    const dependencies = 'dependencies' in request ? request.dependencies : undefined;
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies }));
    const arbOptions = {
      path: dir,
      registry,
      cache: options.cacheDir,
      allowGit: 'none',
      allowRemote: 'none',
      allowFile: 'none',
      allowDirectory: 'none',
      ignoreScripts: true,
      audit: false,
      fund: false,
      ...(options.npmrc ? npmrcOptions(options.npmrc) : {}),
    } as const;
    try {
      const add = 'add' in request ? { add: request.add, save: true } : {};
      await new Arborist(arbOptions).reify({ ...arbOptions, ...add, packageLockOnly: true });
    } catch (err) {
      throw registryError(label, err);
    }
    const manifest = await readFile(join(dir, 'package.json'), 'utf8');
    const lockfile = await readFile(join(dir, 'package-lock.json'), 'utf8');
    const tarballs: NpmTarball[] = [];
    const { packages } = JSON.parse(lockfile) as { packages: Record<string, LockEntry> };
    for (const { location, resolved, integrity, version } of tarballEntries(packages, registries, label, options.installPlatform)) {
      const tgz = await fetchVerifiedTarball(resolved, integrity, { ...options, registry }, `${location}@${version}`);
      tarballs.push({ location, name: location.replace(/^.*node_modules\//, ''), version, integrity, tgz });
    }
    return { manifest, lockfile, tarballs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Downloads one tarball and checks it against `integrity` (pacote verifies the bytes, EINTEGRITY if not). */
export async function fetchVerifiedTarball(
  resolved: string,
  integrity: string,
  options: FetchNpmOptions,
  label = resolved,
): Promise<Buffer> {
  try {
    return await pacote.tarball(resolved, {
      integrity,
      cache: options.cacheDir,
      registry: options.registry ?? options.npmrc?.registry ?? DEFAULT_NPM_REGISTRY,
      ...(options.npmrc ? npmrcOptions(options.npmrc) : {}),
    });
  } catch (err) {
    throw registryError(label, err);
  }
}

function registryError(what: string, err: unknown): AirlockError {
  const e = err as { code?: string; message?: string };
  if (e.code === 'EINTEGRITY')
    return new AirlockError('ARCHIVE_REJECTED', `${what}: tarball does not match its registry integrity: ${e.message}`, { cause: err });
  if (e.code === 'E404' || e.code === 'ETARGET')
    return new AirlockError('INVALID_INPUT', `${what}: not found in the registry (${e.code})`, { cause: err });
  if (e.code?.startsWith('EALLOW'))
    return new AirlockError(
      'ARCHIVE_REJECTED',
      `${what}: the tree contains a git, URL, file or directory dependency (${e.code}); refused`,
      { cause: err },
    );
  return new AirlockError('SANDBOX_FAILED', `${what}: registry resolution failed: ${e.code ?? ''} ${e.message ?? String(err)}`, {
    cause: err,
  });
}
