import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Content hash of everything an image is built from: every file under `dir` (paths and bytes, sorted,
 * generated `.build` folders left out) plus `extra` strings such as the base image tag. Stored in the
 * image's `airlock.inputs-hash` label so that set-up rebuilds only what changed.
 */
export function hashImageInputs(dir: string, extra: string[] = []): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) {
    hash.update(`file:${relative(dir, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  for (const item of extra) hash.update(`extra:${item}\0`);
  return hash.digest('hex');
}

/**
 * Python bytecode caches are made by running the runner's scripts, not written by anyone: never an
 * image input, in the hash or the build context (a stray one made the same inputs hash differently).
 */
export function isGeneratedCache(name: string): boolean {
  return name === '__pycache__' || name.endsWith('.pyc');
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.build' || isGeneratedCache(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}
