import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NetworkActivity, TcpRecord } from '@airlock/core';
import { findExfiltration, findHoneytokenReads, findNeedle, needlesFor, planHoneytokens } from '../src/index.js';

const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEowIBAAKCAQEA'.padEnd(64, 'x')}\n${'q'.repeat(64)}\nshort==\n-----END RSA PRIVATE KEY-----\n`;
const plan = () =>
  planHoneytokens({
    home: '/home/jordan',
    projectDir: '/home/jordan/projects/app',
    sshPrivateKeyPem: PEM,
    random: randomBytes,
    now: new Date('2026-11-24T10:00:00Z'),
  });
const token = (p: ReturnType<typeof plan>, id: string) => p.tokens.find((t) => t.id === id)!;
const empty = (): NetworkActivity => ({ dns: [], tcp: [], udp: [] });
const dest = { address: '198.18.0.1', port: 443, hostname: 'evil.example' };
const tcp = (over: Partial<TcpRecord>): TcpRecord => ({
  kind: 'tcp',
  time: 1,
  endTime: 2,
  clientPort: 40000,
  destination: dest,
  protocol: 'unknown',
  http: null,
  tls: null,
  firstBytes: '',
  bytes: 0,
  truncated: false,
  ...over,
});

describe('planHoneytokens', () => {
  it("plants a session token in the browser's Local Storage and the Discord app's store, in the shape grabbers match", () => {
    const p = plan();
    const chat = token(p, 'browser-profile-3');
    // What Discord token grabbers search LevelDB files for.
    expect(chat.value).toMatch(/^[\w-]{24}\.[\w-]{6}\.[\w-]{25,110}$/);
    expect(chat.files).toEqual([
      '/home/jordan/.config/google-chrome/Default/Local Storage/leveldb/000003.log',
      '/home/jordan/.config/discord/Local Storage/leveldb/000005.ldb',
    ]);
    for (const path of chat.files) {
      const body = new TextDecoder().decode(p.files.find((f) => f.path === path)!.content);
      expect(body).toContain(`"${chat.value}"`);
    }
    expect(plan().tokens.find((t) => t.id === 'browser-profile-3')!.value).not.toBe(chat.value);
  });

  it('plants realistic credentials where developers keep them, private files 0600', () => {
    const p = plan();
    expect(token(p, 'npm-token-1').value).toMatch(/^npm_[A-Za-z0-9]{36}$/);
    expect(token(p, 'aws-access-key-1').value).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(token(p, 'aws-secret-key-1').value).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(token(p, 'github-token-1').value).toMatch(/^ghp_[A-Za-z0-9]{36}$/);
    expect(token(p, 'github-token-2').value).toMatch(/^gho_/);
    expect(token(p, 'dotenv-secret-1').value).toMatch(/^sk_live_/);
    expect(token(p, 'ssh-private-key-1').value).toBe('q'.repeat(64));
    expect(p.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        '/home/jordan/.npmrc',
        '/home/jordan/.aws/credentials',
        '/home/jordan/.ssh/id_rsa',
        '/home/jordan/.config/gh/hosts.yml',
        '/home/jordan/projects/app/.env',
        '/home/jordan/.config/google-chrome/Default/Login Data',
      ]),
    );
    expect(p.files.find((f) => f.path.endsWith('.npmrc'))!.mode).toBe(0o600);
    expect(new TextDecoder().decode(p.files.find((f) => f.path.endsWith('.npmrc'))!.content)).toContain(token(p, 'npm-token-1').value);
    expect(p.env).toMatchObject({
      NPM_TOKEN: token(p, 'npm-token-1').value,
      AWS_ACCESS_KEY_ID: token(p, 'aws-access-key-1').value,
      GITHUB_TOKEN: token(p, 'github-token-1').value,
    });
    expect(p.files.some((f) => f.path.includes('/.ethereum/keystore/UTC--2026-11-24T10-00-00.000Z--'))).toBe(true);
  });

  it('makes new values every run and never a well-known example', () => {
    const a = plan();
    const b = plan();
    for (const t of a.tokens) expect(b.tokens.find((u) => u.id === t.id)!.value === t.value && t.kind !== 'ssh-private-key').toBe(false);
    expect(a.tokens.map((t) => t.value)).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('needlesFor', () => {
  const secret = 'npm_Zx9ABCdefGHIjkl0123456789mnopQRSTuv';
  it.each([0, 1, 2, 5])('finds the secret base64-encoded inside a longer string (prefix %i bytes)', (prefix) => {
    const carried = Buffer.from(`${'p'.repeat(prefix)}token=${secret}&x=1`).toString('base64');
    expect(findNeedle(carried, needlesFor(secret))?.encoding).toBe('base64');
  });
  it('finds hex (either case), URL-encoded and reversed forms, and not unrelated text', () => {
    const needles = needlesFor('sk_live_a/b+c==secretvalue');
    expect(findNeedle(Buffer.from('sk_live_a/b+c==secretvalue').toString('hex').toUpperCase(), needles)?.encoding).toBe('hex');
    expect(findNeedle(`q=${encodeURIComponent('sk_live_a/b+c==secretvalue')}`, needles)?.encoding).toBe('url');
    expect(findNeedle('eulavterces==c+b/a_evil_ks', needles)?.encoding).toBe('reversed');
    expect(findNeedle('nothing to see here sk_live_other', needles)).toBeNull();
  });
});

describe('findExfiltration', () => {
  it('finds a token hex-encoded across DNS labels', () => {
    const p = plan();
    const hexed = Buffer.from(token(p, 'aws-access-key-1').value).toString('hex');
    const network = empty();
    network.dns.push({
      kind: 'dns',
      time: 5,
      transport: 'udp',
      clientPort: 1,
      server: { address: '8.8.8.8', port: 53, hostname: null },
      qname: `${hexed.slice(0, 20)}.${hexed.slice(20)}.x.evil.example`,
      qtype: 'A',
      answers: [],
    });
    expect(findExfiltration(p.tokens, network)).toEqual([
      { tokenId: 'aws-access-key-1', kind: 'aws-access-key', channel: 'dns', destination: '8.8.8.8', encoding: 'hex', time: 5 },
    ]);
  });

  it('finds tokens in an HTTP body, in a query string and in raw TCP, but not behind TLS', () => {
    const p = plan();
    const npm = token(p, 'npm-token-1').value;
    const gh = token(p, 'github-token-1').value;
    const network = empty();
    network.tcp.push(
      tcp({
        protocol: 'http',
        http: {
          method: 'POST',
          target: `/c?t=${encodeURIComponent(gh)}`,
          version: 'HTTP/1.1',
          host: 'evil.example',
          headers: [],
          body: JSON.stringify({ env: Buffer.from(`NPM_TOKEN=${npm}`).toString('base64') }),
          bodyBytes: 10,
          complete: true,
        },
      }),
    );
    network.tcp.push(
      tcp({
        firstBytes: Buffer.from(`AWS ${token(p, 'aws-secret-key-1').value}\n`).toString('base64'),
        destination: { address: '203.0.113.7', port: 4444, hostname: null },
      }),
    );
    network.tcp.push(tcp({ protocol: 'tls', firstBytes: Buffer.from(npm).toString('base64') }));
    const hits = findExfiltration(p.tokens, network).map((h) => [h.tokenId, h.channel, h.encoding, h.destination]);
    expect(hits).toEqual(
      expect.arrayContaining([
        ['npm-token-1', 'http', 'base64', 'evil.example:443'],
        ['github-token-1', 'http', 'raw', 'evil.example:443'],
        ['aws-secret-key-1', 'tcp', 'raw', '203.0.113.7:4444'],
      ]),
    );
    expect(hits).toHaveLength(3);
  });

  it('does not count a token in the Authorization header of its own service as exfiltration; elsewhere it is', () => {
    const p = plan();
    const gh = token(p, 'github-token-1').value;
    const request = (host: string, headers: [string, string][], body = '') =>
      tcp({
        protocol: 'tls',
        destination: { address: '198.18.0.9', port: 443, hostname: host },
        http: {
          method: 'GET',
          target: '/repos/yt-dlp/yt-dlp/releases/latest',
          version: 'HTTP/1.1',
          host,
          headers,
          body,
          bodyBytes: body.length,
          complete: true,
        },
      });
    const network = empty();
    network.tcp.push(request('api.github.com', [['Authorization', `token ${gh}`]]));
    expect(findExfiltration(p.tokens, network)).toEqual([]);
    // The same header to another host, or the token in the body to GitHub, is the token sent away.
    network.tcp.push(request('collector.example', [['Authorization', `token ${gh}`]]));
    network.tcp.push(request('api.github.com', [], JSON.stringify({ description: gh })));
    expect(findExfiltration(p.tokens, network).map((h) => h.destination)).toEqual(['collector.example:443', 'api.github.com:443']);
  });

  it('reports nothing for traffic without planted values', () => {
    const network = empty();
    network.tcp.push(
      tcp({
        protocol: 'http',
        http: {
          method: 'GET',
          target: '/index.json',
          version: 'HTTP/1.1',
          host: 'registry.example',
          headers: [['User-Agent', 'npm/10']],
          body: '',
          bodyBytes: 0,
          complete: true,
        },
      }),
    );
    expect(findExfiltration(plan().tokens, network)).toEqual([]);
  });
});

describe('findHoneytokenReads', () => {
  it('matches accesses of planted files, every token they carry', () => {
    const p = plan();
    const hits = findHoneytokenReads(p.tokens, [
      {
        path: '/home/jordan/.aws/credentials',
        phase: 'install',
        pid: 40,
        time: 3,
        operation: 'read',
        result: 'ok',
        program: '/usr/bin/cat',
        attribution: null,
      },
      {
        path: '/home/jordan/.bashrc',
        phase: 'install',
        pid: 40,
        time: 4,
        operation: 'read',
        result: 'ok',
        program: null,
        attribution: null,
      },
    ]);
    expect(hits.map((h) => h.tokenId)).toEqual(['aws-access-key-1', 'aws-secret-key-1']);
  });
});
