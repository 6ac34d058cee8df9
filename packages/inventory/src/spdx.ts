/**
 * SPDX 2.2/2.3 JSON SBOMs. Packages name their ecosystem only through an external reference of type
 * `purl` (category `PACKAGE-MANAGER` in 2.3, `PACKAGE_MANAGER` in 2.2); checksums are hex and become SRI.
 * The package the document describes (usually the scanned project, without a purl) is skipped.
 */
import { Collector } from './collect.js';
import { InventoryError, quoted } from './errors.js';
import { describe, isObject, parseJsonObject, str, type JsonObject } from './json.js';
import { packageFromPurl } from './purl.js';
import { hexHashesToSri, joinSri } from './sri.js';
import type { InventoryParseResult } from './types.js';

const F = 'spdx-json';

export function parseSpdx(text: string): InventoryParseResult {
  const doc = parseJsonObject(F, text);
  const spdxVersion = str(doc.spdxVersion);
  if (!spdxVersion?.startsWith('SPDX-')) {
    throw new InventoryError(
      F,
      doc['@context'] !== undefined
        ? 'SPDX 3 JSON-LD documents are not supported; export SPDX 2.3 JSON'
        : `"spdxVersion" is ${quoted(doc.spdxVersion)}, expected "SPDX-2.3" or "SPDX-2.2"`,
    );
  }
  if (!/^SPDX-2\.\d+$/.test(spdxVersion)) throw new InventoryError(F, `${quoted(spdxVersion)} is not supported; only SPDX 2.x JSON is`);
  const packages = doc.packages ?? [];
  if (!Array.isArray(packages)) throw new InventoryError(F, `"packages" is ${describe(packages)}, expected an array`);
  const described = describedIds(doc);
  const c = new Collector();
  packages.forEach((pkg: unknown, i) => {
    if (!isObject(pkg)) throw new InventoryError(F, `"packages[${i}]" is ${describe(pkg)}, expected an object`);
    readPackage(c, pkg, described);
  });
  return c.result(F);
}

function describedIds(doc: JsonObject): Set<string> {
  const ids = new Set<string>();
  if (Array.isArray(doc.documentDescribes)) for (const id of doc.documentDescribes) if (typeof id === 'string') ids.add(id);
  if (Array.isArray(doc.relationships)) {
    for (const r of doc.relationships) {
      if (
        isObject(r) &&
        r.relationshipType === 'DESCRIBES' &&
        r.spdxElementId === 'SPDXRef-DOCUMENT' &&
        typeof r.relatedSpdxElement === 'string'
      )
        ids.add(r.relatedSpdxElement);
    }
  }
  return ids;
}

function readPackage(c: Collector, pkg: JsonObject, described: Set<string>): void {
  const name = str(pkg.name) ?? str(pkg.SPDXID) ?? '(unnamed package)';
  const refs = Array.isArray(pkg.externalRefs) ? pkg.externalRefs.filter(isObject) : [];
  const purls = refs
    .filter(
      (r) => r.referenceType === 'purl' && (r.referenceCategory === undefined || /^PACKAGE[-_]MANAGER$/.test(String(r.referenceCategory))),
    )
    .map((r) => str(r.referenceLocator))
    .filter((p): p is string => p !== undefined);
  if (purls.length === 0) {
    const subject = typeof pkg.SPDXID === 'string' && described.has(pkg.SPDXID);
    c.skip(
      name,
      str(pkg.versionInfo) ?? '',
      subject
        ? 'the package this document describes, without a purl: not one of its dependencies'
        : 'no purl, so its ecosystem and registry name are unknown',
    );
    return;
  }
  const candidates = purls.map((p) => ({ purl: p, pkg: packageFromPurl(p) }));
  const chosen = candidates.find((x) => x.pkg.ok) ?? candidates[0]!;
  if (!chosen.pkg.ok) {
    c.skip(chosen.pkg.name, chosen.purl, chosen.pkg.reason);
    return;
  }
  const integrity = joinSri(hexHashesToSri(pkg.checksums, 'algorithm', 'checksumValue'));
  const download = str(pkg.downloadLocation);
  const resolved = chosen.pkg.resolved ?? (download && /^https?:\/\//i.test(download) ? download : undefined);
  c.add({
    ecosystem: chosen.pkg.ecosystem,
    name: chosen.pkg.name,
    version: chosen.pkg.version,
    ...(integrity ? { integrity } : {}),
    ...(resolved ? { resolved } : {}),
  });
}
