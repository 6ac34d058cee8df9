/**
 * Marks an inventory completed when every analysis of its current scan has finished, and says so once.
 * Whether it is finished is O(1) (the scan's progress counts finished analyses as they finish); the
 * inventory and its analyses are read once, here, at completion.
 */
import { keys, summarizeInventory, type AnalysisRecord } from '@airlock/store';
import type { WorkerContext } from './context.js';
import { emitEvent } from './events.js';
import { orgLens } from './org-view.js';

export async function checkInventoryCompletion(ctx: WorkerContext, inventoryId: string): Promise<void> {
  if (!(await ctx.store.inventoryProgress.isReady(inventoryId))) return;
  const inventory = await ctx.store.inventories.get(inventoryId);
  if (!inventory || inventory.status !== 'analysing') return void (await ctx.store.inventoryProgress.takeReady(inventoryId));
  const pipeline = ctx.store.redis.pipeline();
  for (const p of inventory.packages) if (p.analysisId) pipeline.hgetall(keys.analysis(p.analysisId));
  const answers = (await pipeline.exec()) ?? [];
  let next = 0;
  const analyses = inventory.packages.map((p) => (p.analysisId ? parseAnalysis(answers[next++]?.[1]) : null));
  // The organization's accepted false positives apply to its summary (never to anyone else's).
  const lens = await orgLens(ctx.store, inventory.orgId);
  const summary = summarizeInventory(
    inventory,
    analyses.map((a) => (a ? lens(a) : null)),
  );
  // Several workers can finish the last analyses at once: one claim per scan (first scan, each rescan).
  const claimed = await ctx.store.redis.set(keys.inventoryCompletion(inventoryId, inventory.rescans), '1', 'EX', 30 * 24 * 3600, 'NX');
  await ctx.store.inventoryProgress.takeReady(inventoryId);
  if (claimed !== 'OK') return;
  const completedAt = new Date().toISOString();
  await ctx.store.inventories.save({ ...inventory, status: 'completed', completedAt });
  await emitEvent(ctx.store, ctx.queues, inventory.orgId, 'inventory.completed', {
    inventory: { id: inventory.id, fileName: inventory.fileName, format: inventory.format, rescans: inventory.rescans, completedAt },
    integrityMismatches: inventory.integrityMismatches,
    summary,
  });
  ctx.log.info({ inventoryId, total: summary.total, byVerdict: summary.byVerdict }, 'inventory completed');
}

/** Completions that were due when their finisher died (the sweep calls this). */
export async function completeReadyInventories(ctx: WorkerContext): Promise<void> {
  for (const inventoryId of await ctx.store.inventoryProgress.ready()) await checkInventoryCompletion(ctx, inventoryId);
}

function parseAnalysis(fields: unknown): AnalysisRecord | null {
  if (!fields || typeof fields !== 'object' || Object.keys(fields).length === 0) return null;
  return Object.fromEntries(Object.entries(fields as Record<string, string>).map(([k, v]) => [k, JSON.parse(v)])) as AnalysisRecord;
}
