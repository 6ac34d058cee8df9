/** One file of an uncompressed tar archive (ustar: 512-byte headers, sizes in octal), for tests that read a packed fixture. */
export function tarEntry(tar: Buffer, wanted: string, source: string): Buffer {
  for (let at = 0; at + 512 <= tar.length;) {
    const name = tar
      .subarray(at, at + 100)
      .toString('utf8')
      .replace(/\0.*$/s, '')
      .replace(/^package\/\.\//, 'package/');
    if (name === '') break;
    const size = parseInt(
      tar
        .subarray(at + 124, at + 136)
        .toString('utf8')
        .replace(/\0.*$/s, '')
        .trim() || '0',
      8,
    );
    if (name === wanted) return tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${wanted} is not in ${source}`);
}
