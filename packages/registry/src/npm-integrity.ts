/**
 * What the npm registry publishes for one exact version, without downloading the tarball: its
 * integrity (what a lockfile's `integrity` is checked against) and its full version document (what
 * manifest confusion is checked against: the registry's metadata can differ from the tarball's).
 */
import pacote from 'pacote';
import { AirlockError } from '@airlock/core';
import { DEFAULT_NPM_REGISTRY, type FetchNpmOptions } from './fetch-npm-tree.js';
import { npmrcOptions } from './npmrc.js';

export async function fetchNpmIntegrity(name: string, version: string, options: FetchNpmOptions): Promise<string> {
  const manifest = await versionManifest(name, version, options, false);
  const integrity = manifest._integrity ?? manifest.dist?.integrity;
  if (!integrity) throw new AirlockError('INVALID_INPUT', `${name}@${version}: the registry publishes no integrity for it`);
  return integrity;
}

/** The registry's full document for the version (scripts, dependencies, bin, ... as the registry serves them). */
export async function fetchNpmVersionDocument(name: string, version: string, options: FetchNpmOptions): Promise<Record<string, unknown>> {
  return versionManifest(name, version, options, true);
}

async function versionManifest(name: string, version: string, options: FetchNpmOptions, fullMetadata: boolean) {
  const spec = `${name}@${version}`;
  let manifest;
  try {
    manifest = await pacote.manifest(spec, {
      cache: options.cacheDir,
      registry: options.registry ?? options.npmrc?.registry ?? DEFAULT_NPM_REGISTRY,
      fullMetadata,
      ...(options.npmrc ? npmrcOptions(options.npmrc) : {}),
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (e.code === 'E404' || e.code === 'ETARGET')
      throw new AirlockError('INVALID_INPUT', `${spec}: not found in the registry (${e.code})`, { cause: err });
    throw new AirlockError('SANDBOX_FAILED', `${spec}: registry lookup failed: ${e.code ?? ''} ${e.message ?? String(err)}`, {
      cause: err,
    });
  }
  if (manifest.version !== version) throw new AirlockError('INVALID_INPUT', `${spec}: the registry has no such exact version`);
  return manifest as typeof manifest & Record<string, unknown>;
}
