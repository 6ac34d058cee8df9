/**
 * GET /v1/verdicts/:ecosystem/:name/:version — the public verdict of a registry package version and the
 * history of its runs (scoped npm names: URL-encode the slash or send it as is). An upload's verdict is
 * never answered here, whatever name and version its archive claims: its analysis shows its own. A package
 * of the caller's private registry answers with the caller's own verdict (no shared history); for anyone
 * else it does not exist here. The verdict is shown through the caller's accepted false positives.
 */
import { Router } from 'express';
import { isPrivatePackage, type VerdictRun } from '@airlock/store';
import { orgLens } from '../org-view.js';
import { problems } from '../problem.js';
import { orgOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { Ecosystem } from '../schemas.js';
import { parse } from '../validate.js';

/** Other organizations' ids are never shown: who scans what is each tenant's own business. */
function runView(run: VerdictRun, orgId: string) {
  const { requestedBy, ...rest } = run;
  return { ...rest, requestedByYou: requestedBy.includes(orgId), organizations: requestedBy.length };
}

export function verdictsRouter(ctx: ApiContext): Router {
  const router = Router();
  // `@scope/name` arrives as two path segments unless encoded; both spellings work.
  router.get(['/:ecosystem/:name/:version', '/:ecosystem/:scope/:name/:version'], async (req, res) => {
    const ecosystem = parse(Ecosystem, req.params.ecosystem, 'the ecosystem');
    const params = req.params as Record<string, string>;
    const name = params.scope ? `${params.scope}/${params.name}` : String(params.name);
    const version = String(params.version);
    const orgId = orgOf(res).id;
    const lens = await orgLens(ctx.store, orgId);
    const notFound = () => problems.notFound(`no verdict for ${ecosystem}:${name}@${version}; submit it to POST /v1/analyses`);
    if (isPrivatePackage(await ctx.store.settings.get(orgId), ecosystem, name)) {
      const own = await ctx.store.verdicts.privateLatest(orgId, ecosystem, name, version);
      if (!own) throw notFound();
      res.set('cache-control', 'private, max-age=60').json({ ...lens(own), private: true, pendingRuns: 0, history: [] });
      return;
    }
    const [entry, history] = await Promise.all([
      ctx.store.verdicts.latest(ecosystem, name, version),
      ctx.store.verdicts.history(ecosystem, name, version),
    ]);
    if (!entry) throw notFound();
    // A reader of a verdict is told when it changes (analysis.verdict_changed).
    await ctx.store.verdicts.addReceiver(ecosystem, name, version, orgId);
    const pending = history.findIndex((run) => !run.held);
    res.set('cache-control', 'private, max-age=60').json({
      ...lens(entry),
      private: false,
      pendingRuns: pending === -1 ? history.length : pending,
      history: history.map((run) => runView(run, orgId)),
    });
  });
  return router;
}
