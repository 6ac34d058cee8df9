import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLocalPackage } from '@airlock/analysis';
import { connectDocker } from '@airlock/sandbox';

// Real malicious PyPI sdists from ../shared/corpus (live malware): read from there at run time, never
// copied into the repo, and installed only inside the sandbox behind the fake internet.
const corpus = resolve(__dirname, '../../../shared/corpus/pypi-malicious');
const docker = connectDocker();
const artifactsRoot = mkdtempSync(join(tmpdir(), 'airlock-pypi-'));
const scan = (file: string) => {
  const path = join(corpus, file);
  if (!existsSync(path)) throw new Error(`corpus sample missing: ${path} (../shared/corpus must be beside the repo)`);
  return analyzeLocalPackage(path, { docker, artifactsRoot, timeoutsMs: { install: 90_000 } });
};

describe('real malicious PyPI samples in the sandbox', () => {
  it('anku2-rce: setup.py starts a PowerShell reverse shell through sh', async () => {
    const r = await scan('anku2_rce-0.0.2.tar.gz');
    expect(r.package).toMatchObject({ ecosystem: 'pypi', name: 'anku2-rce', version: '0.0.2' });
    expect(r.phases[0]).toMatchObject({ name: 'install', status: 'completed', exitCode: 0 });
    const shell = r.processes.find((p) => p.argv[0] === 'sh' && p.argv.join(' ').includes('powershell'));
    expect(shell?.argv.join(' ')).toContain("TCPClient('47.96.145.144',4502)");
  });

  it('hello_wordl: setup.py POSTs to an out-of-band collaborator host, caught by the fake internet', async () => {
    const r = await scan('hello_wordl-0.2.0.tar.gz');
    expect(r.network.dns.some((d) => d.qname.endsWith('.oastify.com'))).toBe(true);
    const post = r.network.tcp.find((c) => c.http?.method === 'POST')!;
    expect(post.destination.hostname).toMatch(/\.oastify\.com$/);
    expect(post.destination.port).toBe(80);
  });

  it('much_needed_py_package: setup.py drops a script in the home directory and runs it', async () => {
    const r = await scan('much_needed_py_package-0.1.tar.gz');
    expect(r.fsDiff).toContainEqual(expect.objectContaining({ path: '/home/jordan/remote-access.py', kind: 'added' }));
    expect(r.processes.some((p) => p.argv.join(' ') === 'python3 /home/jordan/remote-access.py')).toBe(true);
    expect(r.fileWrites.some((w) => w.path === '/home/jordan/remote-access.py' && w.result === 'ok')).toBe(true);
  });
});
