/** The public shapes every format parser returns, so batch rescans see one flat list whatever was uploaded. */
import type { Ecosystem } from '@airlock/core';

export type InventoryFormat =
  | 'package-lock'
  | 'npm-shrinkwrap'
  | 'yarn-v1'
  | 'yarn-berry'
  | 'pnpm-lock'
  | 'requirements-txt'
  | 'poetry-lock'
  | 'cyclonedx-json'
  | 'spdx-json';

export interface InventoryPackage {
  ecosystem: Ecosystem;
  /** The real package name (PEP 503-normalised for PyPI). */
  name: string;
  /** Exact version, never a range. */
  version: string;
  /** SRI string (`sha512-…`, several space-separated hashes mean "any of these files"). */
  integrity?: string;
  /** Tarball URL when the lockfile names one. */
  resolved?: string;
  /** Not needed by a production install: dev-only or optional-only, when the format says so. */
  dev?: boolean;
  /** The name it is installed under when it is an npm alias (`name` is the real package). */
  alias?: string;
}

/** An entry that is not a registry package at an exact version, kept so nothing is dropped silently. */
export interface SkippedEntry {
  name: string;
  spec: string;
  reason: string;
}

export interface InventoryParseResult {
  format: InventoryFormat;
  packages: InventoryPackage[];
  skipped: SkippedEntry[];
}
