/**
 * /v1/admin: creating organizations and API keys, raising an organization's budgets, and overriding a
 * public verdict by hand (with a reason, kept in the version's history and announced like any change),
 * behind a separate operator token (off when unset).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { deliverWebhookEvent } from '@airlock/queue';
import type { ApiContext } from '../context.js';
import { orgLens } from '../org-view.js';
import { problems } from '../problem.js';
import { AdminPatchSettings, CreateOrganization, OverrideVerdict } from '../schemas.js';
import { settingsView } from './settings.js';
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

  /** An operator may set an organization's budgets to anything (an organization may only lower its own). */
  router.patch('/organizations/:id/settings', express.json({ limit: '4kb' }), async (req, res) => {
    const org = await ctx.store.organizations.get(String(req.params.id));
    if (!org) throw problems.notFound(`no organization ${req.params.id}`);
    const body = parse(AdminPatchSettings, req.body, 'the body');
    const updated = await ctx.store.settings.update(org.id, (current) => ({
      ...current,
      budgets: {
        forcePerDay: body.budgets.forcePerDay === undefined ? current.budgets.forcePerDay : body.budgets.forcePerDay,
        rescanPerDay: body.budgets.rescanPerDay === undefined ? current.budgets.rescanPerDay : body.budgets.rescanPerDay,
      },
    }));
    ctx.log.info({ org: org.id, budgets: updated.budgets }, 'budgets set by an operator');
    res.json(settingsView(updated, ctx.config));
  });

  /**
   * Sets the public verdict of a registry version (a sticky `malicious` found wrong on review, or one to
   * raise at once): recorded in the version's history with the reason, and every organization that had
   * received the old verdict is sent analysis.verdict_changed (as its accepted false positives show it).
   */
  router.post('/verdicts', express.json({ limit: '8kb' }), async (req, res) => {
    const body = parse(OverrideVerdict, req.body, 'the body');
    const { ecosystem, name, version } = body;
    const recorded = await ctx.store.verdicts.override(ecosystem, name, version, {
      verdict: body.verdict,
      reason: body.reason,
      at: new Date().toISOString(),
    });
    if (!recorded) throw problems.notFound(`no public verdict for ${ecosystem}:${name}@${version} to override`);
    const verdictUrl = `/v1/verdicts/${ecosystem}/${name}/${version}`;
    for (const orgId of recorded.notify) {
      const seen = (await orgLens(ctx.store, orgId))({ ecosystem, name, version, verdict: recorded.entry.verdict });
      const data = {
        package: { ecosystem, name, version },
        verdict: seen.verdict,
        originalVerdict: seen.originalVerdict,
        acceptedFalsePositive: seen.acceptedFalsePositive,
        previousVerdict: recorded.previousVerdict,
        verdictUrl,
        override: recorded.entry.override,
      };
      for (const webhook of await ctx.store.webhooks.subscribedTo(orgId, 'analysis.verdict_changed'))
        await deliverWebhookEvent(ctx.store, ctx.queues, webhook, 'analysis.verdict_changed', data);
    }
    ctx.log.warn(
      { package: `${ecosystem}:${name}@${version}`, from: recorded.run.note, to: body.verdict, notified: recorded.notify.length },
      'public verdict overridden by an operator',
    );
    const { entry } = recorded;
    res.json({
      ecosystem,
      name,
      version,
      verdict: entry.verdict,
      previousVerdict: recorded.previousVerdict,
      override: entry.override!,
      notified: recorded.notify.length,
    });
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
