import type { Honeytoken } from '@airlock/core';

export type { Honeytoken, HoneytokenKind } from '@airlock/core';

export interface PlantedFile {
  path: string;
  content: Uint8Array;
  mode: number;
}

export interface HoneytokenPlan {
  tokens: Honeytoken[];
  files: PlantedFile[];
  env: Record<string, string>;
}
