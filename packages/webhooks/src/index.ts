/** Webhook adapter: Standard Webhooks signing, URL policy (SSRF) and one SSRF-filtered delivery attempt. */
export { WebhookSignatureError, WebhookUrlError } from './errors.js';
export { generateWebhookSecret, signWebhook, verifyWebhook } from './signature.js';
export { checkWebhookUrl, checkWebhookDestination, type WebhookUrlPolicy } from './url-policy.js';
export { deliverWebhook, type WebhookDelivery, type WebhookDeliveryResult } from './deliver.js';
