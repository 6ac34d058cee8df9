/** Thrown by verifyWebhook: the request is not provably from us (bad, missing or stale signature). */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/** Thrown when a webhook URL must not be used; the message says why, so the API can show it to the user. */
export class WebhookUrlError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookUrlError';
  }
}
