import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from './errors.js';

/** Standard Webhooks: secrets are shown as 'whsec_' + base64; the spec recommends 24–64 random bytes. */
const SECRET_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Same tolerance as the standardwebhooks library, so receivers using either agree. */
const TOLERANCE_SECONDS = 5 * 60;

/** A new per-endpoint secret: 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** Decodes a 'whsec_' secret; a malformed one is a programming error, so this throws a TypeError. */
function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : undefined;
  if (b64 === undefined || !BASE64.test(b64)) throw new TypeError("webhook secret must be 'whsec_' followed by base64");
  const key = Buffer.from(b64, 'base64');
  if (key.length < 24 || key.length > 64) throw new TypeError('webhook secret must decode to 24–64 bytes');
  return key;
}

/** The id goes into a header and into the signed string, so keep it to visible ASCII with no spaces. */
function checkId(id: string): void {
  if (!/^[\x21-\x7e]{1,256}$/.test(id)) throw new TypeError('webhook id must be 1–256 visible ASCII characters');
}

/** 'v1,' + base64(HMAC-SHA256(key, `${id}.${unixSeconds}.${body}`)), as in the Standard Webhooks spec. */
export function signWebhook(secret: string, id: string, timestamp: Date, body: string): string {
  checkId(id);
  const seconds = Math.floor(timestamp.getTime() / 1000);
  if (!Number.isFinite(seconds)) throw new TypeError('webhook timestamp is not a valid date');
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${seconds}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** Header lookup that tolerates any header-name case; repeated values of a single-valued header are refused. */
function header(headers: Record<string, string | string[] | undefined>, name: string, joinList = false): string {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  const text = Array.isArray(value) ? (joinList ? value.join(' ') : undefined) : value;
  if (!text) throw new WebhookSignatureError(`missing or repeated ${name} header`);
  return text;
}

/**
 * Receiver-side check (also used by our tests and documentation). Implemented with node:crypto rather than the
 * standardwebhooks library because the library cannot take `now`; tests show the two agree.
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  now: Date = new Date(),
): void {
  const key = secretKey(secret);
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature', true);
  if (!/^\d{1,15}$/.test(timestamp)) throw new WebhookSignatureError('webhook-timestamp is not unix seconds');
  const age = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (age > TOLERANCE_SECONDS) throw new WebhookSignatureError('webhook timestamp too old');
  if (age < -TOLERANCE_SECONDS) throw new WebhookSignatureError('webhook timestamp too new');
  const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64'));
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || value === undefined) continue;
    // Compare the base64 text, not decoded bytes: Node's base64 decoder ignores junk characters.
    const given = Buffer.from(value);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
  }
  throw new WebhookSignatureError('no matching webhook signature');
}
