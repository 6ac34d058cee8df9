import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareArchiveBuffer, preparePackageArchive } from '../src/input-archive.js';
import { buildWheel, buildZip, type ZipEntryInput } from '../../../test/fixtures/pypi/zip-writer.js';
import { testTempDir } from '../../../test/support/temp-dir.js';

const prepare = (bytes: Buffer, fileName = 'x.whl') => prepareArchiveBuffer(bytes, { label: fileName, source: fileName, fileName });
const metadata = (name: string, version: string) => `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n\nlong description\n`;

describe('wheels', () => {
  it('reads name and version from *.dist-info/METADATA and keeps the wheel file name for pip', async () => {
    const wheel = buildWheel('demo-pkg', '1.4.0', { 'demo_pkg/__init__.py': 'import os\nVALUE = 1\n' });
    const p = await prepare(wheel.bytes, wheel.fileName);
    expect(p.identity).toMatchObject({ ecosystem: 'pypi', name: 'demo-pkg', version: '1.4.0' });
    expect(p.fileName).toBe('demo_pkg-1.4.0-py3-none-any.whl');
    expect(p.files.find((f) => f.path === 'demo_pkg/__init__.py')?.text).toContain('VALUE = 1');
    expect(p.identity.archive.sizeBytes).toBe(wheel.bytes.length);
  });

  it('names an unsafely named wheel from its metadata and the tag in WHEEL', async () => {
    const wheel = buildWheel('demo', '2.0', { 'demo.py': '' }, 'py2.py3-none-any');
    expect((await prepare(wheel.bytes, 'evil name;rm -rf.whl')).fileName).toBe('demo-2.0-py2.py3-none-any.whl');
  });

  it('refuses a wheel with two .dist-info folders, as pip does', async () => {
    const zip = buildZip([
      { name: 'a-1.0.dist-info/METADATA', data: metadata('a', '1.0') },
      { name: 'b-1.0.dist-info/METADATA', data: metadata('b', '1.0') },
    ]);
    await expect(prepare(zip)).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(/more than one \.dist-info/),
    });
  });

  it('refuses a wheel whose METADATA names no valid project', async () => {
    const zip = buildZip([{ name: 'x-1.0.dist-info/METADATA', data: 'Name: ../../etc\nVersion: 1.0\n' }]);
    await expect(prepare(zip)).rejects.toMatchObject({ code: 'ARCHIVE_REJECTED', message: expect.stringMatching(/no valid Name/) });
  });
});

describe('zip sdists', () => {
  it('reads PKG-INFO from the top folder and ignores an egg-info PKG-INFO', async () => {
    const zip = buildZip([
      { name: 'demo-0.3/', mode: 0o040755 },
      { name: 'demo-0.3/demo.egg-info/PKG-INFO', data: metadata('wrong', '9.9') },
      { name: 'demo-0.3/PKG-INFO', data: metadata('demo', '0.3') },
      { name: 'demo-0.3/setup.py', data: 'import os\nos.system("id")\n', deflate: true },
    ]);
    const p = await prepare(zip, 'demo-0.3.zip');
    expect(p.identity).toMatchObject({ ecosystem: 'pypi', name: 'demo', version: '0.3' });
    expect(p.fileName).toBe('demo-0.3.zip');
    expect(p.files.find((f) => f.path === 'demo-0.3/setup.py')?.text).toContain('os.system');
  });

  it('is read from a local path too', async () => {
    const dir = testTempDir('airlock-zip-');
    writeFileSync(join(dir, 'demo-0.3.zip'), buildZip([{ name: 'demo-0.3/PKG-INFO', data: metadata('demo', '0.3') }]));
    expect((await preparePackageArchive(join(dir, 'demo-0.3.zip'))).identity.name).toBe('demo');
  });

  it('says so when a zip has no metadata', async () => {
    await expect(prepare(buildZip([{ name: 'demo/readme.txt', data: 'hi' }]))).rejects.toMatchObject({
      message: expect.stringMatching(/neither a \*\.dist-info\/METADATA .* nor a PKG-INFO/),
    });
  });
});

describe('hostile zips are refused before anything else', () => {
  const meta: ZipEntryInput = { name: 'demo-1.0.dist-info/METADATA', data: metadata('demo', '1.0') };

  it.each([
    ['path traversal', { name: '../x', data: 'x' }, /hostile archive: .*"\.\.\/x".*\.\./],
    ['backslash traversal', { name: 'demo\\..\\..\\x', data: 'x' }, /hostile archive: .*\.\./],
    ['an absolute path', { name: '/etc/cron.d/evil', data: 'x' }, /hostile archive: .*absolute path/],
    ['a drive-letter path', { name: 'C:/Windows/evil.dll', data: 'x' }, /hostile archive: .*absolute path/],
    [
      'a symlink out of the tree',
      { name: 'demo/key', data: '../../../home/jordan/.ssh/id_rsa', mode: 0o120777 },
      /hostile archive: .*symlink "demo\/key" points to a path outside/,
    ],
    ['a device file', { name: 'demo/dev', mode: 0o020644 }, /hostile archive: .*special file/],
  ])('rejects %s', async (_label, entry, message) => {
    await expect(prepare(buildZip([meta, entry as ZipEntryInput]))).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(message),
    });
  });

  it('rejects more entries than the limit from the central directory count', async () => {
    const many = Array.from({ length: 100_001 }, (_, i) => ({ name: `d/${i}` }));
    await expect(prepare(buildZip([meta, ...many]))).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(/hostile archive: archive has 100002 entries, more than the limit of 100000/),
    });
  }, 60_000); // builds a 100,001-entry zip: seconds on a loaded 2-core machine

  it('rejects a central directory with more records than the end record counts (hidden from yauzl, seen by pip)', async () => {
    const zip = buildZip([meta, { name: 'demo/ok.py', data: '' }, { name: '../hidden', data: 'x' }], { declaredCount: 2 });
    await expect(prepare(zip)).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(/hostile archive: its central directory holds \d+ bytes but its 2 counted entries/),
    });
  });

  it('rejects entries that declare more than the total size limit, and the ratio', async () => {
    const entries = [0, 1, 2].map((i) => ({ name: `demo/blob${i}`, data: 'tiny', deflate: true, declaredSize: 400 * 1024 * 1024 }));
    await expect(prepare(buildZip([meta, ...entries]))).rejects.toMatchObject({
      message: expect.stringMatching(/hostile archive: archive unpacks to 1200\.0 MiB.*; archive expands/),
    });
  });

  it('rejects corrupt bytes with a clear error', async () => {
    const good = buildWheel('demo', '1.0', { 'demo.py': 'x = 1\n' }).bytes;
    const truncated = good.subarray(0, good.length - 10);
    await expect(prepare(truncated)).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(/is not a readable zip/),
    });
    const garbage = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 0xab)]);
    await expect(prepare(garbage)).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(/is not a readable zip/),
    });
  });

  it('rejects an entry that inflates to more than it declares (a bomb behind a small size)', async () => {
    const zip = buildZip([meta, { name: 'demo/a.py', data: 'print(1)\n'.repeat(100), deflate: true, declaredSize: 10 }]);
    await expect(prepare(zip)).rejects.toMatchObject({
      code: 'ARCHIVE_REJECTED',
      message: expect.stringMatching(/not a readable zip: too many bytes/),
    });
  });

  it('accepts a plain wheel built the same way', async () => {
    expect((await prepare(buildZip([meta, { name: 'demo/__init__.py', data: '' }]))).identity.name).toBe('demo');
  });
});
