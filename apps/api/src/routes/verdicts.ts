/** GET /v1/verdicts/:ecosystem/:name/:version — the latest verdict (scoped npm names: URL-encode the slash or send it as is). */
import { Router } from 'express';
import { problems } from '../problem.js';
import { orgOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { Ecosystem } from '../schemas.js';
import { parse } from '../validate.js';

export function verdictsRouter(ctx: ApiContext): Router {
  const router = Router();
  // `@scope/name` arrives as two path segments unless encoded; both spellings work.
  router.get(['/:ecosystem/:name/:version', '/:ecosystem/:scope/:name/:version'], async (req, res) => {
    const ecosystem = parse(Ecosystem, req.params.ecosystem, 'the ecosystem');
    const params = req.params as Record<string, string>;
    const name = params.scope ? `${params.scope}/${params.name}` : String(params.name);
    const version = String(params.version);
    const entry = await ctx.store.verdicts.latest(orgOf(res).id, ecosystem, name, version);
    if (!entry) throw problems.notFound(`no verdict for ${ecosystem}:${name}@${version}; submit it to POST /v1/analyses`);
    res.set('cache-control', 'private, max-age=60').json(entry);
  });
  return router;
}
