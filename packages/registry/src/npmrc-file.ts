/** Reads an .npmrc for its registry settings; errors name the file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FetchNpmOptions } from './fetch-npm-tree.js';
import { AirlockError } from '@airlock/core';
import { parseNpmrc, type NpmRegistryConfig } from './npmrc.js';

export function loadNpmrc(path: string, env: NodeJS.ProcessEnv = process.env): NpmRegistryConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AirlockError('INVALID_INPUT', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseNpmrc(text, env);
  } catch (err) {
    throw new AirlockError('INVALID_INPUT', `${path}: ${(err as Error).message}`);
  }
}

/**
 * npm fetch options of a service process (api or worker): its cache under the data folder, the default
 * registry, no credentials (an organization's private registry is added for its own packages only).
 */
export function serviceNpmOptions(settings: { dataDir: string; npmRegistry?: string }): FetchNpmOptions {
  return {
    cacheDir: join(settings.dataDir, 'npm-cache'),
    ...(settings.npmRegistry ? { registry: settings.npmRegistry } : {}),
  };
}
