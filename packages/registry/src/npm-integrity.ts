/**
 * The integrity the npm registry publishes for one exact version (from its packument, no tarball
 * download): what a lockfile's `integrity` is checked against to catch tampered or swapped lockfiles.
 */
import pacote from 'pacote';
import { AirlockError } from '@airlock/core';
import { DEFAULT_NPM_REGISTRY, type FetchNpmOptions } from './fetch-npm-tree.js';
import { npmrcOptions } from './npmrc.js';

export async function fetchNpmIntegrity(name: string, version: string, options: FetchNpmOptions): Promise<string> {
  const spec = `${name}@${version}`;
  try {
    const manifest = await pacote.manifest(spec, { cache: options.cacheDir, registry: options.registry ?? options.npmrc?.registry ?? DEFAULT_NPM_REGISTRY, ...(options.npmrc ? npmrcOptions(options.npmrc) : {}) });
    const integrity = manifest._integrity ?? manifest.dist?.integrity;
    if (manifest.version !== version) throw new AirlockError('INVALID_INPUT', `${spec}: the registry has no such exact version`);
    if (!integrity) throw new AirlockError('INVALID_INPUT', `${spec}: the registry publishes no integrity for it`);
    return integrity;
  } catch (err) {
    if (err instanceof AirlockError) throw err;
    const e = err as { code?: string; message?: string };
    if (e.code === 'E404' || e.code === 'ETARGET') throw new AirlockError('INVALID_INPUT', `${spec}: not found in the registry (${e.code})`, { cause: err });
    throw new AirlockError('SANDBOX_FAILED', `${spec}: registry lookup failed: ${e.code ?? ''} ${e.message ?? String(err)}`, { cause: err });
  }
}
