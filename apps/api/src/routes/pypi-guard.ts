/**
 * The pip install-time guard: a PEP 503/691 simple index (`--index-url https://__token__:<key>@host/v1/guard/pypi/simple/`)
 * in front of the upstream index. A version the organization's policy refuses stays on the page, yanked
 * with the reason (PEP 592), so a range skips it and an `==` pin prints why; every file comes through
 * here and is checked again, refused with a status line pip prints; a version no run has judged is
 * submitted for analysis as its file is asked for.
 */
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import { submitAnalysis } from '@airlock/queue';
import {
  DEFAULT_PYPI_INDEX,
  PEP691_JSON,
  guardDecision,
  guardSimpleProject,
  httpGet,
  httpGetStream,
  indexRoots,
  listingDecision,
  negotiateSimpleFormat,
  normalizePypiName,
  parseSimpleProject,
  renderSimpleHtml,
  renderSimpleJson,
  simpleContentType,
  simpleReleases,
  type GuardDecision,
  type GuardPolicy,
  type SimpleRelease,
} from '@airlock/registry';
import { orgOf } from '../auth.js';
import type { ApiContext } from '../context.js';

const UPSTREAM_TIMEOUT_MS = 30_000;
/** The largest projects' pages run to tens of MB. */
const MAX_PAGE_BYTES = 64 * 1024 * 1024;
const PROJECT = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?$/;

/**
 * pip shows a failed download as `<status> Client Error: <reason> for url: <url>`: the reason phrase of
 * the status line carries the message (printable ASCII only, by HTTP's rules); the body says it again.
 */
function refuse(res: Response, status: number, message: string): void {
  res.statusMessage = message.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 400);
  res.status(status).type('text/plain').send(`${message}\n`);
}

class UpstreamError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The upstream project page as releases (PEP 691 JSON only: PyPI, devpi, Artifactory and the like serve it). */
async function upstreamReleases(ctx: ApiContext, project: string): Promise<SimpleRelease[]> {
  const url = `${indexRoots(ctx.config.pypiIndex ?? DEFAULT_PYPI_INDEX).simple}${project}/`;
  const res = await httpGet(url, { accept: PEP691_JSON, maxBytes: MAX_PAGE_BYTES, timeoutMs: UPSTREAM_TIMEOUT_MS }).catch((err: Error) => {
    throw new UpstreamError(502, `Airlock could not reach the upstream index: ${err.message}`);
  });
  if (res.status === 404) throw new UpstreamError(404, `${project}: no such project on the upstream index`);
  if (res.status !== 200) throw new UpstreamError(502, `the upstream index answered ${res.status} for ${project}`);
  if (!res.contentType.startsWith(PEP691_JSON))
    throw new UpstreamError(502, `the upstream index answered ${res.contentType || 'no content type'}, not PEP 691 JSON (${PEP691_JSON})`);
  try {
    return simpleReleases(parseSimpleProject(JSON.parse(res.body.toString('utf8')), res.url), project);
  } catch (err) {
    throw new UpstreamError(502, `the upstream index's page for ${project} is not valid: ${(err as Error).message}`);
  }
}

/** Each release's decision: `listing` for a page (unknown versions stay listed), the full one for a download. */
async function decide(
  ctx: ApiContext,
  res: Response,
  service: GuardPolicy,
  project: string,
  releases: readonly SimpleRelease[],
  decision: typeof guardDecision,
): Promise<Map<string, GuardDecision>> {
  const [settings, verdicts] = await Promise.all([
    ctx.store.settings.get(orgOf(res).id),
    ctx.store.verdicts.latestMany(
      'pypi',
      project,
      releases.map((r) => r.version),
    ),
  ]);
  const policy = { ...service, refuse: settings.guardRefuses };
  const now = Date.now();
  return new Map(
    releases.map((r, i) => [
      r.version,
      decision(`${project}==${r.version}`, { verdict: verdicts[i]?.verdict ?? null, publishedAt: r.publishedAt }, policy, now),
    ]),
  );
}

/** The project as PEP 503 normalises it; pip asks for it so, other clients may not. */
function projectOf(req: Request, res: Response): string | null {
  const given = String(req.params.project ?? '');
  if (PROJECT.test(given)) return normalizePypiName(given);
  refuse(res, 400, `${JSON.stringify(given)} is not a Python project name`);
  return null;
}

function fail(res: Response, err: unknown): void {
  if (err instanceof UpstreamError) return refuse(res, err.status, err.message);
  throw err;
}

export function pypiGuardRouter(ctx: ApiContext, service: GuardPolicy): Router {
  const router = Router();

  router.get('/simple/:project/', async (req, res) => {
    const project = projectOf(req, res);
    if (!project) return;
    // PEP 503: the normalised name is the canonical URL (routing here matches with or without the final slash).
    if (project !== String(req.params.project)) return res.redirect(301, `${req.baseUrl}/simple/${project}/`);
    const format = negotiateSimpleFormat(req.get('accept'));
    if (!format) return refuse(res, 406, `send Accept: ${PEP691_JSON}, application/vnd.pypi.simple.v1+html or text/html`);
    let releases: SimpleRelease[];
    try {
      releases = await upstreamReleases(ctx, project);
    } catch (err) {
      return fail(res, err);
    }
    const decisions = await decide(ctx, res, service, project, releases, listingDecision);
    const refused = [...decisions.values()].filter((d) => !d.allow).length;
    if (refused > 0) ctx.log.info({ org: orgOf(res).id, package: project, refused }, 'guard: versions yanked on the simple page');
    const page = guardSimpleProject(project, releases, decisions, `${req.protocol}://${req.get('host')}${req.baseUrl}/files/${project}`);
    res.set('cache-control', 'private, no-store').set('vary', 'Accept').type(simpleContentType(format));
    res.send(
      format === 'json'
        ? renderSimpleJson(
            page,
            releases.map((r) => r.version),
          )
        : renderSimpleHtml(page),
    );
  });

  router.get('/files/:project/:file', async (req, res) => {
    const project = projectOf(req, res);
    if (!project) return;
    let releases: SimpleRelease[];
    try {
      releases = await upstreamReleases(ctx, project);
    } catch (err) {
      return fail(res, err);
    }
    // The file and its version as the upstream lists them now: the guard never fetches a URL a client chose.
    const wanted = String(req.params.file);
    const release = releases.find((r) => r.files.some((f) => f.filename === wanted));
    const file = release?.files.find((f) => f.filename === wanted);
    if (!release || !file) return refuse(res, 404, `${wanted} is not a file of ${project} on the upstream index`);
    const decision = (await decide(ctx, res, service, project, [release], guardDecision)).get(release.version)!;
    const orgId = orgOf(res).id;
    const id = `${project}==${release.version}`;
    if (decision.unknown)
      await submitAnalysis(ctx.store, ctx.queues, {
        orgId,
        target: { kind: 'registry', ecosystem: 'pypi', name: project, version: release.version },
        source: 'api',
      });
    else await ctx.store.verdicts.addReceiver('pypi', project, release.version, orgId);
    if (!decision.allow) {
      ctx.log.warn({ org: orgId, package: id, reason: decision.reason }, 'guard: install refused');
      return refuse(res, 403, `Airlock refused ${id}: ${decision.reason}`);
    }
    const upstream = await httpGetStream(file.url, { timeoutMs: UPSTREAM_TIMEOUT_MS }).catch((err: Error) => err);
    if (upstream instanceof Error) return refuse(res, 502, `Airlock could not reach the upstream index: ${upstream.message}`);
    if (upstream.statusCode !== 200) {
      upstream.resume();
      return refuse(res, 502, `the upstream index answered ${upstream.statusCode} for ${file.filename}`);
    }
    res.status(200).type('application/octet-stream');
    const length = upstream.headers['content-length'];
    if (length) res.set('content-length', length);
    // Streamed (wheels reach hundreds of MB), through the environment's proxy; pip checks the bytes against the page's sha256.
    await pipeline(upstream, res);
  });

  return router;
}
