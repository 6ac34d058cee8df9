/** Path normalisation: what must collapse across runs, and what must stay distinct. */
import { type OpenEvent, eventSignature, maskRandomName, normalizeEvent, normalizePath } from '@airlock/strace';
import { describe, expect, it } from 'vitest';
import { ofType, parseLines } from './helpers.js';

const options = { homeDir: '/home/airlock/', packageName: '@acme/left-pad' };

describe('normalizePath', () => {
  it('replaces the package install folder, including scoped names', () => {
    expect(normalizePath('/home/airlock/app/node_modules/@acme/left-pad/lib/index.js', options)).toBe('<PKG>/lib/index.js');
    expect(normalizePath('/work/node_modules/@acme/left-pad', options)).toBe('<PKG>');
    // A different package with a shared prefix is not the package.
    expect(normalizePath('/work/node_modules/@acme/left-pad-extra/x', options)).toBe('/work/node_modules/@acme/left-pad-extra/x');
    expect(normalizePath('/usr/lib/python3/site-packages/my_pkg/__init__.py', { packageName: 'My-Pkg' })).toBe('<PKG>/__init__.py');
  });

  it('replaces npm cache hashes and temp names under the cache', () => {
    expect(
      normalizePath(
        '/home/airlock/.npm/_cacache/content-v2/sha512/9c/fd/a677c53830b7adf2b8418564018ed504708b43c663d0e14e453fc41c366dd06fa86dcd935307958b46c967dfe4dea475f47f1a8d5c2da3418442b2900ce9',
        options,
      ),
    ).toBe('<HOME>/.npm/_cacache/content-v2/sha512/<HASH>');
    expect(normalizePath('/home/airlock/.npm/_cacache/index-v5/8e/86/8c1a4e7c14af6e', options)).toBe(
      '<HOME>/.npm/_cacache/index-v5/<HASH>',
    );
    expect(normalizePath('/home/airlock/.npm/_cacache/content-v2/sha512/9c', options)).toBe(
      '<HOME>/.npm/_cacache/content-v2/sha512/<HASH>',
    );
    expect(normalizePath('/home/airlock/.npm/_cacache/tmp/46cbd5fe-9e66-4247/x', options)).toBe('<HOME>/.npm/_cacache/tmp/<R>/x');
    expect(normalizePath('/home/airlock/.npm/_logs/2026-11-24T02_05_40_784Z-debug-0.log', options)).toBe('<HOME>/.npm/_logs/<R>-debug.log');
  });

  it('replaces the home directory but not look-alike prefixes', () => {
    expect(normalizePath('/home/airlock', options)).toBe('<HOME>');
    expect(normalizePath('/home/airlock/.ssh/id_rsa', options)).toBe('<HOME>/.ssh/id_rsa');
    expect(normalizePath('/home/airlock2/x', options)).toBe('/home/airlock2/x');
  });

  it('masks generated names directly under temp dirs and keeps meaningful ones', () => {
    expect(normalizePath('/tmp/xyz123/a.js')).toBe('<TMP>/<R>/a.js');
    expect(normalizePath('/tmp/npm-1234-a1b2c3d4/pkg')).toBe('<TMP>/npm-<R>-<R>/pkg');
    expect(normalizePath('/tmp/tmp.XWfYzP')).toBe('<TMP>/tmp.<R>');
    expect(normalizePath('/tmp/evil.sh')).toBe('<TMP>/evil.sh');
    expect(normalizePath('/dev/shm/sem.abc')).toBe('<TMP>/sem.abc');
    expect(normalizePath('/proc/4242/environ')).toBe('/proc/<PID>/environ');
    expect(normalizePath('/proc/self/environ')).toBe('/proc/self/environ');
    expect(normalizePath('relative/path')).toBe('relative/path');
    expect(normalizePath('/tmp/x', { tmpDirs: [] })).toBe('/tmp/x');
  });

  it('masks only generated-looking tokens', () => {
    expect(maskRandomName('pip-req-build-k2j3h4l5')).toBe('pip-req-build-<R>');
    expect(maskRandomName('node-gyp')).toBe('node-gyp');
  });
});

describe('normalizeEvent and eventSignature', () => {
  const { events } = parseLines(
    '1 1.0 openat(AT_FDCWD</tmp/abc123>, "out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3</tmp/abc123/out.txt>',
    '1 1.1 execve("/home/airlock/app/node_modules/@acme/left-pad/bin/run", ["run", "/tmp/q9q9q9/file"], ["PWD=/tmp/q9q9q9", "PATH=/home/airlock/bin:/usr/bin", "X=plain"]) = 0',
    '1 1.2 connect(3<UNIX-STREAM:[5]>, {sa_family=AF_UNIX, sun_path="/home/airlock/.gnupg/S.gpg-agent"}, 110) = 0',
    '2 1.0 openat(AT_FDCWD</tmp/zz9876>, "out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3</tmp/zz9876/out.txt>',
  );

  it('normalises every path field and leaves the original untouched', () => {
    const open = ofType(events, 'open')[0]!;
    const normal: OpenEvent = normalizeEvent(open, options);
    expect([normal.path, normal.requestedPath, normal.resolvedPath]).toEqual(['<TMP>/<R>/out.txt', 'out.txt', '<TMP>/<R>/out.txt']);
    expect(open.path).toBe('/tmp/abc123/out.txt');
    const exec = normalizeEvent(ofType(events, 'exec')[0]!, options);
    expect([exec.path, exec.argv, exec.env]).toEqual([
      '<PKG>/bin/run',
      ['run', '<TMP>/<R>/file'],
      ['PWD=<TMP>/<R>', 'PATH=<HOME>/bin:/usr/bin', 'X=plain'],
    ]);
    const connect = normalizeEvent(ofType(events, 'connect')[0]!, options);
    expect(connect.address).toEqual({ family: 'AF_UNIX', path: '<HOME>/.gnupg/S.gpg-agent', abstract: false });
  });

  it('gives equal signatures to the same behaviour in different runs', () => {
    const [a, , , b] = events;
    expect(eventSignature(a!, options)).toBe('file.open.create <TMP>/<R>/out.txt = ok');
    expect(eventSignature(b!, options)).toBe(eventSignature(a!, options));
    expect(eventSignature(events[2]!, options)).toBe('network.connect unix:<HOME>/.gnupg/S.gpg-agent = ok');
  });
});
