/** Both yarn.lock formats go through @yarnpkg/parsers' parseSyml (yarn's own reader); this maps its errors. */
import { parseSyml } from '@yarnpkg/parsers';
import { InventoryError } from './errors.js';
import { isObject, type JsonObject } from './json.js';

export function readYarnLock(format: 'yarn-v1' | 'yarn-berry', text: string): JsonObject {
  let data: unknown;
  try {
    data = parseSyml(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const e = err as { message?: string; location?: { start?: { line?: number } }; mark?: { line?: number }; reason?: string };
    const line = e.location?.start?.line ?? (typeof e.mark?.line === 'number' ? e.mark.line + 1 : undefined);
    const problem = e.reason ?? String(e.message ?? err).split('\n')[0];
    throw new InventoryError(format, `not a readable yarn lockfile (${problem})`, line, { cause: err });
  }
  if (!isObject(data)) throw new InventoryError(format, 'expected a list of "descriptor:" blocks');
  return data;
}

/** Keys of one block: `"a@^1", "a@^1.2"` (yarn v1 lists them comma-joined, berry too). */
export function descriptorsOf(key: string): string[] {
  return key
    .split(',')
    .map((d) => d.trim().replace(/^"(.*)"$/, '$1'))
    .filter((d) => d !== '');
}
