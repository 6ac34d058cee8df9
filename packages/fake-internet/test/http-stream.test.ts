import { describe, expect, it } from 'vitest';
import { HttpRequestStream, type RequestHead } from '../src/http-stream.js';

function split(stream: string, size: number) {
  const heads: RequestHead[] = [];
  let text = '';
  const s = new HttpRequestStream(
    (h) => heads.push(h),
    (t) => (text += t),
  );
  for (let i = 0; i < stream.length; i += size) s.push(stream.slice(i, i + size));
  return { heads, text };
}

describe('HttpRequestStream', () => {
  const token = 'npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
  const filler = 'f'.repeat(80_000);
  const first = `POST /a HTTP/1.1\r\nHost: one.test\r\nContent-Length: ${filler.length}\r\n\r\n${filler}`;
  const chunkedBody = [...token].map((c) => `1\r\n${c}\r\n`).join('') + '0\r\n\r\n';
  const second = `POST /b HTTP/1.1\r\nHost: two.test\r\nTransfer-Encoding: chunked\r\n\r\n${chunkedBody}`;
  const third = `GET /c HTTP/1.1\r\nHost: registry.npmjs.org\r\nAuthorization: Bearer ${token}\r\n\r\n`;

  for (const size of [1, 3, 1000, 1_000_000]) {
    it(`follows keep-alive requests, de-chunks bodies and sets Authorization apart (chunks of ${size})`, () => {
      const { heads, text } = split(first + second + third, size);
      expect(heads).toEqual([
        { host: 'one.test', authorization: [] },
        { host: 'two.test', authorization: [] },
        { host: 'registry.npmjs.org', authorization: [`Bearer ${token}`] },
      ]);
      // The token one character per chunk is whole again; the Authorization header is not in the text.
      expect(text.split(token).length - 1).toBe(1);
      expect(text).toContain('GET /c HTTP/1.1');
      expect(text).not.toContain('Authorization');
    });
  }

  it('treats a stream that is not HTTP framing as plain text', () => {
    const { text } = split(`POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz${token}\r\n`, 7);
    expect(text).toContain(token);
  });
});
