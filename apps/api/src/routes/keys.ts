/**
 * /v1/keys: an organization's own API keys: list (with last use), create (the secret shown once), revoke,
 * rotate (a new key with the same name; the old one revoked at once, or after a grace period of at most 24 h).
 */
import express, { Router } from 'express';
import { isActiveKey, type ApiKeyRecord } from '@airlock/store';
import { apiKeyOf, orgOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { problems } from '../problem.js';
import { CreateApiKey, RotateApiKey } from '../schemas.js';
import { parse } from '../validate.js';

function keyView(key: ApiKeyRecord, currentId: string) {
  const { orgId: _orgId, ...rest } = key;
  return { ...rest, active: isActiveKey(key), current: key.id === currentId };
}

export function keysRouter(ctx: ApiContext): Router {
  const router = Router();
  const json = express.json({ limit: '4kb' });

  router.get('/', async (_req, res) => {
    const current = apiKeyOf(res).id;
    res.json({ keys: (await ctx.store.apiKeys.list(orgOf(res).id)).map((key) => keyView(key, current)) });
  });

  router.post('/', json, idempotent(ctx), async (req, res) => {
    const body = parse(CreateApiKey, req.body, 'the body');
    const { key, secret } = await ctx.store.apiKeys.create(orgOf(res).id, body.name);
    ctx.log.info({ org: key.orgId, key: key.id, by: apiKeyOf(res).id }, 'api key created');
    res
      .status(201)
      .location(`/v1/keys/${key.id}`)
      .json({ ...keyView(key, apiKeyOf(res).id), secret });
  });

  router.delete('/:id', async (req, res) => {
    const orgId = orgOf(res).id;
    const id = String(req.params.id);
    const keys = await ctx.store.apiKeys.list(orgId);
    const target = keys.find((k) => k.id === id);
    if (!target) throw problems.notFound(`no API key ${id} in this organization`);
    if (isActiveKey(target) && !keys.some((k) => k.id !== id && isActiveKey(k)))
      throw problems.conflict(`${id} is this organization's only active key: create or rotate to another one first`);
    const revoked = await ctx.store.apiKeys.revoke(orgId, id);
    if (!revoked) throw problems.notFound(`no API key ${id} in this organization`);
    ctx.log.info({ org: orgId, key: id, by: apiKeyOf(res).id }, 'api key revoked');
    res.json(keyView(revoked, apiKeyOf(res).id));
  });

  router.post('/:id/rotate', json, idempotent(ctx), async (req, res) => {
    const body = parse(RotateApiKey, req.body ?? {}, 'the body');
    const orgId = orgOf(res).id;
    const id = String(req.params.id);
    const existing = await ctx.store.apiKeys.get(orgId, id);
    if (!existing) throw problems.notFound(`no API key ${id} in this organization`);
    const rotated = await ctx.store.apiKeys.rotate(orgId, id, body.gracePeriodSeconds * 1000);
    if (!rotated)
      throw problems.conflict(`API key ${id} is no longer active or was already rotated: rotate its replacement or create a key`);
    ctx.log.info({ org: orgId, key: id, to: rotated.key.id, graceS: body.gracePeriodSeconds }, 'api key rotated');
    const current = apiKeyOf(res).id;
    res
      .status(201)
      .location(`/v1/keys/${rotated.key.id}`)
      .json({ ...keyView(rotated.key, current), secret: rotated.secret, previous: keyView(rotated.old, current) });
  });

  return router;
}
