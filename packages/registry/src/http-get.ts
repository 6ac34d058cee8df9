import http from 'node:http';
import https from 'node:https';
import { AirlockError } from '@airlock/core';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { proxyFor } from './proxy-env.js';

export interface HttpResponse {
  status: number;
  contentType: string;
  body: Buffer;
  /** The URL that answered, after redirects (relative links in the body resolve against it). */
  url: string;
}

export interface HttpGetOptions {
  accept?: string;
  /** The body is refused (and the download aborted) above this many bytes. */
  maxBytes: number;
  /** What `maxBytes` protects, for the error message (e.g. "the archive limit"). */
  limitName?: string;
  /** Idle socket time before the request fails. */
  timeoutMs?: number;
  /** Where the proxy settings are read (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

const MAX_REDIRECTS = 5;
const USER_AGENT = 'airlock-registry/0.1 (sandboxed package analysis; node)';

/** The agent that reaches `url` through the environment's proxy (CONNECT for https), or undefined: direct. */
function proxyAgent(url: URL, env: Readonly<Record<string, string | undefined>>): http.Agent | undefined {
  const proxy = proxyFor(url, env);
  if (!proxy) return undefined;
  return url.protocol === 'https:' ? new HttpsProxyAgent(proxy) : new HttpProxyAgent(proxy);
}

/**
 * A GET over node:http(s), through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY names the host, that keeps at most `maxBytes` in memory: a declared Content-Length above the
 * cap is refused before reading, a body that grows past it is aborted. Follows a few redirects, never
 * from https to http. Any status is returned; the caller decides what a 404 means.
 */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpResponse> {
  let current = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await requestOnce(current, options);
    if (!('location' in res)) return res;
    const next = new URL(res.location, current);
    if (current.protocol === 'https:' && next.protocol !== 'https:') {
      throw new AirlockError('ARCHIVE_REJECTED', `${current.href} redirects to ${next.href}, off https; refused`);
    }
    current = next;
  }
  throw new AirlockError('SANDBOX_FAILED', `${url}: more than ${MAX_REDIRECTS} redirects`);
}

function requestOnce(url: URL, options: HttpGetOptions): Promise<HttpResponse | { location: string }> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return Promise.reject(new AirlockError('INVALID_INPUT', `${url.href}: only http and https URLs are fetched`));
  }
  const client = url.protocol === 'https:' ? https : http;
  const limitName = options.limitName ?? 'the size limit';
  return new Promise((resolve, reject) => {
    const req = client.get(
      url,
      {
        headers: { 'user-agent': USER_AGENT, accept: options.accept ?? '*/*' },
        timeout: options.timeoutMs ?? 60_000,
        agent: proxyAgent(url, options.env ?? process.env),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          resolve({ location: res.headers.location });
          return;
        }
        const declared = Number(res.headers['content-length']);
        if (status === 200 && Number.isFinite(declared) && declared > options.maxBytes) {
          req.destroy();
          reject(tooLarge(url, `declares ${declared} bytes`, options.maxBytes, limitName));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            req.destroy();
            reject(tooLarge(url, `sent more than ${options.maxBytes} bytes`, options.maxBytes, limitName));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks), url: url.href }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no data for ${options.timeoutMs ?? 60_000} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err instanceof AirlockError
          ? err
          : new AirlockError('SANDBOX_FAILED', `GET ${url.href} failed: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' '), {
              cause: err,
            }),
      );
    });
  });
}

/**
 * A GET whose body the caller streams on (a download passed through, hundreds of MB): the answer's
 * status, headers and body as they come, through the environment's proxy, redirects followed as httpGet
 * follows them. The caller must consume or destroy the body.
 */
export async function httpGetStream(url: string, options: Pick<HttpGetOptions, 'timeoutMs' | 'env'> = {}): Promise<http.IncomingMessage> {
  let current = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (current.protocol !== 'https:' && current.protocol !== 'http:')
      throw new AirlockError('INVALID_INPUT', `${current.href}: only http and https URLs are fetched`);
    const target = current;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = (target.protocol === 'https:' ? https : http).get(
        target,
        {
          headers: { 'user-agent': USER_AGENT },
          timeout: options.timeoutMs ?? 60_000,
          agent: proxyAgent(target, options.env ?? process.env),
        },
        resolve,
      );
      req.on('timeout', () => req.destroy(new Error(`no data for ${options.timeoutMs ?? 60_000} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(
          new AirlockError('SANDBOX_FAILED', `GET ${target.href} failed: ${err.code ?? ''} ${err.message}`.replace(/\s+/g, ' '), {
            cause: err,
          }),
        ),
      );
    });
    const status = res.statusCode ?? 0;
    if (!(status >= 300 && status < 400 && res.headers.location)) return res;
    res.resume();
    const next = new URL(res.headers.location, current);
    if (current.protocol === 'https:' && next.protocol !== 'https:')
      throw new AirlockError('ARCHIVE_REJECTED', `${current.href} redirects to ${next.href}, off https; refused`);
    current = next;
  }
  throw new AirlockError('SANDBOX_FAILED', `${url}: more than ${MAX_REDIRECTS} redirects`);
}

function tooLarge(url: URL, what: string, max: number, limitName: string): AirlockError {
  return new AirlockError('ARCHIVE_REJECTED', `${url.href} ${what}, more than ${limitName} of ${max} bytes; refused`);
}
