/** Webhook events: one delivery record per subscribed webhook, each sent by the webhooks queue. */
import { deliverWebhookEvent as deliver, type Queues } from '@airlock/queue';
import type { Store, WebhookEvent, WebhookRecord } from '@airlock/store';
import { isRescanVerdict, recordScanVerdicts } from './rescan-batch.js';

export async function emitEvent(store: Store, queues: Queues, orgId: string, event: WebhookEvent, data: unknown): Promise<number> {
  let webhooks = await store.webhooks.subscribedTo(orgId, event);
  // A rescan is announced once (inventory.rescanned) to the webhooks that asked for that, not per package.
  if (event === 'analysis.verdict' && webhooks.some(batchesRescans) && (await isRescanVerdict(store, data)))
    webhooks = webhooks.filter((w) => !batchesRescans(w));
  for (const webhook of webhooks) await deliver(store, queues, webhook, event, data);
  if (event === 'inventory.completed') {
    // Kept only for organizations that asked for inventory.rescanned: no extra reads for everyone else.
    const batching = await store.webhooks.subscribedTo(orgId, 'inventory.rescanned');
    const rescanned = batching.length > 0 ? await recordScanVerdicts(store, data) : null;
    if (rescanned) for (const webhook of batching) await deliver(store, queues, webhook, 'inventory.rescanned', rescanned);
  }
  return webhooks.length;
}

const batchesRescans = (webhook: WebhookRecord) => webhook.events.includes('inventory.rescanned');
