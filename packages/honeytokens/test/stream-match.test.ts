import { describe, expect, it } from 'vitest';
import { StreamMatcher, type SearchedToken } from '../src/index.js';

const npm: SearchedToken = { id: 'npm-token-1', kind: 'npm-token', value: 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789' };
const aws: SearchedToken = { id: 'aws-access-key-1', kind: 'aws-access-key', value: 'AKIAABCDEFGHIJKLMNOP' };

/** Feeds `text` in chunks of `size` characters and gathers the hits. */
function feed(matcher: StreamMatcher, text: string, size: number) {
  const hits = [];
  for (let i = 0; i < text.length; i += size) hits.push(...matcher.push(text.slice(i, i + size)));
  return hits.map((h) => `${h.token.id}:${h.encoding}`);
}

describe('StreamMatcher', () => {
  const filler = 'x'.repeat(80_000);
  const encodings: [string, (v: string) => string][] = [
    ['raw', (v) => v],
    ['base64', (v) => Buffer.from(`k=${v}`).toString('base64')],
    ['hex', (v) => Buffer.from(v).toString('hex').toUpperCase()],
    ['url', (v) => encodeURIComponent(`${v}/+=`)],
    ['reversed', (v) => [...v].reverse().join('')],
  ];
  for (const [encoding, encode] of encodings) {
    it(`finds a ${encoding} token after 80 KB of filler, cut by every chunk boundary`, () => {
      const text = `${filler}${encode(npm.value)}${filler}`;
      for (const size of [1, 7, 13, 4096, 65_536]) {
        expect(feed(new StreamMatcher([npm, aws]), text, size), `chunks of ${size}`).toEqual([
          `npm-token-1:${encoding === 'url' ? 'raw' : encoding}`,
        ]);
      }
    });
  }

  it('reports each token once per flow, and several tokens of one flow', () => {
    const m = new StreamMatcher([npm, aws]);
    expect(feed(m, `${npm.value} ${npm.value}`, 5)).toEqual(['npm-token-1:raw']);
    expect(feed(m, `..${aws.value}..${npm.value}`, 3)).toEqual(['aws-access-key-1:raw']);
  });

  it('keeps only the overlap window between chunks', () => {
    const m = new StreamMatcher([npm]);
    expect(m.windowChars).toBe(Buffer.from(npm.value).toString('hex').length - 1);
    expect(feed(m, filler, 1000)).toEqual([]);
    expect((m as unknown as { tail: string }).tail.length).toBe(m.windowChars);
  });

  it('finds nothing in a flow without the token, nor with no tokens planted', () => {
    expect(feed(new StreamMatcher([npm]), `${filler}npm_AbCdEfGhIjKlMnOpQrStUvWxYz012345678`, 999)).toEqual([]);
    expect(feed(new StreamMatcher([]), npm.value, 4)).toEqual([]);
  });
});
