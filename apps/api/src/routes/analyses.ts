/** /v1/analyses: submit (registry package or uploaded archive), status, report, artifacts, rerun, cancel, list (by verdict too). */
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { AirlockError } from '@airlock/core';
import { cancelAnalysis, submitAnalysis, type AnalysisTarget } from '@airlock/queue';
import { prepareArchiveBuffer, readGuardedArchive, UploadTooLargeError } from '@airlock/sandbox';
import { TERMINAL_STATUSES, formatListCursor, parseListCursor, type AnalysisRecord } from '@airlock/store';
import { orgOf } from '../auth.js';
import { orgLens, type OrgLens } from '../org-view.js';
import type { ReportLinkSigner } from '../report-link.js';
import { assertNpmVersionExists, privateOwner } from '../registry-access.js';
import type { ApiContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { problems } from '../problem.js';
import { takeForceBudget } from '../rate-limit.js';
import { ListQuery, SubmitAnalysis, UploadQuery } from '../schemas.js';
import { parse } from '../validate.js';

const ARCHIVE_TYPES = ['application/octet-stream', 'application/gzip', 'application/x-gzip', 'application/zip', 'application/x-tar'];

/** An analysis as its organization sees it: the verdict through its accepted false positives (the stored one kept as `originalVerdict`). */
function analysisView(a: AnalysisRecord, lens: OrgLens, reportLinks: ReportLinkSigner | null) {
  const { runKey: _runKey, orgId: _orgId, reportId, ...rest } = lens(a);
  const links: Record<string, string> = { self: `/v1/analyses/${a.id}` };
  if (reportId) {
    links.report = `/v1/analyses/${a.id}/report`;
    // For a browser, which sends no Bearer key: minted for this organization only, short-lived (report-html.ts).
    if (reportLinks) links.reportHtml = reportLinks.mint(a.id, a.orgId, Date.now());
    links.trace = `/v1/analyses/${a.id}/artifacts/install.record`;
    links.network = `/v1/analyses/${a.id}/artifacts/network.jsonl`;
  }
  return { ...rest, links };
}

/**
 * A file in an analysis's artifacts folder. `install.record` / `import.record` name a phase's syscall record
 * whatever its format: the gVisor Sentry's log (`PHASE.gvisor.jsonl`) or strace's (`PHASE.strace`, runc).
 */
async function artifactFile(root: string, name: string) {
  const phase = /^(install|import)\.record$/.exec(name)?.[1];
  for (const candidate of phase ? [`${phase}.gvisor.jsonl`, `${phase}.strace`] : [name]) {
    const path = resolve(root, candidate);
    const info = path.startsWith(root + sep) ? await stat(path).catch(() => null) : null;
    if (info?.isFile()) return { path, info };
  }
  return null;
}

export function analysesRouter(ctx: ApiContext): Router {
  const router = Router();
  const json = express.json({ limit: '16kb' });

  router.post('/', json, idempotent(ctx), async (req, res) => {
    const org = orgOf(res);
    const analysis = req.is('application/json')
      ? await submitRegistry(ctx, org.id, req, res)
      : req.is(ARCHIVE_TYPES)
        ? await submitUpload(ctx, org.id, req, res)
        : null;
    if (!analysis)
      throw problems.unsupportedMedia(
        `send application/json ({ecosystem, name, version}) or an archive as application/octet-stream with ?filename=`,
      );
    ctx.log.info(
      {
        org: org.id,
        analysis: analysis.id,
        package: `${analysis.ecosystem}:${analysis.name}@${analysis.version}`,
        cached: analysis.cached,
        status: analysis.status,
      },
      'analysis submitted',
    );
    res
      .status(analysis.status === 'completed' ? 200 : 202)
      .location(`/v1/analyses/${analysis.id}`)
      .json(analysisView(analysis, await orgLens(ctx.store, org.id), ctx.reportLinks));
  });

  router.get('/', async (req, res) => {
    const query = parse(ListQuery, req.query, 'the query');
    const before = query.before === undefined ? undefined : (parseListCursor(query.before) ?? undefined);
    const records = await ctx.store.analyses.list(orgOf(res).id, query.limit, before, query.verdict);
    const lens = await orgLens(ctx.store, orgOf(res).id);
    res.json({
      analyses: records.map((a) => analysisView(a, lens, ctx.reportLinks)),
      next: records.length === query.limit ? formatListCursor(Date.parse(records.at(-1)!.submittedAt), records.at(-1)!.id) : null,
    });
  });

  router.get('/:id', async (req, res) => {
    res.json(analysisView(await ownAnalysis(ctx, req, orgOf(res).id), await orgLens(ctx.store, orgOf(res).id), ctx.reportLinks));
  });

  router.get('/:id/report', async (req, res) => {
    const analysis = await ownAnalysis(ctx, req, orgOf(res).id);
    if (!analysis.reportId) throw problems.notFound(`analysis ${analysis.id} has no report (status ${analysis.status})`);
    const report = await ctx.store.verdicts.reportJson(analysis.reportId);
    if (!report) throw problems.notFound(`the report of analysis ${analysis.id} is no longer stored`);
    // The report is the run's, served as stored; an accepted false positive of this organization is named in a header.
    const seen = (await orgLens(ctx.store, analysis.orgId))(analysis);
    if (seen.acceptedFalsePositive) res.set('Airlock-Accepted-False-Positive', seen.acceptedFalsePositive.id);
    res.type('application/json').send(report);
  });

  router.get('/:id/artifacts/:name', async (req, res) => {
    const analysis = await ownAnalysis(ctx, req, orgOf(res).id);
    const name = String(req.params.name);
    if (!analysis.reportId || !/^[\w.-]+$/.test(name)) throw problems.notFound(`no artifact ${name} for analysis ${analysis.id}`);
    const root = resolve(ctx.config.dataDir, 'artifacts', analysis.reportId);
    const found = await artifactFile(root, name);
    if (!found) {
      const expiredAt = await ctx.store.retention.artifactsExpiredAt(analysis.reportId);
      if (expiredAt) {
        throw problems.gone(
          `the artifacts of analysis ${analysis.id} were deleted by the artifact retention at ${expiredAt}; the report and verdict are kept`,
          { expiredAt },
        );
      }
      throw problems.notFound(`no artifact ${name} for analysis ${analysis.id}`);
    }
    const { path, info } = found;
    res.type(path.endsWith('.jsonl') ? 'application/x-ndjson' : 'text/plain').set('content-length', String(info.size));
    createReadStream(path).pipe(res);
  });

  /** The same package (or uploaded archive) run again now, whatever its verdict: how an operator rechecks an inconclusive one. */
  router.post('/:id/rerun', idempotent(ctx), async (req, res) => {
    const analysis = await ownAnalysis(ctx, req, orgOf(res).id);
    if (!TERMINAL_STATUSES.includes(analysis.status)) throw problems.conflict(`analysis ${analysis.id} is still ${analysis.status}`);
    const target = await rerunTarget(ctx, analysis);
    await takeForceBudget(ctx.store, res, analysis.orgId, ctx.config.forceBudgetPerDay);
    const rerun = await submitAnalysis(ctx.store, ctx.queues, {
      orgId: analysis.orgId,
      target,
      source: 'api',
      force: true,
    });
    ctx.log.info({ org: analysis.orgId, analysis: rerun.id, of: analysis.id }, 'analysis rerun');
    res
      .status(202)
      .location(`/v1/analyses/${rerun.id}`)
      .json(analysisView(rerun, await orgLens(ctx.store, analysis.orgId), ctx.reportLinks));
  });

  router.post('/:id/cancel', async (req, res) => {
    const analysis = await ownAnalysis(ctx, req, orgOf(res).id);
    if (!(await cancelAnalysis(ctx.store, ctx.queues, analysis)))
      throw problems.conflict(`analysis ${analysis.id} is already ${analysis.status}`);
    res.json(analysisView((await ctx.store.analyses.get(analysis.id))!, await orgLens(ctx.store, analysis.orgId), ctx.reportLinks));
  });

  return router;
}

async function ownAnalysis(ctx: ApiContext, req: Request, orgId: string): Promise<AnalysisRecord> {
  const id = String(req.params.id);
  const analysis = await ctx.store.analyses.get(id, orgId);
  if (!analysis) throw problems.notFound(`no analysis ${id} in this organization`);
  return analysis;
}

/** What the analysis ran: the registry version, or the uploaded archive kept under the data folder. */
async function rerunTarget(ctx: ApiContext, analysis: AnalysisRecord): Promise<AnalysisTarget> {
  const { ecosystem, name, version } = analysis;
  if (analysis.source === 'registry') {
    // Private if its organization's registry serves it now (the settings may have changed since).
    const owner = privateOwner(await ctx.store.settings.get(analysis.orgId), analysis.orgId, ecosystem, name);
    return { kind: 'registry', ecosystem, name, version, ...(owner ? { privateTo: owner } : {}) };
  }
  const sha256 = analysis.archiveSha256;
  const dir = sha256 ? join(ctx.config.dataDir, 'uploads', sha256) : null;
  const fileName = dir ? (await readdir(dir).catch(() => []))[0] : undefined;
  if (!sha256 || !dir || !fileName)
    throw problems.gone(`the uploaded archive of analysis ${analysis.id} is no longer kept: upload it again`);
  return { kind: 'archive', ecosystem, name, version, path: join(dir, fileName), sha256, fileName };
}

async function submitRegistry(ctx: ApiContext, orgId: string, req: Request, res: Response): Promise<AnalysisRecord> {
  const body = parse(SubmitAnalysis, req.body, 'the body');
  const settings = await ctx.store.settings.get(orgId);
  const owner = privateOwner(settings, orgId, body.ecosystem, body.name);
  if (body.ecosystem === 'npm') await assertNpmVersionExists(ctx, settings, owner, body.name, body.version);
  if (body.force) await takeForceBudget(ctx.store, res, orgId, ctx.config.forceBudgetPerDay);
  return submitAnalysis(ctx.store, ctx.queues, {
    orgId,
    target: { kind: 'registry', ecosystem: body.ecosystem, name: body.name, version: body.version, ...(owner ? { privateTo: owner } : {}) },
    source: 'api',
    force: body.force ?? false,
  });
}

/** The archive is checked (hostile entries, metadata) before anything is stored or queued. */
async function submitUpload(ctx: ApiContext, orgId: string, req: Request, res: Response): Promise<AnalysisRecord> {
  const query = parse(UploadQuery, req.query, 'the query');
  const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  let bytes: Buffer;
  let prepared;
  try {
    // Limits apply while the body streams in: a bomb is refused before it is buffered or inflated in full.
    bytes = await readGuardedArchive(req, query.filename, { maxBytes: ctx.config.maxUploadBytes }, length);
    if (bytes.length === 0) throw problems.badRequest('the upload is empty');
    prepared = await prepareArchiveBuffer(bytes, { label: query.filename, source: `upload:${query.filename}`, fileName: query.filename });
  } catch (err) {
    if (err instanceof UploadTooLargeError) throw problems.tooLarge(err.message);
    if (err instanceof AirlockError) throw problems.unprocessable(err.message, { code: err.code });
    throw err;
  }
  const { ecosystem, name, version, archive } = prepared.identity;
  if (query.force === 'true') await takeForceBudget(ctx.store, res, orgId, ctx.config.forceBudgetPerDay);
  const dir = join(ctx.config.dataDir, 'uploads', archive.sha256);
  await mkdir(dir, { recursive: true });
  const path = join(dir, query.filename);
  await writeFile(path, bytes);
  await ctx.store.retention.clearUploadExpired(archive.sha256);
  return submitAnalysis(ctx.store, ctx.queues, {
    orgId,
    target: { kind: 'archive', ecosystem, name, version, path, sha256: archive.sha256, fileName: query.filename },
    source: 'api',
    force: query.force === 'true',
  });
}
