/**
 * RFC 9457 problem+json for every error the API returns: a stable `type`, a title, the status, and a
 * `detail` that tells the caller what to change. Thrown as ApiProblem; the error middleware writes it.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export const problems = {
  badRequest: (detail: string, extra?: Record<string, unknown>) =>
    new ApiProblem(400, 'invalid-request', 'The request is not valid', detail, extra),
  unauthorized: (detail: string) => new ApiProblem(401, 'unauthorized', 'Authentication required', detail),
  forbidden: (detail: string) => new ApiProblem(403, 'forbidden', 'Not allowed', detail),
  notFound: (detail: string) => new ApiProblem(404, 'not-found', 'Not found', detail),
  conflict: (detail: string) => new ApiProblem(409, 'conflict', 'Conflict', detail),
  gone: (detail: string, extra?: Record<string, unknown>) => new ApiProblem(410, 'gone', 'No longer available', detail, extra),
  tooLarge: (detail: string) => new ApiProblem(413, 'payload-too-large', 'The upload is too large', detail),
  unsupportedMedia: (detail: string) => new ApiProblem(415, 'unsupported-media-type', 'Unsupported media type', detail),
  unprocessable: (detail: string, extra?: Record<string, unknown>) =>
    new ApiProblem(422, 'unprocessable', 'The content cannot be processed', detail, extra),
  tooManyRequests: (detail: string) => new ApiProblem(429, 'rate-limited', 'Too many requests', detail),
  unavailable: (detail: string) => new ApiProblem(503, 'unavailable', 'Service unavailable', detail),
};

export const notFoundHandler: RequestHandler = (req, _res, next) => next(problems.notFound(`no route ${req.method} ${req.path}`));

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let problem: ApiProblem;
    if (err instanceof ApiProblem) problem = err;
    else if (err?.type === 'entity.too.large')
      problem = problems.tooLarge(`the body is ${err.length ?? 'more than'} bytes; the limit is ${err.limit} bytes`);
    else if (err?.type === 'entity.parse.failed') problem = problems.badRequest(`the body is not valid JSON: ${err.message}`);
    else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') problem = problems.unsupportedMedia(err.message);
    else {
      log.error({ err: err?.message, stack: err?.stack, method: req.method, path: req.path }, 'unhandled error');
      problem = new ApiProblem(500, 'internal', 'Internal error', 'the server failed to handle the request; it has been logged');
    }
    if (problem.status < 500)
      log.info(
        { status: problem.status, type: problem.type, detail: problem.message, method: req.method, path: req.path },
        'request refused',
      );
    res
      .status(problem.status)
      .type('application/problem+json')
      .json({
        type: `https://airlock.dev/problems/${problem.type}`,
        title: problem.title,
        status: problem.status,
        detail: problem.message,
        instance: req.originalUrl,
        ...problem.extra,
      });
  };
}
