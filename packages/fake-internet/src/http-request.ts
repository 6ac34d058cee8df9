import type { HttpRequestSummary } from '@airlock/core';

const METHODS = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE|PROPFIND) /;

/** True when the first bytes of a connection look like an HTTP/1.x request line. */
export function looksLikeHttp(bytes: Buffer): boolean {
  return METHODS.test(bytes.subarray(0, 10).toString('latin1'));
}

/**
 * Parses an HTTP/1.x request from the bytes received so far. `complete` says whether the headers and
 * the whole body (by Content-Length) have arrived; null when the head is not there yet or malformed.
 */
export function parseHttpRequest(bytes: Buffer): HttpRequestSummary | null {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const lines = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const request = /^([A-Z]+) (\S+) (HTTP\/\d\.\d)$/.exec(lines[0] ?? '');
  if (!request) return null;
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const header = (name: string) => headers.find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
  const body = bytes.subarray(headEnd + 4);
  const declared = Number(header('content-length') ?? 0);
  const chunked = /chunked/i.test(header('transfer-encoding') ?? '');
  const complete = chunked ? body.includes('0\r\n\r\n') : body.length >= (Number.isFinite(declared) ? declared : 0);
  return {
    method: request[1]!,
    target: request[2]!,
    version: request[3]!,
    host: header('host'),
    headers,
    body: body.toString('utf8'),
    bodyBytes: body.length,
    complete,
  };
}

/** A plausible answer that makes clients finish their request and move on. */
export function httpOkResponse(): Buffer {
  const body = '{"ok":true}\n';
  return Buffer.from(
    `HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: ${new Date().toUTCString()}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}
