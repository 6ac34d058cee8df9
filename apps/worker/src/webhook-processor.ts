/**
 * The webhooks queue: one signed delivery attempt per job run. Retryable failures (5xx, 429, timeouts,
 * refused connections) are thrown for BullMQ's backoff; the rest, and the last attempt, are final.
 * Every attempt is written to the delivery log.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { WebhookJob } from '@airlock/queue';
import { deliverWebhook } from '@airlock/webhooks';
import type { WorkerContext } from './context.js';
import { isLastAttempt } from './attempts.js';

export function webhookProcessor(ctx: WorkerContext) {
  return async (job: Job<WebhookJob>) => {
    const delivery = await ctx.store.webhooks.getDelivery(job.data.deliveryId);
    if (!delivery || delivery.status !== 'pending') return { status: 0 };
    const webhook = await ctx.store.webhooks.get(delivery.webhookId, delivery.orgId);
    if (!webhook) {
      await ctx.store.webhooks.recordAttempt(
        delivery.id,
        { at: new Date().toISOString(), ok: false, status: null, error: 'the webhook was deleted', durationMs: 0 },
        true,
      );
      return { status: 0 };
    }
    const result = await deliverWebhook({
      url: webhook.url,
      secret: webhook.secret,
      id: delivery.id,
      timestamp: new Date(),
      body: delivery.body,
      policy: { allowPrivateNetworks: ctx.config.webhookAllowPrivate },
    });
    const final = result.ok || !result.retryable || isLastAttempt(job);
    await ctx.store.webhooks.recordAttempt(
      delivery.id,
      {
        at: new Date().toISOString(),
        ok: result.ok,
        status: result.status ?? null,
        error: result.ok ? null : result.error,
        durationMs: result.durationMs,
      },
      final,
    );
    if (result.ok) return { status: result.status };
    ctx.log.warn(
      { deliveryId: delivery.id, url: webhook.url, status: result.status, error: result.error, attempt: job.attemptsMade + 1, final },
      'webhook delivery failed',
    );
    if (final) throw new UnrecoverableError(result.error);
    throw new Error(result.error);
  };
}
