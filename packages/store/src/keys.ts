/** Every Redis key the service uses, in one place, so a reader can see the whole layout. */
import type { Ecosystem } from '@airlock/core';

const P = 'airlock';
export const keys = {
  organization: (orgId: string) => `${P}:org:${orgId}`,
  organizations: () => `${P}:orgs`,
  apiKey: (sha256: string) => `${P}:apikey:${sha256}`,
  analysis: (id: string) => `${P}:analysis:${id}`,
  orgAnalyses: (orgId: string) => `${P}:org:${orgId}:analyses`,
  /** An organization's completed analyses with this verdict (operators list the inconclusive ones to rerun them). */
  orgAnalysesByVerdict: (orgId: string, verdict: string) => `${P}:org:${orgId}:analyses:verdict:${verdict}`,
  runSubscribers: (runKey: string) => `${P}:run:${runKey}:analyses`,
  runOutcome: (runKey: string) => `${P}:run:${runKey}:outcome`,
  /** Runs submitted and not finished yet (run key -> what to run), swept for jobs lost or failed without a finish. */
  openRuns: () => `${P}:runs:open`,
  /** Held by the one worker reconciling open runs at a time. */
  reconcileLock: () => `${P}:runs:reconcile-lock`,
  /** A live worker's heartbeat (expires when it stops refreshing it); its sandbox containers carry the id. */
  workerHeartbeat: (workerId: string) => `${P}:worker:${workerId}`,
  report: (reportId: string) => `${P}:report:${reportId}`,
  /** Registry packages: one verdict for everyone. Uploads: per organization, keyed by archive hash too. */
  verdict: (ecosystem: Ecosystem, name: string, version: string) => `${P}:verdict:${ecosystem}:${name}@${version}`,
  orgUploadVerdict: (orgId: string, ecosystem: Ecosystem, name: string, version: string) =>
    `${P}:org:${orgId}:verdict:${ecosystem}:${name}@${version}`,
  /** Versions of a registry package with a public verdict, scored by analysis time. */
  analysedVersions: (ecosystem: Ecosystem, name: string) => `${P}:versions:${ecosystem}:${name}`,
  inventory: (id: string) => `${P}:inventory:${id}`,
  /** Claimed once per scan (first scan, each rescan) by whoever sees the inventory finish first. */
  inventoryCompletion: (id: string, scan: number) => `${P}:inventory:${id}:completed:${scan}`,
  /** The current scan's analysis ids; by package index; the finished ones; its total once expanded. */
  inventoryScanIds: (id: string) => `${P}:inventory:${id}:scan:ids`,
  inventoryScanIndex: (id: string) => `${P}:inventory:${id}:scan:index`,
  inventoryScanDone: (id: string) => `${P}:inventory:${id}:scan:done`,
  inventoryProgress: (id: string) => `${P}:inventory:${id}:scan:progress`,
  /** Inventories whose current scan is complete and not yet announced. */
  inventoriesReady: () => `${P}:inventories:ready`,
  orgInventories: (orgId: string) => `${P}:org:${orgId}:inventories`,
  webhook: (id: string) => `${P}:webhook:${id}`,
  orgWebhooks: (orgId: string) => `${P}:org:${orgId}:webhooks`,
  delivery: (id: string) => `${P}:delivery:${id}`,
  webhookDeliveries: (webhookId: string) => `${P}:webhook:${webhookId}:deliveries`,
  stats: () => `${P}:stats`,
  rateLimit: (subject: string, window: number) => `${P}:ratelimit:${subject}:${window}`,
} as const;
