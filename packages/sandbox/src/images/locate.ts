import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's sandbox-images folder: AIRLOCK_IMAGES_DIR, or found by walking up from this file. */
export function sandboxImagesDir(): string {
  if (process.env.AIRLOCK_IMAGES_DIR) return resolve(process.env.AIRLOCK_IMAGES_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'sandbox-images');
    if (existsSync(join(candidate, 'base', 'packages.txt'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the sandbox-images folder; set AIRLOCK_IMAGES_DIR');
    dir = parent;
  }
}
