/** Webhook events: one delivery record per subscribed webhook, each sent by the webhooks queue. */
import { enqueueWebhookDelivery, type Queues } from '@airlock/queue';
import type { Store, WebhookEvent } from '@airlock/store';

export async function emitEvent(store: Store, queues: Queues, orgId: string, event: WebhookEvent, data: unknown): Promise<number> {
  const webhooks = await store.webhooks.subscribedTo(orgId, event);
  for (const webhook of webhooks) {
    // Standard Webhooks' recommended payload: type, timestamp, data.
    const body = JSON.stringify({ type: event, timestamp: new Date().toISOString(), data });
    const delivery = await store.webhooks.createDelivery(webhook, event, body);
    await enqueueWebhookDelivery(queues, delivery.id);
  }
  return webhooks.length;
}
