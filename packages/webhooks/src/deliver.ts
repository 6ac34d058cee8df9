import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { WebhookUrlError } from './errors.js';
import { signWebhook } from './signature.js';
import { checkWebhookUrl, type WebhookUrlPolicy } from './url-policy.js';

export interface WebhookDelivery {
  url: string;
  secret: string;
  /** Stable across retries: the receiver's idempotency key. */
  id: string;
  /** Per attempt; signed and sent as unix seconds. */
  timestamp: Date;
  body: string;
  policy?: WebhookUrlPolicy;
  /** Covers connect, response headers and the (capped) body read. Default 10000. */
  timeoutMs?: number;
}

export type WebhookDeliveryResult =
  { ok: true; status: number; durationMs: number } | { ok: false; retryable: boolean; status?: number; error: string; durationMs: number };

const DEFAULT_TIMEOUT_MS = 10_000;
/** We only need the status; read a little of the body so the socket closes cleanly, never more. */
const MAX_BODY_BYTES = 64 * 1024;
/** request-filtering-agent 3.x refuses with a plain Error whose message has this shape. */
const FILTER_REFUSAL = /is not allowed\. Because/;

/**
 * Filtering agents check the address actually connected to (after DNS), which defeats DNS rebinding between
 * registration and delivery. No keep-alive, so every attempt resolves and is checked afresh.
 */
const filteredAgents = {
  'http:': new RequestFilteringHttpAgent({ keepAlive: false }),
  'https:': new RequestFilteringHttpsAgent({ keepAlive: false }),
};
const openAgents = { 'http:': new http.Agent({ keepAlive: false }), 'https:': new https.Agent({ keepAlive: false }) };

type Outcome = { ok: true; status: number } | { ok: false; retryable: boolean; status?: number; error: string };

/** Standard Webhooks semantics: only 2xx succeeds; 3xx is never followed; 410 means "stop sending". */
function fromStatus(status: number): Outcome {
  if (status >= 200 && status < 300) return { ok: true, status };
  if (status >= 300 && status < 400) return { ok: false, retryable: false, status, error: `HTTP ${status}: redirects are not followed` };
  if (status === 410) return { ok: false, retryable: false, status, error: 'HTTP 410 Gone: the endpoint asks us to stop' };
  if (status === 408 || status === 429 || (status >= 500 && status < 600))
    return { ok: false, retryable: true, status, error: `HTTP ${status}` };
  return { ok: false, retryable: false, status, error: `HTTP ${status}` };
}

/** Network failures are worth retrying; a destination refused by the SSRF filter never is. */
function fromError(err: Error): Outcome {
  if (FILTER_REFUSAL.test(err.message)) {
    return { ok: false, retryable: false, error: `destination refused: not a public address (${err.message})` };
  }
  const code = (err as NodeJS.ErrnoException).code;
  const detail = err.message || (err instanceof AggregateError ? err.errors.map(String).join('; ') : String(err));
  return { ok: false, retryable: true, error: code ? `${code}: ${detail}` : detail };
}

/** Exactly one signed POST; retries are the caller's job. Network outcomes are returned, never thrown. */
export async function deliverWebhook(d: WebhookDelivery): Promise<WebhookDeliveryResult> {
  const timeoutMs = d.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) throw new RangeError('timeoutMs must be a positive number');
  const signature = signWebhook(d.secret, d.id, d.timestamp, d.body); // throws on a malformed secret or id
  const started = performance.now();
  const result = (o: Outcome): WebhookDeliveryResult => ({ ...o, durationMs: Math.round(performance.now() - started) });

  let url: URL;
  try {
    url = checkWebhookUrl(d.url, d.policy); // defence in depth: stored URLs may predate today's rules
  } catch (err) {
    if (err instanceof WebhookUrlError) return result({ ok: false, retryable: false, error: err.message });
    throw err;
  }
  const scheme = url.protocol as 'http:' | 'https:';
  const agent = (d.policy?.allowPrivateNetworks ? openAgents : filteredAgents)[scheme];
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(d.body)),
    'user-agent': 'Airlock-Webhooks/1',
    'webhook-id': d.id,
    'webhook-timestamp': String(Math.floor(d.timestamp.getTime() / 1000)),
    'webhook-signature': signature,
  };

  return new Promise((resolve) => {
    let status: number | undefined;
    let settled = false;
    const finish = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result(o));
      req.destroy(); // drop the connection: nothing more is needed from it
    };
    const req = (scheme === 'https:' ? https : http).request(url, { method: 'POST', agent, headers });
    // One timer for the whole exchange; once the status is known a slow body no longer matters.
    const timer = setTimeout(() => {
      finish(status === undefined ? { ok: false, retryable: true, error: `timed out after ${timeoutMs} ms` } : fromStatus(status));
    }, timeoutMs);
    req.on('error', (err) => finish(status === undefined ? fromError(err) : fromStatus(status)));
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      const done = () => finish(fromStatus(status ?? 0));
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= MAX_BODY_BYTES) done();
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.end(d.body);
  });
}
