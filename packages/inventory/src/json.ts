/** JSON input for the JSON-based formats, with the line of a syntax error and a check that the top is an object. */
import { InventoryError, lineAt } from './errors.js';
import type { InventoryFormat } from './types.js';

export type JsonObject = Record<string, unknown>;

export function parseJsonObject(format: InventoryFormat, text: string): JsonObject {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const message = (err as Error).message;
    const offset = errorOffset(text, message);
    const line = offset === undefined ? undefined : lineAt(text, offset);
    throw new InventoryError(format, `not valid JSON (${message})`, line, { cause: err });
  }
  if (!isObject(data)) throw new InventoryError(format, `expected a JSON object at the top, got ${describe(data)}`);
  return data;
}

/**
 * Where JSON.parse stopped. V8 says "at position N" for most errors, but for an unexpected token it
 * only quotes the token and some context, and for a truncated file it says "Unexpected end".
 */
function errorOffset(text: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  const token = /Unexpected token '([^']*)', (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message);
  if (token) {
    const context = text.indexOf(token[2]!);
    const at = context === -1 ? -1 : text.indexOf(token[1]!, context);
    if (at !== -1) return at;
  }
  return undefined;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The string at `value`, or undefined for anything else (so shape checks stay one-liners). */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
