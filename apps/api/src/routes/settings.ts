/**
 * /v1/settings: the calling organization's settings (packages/store org-settings.ts): accepted false
 * positives, what an install-time guard refuses, its budgets (lower only), its private npm registry (the
 * token stored encrypted, never returned: only whether one is set and its last 4 characters).
 */
import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import { isValidRange } from '@airlock/registry';
import {
  effectiveBudget,
  MAX_ACCEPTED_FALSE_POSITIVES,
  ownBudgetProblem,
  type AcceptedFalsePositive,
  type NpmRegistrySettings,
  type OrgSettings,
} from '@airlock/store';
import { apiKeyOf, orgOf } from '../auth.js';
import type { ApiConfig } from '../config.js';
import type { ApiContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { problems } from '../problem.js';
import { CreateAcceptedFalsePositive, PatchSettings } from '../schemas.js';
import { parse } from '../validate.js';

/** What the API shows of the settings: never a token, sealed or not. */
export function settingsView(settings: OrgSettings, config: ApiConfig) {
  const npm = settings.registries.npm;
  return {
    acceptedFalsePositives: settings.acceptedFalsePositives,
    guardRefuses: settings.guardRefuses,
    budgets: {
      forcePerDay: effectiveBudget(settings, 'force', config.forceBudgetPerDay),
      rescanPerDay: effectiveBudget(settings, 'rescan', config.rescanBudgetPerDay),
      own: settings.budgets,
    },
    registries: { npm: npm ? { url: npm.url, scopes: npm.scopes, tokenSet: npm.tokenSealed !== null, tokenLast4: npm.tokenLast4 } : null },
    updatedAt: settings.updatedAt,
  };
}

export function settingsRouter(ctx: ApiContext): Router {
  const router = Router();
  const json = express.json({ limit: '16kb' });

  router.get('/', async (_req, res) => {
    res.json(settingsView(await ctx.store.settings.get(orgOf(res).id), ctx.config));
  });

  router.patch('/', json, async (req, res) => {
    const body = parse(PatchSettings, req.body, 'the body');
    const orgId = orgOf(res).id;
    const updated = await ctx.store.settings.update(orgId, (current) => {
      const next: OrgSettings = { ...current, budgets: { ...current.budgets }, registries: { ...current.registries } };
      if (body.guardRefuses) next.guardRefuses = [...new Set(body.guardRefuses)];
      for (const kind of ['force', 'rescan'] as const) {
        const field = kind === 'force' ? 'forcePerDay' : 'rescanPerDay';
        const requested = body.budgets?.[field];
        if (requested === undefined) continue;
        const serviceDefault = kind === 'force' ? ctx.config.forceBudgetPerDay : ctx.config.rescanBudgetPerDay;
        const problem = ownBudgetProblem(effectiveBudget(current, kind, serviceDefault), requested, serviceDefault);
        if (problem) throw problems.forbidden(`budgets.${field}: ${problem}`);
        next.budgets[field] = requested;
      }
      if (body.registries?.npm !== undefined) next.registries.npm = npmRegistry(ctx, orgId, current.registries.npm, body.registries.npm);
      return next;
    });
    ctx.log.info({ org: orgId, key: apiKeyOf(res).id, fields: Object.keys(body) }, 'settings changed');
    res.json(settingsView(updated, ctx.config));
  });

  router.post('/accepted-false-positives', json, idempotent(ctx), async (req, res) => {
    const body = parse(CreateAcceptedFalsePositive, req.body, 'the body');
    if (body.match.kind === 'range' && !isValidRange(body.match.ecosystem, body.match.range))
      throw problems.badRequest(
        `match.range: ${JSON.stringify(body.match.range)} is not a ${body.match.ecosystem === 'npm' ? 'semver range' : 'PEP 440 specifier set'}`,
      );
    const key = apiKeyOf(res);
    const entry: AcceptedFalsePositive = {
      id: `afp_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
      match: body.match,
      reason: body.reason,
      by: { keyId: key.id, keyName: key.name },
      at: new Date().toISOString(),
    };
    await ctx.store.settings.update(key.orgId, (current) => {
      if (current.acceptedFalsePositives.length >= MAX_ACCEPTED_FALSE_POSITIVES)
        throw problems.conflict(`this organization has ${MAX_ACCEPTED_FALSE_POSITIVES} accepted false positives: delete some first`);
      return { ...current, acceptedFalsePositives: [...current.acceptedFalsePositives, entry] };
    });
    ctx.log.info({ org: key.orgId, key: key.id, acceptance: entry.id, match: entry.match }, 'false positive accepted');
    res.status(201).location(`/v1/settings/accepted-false-positives/${entry.id}`).json(entry);
  });

  router.delete('/accepted-false-positives/:id', async (req, res) => {
    const id = String(req.params.id);
    const orgId = orgOf(res).id;
    await ctx.store.settings.update(orgId, (current) => {
      if (!current.acceptedFalsePositives.some((e) => e.id === id))
        throw problems.notFound(`no accepted false positive ${id} in this organization`);
      return { ...current, acceptedFalsePositives: current.acceptedFalsePositives.filter((e) => e.id !== id) };
    });
    ctx.log.info({ org: orgId, key: apiKeyOf(res).id, acceptance: id }, 'accepted false positive deleted');
    res.status(204).end();
  });
  return router;
}

/**
 * The new npm registry setting. A token is sealed with the service's key and bound to the organization;
 * one set for another URL is dropped when the URL changes (it must never be sent to a host it was not
 * given for), unless a new one comes with it.
 */
function npmRegistry(
  ctx: ApiContext,
  orgId: string,
  current: NpmRegistrySettings | null,
  patch: { url: string; scopes: string[]; token?: string | null | undefined } | null,
): NpmRegistrySettings | null {
  if (patch === null) return null;
  const url = new URL(patch.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw problems.badRequest('registries.npm.url: an http(s) URL');
  if (url.username || url.password) throw problems.badRequest('registries.npm.url: no credentials in the URL; send them as `token`');
  const href = url.href.endsWith('/') ? url.href : `${url.href}/`;
  const scopes = [...new Set(patch.scopes.map((s) => s.toLowerCase()))].sort();
  const keep = patch.token === undefined && current?.url === href;
  if (patch.token && !ctx.config.secretBox)
    throw problems.unavailable(
      'this service has no secrets key (AIRLOCK_SECRETS_KEY or AIRLOCK_SECRETS_KEY_FILE): registry tokens cannot be stored',
    );
  return {
    url: href,
    scopes,
    tokenSealed: patch.token ? ctx.config.secretBox!.seal(patch.token, orgId) : keep ? current.tokenSealed : null,
    // Four characters of a short token would be too much of it: none then.
    tokenLast4: patch.token ? (patch.token.length >= 12 ? patch.token.slice(-4) : null) : keep ? current.tokenLast4 : null,
  };
}
