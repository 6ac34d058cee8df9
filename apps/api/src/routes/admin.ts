/** /v1/admin: creating organizations and API keys, behind a separate operator token (off when unset). */
import { timingSafeEqual, createHash } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import type { ApiContext } from '../context.js';
import { problems } from '../problem.js';
import { CreateOrganization } from '../schemas.js';
import { parse } from '../validate.js';

export function adminRouter(ctx: ApiContext): Router {
  const router = Router();
  router.use(requireAdmin(ctx.config.adminToken));
  router.post('/organizations', express.json({ limit: '4kb' }), async (req, res) => {
    const body = parse(CreateOrganization, req.body, 'the body');
    const { organization, apiKey } = await ctx.store.organizations.create(body.name);
    ctx.log.info({ org: organization.id, name: organization.name }, 'organization created');
    res.status(201).json({ organization, apiKey });
  });
  router.post('/organizations/:id/keys', async (req, res) => {
    const org = await ctx.store.organizations.get(String(req.params.id));
    if (!org) throw problems.notFound(`no organization ${req.params.id}`);
    const { key, secret } = await ctx.store.apiKeys.create(org.id, 'admin');
    ctx.log.info({ org: org.id, key: key.id }, 'api key created by an operator');
    res.status(201).json({ organization: org, apiKey: secret });
  });
  return router;
}

function requireAdmin(token: string | null): RequestHandler {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return (req, _res, next) => {
    if (!token) throw problems.forbidden('admin routes are disabled: set AIRLOCK_ADMIN_TOKEN to enable them');
    const presented = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!presented || !timingSafeEqual(digest(presented), digest(token))) throw problems.unauthorized('the admin token is not valid');
    next();
  };
}
