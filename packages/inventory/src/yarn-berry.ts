/**
 * yarn.lock from Yarn 2+ ("berry"): YAML with a `__metadata` block; each block is keyed by
 * `name@npm:range` descriptors and says what it resolved to in `resolution: "name@npm:1.2.3"`.
 * `checksum` hashes Yarn's re-packed zip, not the registry tarball, so it is never used as integrity.
 */
import { Collector } from './collect.js';
import { InventoryError, excerpt } from './errors.js';
import { isObject, str } from './json.js';
import { REASONS, classifySpec, isExactSemver, splitNameSpec } from './npm-spec.js';
import type { InventoryParseResult } from './types.js';
import { descriptorsOf, readYarnLock } from './yarn-syml.js';

export function parseYarnBerry(text: string): InventoryParseResult {
  const data = readYarnLock('yarn-berry', text);
  if (!isObject(data.__metadata)) {
    throw new InventoryError(
      'yarn-berry',
      'no __metadata block: this is not a Yarn 2+ lockfile (a "# yarn lockfile v1" file is read as yarn-v1)',
    );
  }
  const c = new Collector();
  for (const [key, entry] of Object.entries(data)) {
    if (key === '__metadata') continue;
    if (!isObject(entry)) throw new InventoryError('yarn-berry', `"${excerpt(key)}" is not a block of fields`);
    const resolution = str(entry.resolution);
    if (resolution === undefined) throw new InventoryError('yarn-berry', `"${excerpt(key)}" has no resolution`);
    const { name, spec: reference } = splitNameSpec(resolution);
    if (name === '' || reference === '')
      throw new InventoryError('yarn-berry', `"${excerpt(key)}" has a malformed resolution "${excerpt(resolution)}"`);
    if (!reference.startsWith('npm:')) {
      const kind = classifySpec(reference);
      c.skip(name, resolution, kind === 'registry' ? REASONS.unknown : REASONS[kind]);
      continue;
    }
    // `npm:1.2.3`, possibly with `::__archiveUrl=<encoded tarball URL>` for registries with odd tarball paths.
    const [version = '', params = ''] = reference.slice(4).split('::', 2);
    if (!isExactSemver(version)) {
      c.skip(name, resolution, `version "${excerpt(version)}" is not an exact version`);
      continue;
    }
    const archive = /(?:^|&)__archiveUrl=([^&]+)/.exec(params)?.[1];
    const resolved = archive ? safeDecode(archive) : undefined;
    for (const descriptor of descriptorsOf(key)) {
      const installed = splitNameSpec(descriptor).name;
      c.add({
        ecosystem: 'npm',
        name,
        version,
        ...(resolved ? { resolved } : {}),
        ...(installed !== '' && installed !== name ? { alias: installed } : {}),
      });
    }
  }
  return c.result('yarn-berry');
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
