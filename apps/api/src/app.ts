/** The express application: operations endpoints, the OpenAPI document, and /v1 behind API keys and rate limits. */
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { requireApiKey } from './auth.js';
import type { ApiContext } from './context.js';
import { openApiDocument } from './openapi.js';
import { errorHandler, notFoundHandler } from './problem.js';
import { rateLimit } from './rate-limit.js';
import { adminRouter } from './routes/admin.js';
import { analysesRouter } from './routes/analyses.js';
import { inventoriesRouter } from './routes/inventories.js';
import { npmGuardRouter } from './routes/npm-guard.js';
import { pypiGuardRouter } from './routes/pypi-guard.js';
import { keysRouter } from './routes/keys.js';
import { operationsRouter } from './routes/operations.js';
import { reportHtmlRouter } from './routes/report-html.js';
import { settingsRouter } from './routes/settings.js';
import { verdictsRouter } from './routes/verdicts.js';
import { webhooksRouter } from './routes/webhooks.js';

export function createApp(ctx: ApiContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: ctx.log,
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use(operationsRouter(ctx));
  const document = openApiDocument();
  app.get(['/openapi.json', '/v1/openapi.json'], (_req, res) => {
    res.json(document);
  });
  app.use('/v1/admin', adminRouter(ctx));
  // npm sends the .npmrc _authToken as a Bearer token; no per-minute limit: one install makes hundreds of requests.
  app.use('/v1/guard/npm', requireApiKey(ctx.store), npmGuardRouter(ctx, ctx.config.guardPolicy));
  // Before /v1's Bearer check: a browser opens the page with a signed link (or a Bearer key), report-html.ts.
  app.use('/v1/analyses', reportHtmlRouter(ctx));
  // pip sends the key as HTTP basic auth from the index URL (`https://__token__:<key>@host/v1/guard/pypi/simple/`).
  app.use('/v1/guard/pypi', requireApiKey(ctx.store, { basic: true }), pypiGuardRouter(ctx, ctx.config.guardPolicy));
  const v1 = express.Router();
  v1.use(requireApiKey(ctx.store), rateLimit(ctx.store, ctx.config.rateLimitPerMinute));
  v1.use('/analyses', analysesRouter(ctx));
  v1.use('/verdicts', verdictsRouter(ctx));
  v1.use('/inventories', inventoriesRouter(ctx));
  v1.use('/webhooks', webhooksRouter(ctx));
  v1.use('/keys', keysRouter(ctx));
  v1.use('/settings', settingsRouter(ctx));
  app.use('/v1', v1);
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
