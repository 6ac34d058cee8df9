/**
 * The SARIF 2.1.0 JSON schema, for validating what `airlock verify` writes. No npm package ships only the
 * schema; Microsoft's SARIF multitool package for Linux carries it (`sarif-2.1.0.json`, draft 2020-12). It is
 * fetched from the npm registry at test time (pinned, integrity checked), the one file extracted and cached
 * under .airlock/cache: never committed, and no 43 MB dev dependency in every install.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { tarEntry } from './tar-entry.js';
import addFormatsModule from 'ajv-formats';

const TARBALL = 'https://registry.npmjs.org/@microsoft/sarif-multitool-linux/-/sarif-multitool-linux-5.7.0.tgz';
const INTEGRITY = 'sha512-NxUbpq6ISCWoTQ/NfOYEwEDKq1Heka/rMoJ5R5LMydcAZQX/X7g5mWHcgxDub+0M07LC96tZ5LZHvF1Qy3gjTA==';
const ENTRY = 'package/sarif-2.1.0.json';
const CACHE = fileURLToPath(new URL('../../.airlock/cache/sarif-2.1.0.json', import.meta.url));

async function schemaText(): Promise<string> {
  if (existsSync(CACHE)) return readFileSync(CACHE, 'utf8');
  const res = await fetch(TARBALL);
  if (!res.ok) throw new Error(`GET ${TARBALL}: ${res.status}`);
  const tgz = Buffer.from(await res.arrayBuffer());
  const digest = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
  if (digest !== INTEGRITY) throw new Error(`${TARBALL} does not match its registry integrity`);
  const text = tarEntry(gunzipSync(tgz), ENTRY, TARBALL).toString('utf8');
  mkdirSync(fileURLToPath(new URL('.', `file://${CACHE}`)), { recursive: true });
  writeFileSync(CACHE, text);
  return text;
}

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

/** A validator: errors as `instancePath message` lines, empty when the log is valid SARIF 2.1.0. */
export async function sarifValidator(): Promise<(log: unknown) => string[]> {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(await schemaText()) as object);
  return (log) =>
    validate(log)
      ? []
      : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
