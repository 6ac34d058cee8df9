/** /v1/webhooks: register (secret shown once), list, delete, and read a webhook's delivery log. */
import express, { Router } from 'express';
import { checkWebhookDestination, generateWebhookSecret, WebhookUrlError } from '@airlock/webhooks';
import type { WebhookRecord } from '@airlock/store';
import { orgOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { problems } from '../problem.js';
import { CreateWebhook } from '../schemas.js';
import { parse } from '../validate.js';

const view = ({ secret: _secret, orgId: _orgId, ...rest }: WebhookRecord) => rest;

export function webhooksRouter(ctx: ApiContext): Router {
  const router = Router();

  router.post('/', express.json({ limit: '16kb' }), idempotent(ctx), async (req, res) => {
    const body = parse(CreateWebhook, req.body, 'the body');
    try {
      await checkWebhookDestination(body.url, { allowPrivateNetworks: ctx.config.webhookAllowPrivate });
    } catch (err) {
      if (err instanceof WebhookUrlError) throw problems.unprocessable(err.message);
      throw err;
    }
    const webhook = await ctx.store.webhooks.create({
      orgId: orgOf(res).id,
      url: body.url,
      events: [...new Set(body.events)],
      secret: generateWebhookSecret(),
    });
    ctx.log.info({ org: webhook.orgId, webhook: webhook.id, url: webhook.url }, 'webhook registered');
    // The only time the secret is shown: the receiver needs it to verify signatures.
    res
      .status(201)
      .location(`/v1/webhooks/${webhook.id}`)
      .json({ ...view(webhook), secret: webhook.secret });
  });

  router.get('/', async (_req, res) => {
    res.json({ webhooks: (await ctx.store.webhooks.list(orgOf(res).id)).map(view) });
  });

  router.get('/:id/deliveries', async (req, res) => {
    const webhook = await ctx.store.webhooks.get(String(req.params.id), orgOf(res).id);
    if (!webhook) throw problems.notFound(`no webhook ${req.params.id} in this organization`);
    res.json({ deliveries: await ctx.store.webhooks.listDeliveries(webhook.id, 100) });
  });

  router.delete('/:id', async (req, res) => {
    if (!(await ctx.store.webhooks.delete(String(req.params.id), orgOf(res).id)))
      throw problems.notFound(`no webhook ${req.params.id} in this organization`);
    res.status(204).end();
  });

  return router;
}
