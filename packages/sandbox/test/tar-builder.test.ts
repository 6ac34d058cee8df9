import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { buildTar, joinTars } from '../src/tar-builder.js';

/** The entries a tar reader sees in `buf`: path, uid and body. */
async function read(buf: Buffer): Promise<{ path: string; uid: number | undefined; body: string }[]> {
  const seen: { path: string; uid: number | undefined; body: string }[] = [];
  const parser = new tar.Parser({
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => seen.push({ path: entry.path, uid: entry.uid, body: Buffer.concat(chunks).toString() }));
    },
  });
  await new Promise<void>((resolve) => {
    parser.on('finish', () => resolve());
    parser.end(buf);
  });
  return seen;
}

describe('buildTar', () => {
  it('keeps names that do not fit the ustar header whole (PAX), with the owner it was given', async () => {
    const long = `package/${'x'.repeat(136)}.js`; // a last component of 139 characters: no ustar split fits
    const deep = `package/${'dir/'.repeat(30)}f.js`; // splits into prefix and name
    const buf = buildTar(
      [
        { path: long, type: 'File', mode: 0o644, body: Buffer.from('long') },
        { path: deep, type: 'File', mode: 0o644, body: Buffer.from('deep') },
        { path: 'package/short.js', type: 'File', mode: 0o644, body: Buffer.from('short') },
      ],
      { uid: 1000, gid: 1000, mtime: new Date(0) },
    );
    expect(await read(buf)).toEqual([
      { path: long, uid: 1000, body: 'long' },
      { path: deep, uid: 1000, body: 'deep' },
      { path: 'package/short.js', uid: 1000, body: 'short' },
    ]);
  });

  it('joins tars into one that a reader reads whole, each entry with its own owner, in order', async () => {
    const root = buildTar([{ path: 'airlock/input/a.tgz', type: 'File', mode: 0o444, body: Buffer.from('input') }], {
      uid: 0,
      gid: 0,
      mtime: new Date(0),
    });
    const user = buildTar(
      [
        { path: 'home/jordan/.npmrc', type: 'File', mode: 0o600, body: Buffer.from('token') },
        { path: 'home/jordan/.bashrc', type: 'File', mode: 0o644, body: Buffer.from('x'.repeat(700)) },
      ],
      { uid: 1000, gid: 1000, mtime: new Date(0) },
    );
    expect(await read(joinTars([root, user]))).toEqual([
      { path: 'airlock/input/a.tgz', uid: 0, body: 'input' },
      { path: 'home/jordan/.npmrc', uid: 1000, body: 'token' },
      { path: 'home/jordan/.bashrc', uid: 1000, body: 'x'.repeat(700) },
    ]);
  });

  it('refuses what does not end as buildTar ends a tar (joining it would hide the entries after it)', () => {
    expect(() => joinTars([Buffer.alloc(512, 1)])).toThrow(/not a tar made by buildTar/);
  });
});
