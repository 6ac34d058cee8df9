/**
 * GET /v1/analyses/:id/report.html: one analysis as the page `airlock scan --html` writes, for a browser.
 * A browser sends no Bearer token, so the analysis resource carries a short-lived signed link
 * (`links.reportHtml`, ../report-link.ts); a Bearer key works too. Either way the page is the analysing
 * organization's view (its accepted false positives), is never cached, never leaks its URL (it carries the
 * signature) as a Referer, and runs no script (the same Content-Security-Policy as the file).
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { SandboxReport } from '@airlock/core';
import { renderReportHtml } from '@airlock/report';
import type { AnalysisRecord } from '@airlock/store';
import { orgOf, requireApiKey } from '../auth.js';
import type { ApiContext } from '../context.js';
import { orgLens } from '../org-view.js';
import { problems } from '../problem.js';
import { rateLimit } from '../rate-limit.js';

/** The CLI file's policy (packages/report render-html.ts), as a header too: no script, nothing fetched. */
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A signed link's refusal: plain text a person reads in the browser tab, not problem+json. */
function refuse(res: Response, status: number, text: string): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .set('Referrer-Policy', 'no-referrer')
    .type('text/plain; charset=utf-8')
    .send(`${text}\n`);
}

export function reportHtmlRouter(ctx: ApiContext): Router {
  const router = Router();
  const bearer = requireApiKey(ctx.store);
  const limit = rateLimit(ctx.store, ctx.config.rateLimitPerMinute);

  /** `?exp=&sig=`: the link is the credential; else the Bearer key as everywhere under /v1. */
  const authenticate: RequestHandler = async (req, res, next) => {
    if (req.query.sig === undefined && req.query.exp === undefined) return bearer(req, res, next);
    const id = String(req.params.id);
    if (!ctx.reportLinks)
      return refuse(res, 403, 'Signed report links are off: this Airlock service has no secrets key (AIRLOCK_SECRETS_KEY).');
    const analysis = await ctx.store.analyses.get(id);
    if (!analysis) return refuse(res, 404, `No analysis ${id}.`);
    const check = ctx.reportLinks.check(analysis.id, analysis.orgId, req.query.exp, req.query.sig, Date.now());
    if (!check.ok) {
      ctx.log.info({ analysis: id, why: check.why }, 'report link refused');
      return refuse(
        res,
        403,
        check.why === 'expired'
          ? `This report link expired at ${check.expiredAt}. Open the analysis again (GET /v1/analyses/${id}) for a new link.`
          : 'This report link is not valid (its signature does not match). Open the analysis again for a new link.',
      );
    }
    const org = await ctx.store.organizations.get(analysis.orgId);
    if (!org) return refuse(res, 404, `No analysis ${id}.`);
    res.locals.org = org;
    res.locals.analysis = analysis;
    return next();
  };

  router.get('/:id/report.html', authenticate, limit, async (req: Request, res: Response) => {
    const orgId = orgOf(res).id;
    const id = String(req.params.id);
    const analysis = (res.locals.analysis as AnalysisRecord | undefined) ?? (await ctx.store.analyses.get(id, orgId));
    if (!analysis) throw problems.notFound(`no analysis ${id} in this organization`);
    if (!analysis.reportId) throw problems.notFound(`analysis ${analysis.id} has no report (status ${analysis.status})`);
    const stored = await ctx.store.verdicts.reportJson(analysis.reportId);
    if (!stored) throw problems.notFound(`the report of analysis ${analysis.id} is no longer stored`);
    const seen = (await orgLens(ctx.store, orgId))(analysis);
    const page = renderReportHtml(JSON.parse(stored) as SandboxReport, { acceptedFalsePositive: seen.acceptedFalsePositive });
    res
      .set('Cache-Control', 'no-store')
      .set('Referrer-Policy', 'no-referrer')
      .set('Content-Security-Policy', PAGE_CSP)
      .set('X-Robots-Tag', 'noindex')
      .type('text/html; charset=utf-8')
      .send(page);
  });
  return router;
}
