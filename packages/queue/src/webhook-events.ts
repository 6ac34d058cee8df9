/** One webhook event to one webhook: a delivery record (the delivery log) and its job. The worker and the api (operator overrides) both send through it. */
import type { Store, WebhookEvent, WebhookRecord } from '@airlock/store';
import { enqueueWebhookDelivery, type Queues } from './queues.js';

export async function deliverWebhookEvent(
  store: Store,
  queues: Queues,
  webhook: WebhookRecord,
  event: WebhookEvent,
  data: unknown,
): Promise<void> {
  // Standard Webhooks' recommended payload: type, timestamp, data.
  const body = JSON.stringify({ type: event, timestamp: new Date().toISOString(), data });
  const delivery = await store.webhooks.createDelivery(webhook, event, body);
  await enqueueWebhookDelivery(queues, delivery.id);
}
