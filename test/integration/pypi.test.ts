import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeLocalPackage, analyzePypiSpec } from '@airlock/analysis';
import { connectDocker } from '@airlock/sandbox';
import { startIndexServer, type IndexServer } from '../fixtures/pypi/index-server.js';
import { buildWheel } from '../fixtures/pypi/zip-writer.js';
import { testTempDir } from '../support/temp-dir.js';

// Real malicious PyPI sdists from ../shared/corpus (live malware): read from there at run time, never
// copied into the repo, and installed only inside the sandbox behind the fake internet.
const corpus = resolve(__dirname, '../../../shared/corpus/pypi-malicious');
const docker = connectDocker();
const artifactsRoot = testTempDir('airlock-pypi-');
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

  it('instarequests (a zip sdist): unzipped for the legacy setup.py install, whose custom command drops and runs a script', async () => {
    const r = await scan('instarequests-0.1.5.zip');
    expect(r.package).toMatchObject({ ecosystem: 'pypi', name: 'instarequests', version: '0.1.5' });
    expect(r.processes).toContainEqual(
      expect.objectContaining({
        phase: 'install',
        argv: ['unzip', '-q', '/airlock/input/instarequests-0.1.5.zip', '-d', expect.stringMatching(/^\/tmp\/build-/)],
      }),
    );
    expect(r.processes.some((p) => p.argv.join(' ') === 'python /home/jordan/remote-access.py')).toBe(true);
    expect(r.fsDiff).toContainEqual(expect.objectContaining({ path: '/home/jordan/remote-access.py', kind: 'added' }));
  });
});

// A local index on 127.0.0.1 stands in for PyPI (the host resolves and downloads from it; the sandbox
// never sees it). The corpus sample's bytes are only served, never opened here.
describe('pypi: specs resolved on a local index', () => {
  let index: IndexServer;
  const wheel = buildWheel('requestss', '0.3.0', {
    'requestss/__init__.py': [
      'import os, subprocess',
      "open(os.path.expanduser('~/requestss-was-imported'), 'w').write('hi')",
      "subprocess.run(['uname', '-a'], check=False)",
      'VALUE = 42',
      '',
    ].join('\n'),
    // A .pth line starting with `import` runs at every interpreter start-up in that environment.
    'requestss-startup.pth': "import os; os.system('touch ~/pth-ran')\n",
  });
  beforeAll(async () => {
    const sample = join(corpus, 'hello_wordl-0.2.0.tar.gz');
    if (!existsSync(sample)) throw new Error(`corpus sample missing: ${sample}`);
    index = await startIndexServer({
      // 0.3.0rc1 is a pre-release and 0.1.0 older: a bare name must resolve to 0.2.0.
      hello_wordl: {
        '0.1.0': [{ filename: 'hello_wordl-0.1.0.tar.gz', bytes: Buffer.from('never downloaded') }],
        '0.2.0': [{ filename: 'hello_wordl-0.2.0.tar.gz', bytes: readFileSync(sample) }],
        '0.3.0rc1': [{ filename: 'hello_wordl-0.3.0rc1.tar.gz', bytes: Buffer.from('never downloaded') }],
      },
      requestss: {
        '0.3.0': [
          { filename: 'requestss-0.3.0.tar.gz', bytes: Buffer.from('not the wheel') },
          { filename: wheel.fileName, bytes: wheel.bytes },
        ],
      },
    });
  });
  afterAll(() => index?.close());

  it('pypi:hello_wordl (bare name) resolves to 0.2.0, and its setup.py POSTs out, caught by the fake internet', async () => {
    let fetchMs = -1;
    const log = (message: string, fields?: Record<string, unknown>) => {
      if (message === 'pypi package fetched') fetchMs = fields?.ms as number;
    };
    const r = await analyzePypiSpec('hello_wordl', { docker, artifactsRoot, index: index.url, timeoutsMs: { install: 90_000 }, log });
    expect(r.package).toMatchObject({
      ecosystem: 'pypi',
      name: 'hello-wordl',
      version: '0.2.0',
      archive: { source: 'pypi:hello_wordl==0.2.0 (hello_wordl-0.2.0.tar.gz)' },
    });
    expect(index.requests).toContain('/files/hello_wordl-0.2.0.tar.gz');
    expect(index.requests.filter((p) => p.startsWith('/files/'))).toHaveLength(1);
    const post = r.network.tcp.find((c) => c.http?.method === 'POST');
    expect(post?.destination.hostname).toMatch(/\.oastify\.com$/);
    console.info(`pypi:hello_wordl: resolve+fetch ${fetchMs} ms, sandbox ${r.timings.totalMs} ms`);
    expect(fetchMs).toBeGreaterThanOrEqual(0);
  });

  it('--wheel: a hand-built wheel is chosen over the sdist, installed offline and imported; its module and .pth run', async () => {
    const r = await analyzePypiSpec('requestss==0.3.0', { docker, artifactsRoot, index: index.url, kind: 'wheel' });
    expect(r.package).toMatchObject({ ecosystem: 'pypi', name: 'requestss', version: '0.3.0' });
    expect(index.requests).toContain(`/files/${wheel.fileName}`);
    expect(r.phases.map((p) => [p.name, p.status, p.exitCode])).toEqual([
      ['install', 'completed', 0],
      ['import', 'completed', 0],
    ]);
    expect(r.fsDiff).toContainEqual(
      expect.objectContaining({ path: expect.stringMatching(/\/site-packages\/requestss\/__init__\.py$/), kind: 'added' }),
    );
    expect(r.fsDiff).toContainEqual(expect.objectContaining({ path: '/home/jordan/requestss-was-imported', kind: 'added' }));
    expect(r.fsDiff).toContainEqual(expect.objectContaining({ path: '/home/jordan/pth-ran', kind: 'added' }));
    expect(r.processes).toContainEqual(expect.objectContaining({ phase: 'import', argv: ['uname', '-a'] }));
    expect(r.importResult).toMatchObject({ modules: { requestss: { ok: true, exportKeys: expect.arrayContaining(['VALUE']) } } });
    // The name is one edit from `requests`: the vendored top-PyPI list is wired in for PyPI packages.
    expect(r.staticSignals).toContainEqual(
      expect.objectContaining({
        id: 'typosquat.edit-distance',
        evidence: expect.objectContaining({ file: 'METADATA', value: 'requestss' }),
      }),
    );
  });
});
