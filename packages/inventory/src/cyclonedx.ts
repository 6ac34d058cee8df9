/**
 * CycloneDX JSON SBOMs (spec 1.2–1.6). Every component, at any nesting depth, is identified by its
 * purl; npm and pypi purls become packages, the rest are skipped. `hashes` are hex and become SRI.
 * `metadata.component` is the SBOM's own subject, not a dependency, so it is skipped with that reason.
 */
import { Collector } from './collect.js';
import { InventoryError, quoted } from './errors.js';
import { describe, isObject, parseJsonObject, str, type JsonObject } from './json.js';
import { packageFromPurl } from './purl.js';
import { hexHashesToSri, joinSri } from './sri.js';
import type { InventoryParseResult } from './types.js';

const F = 'cyclonedx-json';
/** Nesting deeper than this is not a real SBOM, and recursion must stay bounded on untrusted input. */
const MAX_DEPTH = 64;

export function parseCycloneDx(text: string): InventoryParseResult {
  const doc = parseJsonObject(F, text);
  if (doc.bomFormat !== 'CycloneDX') throw new InventoryError(F, `"bomFormat" is ${quoted(doc.bomFormat)}, expected "CycloneDX"`);
  const c = new Collector();
  const subject = isObject(doc.metadata) ? doc.metadata.component : undefined;
  if (isObject(subject))
    c.skip(
      displayName(subject),
      str(subject.purl) ?? str(subject.version) ?? '',
      "the SBOM's own subject (metadata.component), not one of its dependencies",
    );
  readComponents(c, doc.components, 'components', 0);
  return c.result(F);
}

function readComponents(c: Collector, components: unknown, where: string, depth: number): void {
  if (components === undefined) return;
  if (!Array.isArray(components)) throw new InventoryError(F, `"${where}" is ${describe(components)}, expected an array`);
  if (depth > MAX_DEPTH) throw new InventoryError(F, `components are nested more than ${MAX_DEPTH} levels deep`);
  components.forEach((component: unknown, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(component)) throw new InventoryError(F, `"${at}" is ${describe(component)}, expected an object`);
    readComponent(c, component);
    readComponents(c, component.components, `${at}.components`, depth + 1);
  });
}

function readComponent(c: Collector, component: JsonObject): void {
  const purl = str(component.purl);
  if (!purl) {
    c.skip(displayName(component), str(component.version) ?? '', 'no purl, so its ecosystem and registry name are unknown');
    return;
  }
  const pkg = packageFromPurl(purl);
  if (!pkg.ok) {
    c.skip(pkg.name, purl, pkg.reason);
    return;
  }
  const integrity = joinSri(hexHashesToSri(component.hashes, 'alg', 'content'));
  const distribution = Array.isArray(component.externalReferences)
    ? component.externalReferences.find(
        (r): r is JsonObject => isObject(r) && r.type === 'distribution' && /^https?:\/\//i.test(str(r.url) ?? ''),
      )
    : undefined;
  const resolved = pkg.resolved ?? str(distribution?.url);
  const dev =
    Array.isArray(component.properties) &&
    component.properties.some((p) => isObject(p) && p.name === 'cdx:npm:package:development' && p.value === 'true');
  c.add({
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    version: pkg.version,
    ...(integrity ? { integrity } : {}),
    ...(resolved ? { resolved } : {}),
    ...(dev ? { dev } : {}),
  });
}

function displayName(component: JsonObject): string {
  const name = str(component.name) ?? '(unnamed component)';
  const group = str(component.group);
  return group ? `${group}/${name}` : name;
}
