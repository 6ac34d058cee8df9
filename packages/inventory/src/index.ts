/**
 * @airlock/inventory: lockfiles and SBOMs -> a flat, deduplicated list of registry packages at exact
 * versions, for batch rescans. Pure: inputs are strings, nothing is read or fetched. Whatever is not a
 * registry package at an exact version is returned in `skipped` with a reason, never dropped.
 */
import { parseCycloneDx } from './cyclonedx.js';
import { detectInventoryFormat } from './detect.js';
import { InventoryError } from './errors.js';
import { parsePackageLock } from './package-lock.js';
import { parsePnpmLock } from './pnpm-lock.js';
import { parsePoetryLock } from './poetry-lock.js';
import { parseRequirementsTxt } from './requirements-txt.js';
import { parseSpdx } from './spdx.js';
import type { InventoryFormat, InventoryParseResult } from './types.js';
import { parseYarnBerry } from './yarn-berry.js';
import { parseYarnV1 } from './yarn-v1.js';

export type { InventoryFormat, InventoryPackage, InventoryParseResult, SkippedEntry } from './types.js';
export { InventoryError } from './errors.js';
export { detectInventoryFormat, isInventoryFileName } from './detect.js';
export { normalizePypiName } from './pep503.js';
export { parsePurl, type Purl } from './purl.js';
export { locatePackages } from './positions.js';
export { addedOrChanged } from './diff.js';

const PARSERS: Record<InventoryFormat, (text: string) => InventoryParseResult> = {
  'package-lock': (text) => parsePackageLock(text, 'package-lock'),
  'npm-shrinkwrap': (text) => parsePackageLock(text, 'npm-shrinkwrap'),
  'yarn-v1': parseYarnV1,
  'yarn-berry': parseYarnBerry,
  'pnpm-lock': parsePnpmLock,
  'requirements-txt': parseRequirementsTxt,
  'poetry-lock': parsePoetryLock,
  'cyclonedx-json': parseCycloneDx,
  'spdx-json': parseSpdx,
};

/** Parses an inventory; `format` overrides detection. Throws InventoryError for unreadable input, nothing else. */
export function parseInventory(fileName: string, text: string, format?: InventoryFormat): InventoryParseResult {
  if (typeof text !== 'string') throw new InventoryError(format, 'the inventory must be text');
  const chosen = format ?? detectInventoryFormat(fileName, text);
  const parser = Object.hasOwn(PARSERS, chosen) ? PARSERS[chosen] : undefined;
  if (!parser) throw new InventoryError(undefined, `unknown inventory format ${JSON.stringify(chosen)}`);
  try {
    return parser(text);
  } catch (err) {
    if (err instanceof InventoryError) throw err;
    // A shape no check above anticipated: still the user's file that is wrong, so report it as such.
    throw new InventoryError(chosen, `unexpected content (${(err as Error)?.message ?? String(err)})`, undefined, { cause: err });
  }
}
