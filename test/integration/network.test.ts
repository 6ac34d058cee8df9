import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import type { SandboxReport } from '@airlock/core';
import { connectDocker } from '@airlock/sandbox';
import { testTempDir } from '../support/temp-dir.js';

// Egress fixtures run in the real sandbox behind the real fake internet, while tcpdump watches every
// interface of the host. Nothing here is mocked.
const docker = connectDocker();
const fixture = (name: string) => resolve(__dirname, '../fixtures/npm', name);
const artifactsRoot = testTempDir('airlock-net-');
const scan = (name: string) => analyzeLocalPackage(fixture(name), { docker, artifactsRoot });
const install = (r: SandboxReport) => r.phases.find((p) => p.name === 'install')!;

/** Addresses that must never appear outside the sandbox: its own, the fake ones, and every fixture target. */
const WATCHED = ['net 10.213.0.0/24', 'net 198.18.0.0/15', 'host 203.0.113.7', 'host 198.51.100.9', 'host 8.8.8.8', 'host 169.254.169.254'];
const CONTROL_PORT = 47999;

let tcpdump: ChildProcess;
const captured: string[] = [];
let listening = false;

beforeAll(async () => {
  // Positive control: a datagram to 127.0.0.1:CONTROL_PORT must be seen, proving the capture works.
  const filter = `(${WATCHED.join(' or ')}) or (udp and host 127.0.0.1 and port ${CONTROL_PORT})`;
  tcpdump = spawn('tcpdump', ['-i', 'any', '-n', '-l', '-U', filter], { stdio: ['ignore', 'pipe', 'pipe'] });
  tcpdump.stdout!.on('data', (chunk: Buffer) => captured.push(...chunk.toString().split('\n').filter(Boolean)));
  await new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error('tcpdump did not start: the leak test cannot run')), 10_000);
    tcpdump.on('error', (err) => reject(new Error(`tcpdump cannot run: ${err.message}`)));
    tcpdump.on('exit', (code) => reject(new Error(`tcpdump exited with ${code}: the leak test cannot run`)));
    tcpdump.stderr!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) {
        listening = true;
        clearTimeout(timer);
        resolvePromise();
      }
    });
  });
});

afterAll(() => {
  tcpdump?.kill('SIGTERM');
});

describe('egress capture by the fake internet', () => {
  it('sees a resolve-and-POST over HTTPS (SNI) and over HTTP (method, path, body)', async () => {
    const r = await scan('net-https-post');
    expect(install(r).status).toBe('completed');
    expect(r.network.dns.map((d) => d.qname)).toEqual(
      expect.arrayContaining(['telemetry.exfil-fixture.example', 'plain.exfil-fixture.example']),
    );
    const tls = r.network.tcp.find((c) => c.protocol === 'tls')!;
    expect(tls.destination).toMatchObject({ hostname: 'telemetry.exfil-fixture.example', port: 443 });
    // Node trusted the run's CA (NODE_EXTRA_CA_CERTS), so the request inside TLS was decrypted and answered.
    expect(tls.tls).toMatchObject({ sni: 'telemetry.exfil-fixture.example', intercepted: true });
    expect(tls.http).toMatchObject({ method: 'POST', target: '/v1/collect', host: 'telemetry.exfil-fixture.example', complete: true });
    expect(JSON.parse(tls.http!.body)).toMatchObject({ token: 'fixture-token-1234' });
    expect(install(r).stdout.text).not.toMatch(/telemetry\.exfil-fixture\.example error/);
    const http = r.network.tcp.find((c) => c.protocol === 'http')!;
    expect(http.destination).toMatchObject({ hostname: 'plain.exfil-fixture.example', port: 80 });
    expect(http.http).toMatchObject({ method: 'POST', target: '/v1/collect', host: 'plain.exfil-fixture.example', complete: true });
    expect(JSON.parse(http.http!.body)).toMatchObject({ token: 'fixture-token-1234', host: r.sandbox.hostname });
    expect(install(r).stdout.text).toContain('done');
    // The traced connect() carries the name the fake DNS gave its address.
    expect(r.connections).toContainEqual(
      expect.objectContaining({ family: 'AF_INET', port: 443, hostname: 'telemetry.exfil-fixture.example' }),
    );
  });

  it('decrypts HTTPS from curl, wget and Python (system CA store) and proves the planted credentials they send', async () => {
    const r = await scan('net-https-clients');
    const out = install(r).stdout.text;
    expect(out).toContain('curl 200');
    expect(out).toContain('wget ok');
    expect(out).toContain('python 200');
    for (const [host, path] of [
      ['curl.tls-fixture.example', '/c'],
      ['wget.tls-fixture.example', '/w'],
      ['py.tls-fixture.example', '/p'],
    ]) {
      const record = r.network.tcp.find((c) => c.tls?.sni === host);
      expect(record, host).toBeDefined();
      expect(record!.tls!.intercepted, host).toBe(true);
      expect(record!.http, host).toMatchObject({ method: 'POST', target: path, complete: true });
    }
    const leaks = r.honeytokens.exfiltrated.map((e) => [e.kind, e.destination, e.channel]);
    expect(leaks).toEqual(
      expect.arrayContaining([
        ['aws-access-key', 'curl.tls-fixture.example:443', 'http'],
        ['github-token', 'wget.tls-fixture.example:443', 'http'],
        ['npm-token', 'py.tls-fixture.example:443', 'http'],
      ]),
    );
    expect(r.verdict?.verdict).toBe('malicious');
    // The trust files are the sandbox's own set-up, not something the package changed.
    expect(r.fsDiff.map((c) => c.path).filter((p) => p.startsWith('/etc/ssl') || p.startsWith('/usr/local/share/ca-certificates'))).toEqual(
      [],
    );
  });

  it('dwells after the install script exits: a detached child that phones home 4 s later is seen', async () => {
    const r = await scan('delayed-beacon');
    expect(install(r).status).toBe('completed');
    expect(r.network.dns.map((d) => d.qname)).toContain('delayed-beacon.example');
    expect(r.network.tcp).toContainEqual(
      expect.objectContaining({ destination: expect.objectContaining({ hostname: 'delayed-beacon.example', port: 443 }) }),
    );
    // The child ended on its own within the dwell, so nothing was left running to kill.
    expect(install(r).lingeringProcesses).toBe(0);
  });

  it('sees a DNS beacon carrying data in its labels', async () => {
    const r = await scan('net-dns-beacon');
    const beacon = r.network.dns.find((d) => d.qname.endsWith('.b.beacon-fixture.example') && d.qtype === 'A')!;
    const label = beacon.qname.split('.')[0]!;
    expect(Buffer.from(label, 'hex').toString()).toBe(`${r.sandbox.hostname}|jordan`);
    expect(beacon.answers[0]).toMatch(/^198\.1[89]\./);
  });

  it('sees curl and wget downloads from a shell, with their URLs', async () => {
    const r = await scan('net-shell-download');
    const gets = r.network.tcp.map((c) => `${c.http?.method} ${c.destination.hostname}${c.http?.target}`);
    expect(gets).toEqual(
      expect.arrayContaining(['GET stage2.download-fixture.example/payload.sh', 'GET mirror.download-fixture.example/q.sh']),
    );
    expect(r.processes.map((p) => p.argv[0])).toEqual(expect.arrayContaining(['curl', 'wget']));
  });

  it('sees a raw TCP connection to a TEST-NET address and what was written to it', async () => {
    const r = await scan('net-raw-ip');
    const conn = r.network.tcp.find((c) => c.destination.address === '203.0.113.7')!;
    expect(conn.destination).toMatchObject({ port: 4444, hostname: null });
    expect(Buffer.from(conn.firstBytes, 'base64').toString()).toBe('reverse-shell-hello uid=1000\n');
    expect(r.connections).toContainEqual(expect.objectContaining({ family: 'AF_INET', address: '203.0.113.7', port: 4444 }));
  });

  it('sees DNS sent straight to 8.8.8.8 and a datagram to another address, each with its destination', async () => {
    const r = await scan('net-udp-direct');
    expect(r.network.dns).toContainEqual(
      expect.objectContaining({ qname: 'direct.udp-fixture.example', server: expect.objectContaining({ address: '8.8.8.8', port: 53 }) }),
    );
    const datagram = r.network.udp.find((u) => u.destination.address === '198.51.100.9')!;
    expect(datagram.destination.port).toBe(9999);
    expect(Buffer.from(datagram.data, 'base64').toString()).toBe('udp-exfil:secret-data');
    expect(install(r).stdout.text).toContain('dns reply bytes');
  });

  it('answers a DNS TXT query', async () => {
    const r = await scan('net-dns-txt');
    expect(r.network.dns).toContainEqual(expect.objectContaining({ qname: 'cmd.txt-fixture.example', qtype: 'TXT' }));
    expect(install(r).stdout.text).toMatch(/txt \[\[".+"\]\]/);
  });

  it('keeps the npm registry and the metadata address inside the fake internet', async () => {
    const r = await scan('net-forbidden');
    expect(r.network.tcp).toContainEqual(
      expect.objectContaining({ destination: expect.objectContaining({ hostname: 'registry.npmjs.org', port: 443 }), protocol: 'tls' }),
    );
    const metadata = r.network.tcp.find((c) => c.destination.address === '169.254.169.254')!;
    expect(metadata.http).toMatchObject({ method: 'GET', target: '/latest/meta-data/iam/security-credentials/' });
  });

  it('proves exfiltration of planted credentials: npm token in a base64 body, AWS key id hex in DNS labels', async () => {
    const r = await scan('honeytoken-stealer');
    const planted = new Map(r.honeytokens.planted.map((t) => [t.id, t]));
    expect(planted.get('npm-token-1')?.value).toMatch(/^npm_/);
    const leaks = r.honeytokens.exfiltrated.map((h) => `${h.tokenId} ${h.channel} ${h.encoding}`);
    expect(leaks).toEqual(expect.arrayContaining(['npm-token-1 http base64', 'aws-access-key-1 dns hex', 'github-token-1 http base64']));
    const byPackage = r.honeytokens.accessed.filter((a) => a.attribution?.packageName === 'airlock-fixture-honeytoken-stealer');
    expect(byPackage.map((a) => a.path)).toEqual(expect.arrayContaining(['/home/jordan/.npmrc', '/home/jordan/.aws/credentials']));
    expect(r.verdict).toMatchObject({ verdict: 'malicious', score: 100 });
    expect(r.verdict!.reasons[0]).toMatchObject({ rule: 'honeytoken-exfiltration', conclusive: true, tactic: 'exfiltration' });
  });

  it('cannot be changed from inside: rule flushes, route and link changes fail, traffic is still captured', async () => {
    const r = await scan('net-tamper');
    const out = install(r).stdout.text;
    expect(out).toMatch(/iptables=[1-9]/);
    expect(out).toMatch(/route=[1-9]/);
    expect(out).toMatch(/link=[1-9]/);
    expect(out).toContain('curl=0');
    expect(r.network.tcp).toContainEqual(
      expect.objectContaining({ destination: expect.objectContaining({ hostname: 'after-tamper.example', port: 80 }) }),
    );
  });

  it('let no packet of the sandbox leave: the host capture saw only its own control datagram', async () => {
    expect(listening).toBe(true);
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.send('airlock-leak-test-control', CONTROL_PORT, '127.0.0.1', () => r()));
    socket.close();
    await new Promise((r) => setTimeout(r, 1000));
    const control = captured.filter((line) => line.includes(`127.0.0.1.${CONTROL_PORT}`));
    const leaks = captured.filter((line) => !line.includes(`127.0.0.1.${CONTROL_PORT}`));
    expect(control.length).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
