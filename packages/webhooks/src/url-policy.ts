import { lookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { refusedAddressReason } from './address.js';
import { WebhookUrlError } from './errors.js';

/** Explicit opt-in for local testing only: lets webhooks reach loopback and private networks. */
export interface WebhookUrlPolicy {
  allowPrivateNetworks?: boolean;
}

const MAX_URL_LENGTH = 2048;

function refuse(url: string, why: string, cause?: unknown): never {
  throw new WebhookUrlError(`webhook URL refused: ${why} (${url.slice(0, 200)})`, cause === undefined ? undefined : { cause });
}

/** The host as the network sees it: IPv6 without brackets, domains without the trailing root dot. */
function bareHost(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') ? host.slice(1, -1) : host.replace(/\.$/, '');
}

/**
 * Registration-time static check (no network). The WHATWG URL parser already turns decimal, octal and hex
 * IPv4 forms (http://2130706433/, http://0x7f.1/) into dotted quads, so literal addresses are judged as such.
 */
export function checkWebhookUrl(url: string, policy: WebhookUrlPolicy = {}): URL {
  if (url.length > MAX_URL_LENGTH) refuse(url, `longer than ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    refuse(url, 'not a valid absolute URL', err);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') refuse(url, `scheme ${parsed.protocol} is not http: or https:`);
  if (parsed.username || parsed.password) refuse(url, 'credentials (userinfo) in the URL are not allowed');
  if (parsed.hash || parsed.href.endsWith('#')) refuse(url, 'a fragment (#...) is not allowed');
  const host = bareHost(parsed);
  if (!host) refuse(url, 'no host');
  if (policy.allowPrivateNetworks) return parsed;
  if (isIP(host)) {
    const reason = refusedAddressReason(host);
    if (reason) refuse(url, `${host} is not public: ${reason}`);
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    refuse(url, `${host} is a loopback name`);
  }
  return parsed;
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  // Callback API on purpose: it is the same node:dns entry point the connect-time filter uses.
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });
}

/**
 * checkWebhookUrl plus DNS: refuses names that resolve to any refused address. A name can still be rebound
 * later, which is why deliverWebhook also filters the address it actually connects to.
 */
export async function checkWebhookDestination(url: string, policy: WebhookUrlPolicy = {}): Promise<void> {
  const host = bareHost(checkWebhookUrl(url, policy));
  if (policy.allowPrivateNetworks || isIP(host)) return;
  let addresses: LookupAddress[];
  try {
    addresses = await lookupAll(host);
  } catch (err) {
    refuse(url, `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? String(err)})`, err);
  }
  if (addresses.length === 0) refuse(url, `${host} does not resolve`);
  for (const { address } of addresses) {
    const reason = refusedAddressReason(address);
    if (reason) refuse(url, `${host} resolves to ${address}: ${reason}`);
  }
}
