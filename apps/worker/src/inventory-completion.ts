/** Marks an inventory completed when every analysis of its current scan has finished, and says so once. */
import { keys, summarizeInventory } from '@airlock/store';
import type { WorkerContext } from './context.js';
import { emitEvent } from './events.js';

export async function checkInventoryCompletion(ctx: WorkerContext, inventoryId: string): Promise<void> {
  const inventory = await ctx.store.inventories.get(inventoryId);
  // While expanding, analysis ids are still being assigned: completion is checked again at its end.
  if (!inventory || inventory.status !== 'analysing') return;
  const analyses = await Promise.all(
    inventory.packages.map((p) => (p.analysisId ? ctx.store.analyses.get(p.analysisId) : Promise.resolve(null))),
  );
  const summary = summarizeInventory(inventory, analyses);
  if (summary.finished < summary.total) return;
  // Several workers can finish the last analyses at once: one claim per scan (first scan, each rescan).
  const claimed = await ctx.store.redis.set(keys.inventoryCompletion(inventoryId, inventory.rescans), '1', 'EX', 30 * 24 * 3600, 'NX');
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
