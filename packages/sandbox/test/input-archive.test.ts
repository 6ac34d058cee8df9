import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { preparePackageArchive } from '../src/input-archive.js';
import { testTempDir } from '../../../test/support/temp-dir.js';

function packageDir(manifest: unknown): string {
  const dir = testTempDir('airlock-input-');
  writeFileSync(join(dir, 'package.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  writeFileSync(join(dir, 'index.js'), 'module.exports = 1;');
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), '');
  return dir;
}

async function entries(tgz: Buffer): Promise<string[]> {
  const names: string[] = [];
  const parser = new tar.Parser({
    onReadEntry: (e) => {
      names.push(e.path);
      e.resume();
    },
  });
  await new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.end(tgz);
  });
  return names.sort();
}

describe('preparePackageArchive', () => {
  it('packs a folder under package/ without node_modules, with identity and hashes', async () => {
    const prepared = await preparePackageArchive(packageDir({ name: '@scope/demo', version: '2.0.1' }));
    expect(prepared.identity).toMatchObject({ ecosystem: 'npm', name: '@scope/demo', version: '2.0.1' });
    expect(prepared.identity.archive.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(prepared.identity.archive.integrity).toMatch(/^sha512-[A-Za-z0-9+/]+=*$/);
    expect(prepared.identity.archive.sizeBytes).toBe(prepared.tgz.length);
    const names = await entries(prepared.tgz);
    expect(names).toContain('package/package.json');
    expect(names).toContain('package/index.js');
    expect(names.some((n) => n.includes('node_modules'))).toBe(false);
  });

  it('reads a tarball whose top folder is not called package/', async () => {
    const dir = packageDir({ name: 'other-top', version: '1.0.0' });
    const tgz = join(testTempDir('airlock-input-tgz-'), 'other-top.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: join(dir, '..'), portable: true }, [dir.split('/').pop()!]);
    expect((await preparePackageArchive(tgz)).identity.name).toBe('other-top');
  });

  it.each([
    ['a missing path', () => '/nonexistent/airlock', 'INVALID_INPUT', /cannot read/],
    [
      'a file that is not gzip',
      () => {
        const f = join(testTempDir('a-'), 'x.tgz');
        writeFileSync(f, 'hello');
        return f;
      },
      'ARCHIVE_REJECTED',
      /not a gzipped tarball/,
    ],
    [
      'gzip that is not a tar',
      () => {
        const f = join(testTempDir('a-'), 'x.tgz');
        writeFileSync(f, gzipSync(Buffer.alloc(2048, 7)));
        return f;
      },
      'ARCHIVE_REJECTED',
      /not a readable tarball|no package.json/,
    ],
    ['invalid JSON', () => packageDir('{"name": '), 'ARCHIVE_REJECTED', /not valid JSON/],
    ['a name that is a path', () => packageDir({ name: '../../etc', version: '1.0.0' }), 'ARCHIVE_REJECTED', /no valid "name"/],
  ])('rejects %s with a clear error', async (_label, make, code, message) => {
    await expect(preparePackageArchive(make())).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });
});

describe('preparePackageArchive with Python sdists', () => {
  async function sdist(fileName: string, pkgInfo: string): Promise<string> {
    const root = testTempDir('airlock-sdist-');
    const top = join(root, 'demo-1.2.3');
    mkdirSync(top);
    writeFileSync(join(top, 'PKG-INFO'), pkgInfo);
    writeFileSync(join(top, 'setup.py'), 'from setuptools import setup\nsetup()\n');
    const file = join(root, fileName);
    await tar.c({ gzip: true, file, cwd: root, portable: true }, ['demo-1.2.3']);
    return file;
  }
  it('recognises an sdist by PKG-INFO and keeps its file name for pip', async () => {
    const prepared = await preparePackageArchive(await sdist('demo-1.2.3.tar.gz', 'Metadata-Version: 2.1\nName: demo\nVersion: 1.2.3\n'));
    expect(prepared.identity).toMatchObject({ ecosystem: 'pypi', name: 'demo', version: '1.2.3' });
    expect(prepared.fileName).toBe('demo-1.2.3.tar.gz');
  });
  it('renames an sdist whose file name could not reach a command line safely', async () => {
    const prepared = await preparePackageArchive(await sdist('weird name;rm -rf.tar.gz', 'Name: demo\nVersion: 1.2.3\n'));
    expect(prepared.fileName).toBe('demo-1.2.3.tar.gz');
  });
  it('rejects a wheel that is not a readable zip with a clear message (wheels themselves: zip-archive.test.ts)', async () => {
    const f = join(testTempDir('a-'), 'x-1.0-py3-none-any.whl');
    writeFileSync(f, 'PK\x03\x04');
    await expect(preparePackageArchive(f)).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(/is not a readable zip/),
    });
  });
});

describe('preparePackageArchive refuses hostile archives', () => {
  /** A gzipped tar written header by header, so it can hold what no well-behaved packer writes. */
  function rawTgz(entries: { path: string; type?: 'File' | 'SymbolicLink' | 'Directory'; body?: string; linkpath?: string }[]): string {
    const blocks: Buffer[] = [];
    for (const e of entries) {
      const body = Buffer.from(e.body ?? '');
      const header = new tar.Header({
        path: e.path,
        mode: 0o644,
        size: e.type === 'File' || !e.type ? body.length : 0,
        type: e.type ?? 'File',
        linkpath: e.linkpath ?? '',
        mtime: new Date(),
      });
      header.encode();
      blocks.push(header.block!);
      if (!e.type || e.type === 'File') blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
    blocks.push(Buffer.alloc(1024));
    const file = join(testTempDir('airlock-hostile-'), 'hostile.tgz');
    writeFileSync(file, gzipSync(Buffer.concat(blocks)));
    return file;
  }
  const manifest = { path: 'package/package.json', body: JSON.stringify({ name: 'hostile', version: '1.0.0' }) };

  it.each([
    ['path traversal', [manifest, { path: 'package/../../../home/evil.sh', body: 'x' }], /hostile archive: .*(\.\.|travers)/i],
    ['an absolute path', [manifest, { path: '/etc/cron.d/evil', body: 'x' }], /hostile archive: .*absolute/i],
    [
      'a symlink out of the tree',
      [manifest, { path: 'package/key', type: 'SymbolicLink' as const, linkpath: '../../../../home/jordan/.ssh/id_rsa' }],
      /hostile archive: .*(link|outside)/i,
    ],
  ])('rejects %s with a clear error', async (_label, entries, message) => {
    await expect(preparePackageArchive(rawTgz(entries))).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(message),
    });
  });

  it('accepts a plain archive built the same way', async () => {
    expect((await preparePackageArchive(rawTgz([manifest, { path: 'package/index.js', body: 'module.exports=1' }]))).identity.name).toBe(
      'hostile',
    );
  });
});
