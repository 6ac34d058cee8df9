/**
 * `Idempotency-Key` on the POSTs that create things. Per organization, for 24 h: the same key with the
 * same request (method, path and query, content type, body bytes) answers the first response again
 * (status, body, Location; `Idempotent-Replayed: true`) without doing anything; the same key with another
 * request answers 422; a repeat while the first is still being handled answers 409 (retry shortly).
 * Only a 2xx answer is kept: after an error the key is free, so the client can retry with it.
 * Mount after the route's body parser (the fingerprint hashes the parsed body's bytes). An upload's body is
 * not parsed first (it streams through the archive guard, so a bomb is refused before it is buffered): its
 * fingerprint covers the query and the declared Content-Length, not the bytes.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { orgOf } from './auth.js';
import type { ApiContext } from './context.js';
import { problems } from './problem.js';

const IDEMPOTENCY_HEADER = 'Idempotency-Key';

function fingerprint(method: string, url: string, contentType: string, contentLength: string, body: unknown): string {
  const hash = createHash('sha256').update(`${method} ${url}\n${contentType}\n${body === undefined ? contentLength : ''}\n`);
  if (Buffer.isBuffer(body)) hash.update(body);
  else if (typeof body === 'string') hash.update(body);
  else if (body !== undefined) hash.update(JSON.stringify(body));
  return hash.digest('hex');
}

export function idempotent(ctx: ApiContext): RequestHandler {
  return async (req, res, next) => {
    const key = req.get(IDEMPOTENCY_HEADER);
    if (key === undefined) return next();
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw problems.badRequest(`${IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters`);
    const orgId = orgOf(res).id;
    const print = fingerprint(req.method, req.originalUrl, req.get('content-type') ?? '', req.get('content-length') ?? '', req.body);
    const claim = await ctx.store.idempotency.claim(orgId, key, print);
    switch (claim.kind) {
      case 'mismatch':
        throw problems.unprocessable(
          `${IDEMPOTENCY_HEADER} ${JSON.stringify(key)} was used with another request in the last 24 h: use a new key for a new request`,
        );
      case 'in-progress':
        res.set('Retry-After', '1');
        throw problems.conflict(`a request with ${IDEMPOTENCY_HEADER} ${JSON.stringify(key)} is still being handled: retry shortly`);
      case 'replay': {
        const { status, body, contentType, location } = claim.response;
        if (contentType) res.type(contentType);
        if (location) res.location(location);
        res.set('Idempotent-Replayed', 'true').status(status).send(body);
        return;
      }
      case 'claimed':
        captureAnswer(ctx, res, orgId, key, print);
        return next();
    }
  };
}

/** Holds the answer until it is stored (2xx) or the key released (anything else), so a repeat after it sees it. */
function captureAnswer(ctx: ApiContext, res: Response, orgId: string, key: string, print: string): void {
  const send = res.send.bind(res);
  let settled = false;
  const release = () => {
    if (settled) return Promise.resolve();
    settled = true;
    return ctx.store.idempotency.release(orgId, key);
  };
  res.send = function (this: Response, body?: unknown) {
    // res.send(object) goes through res.json, which calls send again with the JSON text.
    if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) return this.json(body);
    res.send = send;
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    if (settled) return send(body);
    settled = true;
    const text = Buffer.isBuffer(body) ? body.toString('utf8') : body === undefined ? '' : String(body);
    const stored = ok
      ? ctx.store.idempotency.complete(orgId, key, print, {
          status: res.statusCode,
          body: text,
          contentType: String(res.get('content-type') ?? '') || null,
          location: res.get('location') ?? null,
        })
      : ctx.store.idempotency.release(orgId, key);
    stored.then(
      () => send(body),
      (err: Error) => {
        ctx.log.warn({ err: err.message }, 'idempotency record not written');
        send(body);
      },
    );
    return this;
  };
  // An answer that never went through send (a dropped connection, res.end()): the key is free again.
  res.on('close', () => {
    release().catch((err: Error) => ctx.log.warn({ err: err.message }, 'idempotency key not released'));
  });
}
