/**
 * Accumulates one parse: merges duplicate (ecosystem, name, version) packages, which every lockfile
 * format produces (nested copies, multi-range keys, peer variants), and records skipped entries once.
 */
import { sriStrength } from './sri.js';
import type { InventoryFormat, InventoryPackage, InventoryParseResult, SkippedEntry } from './types.js';

interface Slot {
  pkg: InventoryPackage;
  /** Every occurrence was installed under an alias (otherwise the alias is not worth reporting). */
  aliasedEverywhere: boolean;
  /** Every occurrence was dev/optional-only. */
  devEverywhere: boolean;
}

export class Collector {
  private readonly slots = new Map<string, Slot>();
  private readonly skippedEntries: SkippedEntry[] = [];
  private readonly skippedKeys = new Set<string>();

  /** Merge rule: strongest integrity wins, first resolved URL is kept, dev only if every copy is dev. */
  add(pkg: InventoryPackage): void {
    const key = `${pkg.ecosystem}\u0000${pkg.name}\u0000${pkg.version}`;
    const slot = this.slots.get(key);
    if (!slot) {
      this.slots.set(key, { pkg: { ...pkg }, aliasedEverywhere: pkg.alias !== undefined, devEverywhere: pkg.dev === true });
      return;
    }
    const kept = slot.pkg;
    if (sriStrength(pkg.integrity) > sriStrength(kept.integrity)) kept.integrity = pkg.integrity;
    if (kept.resolved === undefined && pkg.resolved !== undefined) kept.resolved = pkg.resolved;
    slot.aliasedEverywhere &&= pkg.alias !== undefined;
    slot.devEverywhere &&= pkg.dev === true;
  }

  skip(name: string, spec: string, reason: string): void {
    const key = `${name}\u0000${spec}\u0000${reason}`;
    if (this.skippedKeys.has(key)) return;
    this.skippedKeys.add(key);
    this.skippedEntries.push({ name, spec, reason });
  }

  result(format: InventoryFormat): InventoryParseResult {
    const packages = [...this.slots.values()].map(({ pkg, aliasedEverywhere, devEverywhere }) => {
      const out: InventoryPackage = { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version };
      if (pkg.integrity !== undefined) out.integrity = pkg.integrity;
      if (pkg.resolved !== undefined) out.resolved = pkg.resolved;
      if (devEverywhere) out.dev = true;
      if (aliasedEverywhere && pkg.alias !== undefined) out.alias = pkg.alias;
      return out;
    });
    return { format, packages, skipped: this.skippedEntries };
  }
}
