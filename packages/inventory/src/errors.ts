/** One error type for every unreadable inventory, worded for the person who uploaded the file. */
import type { InventoryFormat } from './types.js';

const LABELS: Record<InventoryFormat, string> = {
  'package-lock': 'package-lock.json',
  'npm-shrinkwrap': 'npm-shrinkwrap.json',
  'yarn-v1': 'yarn.lock (v1)',
  'yarn-berry': 'yarn.lock (berry)',
  'pnpm-lock': 'pnpm-lock.yaml',
  'requirements-txt': 'requirements.txt',
  'poetry-lock': 'poetry.lock',
  'cyclonedx-json': 'CycloneDX JSON',
  'spdx-json': 'SPDX JSON',
};

export class InventoryError extends Error {
  override readonly name = 'InventoryError';
  /** The format being read, or undefined when the format itself could not be told. */
  readonly format: InventoryFormat | undefined;
  /** 1-based line of the problem when known. */
  readonly line: number | undefined;

  constructor(format: InventoryFormat | undefined, problem: string, line?: number, options?: { cause?: unknown }) {
    const where = format ? LABELS[format] : 'inventory';
    super(`${where}${line !== undefined ? ` line ${line}` : ''}: ${problem}`, options);
    this.format = format;
    this.line = line;
  }
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A value for a message: strings quoted and cut, anything else as JSON. */
export function quoted(value: unknown, max = 80): string {
  return typeof value === 'string' ? JSON.stringify(excerpt(value, max)) : excerpt(value, max);
}

/** A short, printable excerpt of untrusted input for messages. */
export function excerpt(value: unknown, max = 80): string {
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
