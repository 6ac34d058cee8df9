/** Hostile archive listings: every problem is found before anything is written. */
import { checkArchiveListing, resolveInsideRoot, type ArchiveEntry } from '@airlock/static-signals';
import { describe, expect, it } from 'vitest';

const file = (path: string, size = 100): ArchiveEntry => ({ path, size, type: 'file' });
const dir = (path: string): ArchiveEntry => ({ path, size: 0, type: 'directory' });
const symlink = (path: string, linkTarget: string): ArchiveEntry => ({ path, size: 0, type: 'symlink', linkTarget });
const hardlink = (path: string, linkTarget: string): ArchiveEntry => ({ path, size: 0, type: 'hardlink', linkTarget });
const codes = (entries: ArchiveEntry[], options = {}) => checkArchiveListing(entries, options).problems.map((p) => [p.code, p.path]);

describe('checkArchiveListing', () => {
  it('accepts an ordinary npm tarball listing', () => {
    const entries = [
      dir('package'),
      file('package/package.json', 600),
      file('package/index.js', 2000),
      file('package/lib/a.js', 1500),
      symlink('package/lib/b.js', 'a.js'),
    ];
    expect(checkArchiveListing(entries, { compressedSize: 1200 })).toEqual({
      ok: true,
      problems: [],
      omittedProblems: 0,
      entries: 5,
      totalBytes: 4100,
      compressionRatio: 4100 / 1200,
    });
  });

  it('refuses path traversal in either separator style, and absolute paths', () => {
    expect(
      codes([
        file('package/../../etc/cron.d/x'),
        file('..\\..\\Windows\\evil.dll'),
        file('/etc/passwd'),
        file('C:\\Users\\x'),
        file('\\\\server\\share\\x'),
        file('./package/ok.js'),
      ]),
    ).toEqual([
      ['path-traversal', 'package/../../etc/cron.d/x'],
      ['path-traversal', '..\\..\\Windows\\evil.dll'],
      ['absolute-path', '/etc/passwd'],
      ['absolute-path', 'C:\\Users\\x'],
      ['absolute-path', '\\\\server\\share\\x'],
    ]);
    expect(checkArchiveListing([file('package/../../etc/cron.d/x')]).problems[0]!.message).toBe(
      'entry "package/../../etc/cron.d/x" contains ".." and could be written outside the target directory',
    );
  });

  it('refuses symlinks and hardlinks that leave the tree', () => {
    const entries = [
      symlink('package/up', '../../..'),
      symlink('package/abs', '/home/jordan/.ssh/id_rsa'),
      hardlink('package/h', '../outside'),
      symlink('package/empty', ''),
      symlink('package/ok', '../package/index.js'),
    ];
    expect(checkArchiveListing(entries).problems.map((p) => p.message)).toEqual([
      'symlink "package/up" points to a path outside the archive ("../../..")',
      'symlink "package/abs" points to an absolute path ("/home/jordan/.ssh/id_rsa")',
      'hardlink "package/h" points to a path outside the archive ("../outside")',
      'symlink "package/empty" has no target',
    ]);
  });

  it('follows chains of the archive’s own symlinks (each harmless alone)', () => {
    // `here -> .` stays inside; `up -> here/..` then resolves to the parent of the root.
    expect(codes([symlink('here', '.'), symlink('up', 'here/..')])).toEqual([['link-escape', 'up']]);
    expect(codes([symlink('a', 'b'), symlink('b', 'a')])).toEqual([
      ['link-loop', 'a'],
      ['link-loop', 'b'],
    ]);
  });

  it('refuses entries written through a symlink, whatever the order', () => {
    expect(codes([symlink('package/lib', '/etc'), file('package/lib/passwd')])).toEqual([
      ['link-escape', 'package/lib'],
      ['path-through-link', 'package/lib/passwd'],
    ]);
    expect(codes([file('package/dir/x'), symlink('package/dir', 'sub'), dir('package/sub')])).toEqual([
      ['path-through-link', 'package/dir/x'],
    ]);
  });

  it('refuses device files and FIFOs, impossible sizes and bad paths', () => {
    expect(
      codes([
        { path: 'package/dev', size: 0, type: 'other' },
        { path: 'package/neg', size: -1, type: 'file' },
        file('package/a\u0000b'),
        file(''),
        file(`package/${'d/'.repeat(70)}x`),
      ]),
    ).toEqual([
      ['special-file', 'package/dev'],
      ['invalid-size', 'package/neg'],
      ['invalid-path', 'package/a\u0000b'],
      ['invalid-path', ''],
      ['invalid-path', `package/${'d/'.repeat(70)}x`],
    ]);
    expect(checkArchiveListing([file('package/a\u0000b')]).problems[0]!.message).toBe(
      'entry "package/a\\x00b" has an empty path or control characters in it',
    );
  });

  it('refuses tar bombs by total size, file size and compression ratio', () => {
    const bomb = [file('package/zeros', 600 * 1024 * 1024), file('package/zeros2', 600 * 1024 * 1024)];
    const check = checkArchiveListing(bomb, { compressedSize: 1024 * 1024 });
    expect(check.problems.map((p) => p.message)).toEqual([
      'archive unpacks to 1200.0 MiB, more than the limit of 1024.0 MiB',
      'archive expands 1200x (1.0 MiB to 1200.0 MiB), more than the limit of 100x: likely a decompression bomb',
      'entry "package/zeros" is 600.0 MiB, more than the per-file limit of 512.0 MiB',
      'entry "package/zeros2" is 600.0 MiB, more than the per-file limit of 512.0 MiB',
    ]);
    expect([check.ok, check.totalBytes, check.compressionRatio]).toEqual([false, 1200 * 1024 * 1024, 1200]);
  });

  it('does not judge the ratio of small archives, and honours custom limits', () => {
    expect(checkArchiveListing([file('package/zeros', 1024 * 1024)], { compressedSize: 1000 }).ok).toBe(true);
    expect(codes([file('a', 5000)], { compressedSize: 10, limits: { ratioFloorBytes: 0, maxCompressionRatio: 10 } })).toEqual([
      ['compression-ratio', undefined],
    ]);
  });

  it('refuses huge file counts and caps the problem list', () => {
    const many = Array.from({ length: 300 }, (_, i) => file(`../x${i}`, 1));
    const check = checkArchiveListing(many, { limits: { maxEntries: 250 }, maxProblems: 10 });
    expect(check.problems[0]).toEqual({ code: 'too-many-entries', message: 'archive has 300 entries, more than the limit of 250' });
    expect([check.problems.length, check.omittedProblems]).toEqual([11, 290]);
  });
});

describe('resolveInsideRoot', () => {
  it('resolves like the kernel would, within the root', () => {
    const links = new Map([['a/link', '../b']]);
    expect(resolveInsideRoot(['a'], 'link/c', links)).toEqual({ ok: true, components: ['b', 'c'] });
    expect(resolveInsideRoot([], '../x', links)).toEqual({ ok: false, reason: 'escape' });
    expect(resolveInsideRoot(['a'], '/x', links)).toEqual({ ok: false, reason: 'absolute' });
  });
});
