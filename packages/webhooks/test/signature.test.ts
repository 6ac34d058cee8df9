import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, verifyWebhook, WebhookSignatureError } from '../src/index.js';

/** Example vector published with the Standard Webhooks reference libraries. */
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: new Date(1614265330 * 1000),
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

function headersFor(secret: string, id: string, at: Date, body: string) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signWebhook(secret, id, at, body),
  };
}

describe('generateWebhookSecret', () => {
  it("is 'whsec_' + base64 of 32 random bytes, different each time", () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});

describe('signWebhook', () => {
  it('matches the published Standard Webhooks example', () => {
    expect(signWebhook(SPEC.secret, SPEC.id, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature);
  });

  it('agrees with the standardwebhooks library and a direct HMAC byte for byte', () => {
    const secret = generateWebhookSecret();
    const at = new Date('2026-03-01T12:34:56.789Z');
    for (const body of ['', '{"type":"scan.completed","data":{"verdict":"malicious"}}', '{"name":"päckage ✓ 🚀"}']) {
      const ours = signWebhook(secret, 'evt_01HXYZ', at, body);
      expect(ours).toBe(new Webhook(secret).sign('evt_01HXYZ', at, body));
      const key = Buffer.from(secret.slice(6), 'base64');
      const mac = createHmac('sha256', key)
        .update(`evt_01HXYZ.${Math.floor(at.getTime() / 1000)}.${body}`)
        .digest('base64');
      expect(ours).toBe(`v1,${mac}`);
    }
  });

  it('throws a TypeError (a programming error) for a malformed secret or id', () => {
    expect(() => signWebhook('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'id', new Date(), '')).toThrow(TypeError);
    expect(() => signWebhook('whsec_not base64!', 'id', new Date(), '')).toThrow(/base64/);
    expect(() => signWebhook('whsec_AAAA', 'id', new Date(), '')).toThrow(/24–64 bytes/);
    expect(() => signWebhook(SPEC.secret, 'bad\r\nid', new Date(), '')).toThrow(/webhook id/);
  });
});

describe('verifyWebhook', () => {
  const secret = generateWebhookSecret();
  const now = new Date('2026-03-01T12:00:00Z');
  const body = '{"type":"scan.completed"}';

  it('accepts our signature and the published example', () => {
    expect(() => verifyWebhook(secret, headersFor(secret, 'evt_1', now, body), body, now)).not.toThrow();
    const specHeaders = { 'webhook-id': SPEC.id, 'webhook-timestamp': '1614265330', 'webhook-signature': SPEC.signature };
    expect(() => verifyWebhook(SPEC.secret, specHeaders, SPEC.body, SPEC.timestamp)).not.toThrow();
  });

  it('accepts a signature signed by the standardwebhooks library, with any header-name case', () => {
    const sig = new Webhook(secret).sign('evt_2', now, body);
    const headers = { 'Webhook-Id': 'evt_2', 'WEBHOOK-TIMESTAMP': String(now.getTime() / 1000), 'webhook-signature': sig };
    expect(() => verifyWebhook(secret, headers, body, now)).not.toThrow();
  });

  it('finds the valid one among several space-separated signatures (key rotation)', () => {
    const good = headersFor(secret, 'evt_3', now, body);
    const other = signWebhook(generateWebhookSecret(), 'evt_3', now, body);
    const headers = { ...good, 'webhook-signature': `v1a,ignored ${other} ${good['webhook-signature']}` };
    expect(() => verifyWebhook(secret, headers, body, now)).not.toThrow();
    expect(() => verifyWebhook(secret, { ...good, 'webhook-signature': `v1a,x ${other}` }, body, now)).toThrow(
      'no matching webhook signature',
    );
  });

  it('rejects a tampered body, another id, another secret and a non-canonical signature', () => {
    const headers = headersFor(secret, 'evt_4', now, body);
    const check = (fn: () => void) => expect(fn).toThrow(WebhookSignatureError);
    check(() => verifyWebhook(secret, headers, body.replace('completed', 'failed'), now));
    check(() => verifyWebhook(secret, { ...headers, 'webhook-id': 'evt_5' }, body, now));
    check(() => verifyWebhook(generateWebhookSecret(), headers, body, now));
    check(() => verifyWebhook(secret, { ...headers, 'webhook-signature': `${headers['webhook-signature']}!` }, body, now));
  });

  it('rejects missing headers', () => {
    const headers = headersFor(secret, 'evt_6', now, body);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const partial: Record<string, string | undefined> = { ...headers, [name]: undefined };
      expect(() => verifyWebhook(secret, partial, body, now)).toThrow(`missing or repeated ${name} header`);
    }
  });

  it('allows 5 minutes of clock skew each way, no more', () => {
    const headers = headersFor(secret, 'evt_7', now, body);
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    expect(() => verifyWebhook(secret, headers, body, at(300))).not.toThrow();
    expect(() => verifyWebhook(secret, headers, body, at(-300))).not.toThrow();
    expect(() => verifyWebhook(secret, headers, body, at(301))).toThrow('webhook timestamp too old');
    expect(() => verifyWebhook(secret, headers, body, at(-301))).toThrow('webhook timestamp too new');
  });

  it('agrees with the library on real-time verification, including rejection of a tampered body', () => {
    const at = new Date();
    const headers = headersFor(secret, 'evt_8', at, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual({ type: 'scan.completed' });
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, headers, `${body} `)).toThrow(WebhookSignatureError);
  });
});
