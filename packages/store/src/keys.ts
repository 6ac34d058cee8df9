/** Every Redis key the service uses, in one place, so a reader can see the whole layout. */
import type { Ecosystem } from '@airlock/core';

const P = 'airlock';
export const keys = {
  organization: (orgId: string) => `${P}:org:${orgId}`,
  organizations: () => `${P}:orgs`,
  /** One API key by its SHA-256 (a hash of JSON fields: id, orgId, name, createdAt, lastUsedAt, expiresAt, revokedAt). */
  apiKey: (sha256: string) => `${P}:apikey:${sha256}`,
  /** An organization's API keys: key id -> the key's SHA-256. */
  orgApiKeys: (orgId: string) => `${P}:org:${orgId}:apikeys`,
  /** A request's Idempotency-Key (hashed), per organization: the first request's fingerprint and answer, 24 h. */
  idempotency: (orgId: string, keySha256: string) => `${P}:org:${orgId}:idempotency:${keySha256}`,
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
  /** This service's id (one per Redis): the second part of its worker ids (apps/worker/src/heartbeat.ts). */
  serviceId: () => `${P}:service:id`,
  /** A live worker's heartbeat (expires when it stops refreshing it); its sandbox containers carry the id. */
  workerHeartbeat: (workerId: string) => `${P}:worker:${workerId}`,
  report: (reportId: string) => `${P}:report:${reportId}`,
  /** Registry packages: one public verdict for everyone, written only from registry runs (verdict-policy.ts). */
  verdict: (ecosystem: Ecosystem, name: string, version: string) => `${P}:verdict:${ecosystem}:${name}@${version}`,
  /** Every recorded run of a registry version (a list of VerdictRun, newest first, bounded). */
  verdictHistory: (ecosystem: Ecosystem, name: string, version: string) => `${P}:verdict:${ecosystem}:${name}@${version}:history`,
  /** Organizations that read or received the public verdict of a version: told when it changes. */
  verdictReceivers: (ecosystem: Ecosystem, name: string, version: string) => `${P}:verdict:${ecosystem}:${name}@${version}:receivers`,
  /** Held while one run's verdict is decided and written (read, decide, write: one at a time per version). */
  verdictLock: (ecosystem: Ecosystem, name: string, version: string) => `${P}:verdict:${ecosystem}:${name}@${version}:lock`,
  /** Uploads: per organization, keyed by the archive's sha256 only (never by name: a name is just a label). */
  uploadVerdict: (orgId: string, archiveSha256: string) => `${P}:org:${orgId}:upload-verdict:${archiveSha256}`,
  /** An organization's settings (org-settings.ts): one JSON record. */
  orgSettings: (orgId: string) => `${P}:org:${orgId}:settings`,
  /** A package from an organization's private registry: its verdict is that organization's only, never public. */
  privateVerdict: (orgId: string, ecosystem: Ecosystem, name: string, version: string) =>
    `${P}:org:${orgId}:private-verdict:${ecosystem}:${name}@${version}`,
  /** An organization's use of a daily budget (forced runs, rescan runs), one key per UTC day. */
  budget: (kind: string, orgId: string, day: string) => `${P}:budget:${kind}:${orgId}:${day}`,
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
  /** Inventory scans (first expansion, rescans) whose job has not finished expanding them: id -> OpenScan. */
  inventoriesOpen: () => `${P}:inventories:open`,
  /** Inventories with a rescan schedule (the sweep puts a lost job scheduler back). */
  inventoriesScheduled: () => `${P}:inventories:scheduled`,
  /** Held by the one worker reconciling open inventory scans at a time. */
  inventoriesReconcileLock: () => `${P}:inventories:reconcile-lock`,
  orgInventories: (orgId: string) => `${P}:org:${orgId}:inventories`,
  /** The verdict of each package at the inventory's last completed scan (package -> verdict), to announce a rescan's changes. */
  inventoryVerdicts: (id: string) => `${P}:inventory:${id}:verdicts`,
  webhook: (id: string) => `${P}:webhook:${id}`,
  orgWebhooks: (orgId: string) => `${P}:org:${orgId}:webhooks`,
  delivery: (id: string) => `${P}:delivery:${id}`,
  webhookDeliveries: (webhookId: string) => `${P}:webhook:${webhookId}:deliveries`,
  stats: () => `${P}:stats`,
  /** Report id -> when retention deleted the run's artifacts folder (ISO time). */
  expiredArtifacts: () => `${P}:retention:artifacts`,
  /** Archive sha256 -> when retention deleted the uploaded archive (ISO time). */
  expiredUploads: () => `${P}:retention:uploads`,
  rateLimit: (subject: string, window: number) => `${P}:ratelimit:${subject}:${window}`,
} as const;
