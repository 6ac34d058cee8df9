/**
 * The PyPI client goes through the environment's proxy: which proxy a URL takes (pure), and a loopback
 * proxy that records what it is asked (a CONNECT for https, an absolute-URI GET for http) while the
 * client resolves and downloads a package through it. Only loopback: the "remote" index is a local server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchPypiPackage, httpGet, httpGetStream } from '../src/index.js';
import { proxyFor } from '../src/proxy-env.js';
import { startIndexServer, type IndexServer } from '../../../test/fixtures/pypi/index-server.js';

describe('proxyFor', () => {
  const env = {
    HTTPS_PROXY: 'http://proxy.corp:3128',
    HTTP_PROXY: 'proxy.corp:8080',
    NO_PROXY: 'internal.example, .corp.example,10.0.0.1,svc:8443',
  };
  it.each([
    ['https://pypi.org/simple/x/', 'http://proxy.corp:3128'],
    ['http://pypi.org/simple/x/', 'http://proxy.corp:8080'],
    ['https://internal.example/x', null],
    ['https://a.b.internal.example/x', null],
    ['https://notinternal.example/x', 'http://proxy.corp:3128'],
    ['https://files.corp.example/x', null],
    ['https://corp.example/x', null],
    ['http://10.0.0.1/x', null],
    ['http://10.0.0.10/x', 'http://proxy.corp:8080'],
    ['https://svc:8443/x', null],
    ['https://svc/x', 'http://proxy.corp:3128'],
  ])('%s -> %s', (url, expected) => {
    expect(proxyFor(new URL(url), env)).toBe(expected);
  });

  it('prefers the lower-case variables, takes none without a proxy, and `*` turns it off', () => {
    expect(proxyFor(new URL('https://x.example/'), { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })).toBe(
      'http://lower:1',
    );
    expect(proxyFor(new URL('https://x.example/'), { HTTP_PROXY: 'http://only-http:1' })).toBeNull();
    expect(proxyFor(new URL('https://x.example/'), { HTTPS_PROXY: 'http://p:1', no_proxy: '*' })).toBeNull();
  });
});

interface RecordingProxy {
  url: string;
  seen: string[];
  server: Server;
}

/** An HTTP proxy on loopback that records each request line and forwards it (CONNECT tunnels too). */
async function startRecordingProxy(): Promise<RecordingProxy> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const upstream = connect(Number(target.port), target.hostname, () => {
      upstream.write(`${req.method} ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\nconnection: close\r\n\r\n`);
    });
    upstream.pipe(res.socket!);
    res.socket!.on('close', () => upstream.destroy());
  });
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    // No TLS server behind this proxy: the tunnel is refused once recorded.
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('the PyPI client through a proxy', () => {
  let proxy: RecordingProxy | undefined;
  let index: IndexServer | undefined;
  const saved = { ...process.env };
  afterEach(async () => {
    for (const k of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    proxy?.server.close();
    await index?.close();
  });

  it('resolves and downloads an http index through HTTP_PROXY (absolute-URI GETs), and goes direct for a NO_PROXY host', async () => {
    proxy = await startRecordingProxy();
    index = await startIndexServer({ demo: { '1.0': [{ filename: 'demo-1.0.tar.gz', bytes: Buffer.from('demo sdist') }] } });
    process.env.HTTP_PROXY = proxy.url;
    const got = await fetchPypiPackage('demo==1.0', { index: index.url });
    expect(got.bytes.toString()).toBe('demo sdist');
    expect(proxy.seen).toEqual([`GET ${index.url}/pypi/demo/1.0/json`, `GET ${index.url}/files/demo-1.0.tar.gz`]);

    process.env.NO_PROXY = '127.0.0.1';
    await fetchPypiPackage('demo==1.0', { index: index.url });
    expect(proxy.seen).toHaveLength(2);
  });

  it('streams a download (the pip guard passing a file on) through HTTP_PROXY too', async () => {
    proxy = await startRecordingProxy();
    index = await startIndexServer({ demo: { '1.0': [{ filename: 'demo-1.0.tar.gz', bytes: Buffer.from('demo sdist') }] } });
    const res = await httpGetStream(`${index.url}/files/demo-1.0.tar.gz`, { env: { HTTP_PROXY: proxy.url } });
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    expect([res.statusCode, Buffer.concat(chunks).toString()]).toEqual([200, 'demo sdist']);
    expect(proxy.seen).toEqual([`GET ${index.url}/files/demo-1.0.tar.gz`]);
  });

  it('tunnels https through HTTPS_PROXY with CONNECT', async () => {
    proxy = await startRecordingProxy();
    const res = await httpGet('https://pypi.example.test/simple/demo/', { maxBytes: 1024, env: { HTTPS_PROXY: proxy.url } });
    // The proxy's refusal of the tunnel is the answer (the agent replays it): nothing went around the proxy.
    expect(res.status).toBe(403);
    expect(proxy.seen).toEqual(['CONNECT pypi.example.test:443']);
  });
});
