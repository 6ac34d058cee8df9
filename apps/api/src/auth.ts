/**
 * `Authorization: Bearer alk_...` -> the caller's organization on `res.locals.org` (and its key on
 * `res.locals.apiKey`); everything under /v1 needs it. Keys are looked up in Redis on every request (no
 * cache), so a revoked key is refused at once by every api instance; only organizations, which never
 * change, are cached.
 */
import type { RequestHandler, Response } from 'express';
import { isActiveKey, type ApiKeyRecord, type Organization, type Store } from '@airlock/store';
import { problems } from './problem.js';

const ORG_CACHE_MS = 60_000;

/**
 * The key from `Authorization: Bearer <key>`, or with `basic` from `Authorization: Basic` (any user name,
 * the key as password: pip and other Python tools send credentials that way, from the index URL).
 */
function keyOf(header: string, basic: boolean): string | null {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1]!;
  const b64 = basic ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header) : null;
  if (!b64) return null;
  const decoded = Buffer.from(b64[1]!, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return decoded.includes(':') && password ? password : null;
}

export function requireApiKey(store: Store, options: { basic?: boolean } = {}): RequestHandler {
  const orgs = new Map<string, { org: Organization; until: number }>();
  const organization = async (orgId: string) => {
    const now = Date.now();
    const hit = orgs.get(orgId);
    if (hit && hit.until > now) return hit.org;
    const org = await store.organizations.get(orgId);
    if (orgs.size > 10_000) orgs.clear();
    if (org) orgs.set(orgId, { org, until: now + ORG_CACHE_MS });
    return org;
  };
  // Keys whose last-used time this instance is writing: a burst of requests writes it once.
  const touching = new Set<string>();
  return async (req, res, next) => {
    // A Basic challenge makes clients that hold the key for this host (pip's keyring, netrc) send it.
    if (options.basic) res.set('www-authenticate', 'Basic realm="Airlock guard"');
    const given = keyOf(req.get('authorization') ?? '', options.basic === true);
    if (!given)
      throw problems.unauthorized(
        options.basic
          ? 'send an API key as the password of HTTP basic auth (index URL https://__token__:<key>@host/...) or as "Authorization: Bearer <key>"'
          : 'send an API key as "Authorization: Bearer <key>"',
      );
    const key = await store.apiKeys.lookup(given);
    if (!key) throw problems.unauthorized('the API key is not valid');
    if (!isActiveKey(key))
      throw problems.unauthorized(`the API key ${key.id} was ${key.revokedAt ? 'revoked' : 'rotated and has expired'}`);
    const org = await organization(key.orgId);
    if (!org) throw problems.unauthorized('the API key is not valid');
    if (!touching.has(key.id)) {
      touching.add(key.id);
      // Best effort: a last-used time that could not be written never fails the request.
      await store.apiKeys
        .touch(key)
        .catch(() => undefined)
        .finally(() => touching.delete(key.id));
    }
    res.removeHeader('www-authenticate');
    res.locals.org = org;
    res.locals.apiKey = key;
    next();
  };
}

export function orgOf(res: Response): Organization {
  return res.locals.org as Organization;
}

export function apiKeyOf(res: Response): ApiKeyRecord {
  return res.locals.apiKey as ApiKeyRecord;
}
