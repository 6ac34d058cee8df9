import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { buildTar } from '../src/tar-builder.js';

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
});
