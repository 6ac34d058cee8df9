/**
 * The inventories and rescans queues: an inventory's packages become analyses (known verdicts answer at
 * once, the rest queue behind API submissions), and lockfile hashes are checked against the registry.
 * A rescan runs every package again, so a changed verdict is noticed and announced.
 */
import type { Job } from 'bullmq';
import { AirlockError } from '@airlock/core';
import { submitAnalysis, type RescanJob } from '@airlock/queue';
import { DEFAULT_PYPI_INDEX, fetchNpmIntegrity, resolveRelease } from '@airlock/registry';
import { checkIntegrity, sriFromHex } from '@airlock/static-signals';
import { effectiveBudget, isPrivatePackage, type InventoryPackageRef, type InventoryRecord, type OrgSettings } from '@airlock/store';
import type { WorkerContext } from './context.js';
import { checkInventoryCompletion } from './inventory-completion.js';
import { npmOptionsFor } from './run-target.js';

const INTEGRITY_LOOKUPS_AT_ONCE = 8;

export function inventoryProcessor(ctx: WorkerContext, mode: 'expand' | 'rescan') {
  return async (job: Job<RescanJob>) => {
    const found = await ctx.store.inventories.get(job.data.inventoryId);
    if (!found) throw new AirlockError('INVALID_INPUT', `inventory ${job.data.inventoryId} does not exist`);
    let inventory: InventoryRecord = found;
    // A rescan whose job was lost mid-expansion continues that scan (the sweep sets `resume`); any other starts one.
    const resume = mode === 'rescan' && job.data.resume === true && inventory.status === 'expanding';
    if (mode === 'rescan' && job.id) {
      // Listed as open while it expands (a scheduled rescan is listed only from here): the sweep finds it if lost.
      const listed = await ctx.store.inventories.openScanOf(inventory.id);
      const requeues = listed?.jobId === job.id ? listed.requeues : 0;
      await ctx.store.inventories.openScan(inventory.id, {
        mode,
        jobId: job.id,
        openedAt: new Date().toISOString(),
        requeues,
        started: true,
      });
    }
    if (mode === 'rescan' && !resume) {
      inventory = {
        ...inventory,
        status: 'expanding',
        rescans: inventory.rescans + 1,
        completedAt: null,
        packages: inventory.packages.map((p) => ({ ...p, analysisId: null })),
      };
      await ctx.store.inventoryProgress.startScan(inventory.id);
      await ctx.store.inventories.save(inventory);
    }
    // Packages of the organization's private registry are its own: fetched with its token, never public.
    const settings = await ctx.store.settings.get(inventory.orgId);
    const privateTo = (pkg: InventoryPackageRef) => (isPrivatePackage(settings, pkg.ecosystem, pkg.name) ? inventory.orgId : null);
    if (mode === 'expand') inventory = { ...inventory, ...(await checkLockfileIntegrity(ctx, inventory.packages, privateTo)) };
    // O(1) Redis commands per package: each analysis id is registered with the scan's progress (a retried
    // expansion resumes from there); the record itself is written once, at the end.
    const submitted = await ctx.store.inventoryProgress.submitted(inventory.id);
    const rerun = { fresh: 0, overBudget: 0, forced: 0 };
    for (const [index, pkg] of inventory.packages.entries()) {
      const known = submitted.get(index) ?? pkg.analysisId;
      if (known) {
        inventory.packages[index] = { ...pkg, analysisId: known };
        continue;
      }
      const owner = privateTo(pkg);
      const force = mode === 'rescan' && (await rescanForces(ctx, inventory.orgId, settings, pkg, owner, rerun));
      const analysis = await submitAnalysis(ctx.store, ctx.queues, {
        orgId: inventory.orgId,
        target: {
          kind: 'registry',
          ecosystem: pkg.ecosystem,
          name: pkg.name,
          version: pkg.version,
          ...(owner ? { privateTo: owner } : {}),
        },
        source: mode === 'rescan' ? 'rescan' : 'inventory',
        inventoryId: inventory.id,
        force,
      });
      await ctx.store.inventoryProgress.register(inventory.id, index, analysis.id);
      inventory.packages[index] = { ...pkg, analysisId: analysis.id };
    }
    if (mode === 'rescan') ctx.log.info({ inventoryId: inventory.id, ...rerun }, 'rescan submitted');
    await ctx.store.inventories.save({ ...inventory, status: 'analysing' });
    await ctx.store.inventoryProgress.expanded(inventory.id, inventory.packages.length);
    await ctx.store.inventories.closeScan(inventory.id, job.id);
    await checkInventoryCompletion(ctx, inventory.id);
    return { packages: inventory.packages.length };
  };
}

/** A version whose newest run finished this recently is not run again by a rescan: its known verdict answers. */
const RESCAN_MIN_AGE_MS = 20 * 3600 * 1000;

/**
 * Whether a rescan runs this package again. Not when any organization's run of the version finished in
 * the last RESCAN_MIN_AGE_MS (a daily rescan sees at most one new run per version per day, however many
 * inventories list it, and a 5-minute schedule cannot be used to force runs), and not past the
 * organization's daily rescan budget (AIRLOCK_RESCAN_BUDGET_PER_DAY): then the known verdict answers.
 * A version with no verdict yet runs anyway (that is a first run, not a re-run).
 */
async function rescanForces(
  ctx: WorkerContext,
  orgId: string,
  settings: OrgSettings,
  pkg: InventoryPackageRef,
  privateTo: string | null,
  counts: { fresh: number; overBudget: number; forced: number },
): Promise<boolean> {
  const last = privateTo
    ? ((await ctx.store.verdicts.privateLatest(privateTo, pkg.ecosystem, pkg.name, pkg.version))?.analyzedAt ?? null)
    : await ctx.store.verdicts.lastRunAt(pkg.ecosystem, pkg.name, pkg.version);
  if (last === null) return false;
  if (Date.now() - Date.parse(last) < RESCAN_MIN_AGE_MS) {
    counts.fresh++;
    return false;
  }
  if (!(await ctx.store.budgets.take('rescan', orgId, effectiveBudget(settings, 'rescan', ctx.config.rescanBudgetPerDay))).ok) {
    counts.overBudget++;
    return false;
  }
  counts.forced++;
  return true;
}

/** Each npm lockfile hash against the registry's; what cannot be checked is listed with why, never dropped. */
async function checkLockfileIntegrity(
  ctx: WorkerContext,
  packages: readonly InventoryPackageRef[],
  privateTo: (pkg: InventoryPackageRef) => string | null,
): Promise<Pick<InventoryRecord, 'integrityMismatches' | 'integrityUnchecked'>> {
  const integrityMismatches: InventoryRecord['integrityMismatches'] = [];
  const integrityUnchecked: InventoryRecord['integrityUnchecked'] = [];
  const check = async (pkg: InventoryPackageRef) => {
    if (!pkg.integrity) return;
    if (pkg.ecosystem === 'pypi') return checkPypi(pkg, pkg.integrity);
    try {
      const registry = await fetchNpmIntegrity(pkg.name, pkg.version, await npmOptionsFor(ctx, privateTo(pkg)));
      const signals = checkIntegrity(pkg.integrity, registry, { package: `${pkg.name}@${pkg.version}`, file: 'lockfile' });
      const mismatch = signals.find((s) => s.id === 'integrity.mismatch');
      if (mismatch) integrityMismatches.push({ ecosystem: 'npm', name: pkg.name, version: pkg.version, lockfile: pkg.integrity, registry });
      else if (signals.length > 0) integrityUnchecked.push({ name: pkg.name, version: pkg.version, reason: signals[0]!.message });
    } catch (err) {
      integrityUnchecked.push({ name: pkg.name, version: pkg.version, reason: (err as Error).message });
    }
  };
  /** A requirements/poetry hash list matches when any of its hashes is one of the release's files on the index. */
  const checkPypi = async (pkg: InventoryPackageRef, declared: string) => {
    try {
      const release = await resolveRelease(pkg.name, pkg.version, ctx.config.pypiIndex ?? DEFAULT_PYPI_INDEX);
      const published = release.files.flatMap((f) => (f.sha256 ? [sriFromHex('sha256', f.sha256)] : []));
      if (published.length === 0)
        return void integrityUnchecked.push({
          name: pkg.name,
          version: pkg.version,
          reason: 'the index publishes no sha256 for this release',
        });
      const matches = published.some((sri) => checkIntegrity(declared, sri).length === 0);
      if (!matches)
        integrityMismatches.push({
          ecosystem: 'pypi',
          name: pkg.name,
          version: pkg.version,
          lockfile: declared,
          registry: published.join(' '),
        });
    } catch (err) {
      integrityUnchecked.push({ name: pkg.name, version: pkg.version, reason: (err as Error).message });
    }
  };
  // A few registry lookups at a time: a 1,000-package lockfile takes seconds, not minutes.
  const queue = [...packages];
  await Promise.all(
    Array.from({ length: INTEGRITY_LOOKUPS_AT_ONCE }, async () => {
      for (let pkg = queue.shift(); pkg; pkg = queue.shift()) await check(pkg);
    }),
  );
  const byName = (a: { name: string; version: string }, b: { name: string; version: string }) =>
    a.name.localeCompare(b.name) || a.version.localeCompare(b.version);
  return { integrityMismatches: integrityMismatches.sort(byName), integrityUnchecked: integrityUnchecked.sort(byName) };
}
