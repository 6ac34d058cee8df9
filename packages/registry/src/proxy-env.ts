/**
 * Which proxy a request goes through, from the environment as curl, pip and npm read it: `https_proxy`
 * / `HTTPS_PROXY` for https URLs, `http_proxy` / `HTTP_PROXY` for http, and `no_proxy` / `NO_PROXY`
 * (comma- or space-separated hosts, domain suffixes with or without a leading dot, `host:port`, or `*`)
 * for the hosts reached directly. Pure: the environment is passed in.
 */
export function proxyFor(url: URL, env: Readonly<Record<string, string | undefined>>): string | null {
  const pick = (...names: string[]) => names.map((n) => env[n]?.trim()).find((v) => v) ?? null;
  const proxy =
    url.protocol === 'https:' ? pick('https_proxy', 'HTTPS_PROXY') : url.protocol === 'http:' ? pick('http_proxy', 'HTTP_PROXY') : null;
  if (!proxy) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const entries = (pick('no_proxy', 'NO_PROXY') ?? '').split(/[\s,]+/).filter(Boolean);
  for (const raw of entries) {
    if (raw === '*') return null;
    const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(raw.toLowerCase());
    if (!m) continue;
    const [, entryHost, entryPort] = m;
    if (entryPort && entryPort !== port) continue;
    const suffix = entryHost!.replace(/^\*?\./, '');
    if (host === suffix || host.endsWith(`.${suffix}`)) return null;
  }
  // A proxy URL without a scheme (`proxy:3128`) is an http proxy, as curl takes it.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}
