/**
 * yarn.lock v1 ("# yarn lockfile v1"): blocks keyed by one or more `name@range` descriptors with
 * `version`, `resolved` (`<tarball>#<sha1 hex>`) and `integrity` (SRI, absent in old lockfiles).
 * The range says where the package came from: `npm:real@range` is an alias, URLs/git/file are not the registry.
 */
import { Collector } from './collect.js';
import { InventoryError, excerpt } from './errors.js';
import { isObject, str } from './json.js';
import { REASONS, classifySpec, isExactSemver, splitNameSpec } from './npm-spec.js';
import { sriAsWritten, sriFromHex } from './sri.js';
import type { InventoryParseResult } from './types.js';
import { descriptorsOf, readYarnLock } from './yarn-syml.js';

export function parseYarnV1(text: string): InventoryParseResult {
  const data = readYarnLock('yarn-v1', text);
  if ('__metadata' in data) throw new InventoryError('yarn-v1', 'this is a yarn berry lockfile (it has __metadata); read it as yarn-berry');
  const c = new Collector();
  for (const [key, entry] of Object.entries(data)) {
    if (!isObject(entry)) throw new InventoryError('yarn-v1', `"${excerpt(key)}" is not a block of fields`);
    for (const descriptor of descriptorsOf(key)) {
      const { name: installed, spec } = splitNameSpec(descriptor);
      if (spec === '' || installed === '') throw new InventoryError('yarn-v1', `"${excerpt(descriptor)}" is not a name@range descriptor`);
      let name = installed;
      let range = spec;
      if (spec.startsWith('npm:')) {
        const inner = splitNameSpec(spec.slice(4));
        if (inner.spec !== '' || /^[@a-z]/i.test(inner.name)) ({ name, spec: range } = inner);
        else range = inner.name;
      }
      const kind = classifySpec(range);
      if (kind !== 'registry') {
        c.skip(installed, spec, REASONS[kind]);
        continue;
      }
      const version = str(entry.version);
      if (version === undefined || !isExactSemver(version)) {
        c.skip(
          name,
          spec,
          version === undefined ? 'the lockfile block has no version' : `version "${excerpt(version)}" is not an exact version`,
        );
        continue;
      }
      const [url, fragment] = (str(entry.resolved) ?? '').split('#', 2) as [string, string | undefined];
      const resolvedKind = url === '' ? 'registry' : classifySpec(url);
      if (resolvedKind !== 'registry' && resolvedKind !== 'url') {
        c.skip(name, url, REASONS[resolvedKind]);
        continue;
      }
      const integrity = sriAsWritten(entry.integrity) ?? (fragment ? sriFromHex('sha1', fragment) : undefined);
      c.add({
        ecosystem: 'npm',
        name,
        version,
        ...(integrity ? { integrity } : {}),
        ...(url ? { resolved: url } : {}),
        ...(name !== installed ? { alias: installed } : {}),
      });
    }
  }
  return c.result('yarn-v1');
}
