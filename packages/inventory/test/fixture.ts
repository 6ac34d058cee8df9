/** Test helpers: fixtures are read here; the package itself never touches the filesystem. */
import { readFileSync } from 'node:fs';
import type { InventoryPackage, InventoryParseResult } from '@airlock/inventory';

export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** The one package with that name (and version), failing loudly when there is not exactly one. */
export function pkg(result: InventoryParseResult, name: string, version?: string): InventoryPackage {
  const found = result.packages.filter((p) => p.name === name && (version === undefined || p.version === version));
  if (found.length !== 1)
    throw new Error(
      `expected one ${name}${version ? `@${version}` : ''}, found ${found.length}: ${JSON.stringify(result.packages.map((p) => `${p.name}@${p.version}`))}`,
    );
  return found[0]!;
}

export const ids = (result: InventoryParseResult): string[] => result.packages.map((p) => `${p.name}@${p.version}`).sort();
export const skippedNames = (result: InventoryParseResult): string[] => result.skipped.map((s) => s.name).sort();

/** Runs `fn` and returns the error it throws (the test fails if it does not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, none was thrown');
}
