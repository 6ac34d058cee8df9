import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchPypiPackage, indexRoots, parsePypiSpec, versionOfFile } from '../src/index.js';
import {
  startIndexServer,
  type IndexFile,
  type IndexProjects,
  type IndexServer,
  type IndexServerOptions,
} from '../../../test/fixtures/pypi/index-server.js';

// Only loopback: every index here is a local server started by the test.
const file = (filename: string, extra: Partial<IndexFile> = {}): IndexFile => ({
  filename,
  bytes: Buffer.from(`bytes of ${filename}`),
  ...extra,
});
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const demo: IndexProjects = {
  Demo_Pkg: {
    '0.9': [file('demo_pkg-0.9.tar.gz')],
    '1.9': [file('Demo_Pkg-1.9.tar.gz'), file('demo_pkg-1.9-py3-none-any.whl')],
    '1.10': [
      file('demo_pkg-1.10.zip'),
      file('demo_pkg-1.10.tar.gz'),
      file('demo_pkg-1.10-cp311-cp311-manylinux_2_17_x86_64.whl'),
      file('demo_pkg-1.10-py2.py3-none-any.whl'),
    ],
    '1.11': [file('demo_pkg-1.11.tar.gz', { yanked: 'broken upload' })],
    '2.0rc1': [file('demo_pkg-2.0rc1.tar.gz')],
    '2.0.dev3': [file('demo_pkg-2.0.dev3.tar.gz')],
    '3.0': [file('demo_pkg-3.0-cp312-cp312-win_amd64.whl')],
    '4.0': [],
  },
  'only-pre': { '1.0b1': [file('only_pre-1.0b1.tar.gz')], '1.0b2': [file('only_pre-1.0b2.tar.gz')] },
};
// 3.0 (platform wheel only) and 4.0 (no files) would win as newest; they are only reached when pinned.
const latestDemo: IndexProjects = {
  Demo_Pkg: Object.fromEntries(Object.entries(demo.Demo_Pkg!).filter(([v]) => !['3.0', '4.0'].includes(v))),
};

let server: IndexServer | undefined;
const start = async (projects: IndexProjects, options?: IndexServerOptions) => (server = await startIndexServer(projects, options));
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('spec and index URL parsing', () => {
  it('takes name and name==version, refuses ranges, URLs and paths', () => {
    expect(parsePypiSpec('Demo_Pkg==1.10')).toEqual({ name: 'Demo_Pkg', version: '1.10' });
    expect(parsePypiSpec('requests')).toEqual({ name: 'requests', version: null });
    for (const bad of ['demo>=1.0', 'demo[extra]==1', 'https://x/y.tar.gz', '../demo', 'demo==1.0; rm -rf /', '']) {
      expect(() => parsePypiSpec(bad)).toThrow(/not a PyPI package spec/);
    }
  });

  it('accepts pypi.org-style roots and pip-style .../simple URLs', () => {
    expect(indexRoots('https://pypi.org')).toEqual({ json: 'https://pypi.org/pypi/', simple: 'https://pypi.org/simple/' });
    expect(indexRoots('https://nexus.example/repository/pypi/simple/')).toEqual({
      json: 'https://nexus.example/repository/pypi/pypi/',
      simple: 'https://nexus.example/repository/pypi/simple/',
    });
    expect(() => indexRoots('file:///etc')).toThrow(/must be http/);
  });

  it('finds the version in legacy and wheel file names', () => {
    expect(versionOfFile('python-dateutil-2.8.2.tar.gz', 'python-dateutil')).toBe('2.8.2');
    expect(versionOfFile('Demo_Pkg-1.9.tar.gz', 'demo-pkg')).toBe('1.9');
    expect(versionOfFile('demo_pkg-1.10-py3-none-any.whl', 'demo-pkg')).toBe('1.10');
    expect(versionOfFile('other-1.0.tar.gz', 'demo-pkg')).toBeNull();
  });
});

describe('resolution through the JSON API', () => {
  it('downloads a pinned sdist, .tar.gz before .zip, checked against the index sha256', async () => {
    const s = await start(demo);
    const d = await fetchPypiPackage('demo-pkg==1.10', { index: s.url });
    expect(d).toMatchObject({ version: '1.10', api: 'json', file: { filename: 'demo_pkg-1.10.tar.gz', kind: 'sdist' } });
    expect(d.bytes.toString()).toBe('bytes of demo_pkg-1.10.tar.gz');
    expect(d.file.sha256).toBe(sha(d.bytes));
    expect(s.requests).toEqual(['/pypi/demo-pkg/1.10/json', '/files/demo_pkg-1.10.tar.gz']);
  });

  it('takes the newest final release for a bare name by PEP 440 order, skipping yanked, pre- and dev-releases', async () => {
    const s = await start(latestDemo);
    // Newest by string order would be 2.0rc1/2.0.dev3 or 1.9; PEP 440 says 1.10 (1.11 is yanked).
    expect((await fetchPypiPackage('demo_pkg', { index: s.url })).version).toBe('1.10');
  });

  it('falls back to pre-releases when there is nothing else, as pip does', async () => {
    const s = await start(demo);
    expect((await fetchPypiPackage('only-pre', { index: s.url })).version).toBe('1.0b2');
  });

  it('analyses a yanked file only when it is pinned', async () => {
    const s = await start(demo);
    const d = await fetchPypiPackage('demo-pkg==1.11', { index: s.url });
    expect(d.file).toMatchObject({ filename: 'demo_pkg-1.11.tar.gz', yanked: 'broken upload' });
  });

  it('chooses the pure-Python wheel when asked, never a platform wheel', async () => {
    const s = await start(demo);
    expect((await fetchPypiPackage('demo-pkg==1.10', { index: s.url, kind: 'wheel' })).file.filename).toBe(
      'demo_pkg-1.10-py2.py3-none-any.whl',
    );
    await expect(fetchPypiPackage('demo-pkg==3.0', { index: s.url, kind: 'wheel' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(
        /demo-pkg==3.0 has no pure-Python wheel \(py3-none-any\) \(files: demo_pkg-3.0-cp312-cp312-win_amd64.whl\)/,
      ),
    });
    await expect(fetchPypiPackage('demo-pkg==3.0', { index: s.url })).rejects.toMatchObject({
      message: expect.stringMatching(/has no sdist .*; try --wheel/),
    });
  });

  it('says when a release has no files', async () => {
    const s = await start(demo);
    await expect(fetchPypiPackage('demo-pkg==4.0', { index: s.url })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/the release has no files/),
    });
  });

  it('uses the simple API for the list when the project JSON has no releases', async () => {
    const s = await start(latestDemo, { omitReleases: true });
    const d = await fetchPypiPackage('demo-pkg', { index: s.url });
    expect([d.version, d.api]).toEqual(['1.10', 'simple']);
    expect(s.requests.slice(0, 2)).toEqual(['/pypi/demo-pkg/json', '/simple/demo-pkg/']);
  });
});

describe('resolution through the simple API (PEP 691) when the index has no JSON API', () => {
  it('resolves pinned and bare names, following relative file links', async () => {
    const s = await start(latestDemo, { jsonApi: false });
    const pinned = await fetchPypiPackage('Demo.Pkg==1.9', { index: s.url });
    expect(pinned).toMatchObject({
      version: '1.9',
      api: 'simple',
      file: { filename: 'Demo_Pkg-1.9.tar.gz', url: `${s.url}/files/Demo_Pkg-1.9.tar.gz` },
    });
    expect(s.requests).toEqual(['/pypi/Demo.Pkg/1.9/json', '/simple/demo-pkg/', '/files/Demo_Pkg-1.9.tar.gz']);
    expect((await fetchPypiPackage('demo-pkg', { index: s.url })).version).toBe('1.10');
    expect((await fetchPypiPackage('demo-pkg==1.11', { index: `${s.url}/simple/` })).file.yanked).toBe('broken upload');
  });

  it('names the versions it has when the pinned one is not there', async () => {
    const s = await start(demo, { jsonApi: false });
    await expect(fetchPypiPackage('demo-pkg==7.7', { index: s.url })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/demo-pkg==7.7: no such version on .*1\.10/),
    });
  });

  it('refuses an HTML-only simple index with a clear message', async () => {
    const s = await start(demo, { jsonApi: false, simple: 'html' });
    await expect(fetchPypiPackage('demo-pkg==1.9', { index: s.url })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/answers the simple API in text\/html, not PEP 691 JSON/),
    });
  });
});

describe('failures are loud', () => {
  it('404: an unknown project, and an unknown version on the JSON API', async () => {
    const s = await start(demo);
    await expect(fetchPypiPackage('no-such-project', { index: s.url })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/pypi:no-such-project: no such project on http:\/\/127\.0\.0\.1:\d+ \(404\)/),
    });
    await expect(fetchPypiPackage('demo-pkg==9.9', { index: s.url })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/no such version/),
    });
  });

  it('a download whose sha256 differs from the index names both hashes', async () => {
    const good = Buffer.from('the real sdist');
    const evil = Buffer.from('swapped on the mirror');
    const s = await start({ swapped: { '1.0': [{ filename: 'swapped-1.0.tar.gz', bytes: good, servedBytes: evil }] } });
    await expect(fetchPypiPackage('swapped==1.0', { index: s.url })).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: `pypi:swapped==1.0: swapped-1.0.tar.gz does not match the index's sha256: expected ${sha(good)}, got ${sha(evil)}; refused`,
    });
  });

  it('refuses an oversize file from its listed size without downloading it', async () => {
    const s = await start({ big: { '1.0': [{ filename: 'big-1.0.tar.gz', bytes: Buffer.alloc(4096, 1) }] } });
    await expect(fetchPypiPackage('big==1.0', { index: s.url, maxBytes: 1000 })).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(/big-1.0.tar.gz is 4096 bytes, more than the archive limit of 1000/),
    });
    expect(s.requests).not.toContain('/files/big-1.0.tar.gz');
  });

  it('aborts an oversize download that declared no size', async () => {
    const s = await start({ big: { '1.0': [{ filename: 'big-1.0.tar.gz', bytes: Buffer.alloc(256 * 1024, 1), hideSize: true }] } });
    await expect(fetchPypiPackage('big==1.0', { index: s.url, maxBytes: 1000 })).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(/sent more than 1000 bytes, more than the archive limit/),
    });
    expect(s.requests).toContain('/files/big-1.0.tar.gz');
  });

  it('says when only yanked files of the wanted kind exist for the newest release', async () => {
    const s = await start({ y: { '1.0': [file('y-1.0.tar.gz', { yanked: true }), file('y-1.0-py3-none-any.whl')] } });
    await expect(fetchPypiPackage('y', { index: s.url })).rejects.toMatchObject({
      message: expect.stringMatching(/has no sdist \(\.tar\.gz or \.zip\) that is not yanked \(pin the version/),
    });
  });
});
