/** What the honeytoken search needs of one request head. */
export interface RequestHead {
  host: string | null;
  /** Values of the Authorization headers, searched apart: a credential sent to its own service is a use, not a leak. */
  authorization: string[];
}

const MAX_HEAD_CHARS = 64 * 1024;
const MAX_SIZE_LINE_CHARS = 1024;

/**
 * Splits a client's HTTP/1.x byte stream into its requests (keep-alive, pipelined), for the streaming
 * honeytoken search: every request head goes to `onHead`, and the text of every request (its head less the
 * Authorization headers, its body de-chunked) goes to `onText`, so nothing a later request carries is missed
 * and a token cut by chunked framing is whole again. Memory: one head (at most 64 KiB) or one chunk-size
 * line. A head that never ends, or framing it cannot follow, turns the rest of the stream into plain text.
 * Input is latin1 (one character per byte).
 */
export class HttpRequestStream {
  private mode: 'head' | 'body' | 'size' | 'data' | 'data-end' | 'trailers' | 'raw' = 'head';
  private buffer = '';
  private remaining = 0;

  constructor(
    private readonly onHead: (head: RequestHead) => void,
    private readonly onText: (text: string) => void,
  ) {}

  push(text: string): void {
    let rest = text;
    while (rest.length > 0) {
      switch (this.mode) {
        case 'raw':
          this.onText(rest);
          return;
        case 'head': {
          const joined = this.buffer + rest;
          const end = joined.indexOf('\r\n\r\n');
          if (end < 0) {
            this.buffer = joined;
            if (joined.length > MAX_HEAD_CHARS) this.toRaw();
            return;
          }
          this.buffer = '';
          rest = joined.slice(end + 4);
          this.head(joined.slice(0, end + 4));
          break;
        }
        case 'body':
        case 'data': {
          const take = rest.slice(0, this.remaining);
          this.onText(take);
          this.remaining -= take.length;
          rest = rest.slice(take.length);
          if (this.remaining > 0) break;
          if (this.mode === 'data') {
            this.mode = 'data-end';
            this.remaining = 2;
          } else this.mode = 'head';
          break;
        }
        case 'data-end': {
          // The CRLF after a chunk's data (it may arrive split): `remaining` characters to skip.
          const skip = Math.min(this.remaining, rest.length);
          rest = rest.slice(skip);
          this.remaining -= skip;
          if (this.remaining === 0) this.mode = 'size';
          break;
        }
        case 'size':
        case 'trailers': {
          const joined = this.buffer + rest;
          const eol = joined.indexOf('\r\n');
          if (eol < 0) {
            this.buffer = joined;
            if (joined.length > (this.mode === 'size' ? MAX_SIZE_LINE_CHARS : MAX_HEAD_CHARS)) this.toRaw();
            return;
          }
          this.buffer = '';
          rest = joined.slice(eol + 2);
          const line = joined.slice(0, eol);
          if (this.mode === 'trailers') {
            if (line === '') this.mode = 'head';
            break;
          }
          const size = Number.parseInt(line.split(';')[0]!.trim(), 16);
          if (!Number.isFinite(size) || size < 0) {
            this.toRaw();
            this.onText(line);
          } else if (size === 0) this.mode = 'trailers';
          else {
            this.mode = 'data';
            this.remaining = size;
          }
          break;
        }
      }
    }
  }

  private toRaw(): void {
    this.mode = 'raw';
    if (this.buffer) this.onText(this.buffer);
    this.buffer = '';
  }

  private head(head: string): void {
    const lines = head.split('\r\n');
    let host: string | null = null;
    let length = 0;
    let chunked = false;
    const authorization: string[] = [];
    const kept: string[] = [];
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
      const value = colon > 0 ? line.slice(colon + 1).trim() : '';
      if (name === 'authorization') {
        authorization.push(value);
        continue;
      }
      if (name === 'host') host = value;
      if (name === 'content-length') length = Number(value);
      if (name === 'transfer-encoding' && /chunked/i.test(value)) chunked = true;
      kept.push(line);
    }
    this.onHead({ host, authorization });
    this.onText(kept.join('\r\n'));
    if (chunked) this.mode = 'size';
    else if (Number.isSafeInteger(length) && length > 0) {
      this.mode = 'body';
      this.remaining = length;
    } else if (!Number.isSafeInteger(length) || length < 0) this.toRaw();
  }
}
