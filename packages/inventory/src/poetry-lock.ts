/**
 * poetry.lock (TOML). Every `[[package]]` has name and version; `source.type` git/url/file/directory
 * means it did not come from an index. Hashes live in each package's `files` (lock-version 2) or in
 * `[metadata.files]` keyed by name (1.x). All sha256 hashes are kept as one SRI string, because the
 * scanner may fetch any one of the listed wheels or the sdist.
 */
import { parse, TomlError } from 'smol-toml';
import { Collector } from './collect.js';
import { InventoryError, excerpt } from './errors.js';
import { isObject, str, type JsonObject } from './json.js';
import { isPep440Version, normalizePypiName } from './pep503.js';
import { joinSri, sriAlgorithm, sriFromHex } from './sri.js';
import type { InventoryParseResult } from './types.js';

const F = 'poetry-lock';

export function parsePoetryLock(text: string): InventoryParseResult {
  let doc: JsonObject;
  try {
    doc = parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const line = err instanceof TomlError ? err.line : undefined;
    throw new InventoryError(F, `not valid TOML (${String((err as Error).message).split('\n')[0]})`, line, { cause: err });
  }
  const packages = doc.package;
  if (packages === undefined) {
    if (isObject(doc.metadata)) return new Collector().result(F); // a lock of a project without dependencies
    throw new InventoryError(F, 'no [[package]] tables and no [metadata]: this is not a poetry.lock');
  }
  if (!Array.isArray(packages)) throw new InventoryError(F, '"package" must be an array of tables ([[package]])');
  const legacyFiles = isObject(doc.metadata) && isObject(doc.metadata.files) ? doc.metadata.files : {};
  const legacyByName = new Map(Object.entries(legacyFiles).map(([name, files]) => [normalizePypiName(name), files]));

  const c = new Collector();
  packages.forEach((pkg: unknown, index) => {
    const where = `[[package]] number ${index + 1}`;
    if (!isObject(pkg)) throw new InventoryError(F, `${where} is not a table`);
    const rawName = str(pkg.name);
    const version = str(pkg.version);
    if (!rawName || !version)
      throw new InventoryError(F, `${where}${rawName ? ` ("${excerpt(rawName)}")` : ''} has no ${rawName ? 'version' : 'name'}`);
    const name = normalizePypiName(rawName);
    const source = isObject(pkg.source) ? pkg.source : undefined;
    const sourceType = str(source?.type);
    if (sourceType === 'git' || sourceType === 'url' || sourceType === 'file' || sourceType === 'directory') {
      const ref = str(source?.resolved_reference) ?? str(source?.reference);
      const spec = `${sourceType === 'git' ? 'git+' : ''}${str(source?.url) ?? '?'}${sourceType === 'git' && ref ? `@${ref}` : ''}`;
      const reason =
        sourceType === 'git'
          ? 'installed from a git repository, not from the package index'
          : sourceType === 'url'
            ? 'installed from a URL, not from the package index'
            : 'installed from a local file or folder, not from the package index';
      c.skip(name, spec, reason);
      return;
    }
    if (!isPep440Version(version)) {
      c.skip(name, version, `"${excerpt(version)}" is not a PEP 440 version`);
      return;
    }
    const groups = Array.isArray(pkg.groups) ? pkg.groups : undefined;
    const dev = pkg.category === 'dev' || pkg.optional === true || (groups !== undefined && groups.length > 0 && !groups.includes('main'));
    const integrity = joinSri(hashesOf(pkg.files ?? legacyByName.get(name)));
    c.add({ ecosystem: 'pypi', name, version, ...(integrity ? { integrity } : {}), ...(dev ? { dev } : {}) });
  });
  return c.result(F);
}

/** `files = [{file, hash = "sha256:<hex>"}]` -> SRI tokens; other algorithms and malformed hashes are left out. */
function hashesOf(files: unknown): string[] {
  if (!Array.isArray(files)) return [];
  const out: string[] = [];
  for (const file of files) {
    const hash = isObject(file) ? str(file.hash) : undefined;
    const [alg, hex] = (hash ?? '').split(':', 2);
    const algorithm = alg ? sriAlgorithm(alg) : undefined;
    const sri = algorithm && hex ? sriFromHex(algorithm, hex) : undefined;
    if (sri) out.push(sri);
  }
  return out;
}
