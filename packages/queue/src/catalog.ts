/**
 * The one job catalog of the service: every queue, its job name and the typed data it carries. The api
 * enqueues and the worker processes through these types only, so the two can never disagree on a shape.
 */
import type { Ecosystem } from '@airlock/core';

export const QUEUES = {
  analyses: 'airlock-analyses',
  inventories: 'airlock-inventories',
  rescans: 'airlock-rescans',
  webhooks: 'airlock-webhooks',
} as const;
export type QueueKey = keyof typeof QUEUES;

/**
 * What to run: a registry package (fetched by the worker) or an uploaded archive (on the shared volume).
 * `privateTo`: the package comes from that organization's private registry (its settings): fetched with
 * its credentials only, and its run, verdict and report are that organization's, never public.
 */
export type AnalysisTarget =
  | { kind: 'registry'; ecosystem: Ecosystem; name: string; version: string; privateTo?: string }
  | { kind: 'archive'; ecosystem: Ecosystem; name: string; version: string; path: string; sha256: string; fileName: string };

export interface AnalysisJob {
  /** The run this job is: several analyses (organizations, inventories) can wait on one run. */
  runKey: string;
  target: AnalysisTarget;
}

export interface InventoryJob {
  inventoryId: string;
}

export interface RescanJob {
  inventoryId: string;
  /** Set by the sweep when a rescan's job was lost mid-expansion: continue that scan, do not start another. */
  resume?: boolean;
}

export interface WebhookJob {
  deliveryId: string;
}

export interface JobCatalog {
  analyses: { name: 'analyze'; data: AnalysisJob; result: { reportId: string; verdict: string } };
  inventories: { name: 'expand'; data: InventoryJob; result: { packages: number } };
  rescans: { name: 'rescan'; data: RescanJob; result: { packages: number } };
  webhooks: { name: 'deliver'; data: WebhookJob; result: { status: number } };
}

/**
 * BullMQ priorities: lower runs first. People waiting on an API answer go before inventory expansion,
 * which goes before scheduled rescans.
 */
export const PRIORITY = { api: 1, inventory: 5, rescan: 10 } as const;
export type PrioritySource = keyof typeof PRIORITY;
