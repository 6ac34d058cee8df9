import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkWebhookDestination,
  deliverWebhook,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  type WebhookDelivery,
} from '../src/index.js';
import { fakeDns } from './fake-dns.js';
import { startReceiver, type Receiver, type Reply } from './receiver.js';

const secret = generateWebhookSecret();
const body = JSON.stringify({ type: 'scan.completed', data: { id: 'scan_1', verdict: 'malicious' } });
/** Loopback receivers need the explicit opt-in; the SSRF tests below leave it out on purpose. */
const local = { allowPrivateNetworks: true };

let open: Receiver[] = [];
let dns: ReturnType<typeof fakeDns> | undefined;
afterEach(async () => {
  dns?.restore();
  dns = undefined;
  await Promise.all(open.map((r) => r.close()));
  open = [];
});

async function receiver(reply: Reply): Promise<Receiver> {
  const r = await startReceiver(reply);
  open.push(r);
  return r;
}

const status =
  (code: number, headers: Record<string, string> = {}): Reply =>
  (_hit, res) =>
    res.writeHead(code, headers).end('x');

function delivery(url: string, extra: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return { url, secret, id: 'evt_2Yd9', timestamp: new Date(), body, policy: local, ...extra };
}

describe('deliverWebhook to a local receiver', () => {
  it('POSTs a Standard Webhooks request the receiver can verify with our verifier and the library', async () => {
    const r = await receiver(status(204));
    const at = new Date();
    const result = await deliverWebhook(delivery(r.url('/hooks/airlock?x=1'), { timestamp: at }));
    expect(result).toMatchObject({ ok: true, status: 204 });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(r.hits).toHaveLength(1);
    const hit = r.hits[0]!;
    expect(hit).toMatchObject({ method: 'POST', path: '/hooks/airlock?x=1', body });
    expect(hit.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Airlock-Webhooks/1',
      'webhook-id': 'evt_2Yd9',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signWebhook(secret, 'evt_2Yd9', at, body),
    });
    expect(() => verifyWebhook(secret, hit.headers, hit.body)).not.toThrow();
    expect(new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>)).toEqual(JSON.parse(body));
    // A tampered body, or another endpoint's secret, fails both verifiers.
    const tampered = hit.body.replace('malicious', 'benign');
    expect(() => verifyWebhook(secret, hit.headers, tampered)).toThrow('no matching webhook signature');
    expect(() => new Webhook(secret).verify(tampered, hit.headers as Record<string, string>)).toThrow('No matching signature found');
    expect(() => verifyWebhook(generateWebhookSecret(), hit.headers, hit.body)).toThrow('no matching webhook signature');
  });

  it('reports 500 as retryable, then 200 as ok on the next call with the same webhook-id', async () => {
    let calls = 0;
    const r = await receiver((_hit, res) => res.writeHead(++calls === 1 ? 500 : 200).end());
    expect(await deliverWebhook(delivery(r.url()))).toMatchObject({ ok: false, retryable: true, status: 500, error: 'HTTP 500' });
    expect(await deliverWebhook(delivery(r.url()))).toMatchObject({ ok: true, status: 200 });
    expect(r.hits.map((h) => h.headers['webhook-id'])).toEqual(['evt_2Yd9', 'evt_2Yd9']);
  });

  it.each([
    [410, false],
    [400, false],
    [401, false],
    [404, false],
    [408, true],
    [429, true],
    [502, true],
    [503, true],
  ])('classifies HTTP %i as retryable=%s', async (code, retryable) => {
    const r = await receiver(status(code));
    const result = await deliverWebhook(delivery(r.url()));
    expect(result).toMatchObject({ ok: false, retryable, status: code });
    expect(r.hits).toHaveLength(1);
  });

  it('does not follow a 302: non-retryable failure, the redirect target is never hit', async () => {
    const target = await receiver(status(200));
    const r = await receiver(status(302, { location: target.url('/elsewhere') }));
    const result = await deliverWebhook(delivery(r.url()));
    expect(result).toMatchObject({ ok: false, retryable: false, status: 302, error: 'HTTP 302: redirects are not followed' });
    expect(r.hits).toHaveLength(1);
    expect(target.hits).toHaveLength(0);
  });

  it('times out a receiver that never answers, as retryable', async () => {
    const r = await receiver(() => {}); // reads the request, never responds
    const result = await deliverWebhook(delivery(r.url(), { timeoutMs: 300 }));
    expect(result).toEqual({ ok: false, retryable: true, error: 'timed out after 300 ms', durationMs: expect.any(Number) });
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2000);
    expect(r.hits).toHaveLength(1);
  });

  it('stops reading a huge, never-ending body after 64 KiB instead of hanging', async () => {
    const r = await receiver((_hit, res) => {
      res.writeHead(200);
      res.write(Buffer.alloc(256 * 1024, 'a')); // and never end()
    });
    const result = await deliverWebhook(delivery(r.url(), { timeoutMs: 5000 }));
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.durationMs).toBeLessThan(2000);
  });

  it('keeps the status when only the body is slow', async () => {
    const r = await receiver((_hit, res) => {
      res.writeHead(503);
      res.write('partial'); // and never end()
    });
    const result = await deliverWebhook(delivery(r.url(), { timeoutMs: 300 }));
    expect(result).toMatchObject({ ok: false, retryable: true, status: 503 });
  });

  it('reports a reset connection as retryable', async () => {
    const r = await receiver((_hit, res) => res.socket?.destroy());
    const result = await deliverWebhook(delivery(r.url()));
    expect(result).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/ECONNRESET/) });
    expect(result).not.toHaveProperty('status');
  });

  it('reports a refused connection as retryable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const result = await deliverWebhook(delivery(`http://127.0.0.1:${port}/hook`));
    expect(result).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/^ECONNREFUSED/) });
  });

  it('throws (does not return) on programming errors: malformed secret, bad timeout', async () => {
    await expect(deliverWebhook(delivery('http://127.0.0.1:9/', { secret: 'plain-text' }))).rejects.toThrow(TypeError);
    await expect(deliverWebhook(delivery('http://127.0.0.1:9/', { timeoutMs: 0 }))).rejects.toThrow(RangeError);
  });
});

describe('deliverWebhook SSRF protection (no allowPrivateNetworks)', () => {
  it('refuses 127.0.0.1: non-retryable, the receiver is never hit', async () => {
    const r = await receiver(status(200));
    const result = await deliverWebhook(delivery(r.url(), { policy: undefined }));
    expect(result).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/127\.0\.0\.1 is not public: loopback/) });
    expect(result).not.toHaveProperty('status');
    expect(r.hits).toHaveLength(0);
  });

  it('refuses a URL that fails the static policy, e.g. userinfo, without sending', async () => {
    dns = fakeDns({ 'hooks.example': [['93.184.216.34']] }); // so even a regression sends no real DNS query
    const result = await deliverWebhook(delivery('https://u:p@hooks.example/', { policy: undefined }));
    expect(result).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/userinfo/) });
    expect(dns.calls).toEqual([]);
  });

  it('filters the address it connects to: a name rebound to 127.0.0.1 after registration is refused', async () => {
    const r = await receiver(status(200));
    const url = `http://hooks.rebind.test:${r.port}/hook`;
    dns = fakeDns({ 'hooks.rebind.test': [['93.184.216.34'], ['127.0.0.1']] });
    await expect(checkWebhookDestination(url)).resolves.toBeUndefined(); // registration: looks public
    const result = await deliverWebhook(delivery(url, { policy: undefined }));
    expect(result).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/^destination refused: not a public address \(DNS lookup 127\.0\.0\.1/),
    });
    expect(dns.calls).toEqual(['hooks.rebind.test', 'hooks.rebind.test']);
    expect(r.hits).toHaveLength(0);
  });

  it('control: the same rebound name does reach the receiver when private networks are allowed', async () => {
    const r = await receiver(status(200));
    dns = fakeDns({ 'hooks.rebind.test': [['127.0.0.1']] });
    const result = await deliverWebhook(delivery(`http://hooks.rebind.test:${r.port}/hook`));
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0]!.headers.host).toBe(`hooks.rebind.test:${r.port}`);
  });

  it('reports a DNS failure as retryable', async () => {
    dns = fakeDns({});
    const result = await deliverWebhook(delivery('https://gone.example/hook', { policy: undefined }));
    expect(result).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/^ENOTFOUND: /) });
  });
});
