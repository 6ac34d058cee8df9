/**
 * Inventory rescans announced in one event: `inventory.rescanned`, sent when a rescan completes, lists the
 * packages whose verdict changed since the inventory's previous completed scan. A webhook subscribed to it
 * gets no `analysis.verdict` per package of a rescan (one that is not keeps getting them, as before).
 *
 * The verdict of each package at the last completed scan is kept in one hash per inventory
 * (`keys.inventoryVerdicts`), written at each completion; that it exists is also how an analysis is known
 * to belong to a rescan (the inventory finished a scan before), in one O(1) command per verdict event.
 */
import type { Ecosystem } from '@airlock/core';
import { keys, type AnalysisRecord, type Store, type VerdictName } from '@airlock/store';
import { orgLens } from './org-view.js';

/** A field of the verdicts hash that is no package: the hash exists even for an inventory with no verdict. */
const SCAN_FIELD = '#scan';

interface RescanChange {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** null: no verdict (the run failed or was cancelled). */
  verdict: VerdictName | null;
  previousVerdict: VerdictName | null;
  analysisId: string | null;
  analysisUrl: string | null;
}

interface CompletedData {
  inventory?: { id?: string; rescans?: number };
}

const packageKey = (p: { ecosystem: string; name: string; version: string }) => `${p.ecosystem}:${p.name}@${p.version}`;
const NO_VERDICT = '-';

/** Whether this `analysis.verdict` is of a package of an inventory rescan (the inventory completed a scan before). */
export async function isRescanVerdict(store: Store, data: unknown): Promise<boolean> {
  const inventoryId = (data as { analysis?: Pick<AnalysisRecord, 'inventoryId'> } | null)?.analysis?.inventoryId;
  return inventoryId ? (await store.redis.exists(keys.inventoryVerdicts(inventoryId))) === 1 : false;
}

/**
 * At an inventory's completion (the `inventory.completed` data): records every package's verdict, and for
 * a rescan returns the `inventory.rescanned` data (null for the first scan).
 */
export async function recordScanVerdicts(store: Store, data: unknown): Promise<object | null> {
  const id = (data as CompletedData | null)?.inventory?.id;
  if (!id) return null;
  const inventory = await store.inventories.get(id);
  if (!inventory) return null;
  // Verdicts as the organization sees them (its accepted false positives), like the rest of its webhooks.
  const lens = await orgLens(store, inventory.orgId);
  const analyses = (
    await Promise.all(inventory.packages.map((p) => (p.analysisId ? store.analyses.get(p.analysisId) : Promise.resolve(null))))
  ).map((a) => (a ? lens(a) : null));
  const key = keys.inventoryVerdicts(id);
  const previous = await store.redis.hgetall(key);
  const previousKnown = Object.keys(previous).length > 0;
  const now = new Map<string, string>();
  const changed: RescanChange[] = [];
  inventory.packages.forEach((p, i) => {
    const analysis = analyses[i];
    const verdict = analysis?.status === 'completed' ? (analysis.verdict?.verdict ?? null) : null;
    const pkg = packageKey(p);
    if (now.has(pkg)) return;
    now.set(pkg, verdict ?? NO_VERDICT);
    const before = previous[pkg];
    if (!previousKnown || before === undefined || before === (verdict ?? NO_VERDICT)) return;
    changed.push({
      ecosystem: p.ecosystem,
      name: p.name,
      version: p.version,
      verdict,
      previousVerdict: before === NO_VERDICT ? null : (before as VerdictName),
      analysisId: analysis?.id ?? null,
      analysisUrl: analysis ? `/v1/analyses/${analysis.id}` : null,
    });
  });
  await store.redis
    .multi()
    .del(key)
    .hset(key, SCAN_FIELD, String(inventory.rescans), ...[...now].flat())
    .exec();
  if (inventory.rescans === 0) return null;
  const byVerdict: Record<string, number> = {};
  for (const verdict of now.values()) if (verdict !== NO_VERDICT) byVerdict[verdict] = (byVerdict[verdict] ?? 0) + 1;
  return {
    inventory: {
      id,
      fileName: inventory.fileName,
      format: inventory.format,
      rescans: inventory.rescans,
      completedAt: inventory.completedAt,
      url: `/v1/inventories/${id}`,
    },
    /** False when the scan before was completed before these events existed: nothing to compare with. */
    previousScanKnown: previousKnown,
    packages: now.size,
    byVerdict,
    changed,
  };
}
