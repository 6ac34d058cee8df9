/** `Authorization: Bearer alk_...` -> the caller's organization on `res.locals.org`; everything under /v1 needs it. */
import type { RequestHandler, Response } from 'express';
import type { Organization, Store } from '@airlock/store';
import { problems } from './problem.js';

export function requireApiKey(store: Store): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw problems.unauthorized('send an API key as "Authorization: Bearer <key>"');
    const org = await store.organizations.authenticate(match[1]!);
    if (!org) throw problems.unauthorized('the API key is not valid');
    res.locals.org = org;
    next();
  };
}

export function orgOf(res: Response): Organization {
  return res.locals.org as Organization;
}
