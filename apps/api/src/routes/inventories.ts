/** /v1/inventories: upload a lockfile or SBOM, optionally rescanned on a schedule; progress and findings. */
import express, { Router } from 'express';
import { InventoryError, parseInventory } from '@airlock/inventory';
import { enqueueInventoryExpansion, enqueueRescanNow, rescanJobId, scheduleRescan, unscheduleRescan } from '@airlock/queue';
import { formatListCursor, parseListCursor, summarizeInventory, type InventoryRecord } from '@airlock/store';
import { orgOf } from '../auth.js';
import type { ApiContext } from '../context.js';
import { idempotent } from '../idempotency.js';
import { problems } from '../problem.js';
import { takeForceBudget } from '../rate-limit.js';
import { orgLens } from '../org-view.js';
import { InventoryQuery, PageQuery } from '../schemas.js';
import { parseSchedule } from '../schedule.js';
import { parse } from '../validate.js';

export function inventoriesRouter(ctx: ApiContext): Router {
  const router = Router();
  const text = express.text({ type: () => true, limit: ctx.config.maxInventoryBytes });

  router.post('/', text, idempotent(ctx), async (req, res) => {
    const query = parse(InventoryQuery, req.query, 'the query');
    if (typeof req.body !== 'string' || req.body.length === 0)
      throw problems.badRequest('the body is empty: send the lockfile or SBOM as the request body');
    let parsed;
    try {
      parsed = parseInventory(query.filename, req.body);
    } catch (err) {
      if (err instanceof InventoryError) throw problems.unprocessable(err.message);
      throw err;
    }
    if (parsed.packages.length === 0)
      throw problems.unprocessable(`${query.filename} (${parsed.format}) lists no package Airlock can analyse`, {
        skipped: parsed.skipped,
      });
    if (parsed.packages.length > ctx.config.maxInventoryPackages)
      throw problems.unprocessable(
        `${query.filename} lists ${parsed.packages.length} packages; the limit is ${ctx.config.maxInventoryPackages} per inventory (AIRLOCK_MAX_INVENTORY_PACKAGES): split it`,
      );
    const schedule = query.schedule ? parseSchedule(query.schedule) : null;
    const org = orgOf(res);
    const inventory = await ctx.store.inventories.create({
      orgId: org.id,
      fileName: query.filename,
      format: parsed.format,
      schedule,
      packages: parsed.packages.map((p) => ({
        ecosystem: p.ecosystem,
        name: p.name,
        version: p.version,
        integrity: p.integrity ?? null,
        analysisId: null,
      })),
      skipped: parsed.skipped,
    });
    if (schedule) {
      try {
        await scheduleRescan(ctx.queues, inventory.id, schedule);
      } catch (err) {
        throw problems.badRequest(`the schedule is not valid: ${(err as Error).message}`);
      }
    }
    await enqueueInventoryExpansion(ctx.queues, inventory.id);
    ctx.log.info(
      { org: org.id, inventory: inventory.id, format: parsed.format, packages: parsed.packages.length, skipped: parsed.skipped.length },
      'inventory submitted',
    );
    res
      .status(202)
      .location(`/v1/inventories/${inventory.id}`)
      .json({
        id: inventory.id,
        format: inventory.format,
        status: inventory.status,
        packages: inventory.packages.length,
        skipped: inventory.skipped,
        schedule,
        links: { self: `/v1/inventories/${inventory.id}` },
      });
  });

  router.get('/', async (req, res) => {
    const query = parse(PageQuery, req.query, 'the query');
    const before = query.before === undefined ? undefined : (parseListCursor(query.before) ?? undefined);
    const page = await ctx.store.inventories.page(orgOf(res).id, query.limit, before);
    res.json({
      inventories: page.map(({ record }) => listView(record)),
      next: page.length === query.limit ? formatListCursor(page.at(-1)!.createdMs, page.at(-1)!.record.id) : null,
    });
  });

  router.get('/:id', async (req, res) => {
    const inventory = await ownInventory(ctx, String(req.params.id), orgOf(res).id);
    const analyses = await Promise.all(
      inventory.packages.map((p) => (p.analysisId ? ctx.store.analyses.get(p.analysisId) : Promise.resolve(null))),
    );
    const { orgId: _orgId, packages, ...rest } = inventory;
    // The organization's accepted false positives apply to its summary and package verdicts.
    const lens = await orgLens(ctx.store, inventory.orgId);
    const seen = analyses.map((a) => (a ? lens(a) : null));
    res.json({
      ...rest,
      summary: summarizeInventory(inventory, seen),
      packages: packages.map((p, i) => ({
        ...p,
        status: seen[i]?.status ?? 'pending',
        verdict: seen[i]?.verdict?.verdict ?? null,
      })),
    });
  });

  router.post('/:id/rescan', async (req, res) => {
    const inventory = await ownInventory(ctx, String(req.params.id), orgOf(res).id);
    if (inventory.status === 'expanding') throw problems.conflict(`inventory ${inventory.id} is still being expanded`);
    // A manual rescan is one forced action; the package runs it makes count against the rescan budget (worker).
    await takeForceBudget(ctx.store, res, inventory.orgId, ctx.config.forceBudgetPerDay);
    // Listed as open before it is enqueued and until its job expands it: a rescan lost before it started is
    // found by the worker's sweep.
    const jobId = rescanJobId(inventory.id);
    await ctx.store.inventories.openScan(inventory.id, { mode: 'rescan', jobId, openedAt: new Date().toISOString(), requeues: 0 });
    await enqueueRescanNow(ctx.queues, inventory.id, jobId);
    res.status(202).json({ id: inventory.id, rescan: inventory.rescans + 1 });
  });

  router.delete('/:id/schedule', async (req, res) => {
    const inventory = await ownInventory(ctx, String(req.params.id), orgOf(res).id);
    await unscheduleRescan(ctx.queues, inventory.id);
    await ctx.store.inventories.save({ ...inventory, schedule: null });
    await ctx.store.inventories.setScheduled(inventory.id, false);
    res.status(204).end();
  });

  /** Stops the schedule and removes the inventory; the analyses it made stay (they are the organization's). */
  router.delete('/:id', async (req, res) => {
    const inventory = await ownInventory(ctx, String(req.params.id), orgOf(res).id);
    await unscheduleRescan(ctx.queues, inventory.id);
    if (!(await ctx.store.inventories.delete(inventory.id, inventory.orgId)))
      throw problems.notFound(`no inventory ${inventory.id} in this organization`);
    ctx.log.info({ org: inventory.orgId, inventory: inventory.id }, 'inventory deleted');
    res.status(204).end();
  });

  return router;
}

function listView(inventory: InventoryRecord) {
  const { orgId: _orgId, packages, skipped, integrityMismatches: _m, integrityUnchecked: _u, ...rest } = inventory;
  return { ...rest, packages: packages.length, skipped: skipped.length, links: { self: `/v1/inventories/${inventory.id}` } };
}

async function ownInventory(ctx: ApiContext, id: string, orgId: string): Promise<InventoryRecord> {
  const inventory = await ctx.store.inventories.get(id, orgId);
  if (!inventory) throw problems.notFound(`no inventory ${id} in this organization`);
  return inventory;
}
