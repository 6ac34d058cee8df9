/** Defensive readers for untyped JSON (package.json, registry documents, OSV entries): never throw. */

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

/** An object of string values (scripts, dependencies); non-string values are dropped. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const record = asRecord(value);
  if (record) for (const [k, v] of Object.entries(record)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function stringField(record: JsonRecord | undefined, key: string): string | undefined {
  const v = record?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** 1-based line of the first `"key"` in JSON text, for evidence; undefined when no text was given. */
export function jsonKeyLine(text: string | undefined, key: string): number | undefined {
  if (text === undefined) return undefined;
  const at = text.indexOf(JSON.stringify(key));
  if (at < 0) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** `./scripts/../lib/x.js` -> `lib/x.js`; null when the path leaves the package. */
export function normalizePackagePath(path: string): string | null {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}
