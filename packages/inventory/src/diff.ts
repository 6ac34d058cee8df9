/** What a change to an inventory brought in: the packages to check on a pull request. */
import type { InventoryPackage } from './types.js';

const key = (p: InventoryPackage): string => `${p.ecosystem}\u0000${p.name}\u0000${p.version}`;

/**
 * Packages of `current` at a version `base` does not have (added, or moved to another version). A package that
 * only moved in the file, changed its dev flag or its alias is not new code, so it is not listed.
 */
export function addedOrChanged(current: readonly InventoryPackage[], base: readonly InventoryPackage[]): InventoryPackage[] {
  const known = new Set(base.map(key));
  return current.filter((p) => !known.has(key(p)));
}
