import { afterEach, describe, expect, it } from 'vitest';
import { checkWebhookDestination, checkWebhookUrl, WebhookUrlError } from '../src/index.js';
import { fakeDns } from './fake-dns.js';

/** Each refused URL with a fragment of the reason the message must give. */
const REFUSED: Array<[url: string, why: RegExp]> = [
  ['ftp://example.com/hook', /scheme ftp: is not http: or https:/],
  ['file:///etc/passwd', /scheme file:/],
  ['not a url', /not a valid absolute URL/],
  ['https://user:pw@example.com/hook', /credentials \(userinfo\)/],
  ['https://user@example.com/hook', /credentials \(userinfo\)/],
  ['https://example.com/hook#part', /fragment/],
  ['https://example.com/hook#', /fragment/],
  [`https://example.com/${'a'.repeat(2048)}`, /longer than 2048 characters/],
  ['http://127.0.0.1/hook', /127\.0\.0\.1 is not public: loopback/],
  ['http://127.9.9.9:8080/', /loopback/],
  ['http://2130706433/', /127\.0\.0\.1 is not public: loopback/],
  ['http://0x7f.1/', /127\.0\.0\.1 is not public: loopback/],
  ['http://0177.0.0.1/', /127\.0\.0\.1 is not public: loopback/],
  ['http://10.1.2.3/', /private \(RFC 1918\)/],
  ['http://172.16.0.1/', /private \(RFC 1918\)/],
  ['http://172.31.255.255/', /private \(RFC 1918\)/],
  ['http://192.168.1.1/', /private \(RFC 1918\)/],
  ['http://169.254.169.254/latest/meta-data/', /link-local address \(includes cloud metadata/],
  ['http://0xa9fea9fe/', /169\.254\.169\.254 is not public: link-local/],
  ['http://100.64.0.1/', /carrier-grade NAT/],
  ['http://100.127.255.255/', /carrier-grade NAT/],
  ['http://0.0.0.0/', /0\.0\.0\.0 is not public: unspecified/],
  ['http://224.0.0.1/', /multicast/],
  ['http://255.255.255.255/', /reserved or broadcast/],
  ['http://[::1]/', /::1 is not public: loopback address \(::1\)/],
  ['http://[::]/', /unspecified address \(::\)/],
  ['http://[::ffff:127.0.0.1]/', /carrying IPv4 127\.0\.0\.1 \(loopback address\)/],
  ['http://[::ffff:169.254.169.254]/', /carrying IPv4 169\.254\.169\.254 \(link-local/],
  ['http://[::ffff:10.0.0.1]/', /carrying IPv4 10\.0\.0\.1 \(private/],
  ['http://[fc00::1]/', /unique-local IPv6 address/],
  ['http://[fd12:3456:789a::1]/', /unique-local IPv6 address/],
  ['http://[fe80::1]/', /link-local IPv6 address/],
  ['http://[febf::1]/', /link-local IPv6 address/],
  ['http://[fec0::1]/', /site-local IPv6 address/],
  ['http://[ff02::1]/', /multicast IPv6 address/],
  ['http://localhost/hook', /localhost is a loopback name/],
  ['http://LOCALHOST.:3000/', /localhost is a loopback name/],
  ['https://api.localhost/hook', /api\.localhost is a loopback name/],
];

describe('checkWebhookUrl', () => {
  it.each(REFUSED)('refuses %s', (url, why) => {
    expect(() => checkWebhookUrl(url)).toThrow(WebhookUrlError);
    expect(() => checkWebhookUrl(url)).toThrow(why);
  });

  it.each([
    ['https://hooks.example.com/airlock?team=1', 'hooks.example.com'],
    ['https://hooks.example.com:8443/airlock', 'hooks.example.com'],
    ['http://93.184.216.34/hook', '93.184.216.34'],
    ['https://[2606:4700:4700::1111]/hook', '[2606:4700:4700::1111]'],
    // Just outside the refused ranges: proves the range edges are where they should be.
    ['http://172.32.0.1/', '172.32.0.1'],
    ['http://100.128.0.1/', '100.128.0.1'],
    ['http://169.253.255.255/', '169.253.255.255'],
  ])('accepts %s', (url, hostname) => {
    const parsed = checkWebhookUrl(url);
    expect(parsed).toBeInstanceOf(URL);
    expect(parsed.hostname).toBe(hostname);
  });

  it('allows loopback and private destinations only with allowPrivateNetworks', () => {
    const policy = { allowPrivateNetworks: true };
    expect(checkWebhookUrl('http://127.0.0.1:3000/hook', policy).port).toBe('3000');
    expect(checkWebhookUrl('http://localhost/hook', policy).hostname).toBe('localhost');
    expect(checkWebhookUrl('http://[::1]/', policy).hostname).toBe('[::1]');
    expect(checkWebhookUrl('http://192.168.0.10/', policy).hostname).toBe('192.168.0.10');
    // The opt-in is about destinations, not URL hygiene.
    expect(() => checkWebhookUrl('ftp://127.0.0.1/', policy)).toThrow(/scheme ftp:/);
    expect(() => checkWebhookUrl('http://u:p@127.0.0.1/', policy)).toThrow(/userinfo/);
  });
});

describe('checkWebhookDestination', () => {
  let dns: ReturnType<typeof fakeDns> | undefined;
  afterEach(() => dns?.restore());

  it("refuses 'localhost' without asking DNS", async () => {
    dns = fakeDns({});
    await expect(checkWebhookDestination('http://localhost:4000/hook')).rejects.toThrow(/localhost is a loopback name/);
    expect(dns.calls).toEqual([]);
  });

  it('refuses names that resolve to a refused address, naming the address', async () => {
    dns = fakeDns({
      'intranet.example': [['10.0.0.5']],
      'mixed.example': [['93.184.216.34', 'fd00:ec2::254']],
      'mapped.example': [['::ffff:127.0.0.1']],
    });
    await expect(checkWebhookDestination('https://intranet.example/hook')).rejects.toThrow(
      'intranet.example resolves to 10.0.0.5: private (RFC 1918) address',
    );
    await expect(checkWebhookDestination('https://mixed.example/hook')).rejects.toThrow(/resolves to fd00:ec2::254: unique-local/);
    await expect(checkWebhookDestination('https://mapped.example/hook')).rejects.toThrow(/carrying IPv4 127\.0\.0\.1/);
  });

  it('refuses names that do not resolve', async () => {
    dns = fakeDns({});
    await expect(checkWebhookDestination('https://nowhere.example/hook')).rejects.toThrow(
      /nowhere\.example does not resolve \(ENOTFOUND\)/,
    );
  });

  it('accepts names that resolve only to public addresses, and public literals without DNS', async () => {
    dns = fakeDns({ 'hooks.example': [['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']] });
    await expect(checkWebhookDestination('https://hooks.example/airlock')).resolves.toBeUndefined();
    await expect(checkWebhookDestination('https://93.184.216.34/airlock')).resolves.toBeUndefined();
    expect(dns.calls).toEqual(['hooks.example']);
  });

  it('skips the address checks with allowPrivateNetworks', async () => {
    dns = fakeDns({ 'intranet.example': [['10.0.0.5']] });
    await expect(checkWebhookDestination('http://localhost/hook', { allowPrivateNetworks: true })).resolves.toBeUndefined();
    await expect(checkWebhookDestination('http://intranet.example/', { allowPrivateNetworks: true })).resolves.toBeUndefined();
  });
});
